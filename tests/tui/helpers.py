"""Helpers for driving the terminal UI in tests: make the app, read the screen, play moves."""

from __future__ import annotations

import html
import re
from typing import Any

from textual.pilot import Pilot

from exercise import catalog
from exercise.engine import Phase
from exercise.scenario.loading import load_scenario
from exercise.tui.app import ExerciseApp
from exercise.tui.dialogs import HandOver, ProposalDialog, SignDialog, VoteDialog
from exercise.tui.screens import DebriefScreen
from exercise.tui.table import TableScreen


def bundled_path(name: str) -> Any:
    """A bundled scenario's path."""
    return {e.name: e.path for e in catalog.bundled()}[name]


def make_app(name: str, seats: list[str] | None, seed: int = 1, **kwargs: Any) -> ExerciseApp:
    """An app on a bundled scenario with frozen time and no computer pauses."""
    path = bundled_path(name)
    options: dict[str, Any] = {"bot_delay": 0.0, "live_clock": False, "clock": lambda: 0.0,
                               "theme": "textual-dark", "keep_log": False}
    options.update(kwargs)
    return ExerciseApp(path, scenario=load_scenario(path), seats=seats, seed=seed, **options)


def screen_text(app: ExerciseApp) -> str:
    """The text on the terminal now (every layer), for asserting what a person sees."""
    svg = app.export_screenshot()
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    text = html.unescape(" ".join(re.sub(r"<[^>]+>", "", p) for p in parts))
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def screen_rows(app: ExerciseApp) -> list[str]:
    """The terminal's rows now, top to bottom, each as one string (to assert what shares a
    line and what does not)."""
    svg = app.export_screenshot()
    rows: dict[int, list[str]] = {}
    for number, part in re.findall(r'<text[^>]*clip-path="url\(#[\w-]*?line-(\d+)\)"[^>]*>'
                                   r"(.*?)</text>", svg, flags=re.S):
        rows.setdefault(int(number), []).append(html.unescape(re.sub(r"<[^>]+>", "", part)))
    return ["".join(parts).replace("\xa0", " ") for _, parts in sorted(rows.items())]


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let workers, timers and callbacks run (the table's flow runs as long as the table:
    it is not waited for)."""
    for _ in range(rounds):
        busy = [w for w in pilot.app.workers if w.group != "flow" and not w.is_finished]
        if busy:
            await pilot.app.workers.wait_for_complete(busy)
        await pilot.pause()


def table(app: ExerciseApp) -> TableScreen:
    """The table screen (under any dialogs)."""
    return next(s for s in app.screen_stack if isinstance(s, TableScreen))


async def play_out(pilot: Pilot[Any], *, vote: str = "a", max_steps: int = 400,
                   propose: str = "x", sign: str = "y") -> None:
    """Play a person's seats to the end with keys only: pass (x) when proposing, vote `vote`
    on every line, sign (y) or refuse (n) when asked, confirm every hand-over and close
    every card."""
    app = pilot.app
    assert isinstance(app, ExerciseApp)
    for _ in range(max_steps):
        await settle(pilot)
        screen = app.screen
        if isinstance(screen, DebriefScreen):
            return
        if isinstance(screen, HandOver):
            await pilot.press("enter")
        elif isinstance(screen, ProposalDialog):
            await pilot.press(propose)
        elif isinstance(screen, VoteDialog):
            for _ in screen.targets:
                await pilot.press(vote)
            await pilot.press("c")
        elif isinstance(screen, SignDialog):
            await pilot.press(sign)
        elif isinstance(screen, TableScreen):
            if screen.view.phase is Phase.DISCUSSION:
                await pilot.press("o")
            elif screen.check_action("vote", ()):
                await pilot.press("v")
            elif screen.check_action("propose", ()):
                await pilot.press("p")
            elif screen.check_action("sign", ()):
                await pilot.press("s")
        else:  # a card or another dialog: close it
            await pilot.press("enter")
    raise AssertionError(f"the game did not end; stuck on {app.screen!r}")
