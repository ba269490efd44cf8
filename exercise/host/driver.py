"""One in-process Textual app per connection: the terminal it draws on and the driver.

The host runs every seat's app on its own asyncio loop. Textual's own drivers own the
process's terminal (stdin, stdout, signals); a seat's app must own nothing but its
connection. So each connection gets a :class:`SeatTerminal`, which the transport (SSH or
websocket) feeds with the client's keys and sizes, and which sends the app's output to a
:class:`Link`, the transport's byte sink. :class:`SeatDriver` is the small Textual driver
that binds one app to one terminal.

What a seat's app may not do is decided here too, for any app the host runs
(:func:`prepare_seat_app`): it cannot suspend the process, open a browser or save a file
on the host (Textual's ``deliver_binary`` and ``open_url`` are refused), its command
palette offers only the commands of :data:`SEAT_COMMANDS` (no screenshot written to the
host's disk), devtools are off, and it never prints on the host's terminal: Textual's
error console is silenced (the host logs a crash itself) and Textual's swapping of
``sys.stdout``/``sys.stderr`` is switched off, because those streams belong to the whole
process and N apps swapping them in turn would leave them pointing anywhere. Nor can it
send its client a control character it did not mean (:func:`without_stray_controls`):
Textual draws a text field's value as typed, so a student who pastes a C1 CSI (U+009B)
into a message would otherwise send an escape sequence to their own terminal.

Input keeps its order in effect, not only in arrival: a network delivers keys in bursts,
and Textual gives each key to whatever has the focus when it arrives, so the terminal hands
the app one key at a time, each once the app has done with the one before
(:meth:`SeatTerminal._deliver`).

Frames are capped per client. Textual repaints at most ``TEXTUAL_FPS`` (60) times a
second and sends only what changed; a client that cannot keep up (a slow laptop, a weak
Wi-Fi link) would otherwise make the host hold an ever longer queue of stale frames. Once
more than :data:`HIGH_WATER` bytes wait unsent, frames are dropped, not queued; when the
transport has sent all but :data:`LOW_WATER` of them, the terminal modes are set again and
the app repaints the whole screen, so the client skips to the present.

Textual parts this relies on that are not public API (tests/host/test_private_parts.py
guards them): ``textual._xterm_parser.XTermParser`` (``feed``, ``tick``), the module
attributes ``textual.app.redirect_stdout``/``redirect_stderr``, ``App._exception`` (read
by :mod:`exercise.host.seats`), ``App._devtools_redirector``, Rich's
``Console._color_system`` and the cache on ``XTermParser._parse_extended_key``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import logging
import re
from codecs import getincrementaldecoder
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal, Protocol, TextIO, cast

import textual.app
from rich.console import ColorSystem, Console
from textual import events
from textual._xterm_parser import XTermParser
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.geometry import Size
from textual.message import Message
from textual.messages import InBandWindowResize
from textual.screen import Screen

MAX_SIZE = (240, 80)
"""The largest terminal a client may claim (columns, rows): bigger is clamped."""
MIN_SIZE = (20, 6)
"""The smallest terminal we draw on; smaller claims are raised to it."""
DEFAULT_SIZE = (80, 24)

ESCAPE_TICK = 0.12
"""Seconds after input before the parser is asked whether a lone Escape is complete.
Textual waits ``ESCDELAY`` (0.1 s) for the rest of an escape sequence; its own drivers
poll the parser, this one schedules one tick after each input."""

HIGH_WATER = 256 * 1024
"""Bytes a client may have waiting unsent before its frames are dropped."""
LOW_WATER = 32 * 1024
"""Once the wait is this small again, the client gets a whole fresh screen."""

SEAT_COMMANDS = frozenset({"Theme", "Keys", "Maximize", "Minimize", "Quit"})
"""The command palette's system commands a seat's app keeps. An allow list: anything
Textual adds later (its "Screenshot" saves on the host's disk) stays out until chosen."""

Colors = Literal["truecolor", "256"]

log = logging.getLogger(__name__)

# Modes a seat's terminal is put in, and taken out of: the alternate screen, no cursor,
# mouse reports (press, motion, SGR coordinates), bracketed paste, focus reports. The
# synchronized-output query lets Textual wrap frames when the client understands them.
_MODES_ON = ("\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1003h\x1b[?1015h\x1b[?1006h"
             "\x1b[?2004h\x1b[?1004h")
_SYNC_QUERY = "\x1b[?2026$p"
_MODES_OFF = ("\x1b[?1004l\x1b[?2004l\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1000l"
              "\x1b[?25h\x1b[?1049l")


# Control characters a seat's app never means to send: every C0 control but the ones
# Textual's own output uses (backspace, tab, line feed, carriage return, BEL ending an OSC,
# ESC opening a sequence), DEL, and every C1 control. A C1 CSI (U+009B) is a whole escape
# sequence's opener in terminals that honour C1 (xterm.js, pyte), and a student can paste
# one into a text field, whose text Textual draws as it is.
_STRAY_CONTROLS = re.compile("[\x00-\x06\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]")


def without_stray_controls(text: str) -> str:
    """``text`` (what the app writes) without :data:`_STRAY_CONTROLS`: dropped, not shown,
    because Textual laid the line out with them taking no cell."""
    return _STRAY_CONTROLS.sub("", text)


# What a person at the client does (a terminal's replies to queries are not that).
_PERSON_INPUT = (events.Key, events.Paste, events.MouseDown)


class Link(Protocol):
    """The transport's side of a terminal: where the app's bytes go."""

    def send(self, data: bytes) -> None:
        """Queue ``data`` for the client without blocking; raise OSError when it is gone."""

    def backlog(self) -> int:
        """Bytes accepted by :meth:`send` and not yet handed to the network."""


INBOX_LIMIT = 4096
"""Parsed input a client may have waiting for its app; more is dropped (a flood of keys
must not grow the host's memory without bound)."""
SETTLE_LIMIT = 0.25
"""Seconds input waits, at most, for the app to finish with the key before it (a busy
app must not hold a seat's typing back for long)."""


async def _settled(app: App[Any]) -> None:
    """Wait (at most :data:`SETTLE_LIMIT`) until no message waits in the app, its screen or
    any widget on it, twice running: what the last key set off (a focus moving on, a box
    ticked by a message a list sends itself) has happened."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_LIMIT
    quiet = 0
    while quiet < 2 and loop.time() < deadline:
        await asyncio.sleep(0)
        try:
            pumps = [app, *app.screen.walk_children(with_self=True)]
        except Exception:  # no screen (the app is starting or closing): nothing to wait for
            return
        quiet = quiet + 1 if all(p.message_queue_size == 0 for p in pumps) else 0


def clamp_size(width: int, height: int) -> tuple[int, int]:
    """A client's claimed size, within :data:`MIN_SIZE` and :data:`MAX_SIZE`."""
    return (min(max(width, MIN_SIZE[0]), MAX_SIZE[0]),
            min(max(height, MIN_SIZE[1]), MAX_SIZE[1]))


class SeatTerminal:
    """The terminal of one connection: keys and sizes in, the app's frames out.

    The transport creates it, feeds it (:meth:`feed`, :meth:`resize`, :meth:`focus`,
    :meth:`drained`) and ends it (:meth:`restore`); the app reaches it through
    :attr:`driver_class`. Everything runs on the host's loop.
    """

    def __init__(self, link: Link, size: tuple[int, int] = DEFAULT_SIZE, *,
                 colors: Colors = "truecolor", on_input: Callable[[], None] | None = None
                 ) -> None:
        """Draw on ``link``, starting at ``size`` (clamped).

        Args:
            link: where the app's bytes go.
            size: the client's terminal size (columns, rows).
            colors: what the client's terminal can show; a browser shows true colour.
            on_input: called on each key, paste or click from the client (for "last
                input" figures; the terminal's own replies do not count).
        """
        self._link = link
        self.size = clamp_size(*size)
        self.colors: Colors = colors
        self._on_input = on_input
        self._driver: SeatDriver | None = None
        self._parser = XTermParser()
        self._decode = getincrementaldecoder("utf-8")(errors="replace").decode
        self._tick_handle: asyncio.TimerHandle | None = None
        self._inbox: deque[Message] = deque()  # parsed input the app has yet to be given
        self._delivery: asyncio.Future[None] | None = None
        self._input_open = False
        self._pending: list[str] = []
        self._flush_scheduled = False
        self._stale = False
        self._modes_on = False
        self._gone = False
        self.frames_dropped = 0
        """How many frames were dropped because the client could not keep up."""
        self.first_frame = asyncio.Event()
        """Set once the app has drawn its first screen (the start-up is over)."""

    @property
    def driver_class(self) -> type[Driver]:
        """What to give the app as its ``driver_class``: a driver bound to this terminal."""
        # Textual types ``driver_class`` as a class but only ever calls it.
        return cast("type[Driver]", functools.partial(SeatDriver, terminal=self))

    @property
    def gone(self) -> bool:
        """Whether the link refused a write (the client has gone)."""
        return self._gone

    # -- from the transport -------------------------------------------------------------

    def feed(self, data: bytes | str) -> None:
        """Input from the client: bytes from SSH, text from the browser."""
        text = self._decode(data) if isinstance(data, bytes) else data
        if not text or self._driver is None or not self._input_open:
            return
        self._parsed(self._parser.feed, text)
        if self._tick_handle is not None:
            self._tick_handle.cancel()
        self._tick_handle = asyncio.get_running_loop().call_later(ESCAPE_TICK, self._tick)

    def _tick(self) -> None:
        """Let the parser finish a lone Escape (or any sequence that stopped short)."""
        self._tick_handle = None
        if self._driver is not None and self._input_open:
            self._parsed(lambda _: self._parser.tick(), "")

    def _parsed(self, parse: Callable[[str], Iterable[Message]], text: str) -> None:
        """Queue what the parser makes of ``text`` for the app, the client's input being
        untrusted: a size it reports in band is clamped like any other, and input the
        parser chokes on is dropped rather than allowed to end the connection."""
        try:
            for message in parse(text):
                if self._driver is None or not self._input_open:
                    return
                if isinstance(message, events.Resize):
                    self.resize(message.size.width, message.size.height)
                elif not isinstance(message, InBandWindowResize):  # we never enable it
                    if self._on_input is not None and isinstance(message, _PERSON_INPUT):
                        self._on_input()  # typed now, whenever the app gets to it
                    if len(self._inbox) < INBOX_LIMIT:
                        self._inbox.append(message)
        except Exception:  # hostile input must not end the seat
            log.debug("input the terminal parser could not take was dropped", exc_info=True)
        if self._inbox and self._delivery is None:
            self._delivery = asyncio.ensure_future(self._deliver())

    async def _deliver(self) -> None:
        """Hand the queued input to the app in order, each key (or paste, or click) only
        once the app has done with the one before.

        A network delivers keys in bursts (a slow link, Wi-Fi catching up), and Textual
        hands each key to the widget that has the focus when the key reaches the app: a
        Tab and the letters typed after it, arriving together, would send the letters to
        the widget the Tab leaves, and a ctrl+o right behind a space would make an offer
        without the box the space ticks. A person at a local keyboard is never that fast.
        """
        try:
            while self._inbox:
                driver = self._driver
                if driver is None or not self._input_open:
                    self._inbox.clear()
                    return
                message = self._inbox.popleft()
                driver.process_message(message)
                if isinstance(message, _PERSON_INPUT) and self._inbox:
                    await _settled(driver.app)
        finally:
            self._delivery = None

    def resize(self, width: int, height: int) -> None:
        """The client's terminal changed size (clamped to sane bounds)."""
        self.size = clamp_size(width, height)
        driver = self._driver
        if driver is not None and self._input_open:
            driver.resized(self.size)

    def focus(self, focused: bool) -> None:
        """The client's window gained or lost focus (the browser says so)."""
        driver = self._driver
        if driver is not None and self._input_open:
            driver.send_message(events.AppFocus() if focused else events.AppBlur())

    def drained(self) -> None:
        """The transport's backlog shrank: resume a client whose frames were dropped."""
        if not self._stale or self._link.backlog() > LOW_WATER:
            return
        self._stale = False
        driver = self._driver
        if driver is None or not self._modes_on:
            return
        self._send((_MODES_ON).encode())
        app = driver.app
        if app.is_running:
            app.refresh()  # the whole screen: the client missed some changes

    def restore(self) -> None:
        """Take the client's terminal out of the app's modes (once), and stop drawing."""
        self._input_open = False
        self._inbox.clear()
        if self._delivery is not None:
            self._delivery.cancel()
        if self._tick_handle is not None:
            self._tick_handle.cancel()
            self._tick_handle = None
        self._pending.clear()
        if self._modes_on:
            self._modes_on = False
            self._send(_MODES_OFF.encode())
        self._driver = None
        # Textual caches parsed key sequences in an lru_cache on the parser's method, keyed
        # by the parser itself: without this, every closed seat's app stays in memory.
        XTermParser._parse_extended_key.cache_clear()

    def write_line(self, line: str) -> None:
        """Write ``line`` on the client's own screen (after :meth:`restore`)."""
        self._send(f"\r\n{line}\r\n".encode("utf-8", "replace"))

    # -- from the driver ----------------------------------------------------------------

    def _attach(self, driver: SeatDriver) -> None:
        self._driver = driver

    def _start(self) -> None:
        self._input_open = True
        self._modes_on = True
        self._output(_MODES_ON + _SYNC_QUERY)
        self._flush(frame=False)

    def _output(self, text: str) -> None:
        if self._driver is None:
            return
        # The last line of defence: whatever reached the screen unescaped (a pasted control
        # character in a text field) does not reach the client's terminal.
        self._pending.append(without_stray_controls(text))
        if not self._flush_scheduled:
            # A write Textual does not follow with a flush (a bell) still goes out.
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self, *, frame: bool = False) -> None:
        """Send what was written since the last flush; ``frame`` when Textual flushes
        after drawing (the first such is the end of the app's start-up)."""
        self._flush_scheduled = False
        if frame:
            self.first_frame.set()
        if not self._pending:
            return
        data = "".join(self._pending).encode("utf-8", "replace")
        self._pending.clear()
        if not self._stale and self._link.backlog() > HIGH_WATER:
            self._stale = True
        if self._stale:
            self.frames_dropped += 1
        else:
            self._send(data)

    def _send(self, data: bytes) -> None:
        if self._gone:
            return
        try:
            self._link.send(data)
        except OSError:
            self._gone = True  # the client is gone; the transport notices and ends it


