"""The terminal UI: the only package that imports Textual.

`exercise` opens the scenario picker; `exercise play SCENARIO` starts at seat
assignment, or with `--seat` at the briefing. The app holds the conductor (the
engine, seats and computer players) and moves between screens; the table screen
runs the exercise.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from exercise.text import escape_controls, one_line
from exercise.tui.help import shown_bindings
from exercise.tui.picker import PickerScreen

# The engine, pydantic and the other screens load after the first frame (see picker.py):
# the first screen must paint about as fast as a bare Textual app.
if TYPE_CHECKING:
    from exercise.conduct import Conductor, SeatPlan
    from exercise.guide import Guide
    from exercise.scenario.model import Scenario
    from exercise.sessions.log import LogWriteError
    from exercise.sessions.restore import Restored

THEMES = ("textual-dark", "textual-light")


class ExerciseApp(App[None]):
    """A negotiation exercise in the terminal."""

    TITLE = "exercise"
    BINDINGS = [Binding("ctrl+t", "toggle_theme", "Light/dark", id="theme", show=False)]

    def __init__(
        self,
        scenario_path: Path | None = None,
        *,
        scenario: Scenario | None = None,
        seats: Iterable[str] | None = None,
        seed: int | None = None,
        bot_delay: float = 0.8,
        clock: Callable[[], float] = time.monotonic,
        live_clock: bool = True,
        theme: str = "textual-dark",
        log_path: Path | None = None,
        keep_log: bool = True,
        restored: Restored | None = None,
        replay: Restored | None = None,
    ):
        """Set up the app.

        Args:
            scenario_path: start at seat assignment for this scenario (None: the picker).
            scenario: the loaded scenario at that path, if already loaded.
            seats: with a scenario, start at the briefing with these seats played by
                people and the rest by the computer.
            seed: the game's seed (default: from the clock, shown at the debrief).
            bot_delay: seconds a computer seat visibly takes to move.
            clock: the timer's clock (tests freeze it).
            live_clock: tick the timer every second (snapshot tests turn it off).
            theme: textual-dark or textual-light.
            log_path: where to write the session log (default: a new file in the data folder).
            keep_log: write a session log at all.
            restored: a session rebuilt from its log, to go on with at the table.
            replay: a session rebuilt from its log, to step through.
        """
        super().__init__()
        self.start_path = scenario_path
        self.start_scenario = scenario
        self.start_seats = list(seats) if seats is not None else None
        self.seed = seed if seed is not None else int(time.time()) % 100_000
        self.bot_delay = bot_delay
        self.clock = clock
        self.live_clock = live_clock
        self.scenario_path: Path | None = None
        self.scenario: Scenario | None = None
        self.conductor: Conductor | None = None
        self.guide: Guide | None = None
        self.notices: list[str] = []  # every notice shown, for the record (and for tests)
        self.log_path = log_path
        self.keep_log = keep_log
        self.restored = restored
        self.replay = replay
        self.log_failure: LogWriteError | None = None  # set when the session had to stop
        self.theme = theme  # before the first screen is styled, so nothing is styled twice

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """Show a notice as literal text (it may quote a file or a path), and keep it in the
        record."""
        message, title = escape_controls(message), one_line(title)
        self.notices.append(f"{title}: {message}" if title else message)
        kwargs["markup"] = False
        super().notify(message, title=title, **kwargs)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's title, literal and without control characters (it may be a
        scenario's title)."""
        return super().format_title(one_line(title), one_line(sub_title))

    def get_default_screen(self) -> Screen[Any]:
        """The picker when no scenario was given: the first frame needs no second screen."""
        if self.start_path is None and self.restored is None and self.replay is None:
            return PickerScreen()
        return super().get_default_screen()

    def on_mount(self) -> None:
        if self.restored is not None:
            self.continue_session(self.restored)
            return
        if self.replay is not None:
            from exercise.tui.replay import ReplayScreen

            self._show(ReplayScreen(self.replay))
            return
        if self.start_path is not None:
            from exercise.bots.personas import persona_for
            from exercise.conduct import SeatPlan
            from exercise.guide import find_guide
            from exercise.scenario.loading import check_file

            scenario = self.start_scenario or check_file(self.start_path).scenario
            if scenario is None:  # the command line validates first; this is a safety net
                self.notify(f"{self.start_path} is not a valid scenario", severity="error")
                self.show_picker()
                return
            if self.start_seats is not None:
                self.scenario_path, self.scenario = self.start_path, scenario
                self.guide = find_guide(self.start_path)
                plans = {p.id: SeatPlan(p.id, p.id in self.start_seats, persona_for(p))
                         for p in scenario.parties}
                self.start_exercise(plans)
            else:
                self.choose_scenario(self.start_path, scenario)

    # --- moving between screens ----------------------------------------------------------

    def _show(self, screen: Screen[None]) -> None:
        """Make ``screen`` the one screen on the stack above the base one."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def show_picker(self) -> None:
        """The scenario picker (it reads the bundled scenarios itself)."""
        if isinstance(self.screen_stack[0], PickerScreen):
            while len(self.screen_stack) > 1:
                self.pop_screen()
        else:
            self._show(PickerScreen())

    def choose_scenario(self, path: Path, scenario: Scenario) -> None:
        """Seat assignment for a scenario."""
        from exercise.guide import find_guide
        from exercise.tui.screens import SeatScreen

        self.scenario_path, self.scenario = path, scenario
        self.guide = find_guide(path)
        self._show(SeatScreen(scenario))

    def start_exercise(self, plans: dict[str, SeatPlan]) -> None:
        """Start the exercise: the briefing first."""
        from exercise.conduct import Conductor
        from exercise.tui.screens import BriefingScreen

        assert self.scenario is not None and self.scenario_path is not None
        self.conductor = Conductor(self.scenario, dict(plans), self.seed)
        if self.keep_log and not self.open_log(self.conductor, self.scenario_path):
            return
        self._show(BriefingScreen(self.conductor))

    def open_log(self, conductor: Conductor, scenario_path: Path) -> bool:
        """Start the session log and say where it is; False if the session had to stop."""
        from exercise.sessions.log import LogWriteError
        from exercise.sessions.restore import begin_log

        try:
            log = begin_log(conductor, scenario_path, path=self.log_path, mode="play")
        except LogWriteError as error:
            self.stop_for_log_failure(error)
            return False
        except OSError as exc:
            self.notify(f"No session log could be written ({exc}); this session will not "
                        "survive a crash.", title="Session log", severity="error", timeout=12)
            return True
        self.notify(f"Session log: {log.path}", title="Recording", timeout=6)
        return True

    def stop_for_log_failure(self, error: LogWriteError) -> None:
        """A session-log write failed: nothing more is written or shown; a screen says why,
        and leaving it ends the app with a non-zero status (see :mod:`exercise.tui.stopped`).
        """
        from exercise.tui.stopped import SessionStopped

        if self.log_failure is not None:
            return
        self.log_failure = error
        conductor = self.conductor
        if conductor is not None and conductor.log is not None:
            log, conductor.log = conductor.log, None  # no later move may reach the log
            with contextlib.suppress(OSError, ValueError):  # the disk may still be full
                log.close()
        self.push_screen(SessionStopped(error))

    def continue_session(self, restored: Restored) -> None:
        """Go on with a session rebuilt from its log, at the table."""
        from exercise.guide import find_guide

        self.conductor = restored.conductor
        self.scenario = restored.conductor.scenario
        self.scenario_path = restored.scenario_path
        self.guide = find_guide(restored.scenario_path)
        game = self.conductor.game
        for warning in restored.warnings:
            self.notify(warning, title="Resumed", severity="warning", timeout=10)
        self.notify(f"Resumed {restored.record.path.name}: round {game.round}, {game.phase}.",
                    title="Resumed", timeout=8)
        self.open_table(resume_timer=restored.record.timers)

    def open_table(self, resume_timer: list[dict[str, Any]] | None = None) -> None:
        """The negotiation table (on a resume, with the timer as the log left it)."""
        from exercise.tui.table import TableScreen

        assert self.conductor is not None
        table = TableScreen(self.conductor, self.clock)
        if resume_timer:
            table.restore_timer(resume_timer)
        self._show(table)

    def show_debrief(self) -> None:
        """Ratification and debrief."""
        from exercise.tui.screens import DebriefScreen

        assert self.conductor is not None
        self._show(DebriefScreen(self.conductor))

    def facilitator_guide(self) -> Guide:
        """The facilitator guide of the scenario being played."""
        from exercise.guide import Guide

        return self.guide if self.guide is not None else Guide(None)

    def show_briefing_card(self, viewer: str) -> None:
        """The briefing again, as a card (the private brief only for the solo seat)."""
        from exercise.tui.dialogs import InfoDialog
        from exercise.tui.screens import briefing_markdown

        assert self.conductor is not None
        seat = viewer if viewer == self.conductor.solo else None
        self.push_screen(InfoDialog(briefing_markdown(self.conductor.scenario, seat)))

    def hand_out_private_briefs(self, conductor: Conductor) -> None:
        """Each human seat, in turn, is handed the keyboard and reads its private brief."""
        from exercise.tui.dialogs import HandOver, InfoDialog
        from exercise.tui.screens import private_markdown

        seats = list(conductor.humans)

        def next_seat(_: object = None) -> None:
            if not seats:
                return
            seat = seats.pop(0)
            name = conductor.scenario.party(seat).name

            def ready(ok: bool | None) -> None:
                if not ok:
                    return
                card = InfoDialog(private_markdown(conductor.scenario, seat),
                                  title=f"{name} only (private)")
                self.push_screen(card, lambda _: self.push_screen(
                    HandOver("the next delegation" if seats else "the room",
                             "Your private brief is hidden again."), next_seat))

            self.push_screen(HandOver(name, "Your private brief is next."), ready)

        next_seat()

    def show_seat_picker(self, conductor: Conductor) -> None:
        """At a shared screen: choose a seat, hand over, show its private view."""
        from exercise.tui.dialogs import HandOver, InfoDialog, SeatPick
        from exercise.tui.screens import seat_markdown

        humans = conductor.humans
        if not humans:
            return

        def show(seat: str) -> None:
            name = conductor.scenario.party(seat).name

            def ready(ok: bool | None) -> None:
                if ok:
                    self.push_screen(InfoDialog(seat_markdown(conductor, seat),
                                                title=f"{name} only (private)"),
                                     lambda _: self.push_screen(
                                         HandOver("the room", "Your private view is hidden "
                                                              "again."), lambda _: None))

            self.push_screen(HandOver(name, "You asked to see your private view."), ready)

        self.push_screen(SeatPick(conductor), lambda seat: show(seat) if seat else None)

    # --- palette and theme ------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The command palette: the current screen's actions, then the usual ones."""
        for active in shown_bindings(screen):
            action, description = active.binding.action, active.binding.description
            key, node = self.get_key_display(active.binding), active.node

            def run(action: str = action, node: object = node) -> None:
                self.call_later(self.run_action, action, node)

            yield SystemCommand(description, f"{description} (key: {key})", run)
        yield SystemCommand("Light or dark theme", "Switch between the light and dark theme",
                            self.action_toggle_theme)
        yield from super().get_system_commands(screen)

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = THEMES[(THEMES.index(self.theme) + 1) % 2] if self.theme in THEMES \
            else THEMES[0]
