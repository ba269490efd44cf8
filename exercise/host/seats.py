"""Who is connected as whom: one live connection per viewer, each running its own app.

A viewer (a party's seat, the projector's ``public`` view, the facilitator) has at most
one live connection. The newest wins at once: a student whose laptop lid closed leaves a
half-open connection that the network may not notice for 45 seconds or more, and must be
able to sit down again on another screen straight away. The connection it replaces is
told why (one line on its screen) and closed.

Each connection runs one app, made by the host's *app factory*
(``app_factory(viewer, session) -> App``) and drawn through a
:class:`~exercise.host.driver.SeatTerminal`. A crash in one app ends that connection
alone, after a one-line reason to its client; the traceback goes to the
``exercise.host`` logger, never to the host's terminal.

Caps keep a room from overloading the host: at most ``max_sessions`` connections
(counting those still shutting down; a takeover of a held seat may go past the cap, up to
twice it, so that a student can always sit down again) and at most ``max_starting`` apps
starting at once
(an app's start costs a few hundred milliseconds of the one core the loop runs on; more
at once would stall every seat's keys). Connections over the start cap wait their turn.

Subscribers hear of each change: ``joined(session)`` when a connection takes its
viewer's seat, ``left(session, reason)`` when it stops holding it, and
``touched(session)`` on each key, paste or click its person makes. On a takeover the
old session's ``left`` comes first, so "who holds this seat" is never two connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from exercise.host.driver import Colors, Link, SeatTerminal, prepare_seat_app

if TYPE_CHECKING:
    from textual.app import App

log = logging.getLogger(__name__)

AppFactory = Callable[[str, "SeatSession"], "App[Any]"]
"""Makes the app of one connection: ``app_factory(viewer, session)``."""
Joined = Callable[["SeatSession"], None]
Left = Callable[["SeatSession", str], None]
Touched = Callable[["SeatSession"], None]

TAKEN_OVER = ("This seat was opened on another screen, so this one has closed. "
              "If that was not you, tell your facilitator.")
CRASHED = ("This screen stopped after an error in the program; connect again to come back "
           "(the facilitator's computer has the details).")
APP_ENDED = "This screen has closed; connect again to come back."
CLIENT_GONE = "The connection was lost."
FULL = "The host has too many screens open; try again in a minute."
HOST_STOPPING = "The host has stopped the exercise."

START_TIMEOUT = 30.0
"""Seconds an app may take to draw its first screen before its start-up slot is freed."""
EXIT_TIMEOUT = 5.0
"""Seconds an app may take to exit when asked, before it is cancelled."""


class SeatsFull(Exception):
    """No more connections can be taken now; the message is for the client."""


class SeatSession:
    """One connection, bound to one viewer, running one app.

    The app learns its viewer here and may end its connection with :meth:`close`; the
    host ends it the same way (a takeover, a regenerated code, the host stopping). The
    transport feeds :attr:`terminal` and awaits :meth:`run`.
    """

    def __init__(self, seats: Seats, viewer: str, *, transport: str, address: str,
                 link: Link, size: tuple[int, int], colors: Colors) -> None:
        """A session for ``viewer`` over ``transport`` ("ssh" or "web") from ``address``."""
        self.viewer = viewer
        """Whose screen this is: a party id, ``public`` or ``facilitator``."""
        self.transport = transport
        self.address = address
        self.connected_at = datetime.now(UTC)
        self.last_input_at: datetime | None = None
        self.terminal = SeatTerminal(link, size, colors=colors, on_input=self._touched)
        self._seats = seats
        self._reason: str | None = None
        self._stop = asyncio.Event()
        self._released = False
        self.app: App[Any] | None = None
        """The app, once made (None before its start-up slot came)."""

    def __repr__(self) -> str:
        return (f"<SeatSession {self.viewer!r} over {self.transport} from {self.address}"
                f"{' closed' if self.closed else ''}>")

    def _touched(self) -> None:
        self.last_input_at = datetime.now(UTC)
        self._seats._tell(self._seats._touched, self)

    @property
    def closed(self) -> bool:
        """Whether this session has been asked to end (or has ended)."""
        return self._reason is not None

    @property
    def reason(self) -> str | None:
        """Why it ended (the line its client is shown), once it has."""
        return self._reason

    def close(self, reason: str) -> None:
        """End this connection: its client is shown ``reason`` (one line), then closed.

        Safe to call more than once; the first reason is the one shown.
        """
        if self._reason is None:
            self._reason = reason
        self._seats._release(self, self._reason)
        self._stop.set()

    def lost(self) -> None:
        """The transport saw the client go (nothing more can be written to it)."""
        self.close(CLIENT_GONE)

    async def run(self) -> str:
        """Run this connection's app until it ends; return the line to show the client.

        The transport then writes that line (when the client is still there) and closes.
        """
        try:
            return await self._run()
        finally:
            self._seats._ended(self)

    async def _run(self) -> str:
        seats = self._seats
        if not await self._start_slot():
            return self._reason or HOST_STOPPING
        stopping = asyncio.ensure_future(self._stop.wait())
        slot_held = True
        running: asyncio.Future[Any] | None = None
        try:
            try:
                app = seats._factory(self.viewer, self)
                prepare_seat_app(app, self.terminal)
            except Exception:
                log.exception("the app for %r could not be made", self.viewer)
                self.close(CRASHED)
                return CRASHED
            self.app = app
            running = asyncio.ensure_future(app.run_async())
            first = asyncio.ensure_future(self.terminal.first_frame.wait())
            await asyncio.wait({running, first, stopping}, timeout=START_TIMEOUT,
                               return_when=asyncio.FIRST_COMPLETED)
            first.cancel()
            seats._starting.release()
            slot_held = False
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not running.done():
                app.exit()
                done, _ = await asyncio.wait({running}, timeout=EXIT_TIMEOUT)
                if not done:
                    log.warning("the app for %r did not exit in time; cancelled", self.viewer)
                    running.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await running
            error = self._crash(app, running)
            if error is not None:
                log.error("the app for %r crashed", self.viewer,
                          exc_info=(type(error), error, error.__traceback__))
                self.close(CRASHED)
            self.close(APP_ENDED)  # keeps the reason given before, if any
            return self._reason or APP_ENDED
        finally:
            if slot_held:
                seats._starting.release()
            if running is not None and not running.done():
                running.cancel()  # we were cancelled ourselves: the app goes with us
            stopping.cancel()
            self.terminal.restore()

    @staticmethod
    def _crash(app: App[Any], running: asyncio.Future[Any]) -> BaseException | None:
        """The error that ended ``app``, if one did."""
        if running.cancelled():
            return None
        if running.exception() is not None:
            return running.exception()
        # Textual keeps an unhandled error to itself and exits with code 1.
        error: BaseException | None = getattr(app, "_exception", None)
        return error

    async def _start_slot(self) -> bool:
        """Wait for a start-up slot; False when this session was closed meanwhile."""
        starting = self._seats._starting
        acquire = asyncio.ensure_future(starting.acquire())
        stopping = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({acquire, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not acquire.done():
            acquire.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await acquire
        got = acquire.done() and not acquire.cancelled()
        if got and self._stop.is_set():
            starting.release()
            return False
        return got


class Seats:
    """The live connections, one per viewer, and the caps on them."""

    def __init__(self, app_factory: AppFactory, *, max_sessions: int = 64,
                 max_starting: int = 4, joined: Joined | None = None,
                 left: Left | None = None, touched: Touched | None = None) -> None:
        """Make each connection's app with ``app_factory``; tell ``joined``/``left``, and
        ``touched`` on each key, paste or click a person makes."""
        self._factory = app_factory
        self._touched = touched
        self._max_sessions = max_sessions
        self._starting = asyncio.Semaphore(max_starting)
        self._joined = joined
        self._left = left
        self._holders: dict[str, SeatSession] = {}
        self._live: set[SeatSession] = set()
        self._all_ended = asyncio.Event()
        self._all_ended.set()

    def open(self, viewer: str, *, transport: str, address: str, link: Link,
             size: tuple[int, int], colors: Colors = "truecolor") -> SeatSession:
        """Register a new connection for ``viewer``; the one it replaces is closed.

        Raises:
            SeatsFull: the session cap is reached (the message is for the client); a
                takeover of a held seat is refused only at twice the cap.
        """
        live = len(self._live)
        taking_over = viewer in self._holders
        if live >= self._max_sessions and not (taking_over and live < 2 * self._max_sessions):
            raise SeatsFull(FULL)
        session = SeatSession(self, viewer, transport=transport, address=address,
                              link=link, size=size, colors=colors)
        self._live.add(session)
        self._all_ended.clear()
        old = self._holders.get(viewer)
        if old is not None:
            old.close(TAKEN_OVER)
        self._holders[viewer] = session
        self._tell(self._joined, session)
        return session

    def holder(self, viewer: str) -> SeatSession | None:
        """The connection holding ``viewer``'s seat now, if any."""
        return self._holders.get(viewer)

    def holders(self) -> dict[str, SeatSession]:
        """Every viewer with a live connection, and that connection."""
        return dict(self._holders)

    def live_count(self) -> int:
        """Connections alive, those shutting down included."""
        return len(self._live)

    def drop(self, viewer: str, reason: str) -> bool:
        """Close ``viewer``'s connection, showing ``reason``; False if there was none."""
        session = self._holders.get(viewer)
        if session is None:
            return False
        session.close(reason)
        return True

    async def close_all(self, reason: str = HOST_STOPPING, timeout: float = 10.0) -> None:
        """Close every connection and wait (up to ``timeout`` seconds) for their ends."""
        for session in list(self._live):
            session.close(reason)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_ended.wait(), timeout)

    def _release(self, session: SeatSession, reason: str) -> None:
        """``session`` no longer holds its viewer's seat (said once)."""
        if session._released:
            return
        session._released = True
        if self._holders.get(session.viewer) is session:
            del self._holders[session.viewer]
        self._tell(self._left, session, reason)

    def _ended(self, session: SeatSession) -> None:
        self._release(session, session.reason or APP_ENDED)
        self._live.discard(session)
        if not self._live:
            self._all_ended.set()

    @staticmethod
    def _tell(callback: Callable[..., None] | None, *args: Any) -> None:
        """Call a subscriber; its failure is logged, never the connection's end."""
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            log.exception("a seat subscriber failed")
