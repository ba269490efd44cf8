"""A station's turns: what one screen must show next, and to whom (no screen needed).

At a shared screen the keyboard changes hands once per change of seat; a person who
says "not yet" is not asked again until someone asks for them or the round moves on; a
resumed or late screen reads one story so far, not every card since round 1.
"""

from __future__ import annotations

from exercise import catalog
from exercise.conduct import FACILITATOR, PUBLIC, Conductor, SeatPlan
from exercise.engine import Ballot, CallVote, FireInject, Phase, Vote
from exercise.recap import story_so_far
from exercise.room import Room
from exercise.scenario.loading import load_scenario
from exercise.station import Moment, MomentKind, Station, Turns
from exercise.text import markdown_text


def room_of(name: str, humans: tuple[str, ...], seed: int = 1, **options: object) -> Room:
    scenario = load_scenario(catalog.resolve(name))
    plans = {p.id: SeatPlan(p.id, p.id in humans) for p in scenario.parties}
    return Room(Conductor(scenario, plans, seed), bot_delay=0, timer=False, **options)  # type: ignore[arg-type]


def to_voting(room: Room) -> None:
    """Let the computers move until voting is open (the US proposes in the tutorial)."""
    room.settle()
    room.act(FACILITATOR, CallVote())
    room.settle()
    assert room.conductor.game.phase is Phase.VOTING


def all_talk_read(turns: Turns) -> None:
    """Every person here has read their side talk so far (the computers' offers)."""
    for seat in turns.station.people:
        turns.mark_read(turns.station.view(seat))


def show(turns: Turns, moment: Moment, handovers: list[str]) -> None:
    """What the terminal UI does with a moment: a hand-over when needed, then it is shown."""
    if turns.needs_handover(moment):
        handovers.append(moment.viewer)
        turns.holder = moment.viewer
    turns.done(moment)


def test_a_shared_screen_hands_the_keyboard_over_once_per_change_of_seat() -> None:
    """Hot seat, Ukraine and Russia vote: one hand-over to each, none back to the room;
    Russia's private card and its ballot need one hand-over between them, not two."""
    room = room_of("tutorial", ("ukraine", "russia"))
    station = Station.at_this_screen(room)
    assert station.shared and station.home == PUBLIC and station.runner == FACILITATOR
    turns = Turns(station)
    to_voting(room)
    room.act(FACILITATOR, FireInject("moscow-signal"))  # private to Russia
    handovers: list[str] = []
    seen: list[tuple[MomentKind, str]] = []
    while (moment := turns.next()) is not None and moment.kind is not MomentKind.PROPOSE:
        seen.append((moment.kind, moment.viewer))
        show(turns, moment, handovers)
        if moment.kind is MomentKind.VOTE:
            targets = room.view(moment.viewer).legal.ballot_targets
            room.act(moment.viewer, Vote(moment.viewer, dict.fromkeys(targets, Ballot.ACCEPT)))
            room.settle()
    assert (MomentKind.CARD, "russia") in seen and (MomentKind.VOTE, "ukraine") in seen
    assert handovers.count("russia") == 1 and handovers.count("ukraine") == 1
    assert len(handovers) == 2
    assert PUBLIC not in handovers


def test_not_yet_waits_until_someone_asks_or_the_round_moves_on() -> None:
    """Esc on a hand-over: that person's moments are skipped (others go on); the table
    asks again only when a key asks for them, or in the next phase."""
    room = room_of("tutorial", ("ukraine", "russia"))
    turns = Turns(Station.at_this_screen(room))
    to_voting(room)
    all_talk_read(turns)
    first = turns.next()
    assert first is not None and first.kind is MomentKind.VOTE
    turns.not_yet(first.viewer)
    second = turns.next()
    assert second is not None and second.viewer != first.viewer
    turns.not_yet(second.viewer)
    assert turns.next() is None
    assert turns.next() is None  # asking again would show the same screen at once
    assert set(turns.waiting_for()) == {"ukraine", "russia"}
    turns.ask()  # "h": hand over to whoever is waiting
    again = turns.next()
    assert again is not None and again.viewer == first.viewer


