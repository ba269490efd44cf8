"""The Room: who may act, what happens by itself (live and at once), seats changing hands,
the timer, and a log that fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exercise import catalog
from exercise.conduct import FACILITATOR, PUBLIC, Conductor, SeatPlan
from exercise.engine import CallVote, EventKind, Pass, Phase, Player, SeatChanged
from exercise.headless import drive, headless_room, read_moves
from exercise.room import Change, NotYoursError, Room
from exercise.scenario.loading import load_scenario
from exercise.sessions.log import LogWriteError
from exercise.sessions.restore import begin_log, rebuild, resume


class FakeLoop:
    """A scheduler whose time moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0
        self.calls: list[tuple[float, int, Callable[[], Any], list[bool]]] = []
        self.count = 0

    def call_later(self, delay: float, callback: Callable[[], Any]) -> Any:
        cancelled = [False]
        self.count += 1
        self.calls.append((self.now + delay, self.count, callback, cancelled))

        class Handle:
            def cancel(self) -> None:
                cancelled[0] = True

        return Handle()

    def advance(self, seconds: float) -> None:
        until = self.now + seconds
        while True:
            due = sorted(c for c in self.calls if c[0] <= until and not c[3][0])
            if not due:
                break
            call = due[0]
            self.calls.remove(call)
            self.now = call[0]
            call[2]()
        self.now = until


def tutorial(humans: tuple[str, ...] = ("ukraine",), seed: int = 0) -> Conductor:
    scenario = load_scenario(catalog.resolve("tutorial"))
    return Conductor(scenario, {p.id: SeatPlan(p.id, p.id in humans) for p in scenario.parties},
                     seed)


def test_a_seat_acts_only_for_itself() -> None:
    """RoomView.act refuses another seat's move, a computer seat's move and the
    facilitator's moves (which a solo player, who runs the room, may make)."""
    conductor = tutorial(("ukraine", "russia"))
    room = Room(conductor, bot_delay=0)
    room.settle()  # the US proposes first in the tutorial, as the computer
    game = conductor.game
    assert game.phase is Phase.DISCUSSION
    with pytest.raises(NotYoursError, match="only the facilitator"):
        room.act("ukraine", CallVote())
    room.act(FACILITATOR, CallVote())
    with pytest.raises(NotYoursError, match="russia's move"):
        room.act("ukraine", next(iter(game.legal_moves("russia"))))
    with pytest.raises(NotYoursError, match="the computer plays us"):
        room.act("us", next(iter(game.legal_moves("us"))))
    with pytest.raises(NotYoursError, match="only the facilitator"):
        room.act("ukraine", SeatChanged("us", Player.PERSON))
    solo = Room(tutorial(("ukraine",)), bot_delay=0)
    solo.settle()
    solo.act("ukraine", CallVote())  # solo: the player runs the room
    assert solo.conductor.game.phase is Phase.VOTING


def test_live_pacing_shows_the_computer_deciding_then_moves() -> None:
    """Live, a computer seat is 'deciding' for bot_delay seconds, then moves; subscribers
    hear each change; the discussion timer starts when the package is tabled."""
    loop = FakeLoop()
    conductor = tutorial(("ukraine",))
    room = Room(conductor, bot_delay=0.8, clock=lambda: loop.now)
    changes: list[Change] = []
    room.subscribe(changes.append)
    room.start(loop)
    assert room.thinking == "us" and room.view(PUBLIC).thinking == "us"
    assert conductor.game.phase is Phase.PROPOSAL
    loop.advance(0.5)
    assert conductor.game.phase is Phase.PROPOSAL  # still deciding
    loop.advance(0.5)
    assert room.thinking is None
    assert conductor.game.phase is Phase.DISCUSSION
    assert {c.kind for c in changes} >= {"thinking", "move"}
    minutes = conductor.scenario.round_minutes
    assert minutes and room.view("ukraine").timer.text(loop.now) == f"{minutes:02d}:00"
    heard: list[str] = []
    room.subscribe(lambda c: heard.append(c.kind))
    loop.advance(minutes * 60 + 1)
    assert heard.count("time_up") == 1
    assert room.view("ukraine").timer.text(loop.now) == "TIME UP"


def test_pausing_the_timer_holds_its_end() -> None:
    loop = FakeLoop()
    room = Room(tutorial(("ukraine",)), bot_delay=0, clock=lambda: loop.now)
    room.start(loop)
    loop.advance(0)
    assert room.timer.deadline is not None
    room.toggle_timer(FACILITATOR)
    heard: list[str] = []
    room.subscribe(lambda c: heard.append(c.kind))
    loop.advance(10_000)
    assert "time_up" not in heard and "(paused)" in room.view(PUBLIC).timer.text(loop.now)
    room.toggle_timer("ukraine")  # the solo player runs the room
    room.extend_timer(FACILITATOR, 60)
    with pytest.raises(NotYoursError):
        Room(tutorial(("ukraine", "russia"))).toggle_timer("ukraine")


