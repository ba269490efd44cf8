"""The real seat apps served over the wire (issue 10 item 9).

A live Room of buffer-zone-2025 on this loop, a Host on 127.0.0.1 serving the real
:class:`~exercise.tui.room_app.RoomApp` of each viewer, and clients that are an asyncssh
client with a terminal and an aiohttp websocket speaking textual-serve's page protocol,
each drawing what it receives on a pyte screen (:mod:`tests.host.rooms`). The tests check
what a person at each screen would see: their own briefing, help and Esc, a resize, a
takeover, a wrong code, a crash kept to one seat; that no screen ever shows another seat's
secrets while a game is played through; and that moves made over the wire, by keys, with
the computer seats and the timer going on at once, replay from the session log to the
same exercise.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from textual.app import App
from textual.binding import Binding

from exercise import catalog
from exercise.bots import ComputerPlayer
from exercise.conduct import FACILITATOR, PUBLIC, Conductor, SeatPlan, StepKind
from exercise.engine import Ballot, CallRatification, CallVote, FireInject, Phase, Player, Vote
from exercise.host.codes import new_code
from exercise.host.seats import CRASHED, TAKEN_OVER, AppFactory, SeatSession
from exercise.room import Room
from exercise.scenario.loading import load_scenario
from exercise.scenario.model import Scenario
from exercise.sessions.restore import rebuild
from exercise.station import Station
from exercise.tui.room_app import RoomApp
from exercise.tui.widgets import Feed

from .conftest import WAIT
from .rooms import ENTER, ESC, RIGHT, Client, RoomRig, is_running, serve_room, until

BRIEF_SECRETS = {
    "ukraine": ("real costs at home", "behind the zone are solid", "4 if Sloviansk is struck"),
    "russia": ("privately tolerable", "the worst outcome"),
    "us": ("carry the weight on the ground", "are leverage"),
    "coalition": ("costs you at home", "most exposed deployment"),
    "turkey": ("nothing maritime happens", "cool on arrangements"),
    "neutral": ("between two armies", "eyes in the sky"),
}
"""Short phrases of each delegation's private brief (Ukraine's with how its walk-away
moves: the walk-aways themselves are numbers other seats share)."""

PROJECTOR_NEVER = ("(private", "for you", "You: score", "Your private brief", "walk-away")
"""What the projector shows no trace of: nothing private, no one's score or walk-away."""

VOTING_DIALOG = "votes — secret until every ballot is in"


def words(text: str) -> str:
    """``text`` with every run of spaces and line ends made one space."""
    return " ".join(text.split())


def opening(text: str) -> str:
    """The first words of a card's text (they show only on the card, never in the feed)."""
    return " ".join(text.split()[:5])


def public_text(scenario: Scenario) -> str:
    """Everything the scenario lets everyone read, as one line."""
    parts = [scenario.title, scenario.background, *(o.text for o in scenario.objectives)]
    parts += [p.public_brief for p in scenario.parties]
    for element in scenario.elements:
        parts += [element.title, element.summary, element.source.quote if element.source
                  else ""]
    for inject in scenario.injects:
        if not inject.is_private:
            parts += [inject.title, inject.text, inject.source.quote if inject.source else ""]
    return words(" ".join(parts))


def secrets_hidden_from(viewer: str, scenario: Scenario) -> list[str]:
    """What ``viewer``'s screen must never show while the exercise runs: every other
    delegation's private brief and private value lines, the private news meant for
    others (title and text), and, on the projector, anything private at all."""
    hidden: list[str] = []
    for party in scenario.parties:
        if party.id != viewer:
            hidden += BRIEF_SECRETS[party.id]
            hidden.append(f"(private to {party.name})")
    for inject in scenario.injects:
        if inject.is_private and viewer not in inject.audience:
            hidden += [inject.title, opening(inject.text)]
    if viewer == PUBLIC:
        hidden += PROJECTOR_NEVER
    return hidden


