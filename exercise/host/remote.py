"""What every app served to a connection must be: nothing in it touches the host.

A seat's app runs in the host's process, so the usual conveniences are dangers there:
the command palette's screenshot writes on the host's disk, "Quit" would be fine but
suspend is not, and an app's crash report is printed on the host's terminal. An app
made for a connection takes :class:`RemoteApp` as its first base class.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

HOST_ONLY = ("screenshot",)  # palette commands that act on the host's machine


class RemoteApp(App[None]):
    """An app whose screen is a remote client's."""

    ENABLE_COMMAND_PALETTE = True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette, without anything that would act on the host."""
        for command in super().get_system_commands(screen):
            if command.title.lower() not in HOST_ONLY:
                yield command

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        """No screenshot is ever saved on the host's disk for a remote client."""
        self.bell()
        return None

    def save_screenshot(self, *args: Any, **kwargs: Any) -> str:
        """Refused: it would write on the host's disk."""
        raise PermissionError("a remote seat cannot save files on the host")

    def action_suspend_process(self) -> None:
        """A remote seat cannot suspend the host."""

    def _print_error_renderables(self) -> None:
        """A crash report is never printed on the host's terminal (the connection is
        told in one line instead, by whoever serves it)."""
        self._exit_renderables.clear()