class SeatDriver(Driver):
    """A Textual driver whose terminal is a :class:`SeatTerminal`, not the process's."""

    def __init__(self, app: App[Any], *, terminal: SeatTerminal, debug: bool = False,
                 mouse: bool = True, size: tuple[int, int] | None = None) -> None:
        """Bind ``app`` to ``terminal`` (Textual passes the other arguments; ``size`` is
        the terminal's own)."""
        super().__init__(app, debug=debug, mouse=mouse, size=terminal.size)
        self._terminal = terminal
        terminal._attach(self)

    @property
    def app(self) -> App[Any]:
        """The app this driver draws."""
        return self._app

    def write(self, data: str) -> None:
        """Queue output for the client."""
        self._terminal._output(data)

    def flush(self) -> None:
        """Send what Textual wrote since the last flush, as one frame."""
        self._terminal._flush(frame=True)

    def start_application_mode(self) -> None:
        """Put the client's terminal in the app's modes and tell the app its size."""
        self._terminal._start()
        self.resized(self._terminal.size)

    def resized(self, size: tuple[int, int]) -> None:
        """Tell the app its terminal is now ``size``."""
        self._size = size
        textual_size = Size(*size)
        self.send_message(events.Resize(textual_size, textual_size))

    def disable_input(self) -> None:
        """Stop passing the client's input to the app (it is shutting down)."""
        self._terminal._input_open = False

    def stop_application_mode(self) -> None:
        """Take the client's terminal out of the app's modes."""
        self._terminal.restore()

    def send_message(self, message: Message) -> None:
        """Post ``message`` to the app: we are on its loop already, no thread hop."""
        self._app.post_message(message)

    def open_url(self, url: str, new_tab: bool = True) -> None:
        """Refused: a browser would open on the host, not on the student's screen."""

    def deliver_binary(self, binary: BinaryIO | TextIO, *, delivery_key: str,
                       save_path: Path, open_method: Literal["browser", "download"] = "download",
                       encoding: str | None = None, mime_type: str | None = None,
                       name: str | None = None) -> None:
        """Refused: a delivery (a screenshot, an export) would be saved on the host."""
        binary.close()
        refusal = PermissionError("a seat's screen cannot save files on the host")
        self._app.post_message(events.DeliveryFailed(key=delivery_key, exception=refusal,
                                                     name=name))