def assert_nothing_secret(clients: Iterable[Client], room: Room) -> None:
    """No client's screen, now or ever (any line it was ever shown, the text it was ever
    sent), holds what its viewer may not see."""
    scenario = room.conductor.scenario
    for client in clients:
        screen = client.view
        if client.viewer == FACILITATOR:
            continue
        received = words(client.received)
        for secret in secrets_hidden_from(client.viewer, scenario):
            assert secret not in screen.flat, (client, secret, screen.text)
            assert not [line for line in screen.ever if secret in line], (client, secret)
            assert secret not in received, (client, secret)


def ever_shown(client: Client, text: str) -> bool:
    """Whether ``text`` was on one line of ``client``'s screen at some moment."""
    return any(text in line for line in client.view.ever)


async def to_the_table(rig: RoomRig, *seats: Client) -> None:
    """Each person leaves the briefing for the table and reads the news waiting there."""
    for seat in seats:
        await seat.shows("Go to the table")
        await seat.press(ENTER)
    for seat in seats:
        await rig.read_cards(seat)
        await seat.shows("Round 1/6")


# --- the screens ---------------------------------------------------------------------------


async def test_each_seat_opens_on_its_own_briefing_with_its_own_private_brief(
        tmp_path: Path) -> None:
    """Two seats' real apps on one loop, Ukraine over SSH and Turkey in a browser: each
    opens on its own briefing (its name in the title, the Situation, Delegations and "Your
    private brief" tabs), and two presses of → show its own private brief and walk-away,
    never the other's."""
    async with serve_room(tmp_path, people={"ukraine", "turkey"}) as rig:
        ukraine = await rig.connect("ukraine", "ssh", width=90, height=30)
        turkey = await rig.connect("turkey", "web", width=90, height=30)
        for seat, name in ((ukraine, "Ukraine"), (turkey, "Turkey")):
            await seat.shows(f"Briefing — ←/→ switch tabs — {name}")
            await seat.shows(lambda text: all(tab in text for tab in (
                "Situation", "Delegations", "Your private brief")), "the three tabs")
            await seat.press(RIGHT)
            await seat.press(RIGHT)
        await ukraine.shows("Your private brief — Ukraine")
        await turkey.shows("Your private brief — Turkey")
        for phrase in BRIEF_SECRETS["ukraine"][:3]:
            await ukraine.shows_flat(phrase)
        await turkey.shows_flat("Your walk-away: 2 — you sign only if your score reaches it")
        for phrase in BRIEF_SECRETS["turkey"]:
            await turkey.shows_flat(phrase)
        assert_nothing_secret([ukraine, turkey], rig.room)


async def test_help_opens_on_a_question_mark_and_a_lone_escape_closes_it(
        tmp_path: Path) -> None:
    """At the real table, over SSH and in a browser: ? opens help over the table and a lone
    Esc (nothing typed after it) closes it; d opens the highlighted element's detail and
    Esc closes that dialog too."""
    async with serve_room(tmp_path, people={"ukraine", "turkey"}) as rig:
        ukraine = await rig.connect("ukraine", "ssh", width=90, height=30)
        turkey = await rig.connect("turkey", "web", width=90, height=30)
        await to_the_table(rig, ukraine, turkey)
        for seat in (ukraine, turkey):
            await seat.press("?")
            await seat.shows("Keys here")
            await seat.press(ESC)
            await seat.hides("Keys here")
            await seat.shows("Round 1/6")
            await seat.press("d")
            await seat.shows("Needs the consent of")
            await seat.press(ESC)
            await seat.hides("Needs the consent of")
        await ukraine.shows("you are UKR")
        await turkey.shows("you are TUR")


async def test_a_resized_window_changes_the_tables_layout(tmp_path: Path) -> None:
    """The table lays itself out for the client's window: at 80 columns it has no Consent
    or Stances column; a browser's resize frame, or an SSH window change, to 200 columns
    (room for them beside whole titles) brings them; back at 80 they go again."""
    async with serve_room(tmp_path, people={"ukraine", "turkey"}) as rig:
        ukraine = await rig.connect("ukraine", "ssh")
        turkey = await rig.connect("turkey", "web")
        await to_the_table(rig, ukraine, turkey)

        def wide(text: str) -> bool:
            return "Consent" in text and "Stances" in text

        for seat in (ukraine, turkey):
            await seat.shows("Rej")
            assert not wide(seat.view.text)
            await seat.resize(200, 30)
            await seat.shows(wide, "the Consent and Stances columns")
            await seat.resize(80, 24)
            await seat.shows(lambda text: "Rej" in text and not wide(text),
                             "the narrow table")