def test_a_subscriber_that_fails_is_dropped_and_the_room_goes_on() -> None:
    room = Room(tutorial(()), bot_delay=0, auto_vote=True)
    heard: list[str] = []

    def broken(change: Change) -> None:
        raise RuntimeError("a seat's screen broke")

    room.subscribe(broken)
    room.subscribe(lambda c: heard.append(c.kind))
    room.settle()
    assert room.conductor.game.is_over and heard


def test_seats_change_hands_logged_and_restored(tmp_path: Path) -> None:
    """A person takes a seat from the computer, the computer takes it back with a persona:
    each is a logged move; the rebuilt session knows who played the seat when."""
    path = catalog.resolve("tutorial")
    conductor = tutorial(("ukraine",))
    log = begin_log(conductor, path, path=tmp_path / "s.jsonl", mode="play")
    room = Room(conductor, bot_delay=0)
    room.change_seat("russia", Player.PERSON)
    assert conductor.seats["russia"].human and "russia" not in conductor.players
    assert room.view(PUBLIC).party("russia").player == "person"
    room.change_seat("russia", Player.COMPUTER, "hardliner")
    assert conductor.players["russia"].persona.name == "hardliner"
    with pytest.raises(Exception, match="no persona 'grumpy'"):
        room.change_seat("russia", Player.COMPUTER, "grumpy")
    with pytest.raises(Exception, match=r"no party 'rusia'.*russia"):
        room.change_seat("rusia", Player.PERSON)
    room.settle()
    log.close()
    restored = rebuild(tmp_path / "s.jsonl")
    seats = [e for e in restored.conductor.game.events if e.kind is EventKind.SEAT_CHANGED]
    assert [(e.data["party"], e.data["player"], e.data.get("persona")) for e in seats] == [
        ("russia", "person", None), ("russia", "computer", "hardliner")]
    assert restored.conductor.seats["russia"] == SeatPlan("russia", False, "hardliner")
    feed = [line.text for line in restored.conductor.feed]
    assert "A person now plays Russia." in feed
    assert "The computer now plays Russia (hardliner)." in feed


def test_a_seat_handed_to_a_person_waits_for_that_person() -> None:
    """Once a person holds a seat, the room waits for them instead of moving for them."""
    room = Room(tutorial(()), bot_delay=0)
    room.change_seat("us", Player.PERSON)
    assert room.step() is None  # the US proposes first: its person is awaited
    assert room.view("us").legal.propose
    room.act("us", Pass("us"))
    assert room.conductor.game.proposer != "us"


def test_headless_seat_moves_in_a_moves_file() -> None:
    """A moves file may hand seats over: `- seat: {party, player, persona}`."""
    scenario = load_scenario(catalog.resolve("tutorial"))
    moves = read_moves("- seat: {party: us, player: person}\n"
                       "- pass: {party: us}\n"
                       "- seat: {party: us, player: computer, persona: cooperative}\n",
                       "moves.yaml")
    room = headless_room(Conductor(scenario, {p.id: SeatPlan(p.id, False)
                                              for p in scenario.parties}, 0))
    assert drive(room, moves) is None
    game = room.conductor.game
    passed = [e for e in game.events if e.kind is EventKind.PASSED]
    assert passed and passed[0].data["party"] == "us"
    assert game.is_over
    with pytest.raises(Exception, match=r"moves.yaml:1:.*player must be one of"):
        read_moves("- seat: {party: us, player: robot}\n", "moves.yaml")
    with pytest.raises(Exception, match=r"unknown persona 'grumpy'"):
        read_moves("- seat: {party: us, player: computer, persona: grumpy}\n", "moves.yaml")


def test_a_failed_log_write_stops_the_room_and_tells_everyone(tmp_path: Path) -> None:
    conductor = tutorial(("ukraine",))
    begin_log(conductor, catalog.resolve("tutorial"), path=tmp_path / "s.jsonl")
    room = Room(conductor, bot_delay=0)
    heard: list[str] = []
    room.subscribe(lambda c: heard.append(c.kind))
    assert conductor.log is not None

    def fail(*args: object, **kwargs: object) -> None:
        raise LogWriteError(tmp_path / "s.jsonl", "No space left on device", 0)

    conductor.log.move = fail  # type: ignore[method-assign]
    with pytest.raises(LogWriteError):
        room.settle()
    assert "stopped" in heard and room.stopped
    assert room.view("ukraine").stopped and not room.view("ukraine").legal.vote
    assert room.step() is None
    with pytest.raises(Exception, match="session has stopped"):
        room.act(FACILITATOR, CallVote())


def test_resume_does_not_begin_a_discussion_twice(tmp_path: Path) -> None:
    """After a resume in discussion, the computer seats do not react again and the timer
    stands paused as the log left it."""
    conductor = tutorial(("ukraine",))
    begin_log(conductor, catalog.resolve("tutorial"), path=tmp_path / "s.jsonl")
    room = Room(conductor, bot_delay=0)
    room.settle()
    assert conductor.game.phase is Phase.DISCUSSION
    assert conductor.log is not None
    conductor.log.close()
    restored = resume(tmp_path / "s.jsonl")
    again = Room(restored.conductor, bot_delay=0)
    again.restore_timer(restored.record.timers)
    reactions = len(restored.conductor.feed)
    assert again.step() is None
    assert len(restored.conductor.feed) == reactions
    assert again.timer.paused_left is not None
    assert restored.conductor.log is not None
    restored.conductor.log.close()


