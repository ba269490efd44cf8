"""The hand-over at a shared screen, and the story so far on a resume, as people meet them.

One hand-over per change of seat, naming who comes next; none back to the room; "not
yet" really waits; a resumed session opens on one "story so far" card.
"""

from __future__ import annotations

import itertools
from typing import Any

from exercise.engine import Phase
from exercise.sessions.restore import resume
from exercise.tui.app import ExerciseApp
from exercise.tui.channels import PrivateTalk
from exercise.tui.dialogs import HandOver, InfoDialog, ProposalDialog, SignDialog, VoteDialog
from exercise.tui.screens import DebriefScreen
from exercise.tui.table import TableScreen

from .helpers import make_app, screen_text, settle, table


async def test_not_yet_really_waits_until_someone_asks():
    """Esc on a hand-over goes back to the shared table and stays there, the table saying
    who is awaited; `h` hands over again."""
    app = make_app("tutorial", ["ukraine", "russia"], seed=1)  # the US (computer) proposes
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        screen = table(app)
        while app.conductor.game.phase is not Phase.VOTING:
            await pilot.press("escape" if app.screen is not screen else "o")
            await settle(pilot)
        for _ in range(4):  # decline every hand-over
            if app.screen is screen:
                break
            assert isinstance(app.screen, HandOver)
            await pilot.press("escape")
            await settle(pilot)
        for _ in range(5):  # computer seats vote meanwhile: still nobody is asked
            await settle(pilot)
            assert app.screen is screen
        assert "h: hand over" in screen_text(app)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandOver)


async def test_a_hot_seat_game_hands_over_once_per_change_of_seat():
    """A whole hot-seat game: every hand-over names a person (never "the room") and is
    followed at once by that person's private screen; no two hand-overs come in a row."""
    app = make_app("tutorial", ["ukraine", "russia"], seed=2)
    shown: list[tuple[str, str]] = []  # (screen, whose) in the order they came
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        for _ in range(300):
            await settle(pilot)
            screen: Any = app.screen
            if isinstance(screen, DebriefScreen):
                break
            if isinstance(screen, HandOver):
                shown.append(("handover", screen.party_name))
                await pilot.press("enter")
            elif isinstance(screen, ProposalDialog | VoteDialog | SignDialog):
                shown.append(("dialog", app.conductor.scenario.party(screen.party).name))
                if isinstance(screen, ProposalDialog):
                    await pilot.press("x")
                elif isinstance(screen, SignDialog):
                    await pilot.press("y")
                else:
                    await pilot.press(*["a"] * len(screen.targets), "c")
            elif isinstance(screen, PrivateTalk):  # a seat's new side talk: its own
                shown.append(("talk", app.conductor.scenario.party(screen.view.seat).name))
                await pilot.press("enter")
            elif isinstance(screen, TableScreen):
                await pilot.press("o" if screen.view.phase is Phase.DISCUSSION else "h")
            else:
                shown.append(("card", ""))
                await pilot.press("enter")
        else:
            raise AssertionError(f"the game did not end; stuck on {app.screen!r}")
    handovers = [who for kind, who in shown if kind == "handover"]
    assert handovers and "the room" not in handovers
    for (kind, who), (after, whose) in itertools.pairwise(shown):
        if kind == "handover":
            assert after != "handover"
            assert after == "card" or whose == who
    for n, (kind, whose) in enumerate(shown):
        if kind == "talk":  # side talk shows only to the person who has the keyboard
            holder = next(w for k, w in reversed(shown[:n]) if k in ("handover", "dialog",
                                                                    "talk"))
            assert holder == whose
    assert any(kind == "talk" for kind, _ in shown), "the computers' offers were never read"
    dialogs = sum(1 for kind, _ in shown if kind in ("dialog", "talk"))
    assert len(handovers) <= dialogs + sum(1 for kind, _ in shown if kind == "card")


async def test_a_resumed_session_opens_on_one_story_so_far(tmp_path):
    """Resuming a session of several rounds shows one "story so far" card, then the
    table: not every news card since round 1."""
    log = tmp_path / "story.jsonl"
    app = make_app("buffer-zone-2025", ["ukraine"], seed=3, keep_log=True, log_path=log)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        for _ in range(200):
            await settle(pilot)
            game = app.conductor.game
            if game.round >= 3 or game.is_over:
                break
            screen: Any = app.screen
            if isinstance(screen, TableScreen):
                await pilot.press("o" if screen.view.phase is Phase.DISCUSSION
                                  else "v" if screen.check_action("vote", ()) else "p")
            elif isinstance(screen, VoteDialog):
                await pilot.press(*["a"] * len(screen.targets), "c")
            elif isinstance(screen, ProposalDialog):
                await pilot.press("x")
            else:
                await pilot.press("enter")
        cards = len(app.station.view().cards)
    assert cards >= 2
    again = ExerciseApp(restored=resume(log), bot_delay=0.0, live_clock=False,
                        clock=lambda: 0.0)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, InfoDialog)
        text = screen_text(again)
        assert "The story so far" in text and "Round 1" in text
        await pilot.press("enter")
        await settle(pilot, 5)
        assert isinstance(again.screen, TableScreen)  # no news card follows