async def test_a_second_screen_for_a_seat_takes_it_and_the_first_is_told_why(
        tmp_path: Path) -> None:
    """Ukraine opens over SSH, then again in a browser: the browser gets Ukraine's briefing,
    the SSH screen is told "This seat was opened on another screen…" and closed, Turkey's
    screen goes on as before, and the room still counts Ukraine as present: no grace
    period runs out and the facilitator is not asked to choose for the seat."""
    async with serve_room(tmp_path, people={"ukraine", "turkey"}, grace=0.3) as rig:
        first = await rig.connect("ukraine", "ssh")
        turkey = await rig.connect("turkey", "web")
        await first.shows("— Ukraine")
        await turkey.shows("— Turkey")
        second = await rig.connect("ukraine", "web")
        await second.shows("— Ukraine")
        await first.closed()
        assert TAKEN_OVER in words(first.received)
        assert "This seat was opened on another screen" in first.view.flat
        await second.press(RIGHT)
        await second.press(RIGHT)
        await second.shows("Your private brief — Ukraine")
        await turkey.press("?")
        await turkey.shows("Keys here")
        await asyncio.sleep(0.6)  # twice the grace period
        presence = rig.room.presence["ukraine"]
        assert presence.connected_since is not None and presence.vacant_since is None
        assert not presence.needs_choice
        assert rig.host.seats.holder("ukraine").transport == "web"


async def test_a_wrong_code_is_refused_on_both_transports(tmp_path: Path) -> None:
    """A code that is no viewer's gets no app and no seat: SSH authentication fails
    (PermissionDenied), the browser's page and websocket get 403, and the room has seen
    nobody arrive."""
    async with serve_room(tmp_path, people={"ukraine"}) as rig:
        taken = {rig.codes.code_for(v) for v in rig.codes.viewers}
        wrong = next(code for code in iter(new_code, None) if code not in taken)
        with pytest.raises(asyncssh.PermissionDenied):
            await rig.ssh(wrong)
        for path in (f"/s/{wrong}", f"/ws/{wrong}"):
            async with asyncio.timeout(WAIT), rig.http.get(rig.base + path) as response:
                assert response.status == 403, path
        assert rig.host.seats.live_count() == 0
        assert rig.room.presence == {}
        assert [p for p, plan in rig.room.conductor.seats.items() if plan.human] == \
            ["ukraine"]


class FragileRoomApp(RoomApp):
    """A seat's real app with one bug: "!" makes it raise (from its key binding)."""

    BINDINGS = [Binding("exclamation_mark", "crash", "Crash", show=False)]

    def action_crash(self) -> None:
        raise RuntimeError("a bug on one seat's screen")


def fragile(viewer: str) -> Callable[[AppFactory, Room], AppFactory]:
    """Wraps the host's app factory: ``viewer``'s screen is a :class:`FragileRoomApp`."""

    def wrap(make: AppFactory, room: Room) -> AppFactory:
        def factory(who: str, session: SeatSession) -> App[Any]:
            if who == viewer:
                return FragileRoomApp(Station.for_viewer(room, who))
            return make(who, session)

        return factory

    return wrap


