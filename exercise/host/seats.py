"""The live connections of a hosted exercise: one per viewer, the newest winning.

A student whose laptop lid closed leaves a half-open connection behind for 45 seconds or
more; when they join again, the new connection takes the seat at once and the old one
is told why and closed. Each connection runs its own app (made by the ``factory`` the
host is given); a crash in one app closes that connection only, after telling its
client in one line. Caps bound the number of connections and of apps starting at once
(starting is the costly part: about half a second of one core each).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, Protocol

from textual.app import App

from exercise.host.driver import Terminal

__all__ = ["Connection", "Seats"]

TAKEN_OVER = "Someone joined this seat from another screen, so this one is closed."
FULL = "The room is full: no more screens can join this exercise."


class Connection(Protocol):
    """A client as the registry sees it (an SSH session or a browser's websocket)."""

    terminal: Terminal

    def close(self, reason: str) -> None:
        """Tell the client why in one line, and hang up."""


AppFactory = Callable[[str, Connection], App[Any]]


class Seats:
    """Who is connected to which viewer, and the app each of them runs."""

    def __init__(self, factory: AppFactory, *, max_connections: int = 64,
                 max_starting: int = 4,
                 on_connect: Callable[[str], None] | None = None,
                 on_disconnect: Callable[[str], None] | None = None):
        self.factory = factory
        self.max_connections = max_connections
        self._starting = asyncio.Semaphore(max_starting)
        self.on_connect = on_connect
        self.on_disconnect = on_disconnect
        self.live: dict[str, Connection] = {}
        self.apps: dict[str, App[Any]] = {}
        self._count = 0

    def drop(self, viewer: str, reason: str, connection: Connection | None = None) -> None:
        """Close whoever holds ``viewer`` (e.g. its code was regenerated), or only
        ``connection`` if it still holds it (its client went away)."""
        holder = self.live.get(viewer)
        if holder is not None and (connection is None or holder is connection):
            self._close(viewer, holder, reason)

    def _close(self, viewer: str, connection: Connection, reason: str) -> None:
        app = self.apps.get(viewer) if self.live.get(viewer) is connection else None
        with contextlib.suppress(Exception):
            connection.close(reason)
        if app is not None:
            app.exit()

    async def serve(self, viewer: str, connection: Connection) -> None:
        """Run ``viewer``'s app for this connection until either ends."""
        if self._count >= self.max_connections:
            connection.close(FULL)
            return
        self._count += 1
        try:
            old = self.live.get(viewer)
            if old is not None:
                self._close(viewer, old, TAKEN_OVER)
            self.live[viewer] = connection
            try:
                app = self.factory(viewer, connection)
            except Exception as exc:  # the seat cannot be shown: say so, keep the room
                self._forget(viewer, connection)
                connection.close(f"This seat could not be opened ({type(exc).__name__}).")
                return
            self.apps[viewer] = app
            task = asyncio.ensure_future(app.run_async())
            async with self._starting:
                while not task.done() and not app.is_running:
                    await asyncio.sleep(0.02)
            if self.on_connect is not None and self.live.get(viewer) is connection:
                self.on_connect(viewer)
            try:
                await task
            except Exception as exc:
                connection.close(f"This screen stopped because of an error "
                                 f"({type(exc).__name__}); join again with your code.")
            else:
                if app.return_code not in (0, None):
                    connection.close("This screen stopped because of an error; join again "
                                     "with your code.")
                else:
                    connection.close("")
            self._forget(viewer, connection)
        finally:
            self._count -= 1

    def _forget(self, viewer: str, connection: Connection) -> None:
        if self.live.get(viewer) is connection:
            del self.live[viewer]
            self.apps.pop(viewer, None)
            if self.on_disconnect is not None:
                self.on_disconnect(viewer)

    async def close_all(self, reason: str) -> None:
        """Close every connection (the host is stopping)."""
        for viewer, connection in list(self.live.items()):
            self._close(viewer, connection, reason)
        for _ in range(250):
            if not self.live:
                return
            await asyncio.sleep(0.02)
