"""A Textual driver for a terminal at the other end of a connection (SSH or a browser).

Many apps run in the host's one process, one per connected seat. Each draws through a
:class:`StreamDriver` whose output goes to its connection's ``send`` and whose input is
fed from the connection, parsed as a terminal's keys and mouse. Nothing touches the
host's own terminal: there is no suspend, and :func:`shared_process_streams` keeps apps
from redirecting the process-wide stdout and stderr, which every app shares.

Relies on Textual's private parts (pinned ``textual>=8.2,<9``; guarded by
tests/host/test_driver.py): ``textual._xterm_parser.XTermParser`` (``feed``, ``tick``),
the app's ``_post_message``, and ``textual.app.redirect_stdout/redirect_stderr``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual import events
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.geometry import Size

if TYPE_CHECKING:
    from textual.app import App

MIN_SIZE = (20, 8)
MAX_SIZE = (240, 80)
ESCAPE_DELAY = 0.12  # after input, look again: a lone Escape is a key only once time passes
MAX_INPUT = 64 * 1024  # characters taken from one chunk of input


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size a client asked for, made sane (a hostile or broken client may ask
    for zero, a million, or not a number)."""

    def number(value: object, low: int, high: int, default: int) -> int:
        try:
            n = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError, OverflowError):
            return default
        return min(max(n, low), high)

    return (number(width, MIN_SIZE[0], MAX_SIZE[0], 80),
            number(height, MIN_SIZE[1], MAX_SIZE[1], 24))


class Terminal:
    """One remote terminal, as a transport sees it: bytes out, text and sizes in."""

    def __init__(self, send: Callable[[bytes], None], size: tuple[int, int] = (80, 24),
                 *, on_input: Callable[[], None] | None = None):
        """Args:
        send: writes bytes to the client (may raise OSError once the client is gone).
        size: the client's terminal size (clamped).
        on_input: called on each chunk of input (e.g. to note the seat's last input).
        """
        self._send = send
        self.size = clamp_size(*size)
        self.on_input = on_input
        self.driver: StreamDriver | None = None
        self.gone = False

    def send(self, data: bytes) -> None:
        """Write to the client; a client that has gone is remembered, not an error."""
        if self.gone:
            return
        try:
            self._send(data)
        except (OSError, RuntimeError, ConnectionError):
            self.gone = True

    def feed(self, text: str) -> None:
        """Input from the client: keys, mouse, paste."""
        if self.on_input is not None:
            self.on_input()
        if self.driver is not None:
            self.driver.feed(text[:MAX_INPUT])

    def resize(self, width: object, height: object) -> None:
        """The client's terminal changed size."""
        self.size = clamp_size(width, height)
        if self.driver is not None:
            self.driver.resized()

    def driver_class(self) -> type[Driver]:
        """The driver class an app for this terminal is made with (``App(driver_class=…)``)."""
        terminal = self

        class Bound(StreamDriver):
            def __init__(self, app: App[Any], **kwargs: Any) -> None:
                super().__init__(app, terminal=terminal, **kwargs)

        return Bound


class StreamDriver(Driver):
    """Draws to a :class:`Terminal`'s connection and reads keys from it."""

    def __init__(self, app: App[Any], *, terminal: Terminal, debug: bool = False,
                 mouse: bool = True, size: tuple[int, int] | None = None):
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self.terminal = terminal
        self._parser = XTermParser(debug)
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self._tick: asyncio.TimerHandle | None = None
        self._input = False

    @property
    def can_suspend(self) -> bool:
        """A seat's app cannot suspend the host."""
        return False

    def write(self, data: str) -> None:
        """Send output to the client."""
        self.terminal.send(data.encode("utf-8", "replace"))

    def start_application_mode(self) -> None:
        """The client's screen becomes the app's."""
        self._event_loop = asyncio.get_running_loop()
        self.terminal.driver = self
        self.write("\x1b[?1049h")  # the alternate screen
        self.write("\x1b[?25l")  # no cursor
        if self._mouse:
            self.write("\x1b[?1000h\x1b[?1003h\x1b[?1015h\x1b[?1006h")
        self.write("\x1b[?2004h")  # bracketed paste
        self.write("\x1b[?7l")  # no line wrap
        self._input = True
        self.resized()

    def resized(self) -> None:
        """Tell the app its terminal's size."""
        width, height = self.terminal.size
        size = Size(width, height)
        self._post(events.Resize(size, size))

    def feed(self, text: str) -> None:
        """Parse input into the app's events; look again shortly for a lone Escape."""
        if not self._input:
            return
        try:
            for message in self._parser.feed(text):
                self.process_message(message)
        except Exception:  # a garbled sequence from a client is dropped, not a crash
            self._parser = XTermParser(self._debug)
        if self._event_loop is not None:
            if self._tick is not None:
                self._tick.cancel()
            self._tick = self._event_loop.call_later(ESCAPE_DELAY, self._ticked)

    def _ticked(self) -> None:
        self._tick = None
        if not self._input:
            return
        with contextlib.suppress(Exception):
            for message in self._parser.tick():
                self.process_message(message)

    def _post(self, event: events.Event) -> None:
        if self._event_loop is not None:
            self._event_loop.create_task(self._app._post_message(event))

    def disable_input(self) -> None:
        """No more input reaches the app."""
        self._input = False
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def stop_application_mode(self) -> None:
        """Give the client its own screen back."""
        self.disable_input()
        if self._mouse:
            self.write("\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l")
        self.write("\x1b[?2004l\x1b[?7h\x1b[?25h\x1b[?1049l")
        self.terminal.driver = None


@contextlib.contextmanager
def _no_redirect(_stream: object) -> Iterator[None]:
    yield


@contextlib.contextmanager
def shared_process_streams() -> Iterator[None]:
    """While hosting: keep every app in this process from redirecting stdout and stderr
    (they are the process's, shared by every seat; one app's redirect would capture
    another's output). Put back as it was afterwards."""
    import textual.app

    names = ("redirect_stdout", "redirect_stderr")
    saved = {name: getattr(textual.app, name) for name in names}
    for name in names:
        setattr(textual.app, name, _no_redirect)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(textual.app, name, value)