async def test_a_crash_on_one_seats_screen_closes_that_seat_only(tmp_path: Path) -> None:
    """Turkey's app raises: Turkey's browser is told why in one line (on its screen and as
    the websocket's close message) and closed; Ukraine's SSH screen and the projector
    keep working, the room goes on (voting opens and the screens follow it; the
    facilitator hands Turkey to the computer and the round is voted through), the
    crashed app no longer listens to the room, and Turkey can connect again."""
    async with serve_room(tmp_path, people={"ukraine", "turkey"},
                          wrap=fragile("turkey")) as rig:
        room = rig.room
        ukraine = await rig.connect("ukraine", "ssh", width=90, height=30)
        turkey = await rig.connect("turkey", "web", width=90, height=30)
        projector = await rig.connect(PUBLIC, "web", width=120, height=40)
        await to_the_table(rig, ukraine, turkey)
        await projector.shows("Round 1 of 6")
        await rig.settled()  # the US has tabled; the discussion is on
        assert room.conductor.game.phase is Phase.DISCUSSION
        crashing = rig.host.seats.holder("turkey")
        assert crashing is not None and crashing.app is not None
        its_own = [crashing.app, *crashing.app.screen_stack]

        def its_listeners() -> list[object]:
            return [heard for heard in room._subscribers
                    if any(getattr(heard, "__self__", None) is own for own in its_own)]

        assert its_listeners()  # Turkey's app and its table follow the room
        await turkey.press("!")
        await turkey.closed()
        assert turkey.inner.close_reason == CRASHED.encode()[:123].decode("utf-8", "ignore")
        assert CRASHED in words(turkey.received)
        assert rig.host.seats.holder("turkey") is None
        await ukraine.press("?")
        await ukraine.shows("Keys here")
        await ukraine.press(ESC)
        await ukraine.hides("Keys here")
        room.act(FACILITATOR, CallVote())
        await ukraine.shows("Round 1/6  Voting")
        await projector.shows("Voting: ballots are secret")
        room.change_seat("turkey", Player.COMPUTER, "pragmatist")
        targets = room.view("ukraine").legal.ballot_targets
        room.act("ukraine", Vote("ukraine", dict.fromkeys(targets, Ballot.ACCEPT)))
        await rig.settled()
        assert room.conductor.game.round == 2
        await ukraine.shows("we have not even discussed the details")  # round 2's news
        await rig.read_cards(ukraine)  # each of round 2's cards, as they come
        await ukraine.shows("Round 2/6")
        await projector.shows("Round 2 of 6")
        assert not its_listeners(), "the crashed app still listens to the room"
        again = await rig.connect("turkey", "web")
        await again.shows("The story so far")


# --- secrecy over the wire ---------------------------------------------------------------


async def test_no_screen_ever_shows_another_seats_secrets_over_a_whole_game(
        tmp_path: Path) -> None:
    """Ukraine (SSH), Turkey and the US (browsers) are played by people, the other seats
    by the computer; the projector and the facilitator watch in browsers. A game is played
    through: four rounds of the people's proposals and votes, the computer seats moving by
    themselves, the facilitator opening voting, firing the US's private card "Pentagon
    caution" and at last calling ratification. At every step, once every screen shows the
    room as it now is, no seat's screen has ever shown another delegation's private brief,
    private news or private values (nor has any of it been sent to it), and the projector
    nothing private at all. Each seat did see its own: its brief, its score, its private
    news. The debrief then reveals everything to everyone, by design."""
    people = {"ukraine": "ssh", "turkey": "web", "us": "web"}
    async with serve_room(tmp_path, people=set(people), seed=5) as rig:
        room = rig.room
        game = room.conductor.game
        scenario = room.conductor.scenario
        public = public_text(scenario)
        for party in scenario.parties:  # the phrases are the briefs', and theirs alone
            brief = words(party.private_brief or "")
            assert all(p in brief for p in BRIEF_SECRETS[party.id] if "walk" not in p)
        for viewer in [*people, PUBLIC]:
            for secret in secrets_hidden_from(viewer, scenario):
                assert words(secret) not in public, secret
        # Tall enough that the feed has room below buffer-zone's twenty elements.
        seats = {p: await rig.connect(p, t, width=100, height=48) for p, t in people.items()}
        # Tall enough that the feeds have room below the elements (and the latest news).
        projector = await rig.connect(PUBLIC, "web", width=120, height=50)
        facilitator = await rig.connect(FACILITATOR, "web", width=120, height=50)
        for seat in seats.values():
            await seat.shows("Your private brief")
            await seat.press(RIGHT)
            await seat.press(RIGHT)
            await seat.shows_flat(BRIEF_SECRETS[seat.viewer][0])
            await seat.press(ENTER)
        fired = False
        steps = 0
        while is_running(room):
            await rig.settled()
            await asyncio.gather(*(rig.read_cards(seat) for seat in seats.values()))
            await asyncio.gather(*(rig.caught_up(client) for client in rig.clients))
            assert_nothing_secret(rig.clients, room)
            steps += 1
            step = room.conductor.next_step()
            if game.round > 4:
                room.act(FACILITATOR, CallRatification())
            elif step.kind is StepKind.DISCUSSION:
                if game.round == 2 and not fired:
                    room.act(FACILITATOR, FireInject("pentagon-wary"))
                    fired = True
                else:
                    room.act(FACILITATOR, CallVote())
            elif step.kind is StepKind.HUMAN:
                assert step.party is not None
                decision = ComputerPlayer(game, step.party).decide(game)
                assert decision is not None
                room.act(step.party, decision.move)
        assert fired and steps > 10 and game.round == 5, (fired, steps, game.round)
        # Each seat saw its own secrets: the check above could have failed.
        assert ever_shown(seats["turkey"], "Ankara remembers the grain corridor")
        assert "Ankara remembers the grain corridor" in seats["turkey"].received
        assert ever_shown(seats["us"], "Four options on the President's desk")
        assert ever_shown(seats["us"], "Pentagon caution")
        for party, seat in seats.items():
            assert ever_shown(seat, "You: score"), party
            assert ever_shown(seat, f"(private to {scenario.party(party).name})"), party
        assert ever_shown(facilitator, "(private to Turkey)")
        assert ever_shown(facilitator, "(private to United States)")
        assert ever_shown(projector, "Round 2 of 6")
        for client in rig.clients:
            await client.shows("Ratification and debrief")