def test_joining_a_computer_seat_claims_it_and_a_dropped_seat_waits_for_a_choice() -> None:
    """Issue 10 item 6: a person joining a seat the computer holds takes it (logged); when
    their connection drops, the seat waits its grace period, then the facilitator's
    dashboard asks for a choice: wait, pause, or hand the seat to the computer."""
    loop = FakeLoop()
    room = Room(tutorial(()), bot_delay=0.5, clock=lambda: loop.now, grace=30)
    room.start(loop)
    room.connected("russia")
    assert room.conductor.seats["russia"].human
    changes = [e for e in room.conductor.game.events if e.kind is EventKind.SEAT_CHANGED]
    assert [e.data["player"] for e in changes] == ["person"]
    heard: list[str] = []
    room.subscribe(lambda c: heard.append(c.kind))
    room.disconnected("russia")
    seats = room.view(FACILITATOR).console.seats  # type: ignore[union-attr]
    russia = next(s for s in seats if s.party == "russia")
    assert russia.vacant_since == loop.now and not russia.needs_choice
    loop.advance(29)
    assert "seat_dropped" not in heard
    loop.advance(2)
    assert heard.count("seat_dropped") == 1
    russia = next(s for s in room.view(FACILITATOR).console.seats  # type: ignore[union-attr]
                  if s.party == "russia")
    assert russia.needs_choice
    room.keep_waiting(FACILITATOR, "russia")
    room.connected("russia")  # back within the wait: no second seat change
    assert len([e for e in room.conductor.game.events
                if e.kind is EventKind.SEAT_CHANGED]) == 1


def test_a_paused_room_waits() -> None:
    """Paused: no computer seat moves, the timer stands, a delegation's move is refused."""
    loop = FakeLoop()
    room = Room(tutorial(("ukraine",)), bot_delay=0.5, clock=lambda: loop.now)
    room.start(loop)
    with pytest.raises(NotYoursError):
        Room(tutorial(("ukraine", "russia"))).pause("ukraine")
    room.pause(FACILITATOR)
    assert room.view(PUBLIC).paused and room.thinking is None
    loop.advance(10)
    assert room.conductor.game.phase is Phase.PROPOSAL  # the US has not moved
    room.pause(FACILITATOR, False)
    loop.advance(1)
    assert room.conductor.game.phase is Phase.DISCUSSION
    room.pause(FACILITATOR)
    assert room.timer.paused_left is not None
    assert not room.view("ukraine").legal.propose
    room.pause(FACILITATOR, False)
    assert room.timer.paused_left is None


def test_interleaved_seats_bots_and_timer_replay_to_the_same_state(tmp_path: Path) -> None:
    """Issue 10 item 9: several people's moves interleaved with the computer seats' paced
    moves and the facilitator's timer, live; the log rebuilds exactly the same game."""
    import random

    from exercise.bots import ComputerPlayer

    scenario = load_scenario(catalog.resolve("buffer-zone-2025"))
    people = ("ukraine", "turkey", "us")
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, p.id in people)
                                     for p in scenario.parties}, 11)
    begin_log(conductor, catalog.resolve("buffer-zone-2025"), path=tmp_path / "s.jsonl")
    loop = FakeLoop()
    room = Room(conductor, bot_delay=0.7, clock=lambda: loop.now)
    room.start(loop)
    stand_ins = {p: ComputerPlayer(conductor.game, p) for p in people}
    pick = random.Random(4)
    for _ in range(2000):
        game = conductor.game
        if game.is_over:
            break
        loop.advance(pick.choice((0.1, 0.3, 0.9)))
        if game.phase is Phase.DISCUSSION:
            action = pick.choice(("extend", "pause", "vote", "wait"))
            if action == "extend":
                room.extend_timer(FACILITATOR, 30)
            elif action == "pause":
                room.toggle_timer(FACILITATOR)
            elif action == "vote":
                room.act(FACILITATOR, CallVote())
            continue
        waiting = [p for p in people if p in game.awaiting()]
        if waiting:
            party = pick.choice(waiting)
            decision = stand_ins[party].decide(game)
            assert decision is not None
            room.act(party, decision.move)
    assert conductor.game.is_over
    assert conductor.log is not None
    conductor.log.close()
    rebuilt = rebuild(tmp_path / "s.jsonl").conductor
    assert rebuilt.game.result() == conductor.game.result()
    assert [e.to_data() for e in rebuilt.game.events] == \
        [e.to_data() for e in conductor.game.events]
    assert [line.text for line in rebuilt.feed] == [line.text for line in conductor.feed]