def test_a_solo_player_is_told_once_and_opens_the_dialog_when_they_ask() -> None:
    """Solo: the seat's turn is a prompt, given once per phase; p or v asks for the
    dialog. The solo seat reads its own private cards with no hand-over."""
    room = room_of("tutorial", ("ukraine",), seed=4)
    station = Station.at_this_screen(room)
    assert not station.shared and station.home == "ukraine" and station.runner == "ukraine"
    turns = Turns(station)
    to_voting(room)
    moment = turns.next()
    while moment is not None and moment.kind is MomentKind.CARD:
        assert not turns.needs_handover(moment)
        turns.done(moment)
        moment = turns.next()
    assert moment is not None and moment.kind is MomentKind.PROMPT
    turns.done(moment)
    assert turns.next() is None
    turns.ask()
    asked = turns.next()
    assert asked is not None and asked.kind is MomentKind.VOTE and asked.viewer == "ukraine"


def test_a_hosted_seat_never_runs_the_room() -> None:
    """In hosted play the facilitator runs the room: even the only seat a person plays
    cannot open voting or fire a card, and its station runs nothing."""
    room = room_of("tutorial", ("ukraine",), hosted=True)
    station = Station.for_viewer(room, "ukraine")
    assert station.runner is None and not station.files
    room.settle()
    view = room.view("ukraine")
    assert not view.legal.runs_room and not view.legal.deck and not view.legal.open_voting
    assert Station.for_viewer(room, FACILITATOR).runner == FACILITATOR


def test_a_resumed_screen_reads_one_story_not_every_card() -> None:
    """catch_up counts every card as read; the story so far tells each round, with the
    news this viewer may read and never another seat's private card."""
    room = room_of("buffer-zone-2025", (), seed=3, auto_vote=True)
    room.settle()
    turns = Turns(Station.for_viewer(room, "ukraine"))
    assert turns.catch_up()
    moment = turns.next()
    assert moment is None or moment.kind is not MomentKind.CARD
    view = room.view("ukraine")
    story = story_so_far(view)
    assert "## Round 1" in story and "Adopted:" in story
    for card in view.cards:
        assert markdown_text(card.title) in story
    assert "Ankara remembers" not in story  # Turkey's private card
    assert "Ankara remembers" in story_so_far(room.view("turkey"))


def test_a_shared_screen_hands_side_talk_to_its_reader_before_its_turn() -> None:
    """Issue 13 (hot seat): a message from Ukraine to Russia is a moment of Russia's alone
    (its sender and the public room get none), behind Russia's hand-over, just before
    Russia's own ballot; once read it is not shown again."""
    from exercise.engine import Say

    room = room_of("tutorial", ("ukraine", "russia"))
    turns = Turns(Station.at_this_screen(room))
    to_voting(room)
    all_talk_read(turns)
    turns.holder = "ukraine"
    room.act("ukraine", Say("ukraine", ("russia",), "for Moscow"))
    handovers: list[str] = []
    seen: list[tuple[MomentKind, str]] = []
    while (moment := turns.next()) is not None and moment.kind is not MomentKind.PROPOSE:
        seen.append((moment.kind, moment.viewer))
        show(turns, moment, handovers)
        if moment.kind is MomentKind.VOTE:
            targets = room.view(moment.viewer).legal.ballot_targets
            room.act(moment.viewer, Vote(moment.viewer, dict.fromkeys(targets, Ballot.ACCEPT)))
            if moment.viewer == "russia":
                break
    assert seen == [(MomentKind.VOTE, "ukraine"), (MomentKind.TALK, "russia"),
                    (MomentKind.VOTE, "russia")]
    assert handovers == ["russia"]


def test_not_yet_defers_side_talk_until_someone_asks() -> None:
    """Issue 13 (hot seat): "not yet" at the hand-over for a message waits like any other
    moment; asking again (h) brings it back; an unshared screen never has such a moment
    (its seat's talk is in its own feed)."""
    from exercise.engine import Say

    room = room_of("tutorial", ("ukraine", "russia"))
    room.settle()
    turns = Turns(Station.at_this_screen(room))
    all_talk_read(turns)
    room.act("ukraine", Say("ukraine", ("russia",), "for Moscow"))
    moment = turns.next()
    assert moment == Moment(MomentKind.TALK, "russia") and turns.needs_handover(moment)
    turns.not_yet("russia")
    assert turns.next() is None and turns.waiting_for() == ("russia",)
    turns.ask()
    assert turns.next() == Moment(MomentKind.TALK, "russia")
    solo = room_of("tutorial", ("ukraine",))
    solo.settle()
    solo_turns = Turns(Station.at_this_screen(solo))
    solo.act("ukraine", Say("ukraine", ("russia",), "for Moscow"))
    solo.conductor.push(Say("russia", ("ukraine",), "for Kyiv"), "computer")
    assert solo_turns.next() is None or solo_turns.next().kind is not MomentKind.TALK  # type: ignore[union-attr]