class _Discard(io.StringIO):
    """A text stream that keeps nothing (a seat's app has no console on the host)."""

    def write(self, text: str) -> int:
        """Drop ``text``."""
        return len(text)


@contextlib.contextmanager
def _streams_untouched(_stream: object) -> Iterator[None]:
    """Stands in for ``contextlib.redirect_stdout`` inside Textual: changes nothing."""
    yield


def share_process_streams() -> None:
    """Stop Textual from swapping ``sys.stdout``/``sys.stderr`` while an app runs.

    Process-wide and idempotent: with many apps on one loop, each would swap the streams
    on start and put back whatever it found on exit, and they interleave. The host's own
    terminal app runs fine with the streams left alone (nothing in it prints).
    """
    setattr(textual.app, "redirect_stdout", _streams_untouched)  # noqa: B010
    setattr(textual.app, "redirect_stderr", _streams_untouched)  # noqa: B010


def seat_system_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """The system commands a seat's app may offer: those titled in :data:`SEAT_COMMANDS`."""
    return (command for command in commands if command.title in SEAT_COMMANDS)


def prepare_seat_app(app: App[Any], terminal: SeatTerminal) -> None:
    """Make ``app`` a seat's app: drawn on ``terminal``, unable to touch the host.

    Call it after constructing the app and before running it.
    """
    share_process_streams()
    app.driver_class = terminal.driver_class
    app.features = frozenset(app.features - {"devtools", "debug"})
    app.devtools = None
    app._devtools_redirector = None
    app.error_console = Console(file=_Discard(), markup=False, highlight=False)
    app.console._color_system = (ColorSystem.TRUECOLOR if terminal.colors == "truecolor"
                                 else ColorSystem.EIGHT_BIT)
    own_commands = app.get_system_commands

    def seat_commands(screen: Screen[Any]) -> Iterable[SystemCommand]:
        return seat_system_commands(own_commands(screen))

    # On the instance, so it holds whatever the app's class defines.
    setattr(app, "get_system_commands", seat_commands)  # noqa: B010
