"""The host: one asyncio loop serving a Room's viewers over SSH and in browsers.

:class:`Host` starts both servers on the given address and ports (0: the system picks
one; :attr:`Host.ssh_port` and :attr:`Host.web_port` then say which), tells the Room who
is connected (a person joining a computer seat takes it; a dropped seat waits its grace
period), and drops whoever holds a code when the facilitator regenerates it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exercise.conduct import FACILITATOR, PUBLIC
from exercise.host.codes import Codes, RateLimiter
from exercise.host.driver import shared_process_streams
from exercise.host.seats import AppFactory, Seats

if TYPE_CHECKING:
    from aiohttp import web

    from exercise.room import Room

ROOM = "room"  # the projector's code: the public view
REGENERATED = "The facilitator gave this seat a new code, so this screen is closed."

__all__ = ["ROOM", "Host", "HostConfig", "viewer_ids"]


def viewer_ids(room: Room) -> list[str]:
    """Everyone who gets a code: the facilitator, the projector, then each party."""
    return [FACILITATOR, ROOM, *(p.id for p in room.conductor.scenario.parties)]


@dataclass(frozen=True)
class HostConfig:
    """Where the host listens, and its limits."""

    bind: str = "127.0.0.1"
    ssh_port: int | None = 2222  # None: no SSH server
    web_port: int | None = 8000  # None: no web server
    key_folder: Path | None = None  # where the SSH host key is kept
    max_connections: int = 64
    max_starting: int = 4


class Host:
    """A Room, served to the people in it."""

    def __init__(self, room: Room, codes: Codes, factory: AppFactory, config: HostConfig,
                 *, limiter: RateLimiter | None = None):
        self.room = room
        self.codes = codes
        self.config = config
        self.limiter = limiter or RateLimiter()
        self.seats = Seats(self._make(factory), max_connections=config.max_connections,
                           max_starting=config.max_starting,
                           on_connect=self._connected, on_disconnect=self._disconnected)
        self.ssh_port: int | None = None
        self.web_port: int | None = None
        self._ssh: Any = None
        self._web: web.AppRunner | None = None
        self._streams: contextlib.ExitStack | None = None

    @staticmethod
    def _room_viewer(viewer: str) -> str:
        return PUBLIC if viewer == ROOM else viewer

    def _make(self, factory: AppFactory) -> AppFactory:
        def make(viewer: str, connection: Any) -> Any:
            return factory(self._room_viewer(viewer), connection)

        return make

    def _connected(self, viewer: str) -> None:
        if viewer in self.room.conductor.seats:
            self.room.connected(viewer)

    def _disconnected(self, viewer: str) -> None:
        if viewer in self.room.conductor.seats:
            self.room.disconnected(viewer)

    def regenerate(self, viewer: str) -> str:
        """A new code for ``viewer``; whoever holds the old one is dropped."""
        code = self.codes.regenerate(viewer)
        self.seats.drop(viewer, REGENERATED)
        return code

    async def start(self) -> None:
        """Start listening."""
        from exercise.host.ssh import start_ssh
        from exercise.host.web import bound_port, make_web_app, start_web

        self._streams = contextlib.ExitStack()
        self._streams.enter_context(shared_process_streams())
        config = self.config
        if config.ssh_port is not None:
            folder = config.key_folder or _data_folder()
            self._ssh = await start_ssh(self.seats, self.codes, host=config.bind,
                                        port=config.ssh_port, key_folder=folder,
                                        limiter=self.limiter)
            self.ssh_port = int(self._ssh.sockets[0].getsockname()[1])
        if config.web_port is not None:
            app = make_web_app(self.seats, self.codes, title=self.room.conductor.scenario.title,
                               limiter=self.limiter)
            self._web = await start_web(app, host=config.bind, port=config.web_port)
            self.web_port = bound_port(self._web)

    async def stop(self, reason: str = "The host has stopped the exercise.") -> None:
        """Close every seat and stop listening."""
        await self.seats.close_all(reason)
        if self._ssh is not None:
            self._ssh.close()
            await self._ssh.wait_closed()
            self._ssh = None
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        if self._streams is not None:
            self._streams.close()
            self._streams = None

    def addresses(self, host: str | None = None) -> Iterator[str]:
        """How students join, for the host to show (never the codes)."""
        name = host or self.config.bind
        if self.web_port is not None:
            yield f"browser: http://{name}:{self.web_port}/"
        if self.ssh_port is not None:
            yield f"ssh:     ssh -p {self.ssh_port} student@{name}"


def _data_folder() -> Path:
    from exercise.sessions.log import data_dir

    return data_dir() / "host"