# --- moves over the wire, and the log ---------------------------------------------------


def more_than_ten_minutes_left(text: str) -> bool:
    """The status line's discussion timer shows more than the round's ten minutes."""
    found = re.search(r"timer (\d\d):(\d\d)", text)
    return found is not None and int(found[1]) * 60 + int(found[2]) > 600


async def vote_by_keys(rig: RoomRig, seat: Client, choice: str) -> None:
    """The person at ``seat`` presses v, then ``choice`` (a, r or s) on every line of the
    ballot, then c to cast it."""
    await seat.shows("v Vote")
    lines = len(rig.room.view(seat.viewer).legal.ballot_targets)
    await seat.press("v")
    await seat.shows(VOTING_DIALOG)
    await seat.press(choice * lines + "c")
    await seat.hides(VOTING_DIALOG)


async def propose_by_keys(seat: Client) -> None:
    """The person at ``seat`` presses p, selects the first element offered (space) and
    tables it (t)."""
    await seat.shows("p Propose")
    await seat.press("p")
    await seat.shows("proposes — choose")
    await seat.press(" ")
    await seat.shows("Tabling (1 of")
    await seat.press("t")
    await seat.hides("proposes — choose")


async def test_moves_made_by_keys_over_the_wire_replay_to_the_same_exercise(
        tmp_path: Path) -> None:
    """With a session log: Ukraine (SSH) and Turkey (browser) play by keys, voting at the
    same time while the computer seats vote too; Ukraine tables a package by keys in
    round 2; the facilitator extends the discussion timer and opens voting from the
    dashboard (o, in a browser). After two rounds, rebuilding the exercise from the log
    gives the same result and the same feed as the live room."""
    async with serve_room(tmp_path, people={"ukraine", "turkey"}, log=True, seed=11) as rig:
        room = rig.room
        game = room.conductor.game
        ukraine = await rig.connect("ukraine", "ssh", width=100, height=40)
        turkey = await rig.connect("turkey", "web", width=100, height=40)
        facilitator = await rig.connect(FACILITATOR, "web", width=120, height=40)
        await to_the_table(rig, ukraine, turkey)
        for round_no in (1, 2):
            await until(lambda: game.phase is not Phase.PROPOSAL
                        or game.proposer == "ukraine", "the US to table")
            await asyncio.gather(rig.read_cards(ukraine), rig.read_cards(turkey))
            if game.phase is Phase.PROPOSAL:
                await propose_by_keys(ukraine)
            await until(lambda: game.phase is Phase.DISCUSSION, "the discussion")
            await facilitator.shows("o Open voting")
            room.extend_timer(FACILITATOR, 60)
            await facilitator.shows(more_than_ten_minutes_left, "the timer extended")
            await facilitator.press("o")
            await until(lambda: game.phase is Phase.VOTING, "voting")
            await asyncio.gather(vote_by_keys(rig, ukraine, "a"),
                                 vote_by_keys(rig, turkey, "r"))
            await until(lambda r=round_no: game.round > r, "the next round")
        await rig.settled()
        assert game.round == 3
        assert rig.log_path is not None
        rebuilt = rebuild(rig.log_path)
        assert rebuilt.conductor.game.result() == game.result()
        assert rebuilt.conductor.feed == room.conductor.feed
        assert [e.to_data() for e in rebuilt.conductor.game.events] == \
            [e.to_data() for e in game.events]
        by_people = [(m.move.actor, type(m.move).__name__) for m in rebuilt.record.moves
                     if m.by == "human"]
        assert by_people.count(("ukraine", "Vote")) == 2
        assert by_people.count(("turkey", "Vote")) == 2
        assert ("ukraine", "Table") in by_people
        assert [t["action"] for t in rebuilt.record.timers].count("extend") == 2


