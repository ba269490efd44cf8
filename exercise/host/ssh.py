"""Seats over SSH: ``ssh -p PORT anyname@HOST``, and the join code is the password.

Every laptop has an ``ssh`` client. The user name is ignored; the password is the code
of the seat to take (a wrong one is refused, and an address that keeps guessing is
held off for a while). The host key is made once and kept, readable by the owner only,
so students do not see a "host key changed" warning when the class meets again.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
from pathlib import Path
from typing import Any

import asyncssh

from exercise.files import write_output
from exercise.host.codes import Codes, RateLimiter
from exercise.host.driver import Terminal
from exercise.host.seats import Seats

__all__ = ["host_key", "start_ssh"]

KEY_NAME = "ssh_host_ed25519_key"


def host_key(folder: Path) -> asyncssh.SSHKey:
    """The host's SSH key, made on first use and kept in ``folder`` (mode 0600)."""
    path = folder / KEY_NAME
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_output(path, key.export_private_key().decode(), mode=0o600)
    return key


class _Server(asyncssh.SSHServer):
    """One SSH connection: the password is a join code."""

    def __init__(self, codes: Codes, limiter: RateLimiter):
        self.codes = codes
        self.limiter = limiter
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"

    def begin_auth(self, username: str) -> bool:
        return True  # every user name must give a code

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        if self.limiter.blocked(self.address):
            return False
        viewer = self.codes.viewer_for(password)
        if viewer is None:
            self.limiter.failed(self.address)
            return False
        self.limiter.succeeded(self.address)
        assert self.conn is not None
        self.conn.set_extra_info(viewer=viewer)
        return True


class _SshConnection:
    """An SSH session as the seat registry sees it."""

    def __init__(self, process: asyncssh.SSHServerProcess[bytes], terminal: Terminal):
        self.process = process
        self.terminal = terminal

    def close(self, reason: str) -> None:
        with contextlib.suppress(Exception):
            if reason:
                self.process.stdout.write(b"\x1b[?1049l\r\n" + reason.encode() + b"\r\n")
            self.process.exit(0)


async def _session(process: asyncssh.SSHServerProcess[bytes], seats: Seats) -> None:
    viewer = process.get_extra_info("viewer")
    width, height, _, _ = process.get_terminal_size()
    if not viewer:
        process.exit(1)
        return
    terminal = Terminal(process.stdout.write, (width or 80, height or 24))
    connection = _SshConnection(process, terminal)
    served = asyncio.ensure_future(seats.serve(str(viewer), connection))

    async def read() -> None:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        while not served.done():
            try:
                data = await process.stdin.read(4096)
            except asyncssh.TerminalSizeChanged as change:
                terminal.resize(change.width, change.height)
                continue
            except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                continue
            except (asyncssh.Error, OSError, asyncio.IncompleteReadError):
                break
            if not data:
                break
            terminal.feed(decoder.decode(data))

    reader = asyncio.ensure_future(read())
    await asyncio.wait([served, reader], return_when=asyncio.FIRST_COMPLETED)
    if not served.done():  # the client went away: its app ends
        seats.drop(str(viewer), "", connection)
        with contextlib.suppress(asyncio.TimeoutError, Exception):
            await asyncio.wait_for(served, 5)
    reader.cancel()
    with contextlib.suppress(Exception):
        process.exit(0)


async def start_ssh(seats: Seats, codes: Codes, *, host: str, port: int, key_folder: Path,
                    limiter: RateLimiter | None = None) -> Any:
    """Start the SSH server; returns it (``.close()`` stops it; its port is in
    ``sockets``)."""
    limiter = limiter or RateLimiter()

    async def handle(process: asyncssh.SSHServerProcess[bytes]) -> None:
        await _session(process, seats)

    return await asyncssh.create_server(
        lambda: _Server(codes, limiter), host, port,
        server_host_keys=[host_key(key_folder)], process_factory=handle, encoding=None,
        line_editor=False, keepalive_interval=15, keepalive_count_max=3)
