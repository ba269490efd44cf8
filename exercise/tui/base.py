"""What every app of the exercise shares: literal notices and titles, the palette, the theme.

The terminal UI at one keyboard (:class:`exercise.tui.app.ExerciseApp`) and each screen
of a hosted exercise (:class:`exercise.tui.room_app.RoomApp`) are both this.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from exercise.text import escape_controls, one_line
from exercise.tui.help import shown_bindings

THEMES = ("textual-dark", "textual-light")


class ExerciseBase(App[None]):
    """An app of the exercise."""

    TITLE = "exercise"
    BINDINGS = [Binding("ctrl+t", "toggle_theme", "Light/dark", id="theme", show=False)]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.notices: list[str] = []  # every notice shown, for the record (and for tests)

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """Show a notice as literal text (it may quote a file or a path), and keep it in the
        record."""
        message, title = escape_controls(message), one_line(title)
        self.notices.append(f"{title}: {message}" if title else message)
        kwargs["markup"] = False
        super().notify(message, title=title, **kwargs)

    def _show(self, screen: Screen[None]) -> None:
        """Make ``screen`` the one screen on the stack above the base one."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's title, literal and without control characters (it may be a
        scenario's title)."""
        return super().format_title(one_line(title), one_line(sub_title))

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