# --- faults found, and mended ---------------------------------------------------------------


async def test_a_seats_keys_count_as_its_last_input_on_the_facilitators_dashboard(
        tmp_path: Path) -> None:
    """Keys pressed at Ukraine's screen are the seat's last input (room_presence's
    ``touched``), which the facilitator's dashboard shows beside the seat."""
    async with serve_room(tmp_path, people={"ukraine"}) as rig:
        facilitator = await rig.connect(FACILITATOR, "web", width=120, height=30)
        ukraine = await rig.connect("ukraine", "ssh")
        await ukraine.shows("Situation")
        await ukraine.press(RIGHT)
        await ukraine.shows("Your private brief")
        await ukraine.press(RIGHT)
        await ukraine.shows("Your private brief — Ukraine")
        console = rig.room.view(FACILITATOR).console
        assert console is not None
        seat = next(s for s in console.seats if s.party == "ukraine")
        assert seat.last_input is not None
        await facilitator.shows(lambda text: re.search(
            r"Ukraine .*connected \d+(m \d+)?s +\d", text) is not None,
            "Ukraine's last input beside its connection time")


async def test_the_projectors_feed_keeps_its_newest_line_in_view_when_news_arrives() -> None:
    """When round 2 begins with public news ("The coalition of the willing meets"), the
    projector still shows the newest line of its feed (no network needed to see it)."""
    scenario = load_scenario(catalog.resolve("buffer-zone-2025"))
    plans = {p.id: SeatPlan(p.id, p.id == "ukraine") for p in scenario.parties}
    room = Room(Conductor(scenario, plans, 5), bot_delay=0.05, hosted=True)
    room.start(asyncio.get_running_loop())
    app = RoomApp(Station.for_viewer(room, PUBLIC), live_clock=False)
    game = room.conductor.game
    try:
        async with asyncio.timeout(WAIT * 2), app.run_test(size=(120, 40)) as pilot:
            await until(lambda: game.phase is Phase.DISCUSSION, "the US to table")
            room.act(FACILITATOR, CallVote())
            await until(lambda: "ukraine" in game.awaiting(), "Ukraine's turn to vote")
            decision = ComputerPlayer(game, "ukraine").decide(game)
            assert decision is not None
            room.act("ukraine", decision.move)
            await until(lambda: game.round == 2 and game.awaiting() == ("ukraine",),
                        "round 2, Ukraine to propose")
            for _ in range(10):
                await pilot.pause(0.05)
            feed = app.screen.query_one(Feed)
            assert feed.max_scroll_y > 0
            assert feed.scroll_y == feed.max_scroll_y, \
                f"the feed stops {feed.max_scroll_y - feed.scroll_y} lines short of its end"
    finally:
        room.close()
