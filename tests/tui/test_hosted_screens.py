"""The screens of hosted play, without the network: the facilitator's dashboard and the
projector, each a RoomApp bound to one viewer of a live room (issue 10 items 5-7)."""

from __future__ import annotations

import asyncio
from typing import Any

from exercise import catalog
from exercise.conduct import FACILITATOR, PUBLIC, Conductor, SeatPlan
from exercise.engine import CallVote, EventKind, FireInject
from exercise.room import Room
from exercise.scenario.loading import load_scenario
from exercise.station import Station
from exercise.tui.dashboard import DashboardScreen, PersonaPick
from exercise.tui.dialogs import ConfirmDialog, InfoDialog
from exercise.tui.room_app import RoomApp

from .helpers import screen_text, settle


class Controls:
    """The host's side of the dashboard, recorded."""

    def __init__(self) -> None:
        self.codes = {FACILITATOR: "FACL23", PUBLIC: "R00M45", "ukraine": "UKRA67",
                      "turkey": "TURK89"}
        self.renewed: list[str] = []
        self.stopped = False

    def code_for(self, viewer: str) -> str:
        return self.codes.get(viewer, "OTHER2")

    def regenerate(self, viewer: str) -> str:
        self.renewed.append(viewer)
        self.codes[viewer] = "NEW234"
        return "NEW234"

    def join_lines(self) -> list[str]:
        return ["browser: http://192.0.2.7:8000/", "terminal: ssh -p 2222 student@192.0.2.7"]

    def stop(self) -> None:
        self.stopped = True


def hosted_room(people: tuple[str, ...] = ("ukraine", "turkey"), grace: float = 60.0) -> Room:
    scenario = load_scenario(catalog.resolve("buffer-zone-2025"))
    plans = {p.id: SeatPlan(p.id, p.id in people) for p in scenario.parties}
    room = Room(Conductor(scenario, plans, 3), bot_delay=0, hosted=True, grace=grace)
    room.pause(FACILITATOR, True)
    return room


def app_of(room: Room, viewer: str, controls: Any = None) -> RoomApp:
    return RoomApp(Station.for_viewer(room, viewer), controls=controls, live_clock=False,
                   join="http://192.0.2.7:8000/")


async def test_the_dashboard_starts_the_room_and_shows_each_seat():
    """The room starts paused; space starts it; each seat's row says who plays it and
    whether its screen is connected; the join addresses are on the dashboard."""
    room = hosted_room()
    room.start(asyncio.get_running_loop())
    room.connected("ukraine")
    room.connected(PUBLIC)
    app = app_of(room, FACILITATOR, Controls())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        text = screen_text(app)
        assert "PAUSED" in text and "space: start the exercise" in text
        assert "Ukraine" in text and "connected" in text and "Turkey" in text
        assert "not connected" in text  # Turkey's person has not joined yet
        assert "http://192.0.2.7:8000/" in text
        await pilot.press("space")
        await settle(pilot)
        assert not room.paused
        assert "PAUSED" not in screen_text(app)
    room.close()


async def test_a_dropped_seat_waits_then_the_facilitator_hands_it_to_the_computer():
    """A person's screen drops; after the grace period the dashboard flags it; `c` and a
    persona hand the seat to the computer: a logged seat change."""
    room = hosted_room(grace=0.05)
    room.start(asyncio.get_running_loop())
    room.connected("turkey")
    room.disconnected("turkey")
    await asyncio.sleep(0.2)
    app = app_of(room, FACILITATOR, Controls())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Turkey has been away" in text and "DROPPED" in text
        table = app.screen.query_one("#seats")
        table.move_cursor(row=[s.party for s in room.view(FACILITATOR).console.seats]
                          .index("turkey"))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PersonaPick)
        await pilot.press("down", "enter")  # the second persona
        await settle(pilot)
        assert not room.conductor.seats["turkey"].human
        changes = [e.data for e in room.conductor.game.events
                   if e.kind is EventKind.SEAT_CHANGED]
        assert changes[-1]["party"] == "turkey" and changes[-1]["player"] == "computer"
        assert "has been away" not in screen_text(app)
    room.close()


async def test_codes_show_only_on_request_and_a_new_one_drops_its_holder():
    """`k` shows the highlighted seat's code in a card on the dashboard (it is nowhere
    else on screen); `n` asks, then renews it through the host."""
    room = hosted_room()
    controls = Controls()
    app = app_of(room, FACILITATOR, controls)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "UKRA67" not in screen_text(app)
        await pilot.press("k")  # Ukraine is the first row
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog) and "UKRA67" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert controls.renewed == ["ukraine"] and "NEW234" in screen_text(app)
    room.close()


async def test_the_projector_shows_the_public_table_and_never_a_secret():
    """The projector: round, phase and the big clock, the latest public news, the join
    address; never a private inject, a private brief or a seat's values or codes."""
    room = hosted_room()
    room.pause(FACILITATOR, False)
    room.start(asyncio.get_running_loop())
    for _ in range(20):  # the computer proposes; the discussion begins
        await asyncio.sleep(0.01)
    room.act(FACILITATOR, FireInject("pentagon-wary"))  # private to the US
    scenario = room.conductor.scenario
    app = app_of(room, PUBLIC)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Round 1 of 6" in text and "http://192.0.2.7:8000/" in text
        assert "Pentagon caution" not in text
        assert "Ankara remembers" not in text  # Turkey's private card, fired at round 1
        for party in scenario.parties:
            brief = (party.private_brief or "").strip().split("\n")[0][:40]
            assert not brief or brief not in text
        assert "for you" not in text and "score" not in text
        room.act(FACILITATOR, CallVote())
        await settle(pilot)
        assert "Ballots in:" in screen_text(app)
    room.close()


async def test_the_dashboard_shows_every_channel_live_and_closes_one():
    """Issue 13, channels: the hosted facilitator sees every channel of the side talks from
    the dashboard (t), a private one between two seats included, and closes it there (x);
    the room then refuses a message on it."""
    from exercise.engine import IllegalMoveError, Say
    from exercise.tui.channels import ChannelsScreen

    room = hosted_room()
    room.start(asyncio.get_running_loop())
    room.pause(FACILITATOR, False)
    room.connected("ukraine")
    room.connected("turkey")
    app = app_of(room, FACILITATOR, Controls())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(50):
            if room.view("ukraine").legal.talk:
                break
            await asyncio.sleep(0.05)
        room.act("ukraine", Say("ukraine", ("turkey",), "[b]Ankara[/b], a word"))
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ChannelsScreen)
        members = [c.members for c in app.screen.channels]
        assert ("turkey", "ukraine") in members
        await pilot.press(*["down"] * members.index(("turkey", "ukraine")))
        await settle(pilot)
        assert "“[b]Ankara[/b], a word”" in screen_text(app)
        await pilot.press("x")
        await settle(pilot)
        assert ("turkey", "ukraine") in room.conductor.game.session.talks.closed
        try:
            room.act("ukraine", Say("ukraine", ("turkey",), "again"))
        except IllegalMoveError as refused:
            assert "closed" in str(refused)
        else:
            raise AssertionError("a message on a closed channel was taken")
    room.close()
