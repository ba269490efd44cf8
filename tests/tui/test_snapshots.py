"""Snapshot tests of the key screens: fixed size, seed, theme and a frozen clock.

Regenerate after an intended change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the report before committing.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from exercise.tui.app import ExerciseApp
from exercise.tui.dialogs import ProposalDialog, VoteDialog
from exercise.tui.table import TableScreen

from .helpers import make_app, settle


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Variables that would change the output are unset."""
    for name in ("NO_COLOR", "TEXTUAL_THEME", "FORCE_COLOR", "COLORTERM"):
        monkeypatch.delenv(name, raising=False)



def keys(*presses: str, quiet: bool = False) -> Any:
    """A run_before that presses keys, letting the app settle after each; ``quiet``: the
    toasts (which fade on their own clock) are left out of the picture."""

    async def run(pilot: Pilot[Any]) -> None:
        # A tab's underline slides: a snapshot taken mid-slide differs from run to run.
        pilot.app.animation_level = "none"
        if quiet:
            pilot.app.notify = lambda *args, **kwargs: None  # type: ignore[method-assign]
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)

    return run


def picker() -> ExerciseApp:
    """The app with no scenario: the picker."""
    return ExerciseApp(bot_delay=0.0, live_clock=False, clock=lambda: 0.0, seed=1, keep_log=False)


def test_picker(snap_compare):
    """The scenario picker."""
    assert snap_compare(picker(), terminal_size=(100, 30), run_before=keys())


def test_seat_assignment(snap_compare):
    """Seat assignment after 'solo as' the second delegation."""
    assert snap_compare(picker(), terminal_size=(100, 30), run_before=keys("enter", "down", "s"))


def test_briefing_private_tab(snap_compare):
    """The briefing's private tab for a solo seat."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys("right", "right"))


def test_table_80x24(snap_compare):
    """The table at 80×24, solo, during a discussion."""
    app = make_app("buffer-zone-2025", ["ukraine"], seed=1)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("enter"))


def test_table_160x50(snap_compare):
    """The table at 160×50, with every column."""
    app = make_app("buffer-zone-2025", ["ukraine"], seed=1)
    assert snap_compare(app, terminal_size=(160, 50), run_before=keys("enter"))


def test_table_light_theme(snap_compare):
    """The table in the light theme."""
    app = make_app("berlin-2025", ["russia"], seed=2, theme="textual-light")
    assert snap_compare(app, terminal_size=(120, 36), run_before=keys("enter"))


def test_proposal_dialog(snap_compare):
    """The proposal dialog: legal elements to choose, the others with the reason."""
    app = make_app("tutorial", ["us"], seed=5)
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys("enter", "p", "space"))


def test_vote_dialog(snap_compare):
    """The secret ballot."""
    app = make_app("tutorial", ["ukraine"], seed=3)
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys("enter", "o", "v", "a"))


def test_sign_dialog(snap_compare):
    """Ratification by choice: the deal, its worth against the walk-away, sign or refuse."""
    from exercise.tui.dialogs import SignDialog

    async def run(pilot: Pilot[Any]) -> None:
        pilot.app.animation_level = "none"
        # The turns' toasts, quickly stacked by this fast player, fade on their own clock:
        # not part of the picture.
        pilot.app.notify = lambda *args, **kwargs: None  # type: ignore[method-assign]
        await settle(pilot)
        await pilot.press("enter")
        for _ in range(200):  # vote yes on everything and pass, until the seat may sign
            await settle(pilot)
            screen: Any = pilot.app.screen
            if isinstance(screen, SignDialog):
                return
            if isinstance(screen, TableScreen):
                for action, key in (("sign", "s"), ("vote", "v"), ("propose", "p"),
                                    ("open_voting", "o")):
                    if screen.check_action(action, ()):
                        await pilot.press(key)
                        break
            elif isinstance(screen, VoteDialog):
                await pilot.press(*["a"] * len(screen.targets), "c")
            elif isinstance(screen, ProposalDialog):
                await pilot.press("x")
            else:
                await pilot.press("enter")
        raise AssertionError("the seat was never asked to sign")

    app = make_app("tutorial", ["ukraine"], seed=3)
    assert snap_compare(app, terminal_size=(100, 30), run_before=run)


def test_talk_dialog_offer(snap_compare):
    """The talk dialog's offer tab: Ukraine will accept one element if Russia tables
    another, open until round 3; each element's worth to Ukraine beside it."""
    app = make_app("berlin-2025", ["ukraine"], seed=1)
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys(
        "enter", "t", "ctrl+o", "g", "down", "w", "w", "tab", "enter", "down", "down",
        "enter", "tab", "down", "space", quiet=True))


def test_answer_dialog(snap_compare):
    """A computer delegation's offer to a person: who, until when, both sides' promises
    and each element's worth to the person's seat."""
    app = make_app("tutorial", ["ukraine"], seed=1)  # two offers wait: the first is picked
    assert snap_compare(app, terminal_size=(100, 30),
                        run_before=keys("enter", "a", "enter", quiet=True))


def test_which_offer(snap_compare):
    """Two computer offers wait for a person: `a` lists them, each in words, to pick one."""
    app = make_app("tutorial", ["ukraine"], seed=1)
    assert snap_compare(app, terminal_size=(100, 30),
                        run_before=keys("enter", "a", quiet=True))


def test_facilitator_console(snap_compare):
    """The facilitator's console: the deck, the timer, the notes."""
    app = make_app("sketch-2024", ["ukraine"], seed=1)  # round 1 opens with a news card
    assert snap_compare(app, terminal_size=(120, 36), run_before=keys("enter", "enter", "f"))


def test_debrief(snap_compare, monkeypatch):
    """The ratification and debrief screen, after the facilitator calls ratification."""
    from exercise.sessions import log as session_log

    monkeypatch.setattr(session_log, "now", lambda: "2026-01-01T10:00:00.000+00:00")
    app = make_app("tutorial", ["ukraine"], seed=2)
    assert snap_compare(app, terminal_size=(100, 30),
                        run_before=keys("enter", "f", "r", "y"))


def test_channel_view(snap_compare):
    """The side talks channel by channel (c), as a solo Ukraine sees them: the room and its
    own channels, the highlighted one's thread with the newest line last, literal text."""
    from exercise.engine import Say

    async def run(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        app.animation_level = "none"
        app.notify = lambda *args, **kwargs: None  # toasts fade on their own clock
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, 5)
        app.room.act("ukraine", Say("ukraine", "all", "Good morning, everyone."))
        app.room.act("ukraine", Say("ukraine", ("russia",), "[bold]x[/] [@click=app.quit]y"))
        app.room.act("ukraine", Say("ukraine", ("russia",), "Can we talk about the line?"))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    app = make_app("tutorial", ["ukraine"], seed=1)
    assert snap_compare(app, terminal_size=(100, 30), run_before=run)
