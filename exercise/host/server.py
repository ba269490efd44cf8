"""The host: SSH and web servers on one loop, handing each connection its own app.

::

    host = Host(app_factory, codes, bind="0.0.0.0", ssh_port=2222, web_port=8000)
    await host.start()          # both servers listening; host.ssh_port, host.web_port
    ...                         # the Room plays; host.seats says who is connected
    await host.stop()           # every seat told "the host has stopped", servers closed

``app_factory(viewer, session)`` makes the app of one connection (see
:mod:`exercise.host.seats`). Port 0 picks a free port (tests); ``None`` leaves that
server off.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from exercise.files import describe_os_error
from exercise.host.codes import FailureLimiter, JoinCodes

if TYPE_CHECKING:  # the seats bring Textual; importing this module must stay light
    from exercise.host.seats import AppFactory, Joined, Left, Touched

DEFAULT_SSH_PORT = 2222
DEFAULT_WEB_PORT = 8000
CODE_CHANGED = "The facilitator gave this seat a new code; ask them for it to join again."

# Libraries that log warnings with no handler of their own would reach Python's "last
# resort" handler, which prints on stderr: the facilitator's screen. With a handler here
# they print nothing unless the program configures logging (a file) itself.
_QUIET_LOGGERS = ("exercise.host", "asyncssh", "aiohttp")


COLLECTOR_THRESHOLDS = (20_000, 20, 50)
"""Python's collector thresholds while hosting (its defaults are 700, 10, 10)."""


def tune_collector() -> None:
    """Garbage collection for a host drawing many seats on one core.

    Each seat's app is a tree of thousands of objects, and Textual makes many short-lived
    ones per frame. With Python's default thresholds, a full collection (every object of
    every seat, 0.5 s with 8 seats and 1.5 s or more with 30) came every few seconds and
    froze every screen at once. So: what exists once the host has started (the modules,
    the scenario, the room) is frozen out of every later collection, since it lives as
    long as the process; and the young generation is collected less often, so fewer
    short-lived objects are promoted and full collections are rare
    (benchmarks/bench_host.py measures both)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


class HostProblem(Exception):
    """The host cannot start; the message says which address and why."""


class Host:
    """The network side of a hosted exercise: who may connect, and the servers."""

    def __init__(self, app_factory: AppFactory, codes: JoinCodes, *,
                 bind: str = "127.0.0.1", ssh_port: int | None = DEFAULT_SSH_PORT,
                 web_port: int | None = DEFAULT_WEB_PORT, key_folder: Path | None = None,
                 codes_file: Path | None = None, title: str = "exercise",
                 max_sessions: int = 64, max_starting: int = 4,
                 limiter: FailureLimiter | None = None, joined: Joined | None = None,
                 left: Left | None = None, touched: Touched | None = None) -> None:
        """Set the host up (nothing listens until :meth:`start`).

        Args:
            app_factory: makes each connection's app, ``app_factory(viewer, session)``.
            codes: the join codes; a code's viewer is whose app its holder gets.
            bind: the address to listen on (127.0.0.1 keeps it to this computer).
            ssh_port: the SSH port; 0 picks a free one, None serves no SSH.
            web_port: the web port; 0 picks a free one, None serves no web.
            key_folder: where the SSH host key is kept (default: the data folder).
            codes_file: where :meth:`regenerate_code` saves the codes, if anywhere.
            title: the name on the web pages.
            max_sessions: connections at once, those shutting down included.
            max_starting: apps starting at once (the others wait their turn).
            limiter: counts wrong codes per address (default: 5 a minute, then 2 minutes).
            joined: told ``joined(session)`` when a connection takes its seat.
            left: told ``left(session, reason)`` when it stops holding it.
            touched: told ``touched(session)`` on each key, paste or click of a person.
        """
        from exercise.host.seats import Seats

        self.codes = codes
        self.bind = bind
        self.seats = Seats(app_factory, max_sessions=max_sessions,
                           max_starting=max_starting, joined=joined, left=left,
                           touched=touched)
        self.limiter = limiter or FailureLimiter()
        self.title = title
        self._wanted_ssh = ssh_port
        self._wanted_web = web_port
        self._key_folder = key_folder
        self._codes_file = codes_file
        self.ssh_port: int | None = None
        """The SSH port listened on, once started."""
        self.web_port: int | None = None
        """The web port listened on, once started."""
        self.ssh_fingerprint: str | None = None
        """The SSH host key's fingerprint (SHA256:...), once started."""
        self._acceptor: object | None = None
        self._runner: object | None = None

    async def __aenter__(self) -> Host:
        await self.start()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on the ports asked for.

        Raises:
            HostProblem: a port cannot be listened on (in use, not allowed), or the SSH
                host key cannot be read or made.
            exercise.host.ssh.HostKeyProblem: as above, for the key.
        """
        for name in _QUIET_LOGGERS:
            logger = logging.getLogger(name)
            if not logger.handlers:
                logger.addHandler(logging.NullHandler())
        try:
            if self._wanted_ssh is not None:
                await self._start_ssh(self._wanted_ssh)
            if self._wanted_web is not None:
                await self._start_web(self._wanted_web)
        except BaseException:
            await self.stop()
            raise

    async def _start_ssh(self, port: int) -> None:
        from exercise.host.ssh import host_key, serve_ssh

        key = host_key(self._key_folder)
        try:
            acceptor = await serve_ssh(self.seats, self.codes, self.limiter, host=self.bind,
                                       port=port, key=key)
        except OSError as exc:
            raise HostProblem(f"cannot serve SSH on {self.bind}:{port}: "
                              f"{describe_os_error(exc)}") from None
        self._acceptor = acceptor
        self.ssh_port = acceptor.get_port()
        self.ssh_fingerprint = key.get_fingerprint()

    async def _start_web(self, port: int) -> None:
        from aiohttp import web

        from exercise.host.web import SeatWeb

        site_app = SeatWeb(self.seats, self.codes, self.limiter, title=self.title,
                           ssh_port=self.ssh_port).application()
        runner = web.AppRunner(site_app, access_log=None, handle_signals=False,
                               shutdown_timeout=2.0)
        await runner.setup()
        self._runner = runner
        try:
            await web.TCPSite(runner, self.bind, port).start()
        except OSError as exc:
            raise HostProblem(f"cannot serve the web pages on {self.bind}:{port}: "
                              f"{describe_os_error(exc)}") from None
        self.web_port = int(runner.addresses[0][1])

    def regenerate_code(self, viewer: str) -> str:
        """Give ``viewer`` a new code (saved to the codes file) and drop whoever holds the
        seat with the old one; return the new code."""
        code = self.codes.regenerate(viewer)
        if self._codes_file is not None:
            self.codes.save(self._codes_file)
        self.seats.drop(viewer, CODE_CHANGED)
        return code

    async def stop(self, reason: str | None = None) -> None:
        """Close every seat (its client told ``reason``), then both servers."""
        from exercise.host.seats import HOST_STOPPING

        await self.seats.close_all(reason or HOST_STOPPING)
        acceptor, self._acceptor = self._acceptor, None
        if acceptor is not None:
            import asyncssh

            assert isinstance(acceptor, asyncssh.SSHAcceptor)
            acceptor.close()
            await acceptor.wait_closed()
        runner, self._runner = self._runner, None
        if runner is not None:
            from aiohttp import web

            assert isinstance(runner, web.AppRunner)
            await runner.cleanup()
