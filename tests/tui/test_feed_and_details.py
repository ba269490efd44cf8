"""The feed and the element detail read right: a private line says so once, each fact of an
element is its own line, and a tabled element says it is tabled."""

from __future__ import annotations

from textual.app import App, ComposeResult

from exercise.conduct import FACILITATOR, Conductor, SeatPlan
from exercise.engine import FireInject, Phase
from exercise.room import Room
from exercise.scenario.loading import load_scenario
from exercise.tui.dialogs import InfoDialog
from exercise.tui.table import TableScreen
from exercise.tui.widgets import ElementsTable, Feed

from ..conftest import run_cli
from .helpers import bundled_path, make_app, screen_rows, settle


def tutorial_room(seed: int = 1) -> Room:
    """The tutorial, every seat the computer's, nothing played yet."""
    scenario = load_scenario(bundled_path("tutorial"))
    plans = {p.id: SeatPlan(p.id, human=False) for p in scenario.parties}
    return Room(Conductor(scenario, plans, seed), bot_delay=0, auto_vote=True, timer=False)


class FeedApp(App[None]):
    """One feed, nothing else."""

    def compose(self) -> ComposeResult:
        yield Feed()


async def feed_lines(room: Room, viewer: str) -> list[str]:
    """The lines a viewer's feed shows (wide enough that none wraps)."""
    app = FeedApp()
    async with app.run_test(size=(200, 20)) as pilot:
        feed = app.query_one(Feed)
        feed.view = room.view(viewer)
        await pilot.pause()
        return [strip.text.rstrip() for strip in feed.lines]


async def test_a_private_line_says_so_once_in_every_feed():
    """The private card and the walk-away it changes are marked private once, naming who
    they were for, in the facilitator's feed and in the reader's own."""
    room = tutorial_room()
    room.act(FACILITATOR, FireInject("moscow-signal"))
    for viewer in (FACILITATOR, "russia"):
        lines = await feed_lines(room, viewer)
        private = [line for line in lines if "private" in line.lower()]
        assert private == ["(private to Russia) ⚑ NEWS: Private: Moscow signals flexibility "
                           "(played by the facilitator)",
                           "(private to Russia) Russia's walk-away is now 1."], viewer
    assert not [line for line in await feed_lines(room, "ukraine") if "Moscow" in line]


def test_the_headless_narration_says_private_once(tmp_path):
    """`exercise run --verbose` marks the same lines private once, naming who they were for."""
    moves = tmp_path / "moves.yaml"
    moves.write_text("- inject: moscow-signal\n", encoding="utf-8")
    done = run_cli("run", "tutorial", "--bots", "all", "--moves", str(moves), "--verbose",
                   "--no-log")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    talks = ("OFFER", "Offer", "offer", "PROMISE")  # the computer delegations' side talks
    private = [line for line in lines if "private" in line.lower()
               and not any(word in line for word in talks)]
    assert private == ["(private to Russia) NEWS: Private: Moscow signals flexibility "
                       "(played by the facilitator)",
                       "(private to Russia) Russia's walk-away is now 1."]
    talk_lines = [line for line in lines if any(word in line for word in talks)]
    assert talk_lines and all(line.strip().startswith("(private") for line in talk_lines)
    assert all(line.lower().count("(private") == 1 for line in talk_lines)


async def test_the_element_detail_gives_each_fact_its_own_line_and_says_tabled():
    """`d` on a tabled element: its status says tabled (not open), and status, category,
    value and effects are each on a line of their own."""
    app = make_app("tutorial", ["ukraine"], seed=1)  # the US (computer) tables first
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # past the briefing
        await settle(pilot, 5)
        while not isinstance(app.screen, TableScreen):  # the news of round 1
            await pilot.press("enter")
            await settle(pilot)
        screen = app.screen
        assert screen.view.phase is Phase.DISCUSSION
        elements = screen.query_one(ElementsTable)
        row = next(i for i, e in enumerate(screen.view.elements) if e.id == "freeze")
        assert screen.view.elements[row].tabled
        elements.move_cursor(row=row)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog)
        rows = screen_rows(app)
    facts = ["Status: tabled", "Category: ceasefire", "Worth to you: +2", "If adopted:",
             "Each time rejected:"]
    for fact in facts:
        holding = [r for r in rows if fact in r]
        assert len(holding) == 1, (fact, rows)
        others = [f for f in facts if f != fact and f in holding[0]]
        assert not others, holding[0]
    assert not any("Status: open" in r for r in rows)
