"""Seats over SSH: ``ssh -p PORT any-name@HOST``, the join code as the password.

Every laptop has an ``ssh`` client, and a terminal shows the real terminal UI at its
best. The server asks for nothing but the code (keyboard-interactive, which OpenSSH
tries first, prompts "Join code:"; plain password works too); the user name is ignored.
A wrong code counts against the address in the :class:`~exercise.host.codes.FailureLimiter`.

Only a shell with a terminal is offered: no commands, no subsystems (so no scp or
sftp), no port, agent or X11 forwarding. Keepalives find a dead client in about 45 s,
though a takeover does not wait for them.

The host key is made once and kept, 0600, in a folder of the caller's choosing (by
default the program's data folder), so students do not meet "host key has changed" at
the next class.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Sequence
from pathlib import Path

from cryptography.utils import CryptographyDeprecationWarning

# asyncssh still names DSA keys when it is imported, and cryptography warns on stderr:
# the facilitator's terminal. We neither make nor accept DSA keys.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    import asyncssh

from exercise.files import FileProblem, write_output
from exercise.host.codes import FailureLimiter, JoinCodes
from exercise.host.driver import DEFAULT_SIZE, HIGH_WATER, LOW_WATER, Colors
from exercise.host.seats import Seats, SeatSession, SeatsFull

log = logging.getLogger(__name__)

HOST_KEY_NAME = "ssh_host_ed25519_key"
LOGIN_TIMEOUT = 60.0
KEEPALIVE_INTERVAL = 15.0
KEEPALIVE_COUNT = 3

NEEDS_TERMINAL = "This needs a terminal: connect with ssh -t (or without -T)."
BLOCKED = "Too many wrong codes came from this address; wait two minutes and try again."

# Terminal types known to show 24-bit colour; the rest get 256 colours, which every
# terminal in a classroom shows (ssh does not pass COLORTERM, which would say more).
_TRUECOLOR_TERMS = ("-direct", "kitty", "alacritty", "wezterm", "ghostty", "foot")


class HostKeyProblem(Exception):
    """The SSH host key cannot be read or made; the message names the file."""


def host_key(folder: Path | None = None) -> asyncssh.SSHKey:
    """The host's SSH key kept in ``folder`` (default: the data folder), made if missing.

    Raises:
        HostKeyProblem: the key file exists but cannot be read, or cannot be written.
    """
    from exercise.sessions.log import data_dir, private_folder

    if folder is None:
        folder = data_dir()
    path = folder / HOST_KEY_NAME
    if path.exists():
        try:
            return asyncssh.read_private_key(str(path))
        except (OSError, asyncssh.KeyImportError) as exc:
            raise HostKeyProblem(f"{path}: cannot read the SSH host key ({exc}); move it "
                                 f"away and a new one is made (students' ssh will then "
                                 f"warn that the key changed)") from None
    key = asyncssh.generate_private_key("ssh-ed25519", comment="exercise host")
    try:
        private_folder(folder)
        write_output(path, key.export_private_key().decode("ascii"), mode=0o600)
    except (OSError, FileProblem) as exc:
        raise HostKeyProblem(f"{path}: cannot keep the SSH host key: {exc}") from None
    return key


def terminal_colors(term_type: str | None) -> Colors:
    """What a client's terminal type is known to show."""
    term = (term_type or "").lower()
    return "truecolor" if any(mark in term for mark in _TRUECOLOR_TERMS) else "256"


class _ChannelLink:
    """The SSH channel as a :class:`~exercise.host.driver.Link`."""

    def __init__(self, channel: asyncssh.SSHServerChannel[bytes]) -> None:
        self._channel = channel

    def send(self, data: bytes) -> None:
        self._channel.write(data)

    def backlog(self) -> int:
        return self._channel.get_write_buffer_size()


class _SeatChannel(asyncssh.SSHServerSession[bytes]):
    """One SSH session: a terminal for one viewer's app."""

    def __init__(self, seats: Seats, viewer: str, address: str) -> None:
        self._seats = seats
        self._viewer = viewer
        self._address = address
        self._channel: asyncssh.SSHServerChannel[bytes] | None = None
        self._term_type: str | None = None
        self._size = DEFAULT_SIZE
        self._has_pty = False
        self._session: SeatSession | None = None
        self._task: asyncio.Task[None] | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._channel = chan
        chan.set_write_buffer_limits(high=HIGH_WATER, low=LOW_WATER)

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int],
                      term_modes: object) -> bool:
        self._has_pty = True
        self._term_type = term_type
        if term_size[0] and term_size[1]:
            self._size = (term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        chan = self._channel
        assert chan is not None
        if not self._has_pty:
            self._finish(NEEDS_TERMINAL)
            return
        try:
            self._session = self._seats.open(
                self._viewer, transport="ssh", address=self._address,
                link=_ChannelLink(chan), size=self._size,
                colors=terminal_colors(self._term_type))
        except SeatsFull as full:
            self._finish(str(full))
            return
        self._task = asyncio.ensure_future(self._serve(self._session))

    async def _serve(self, session: SeatSession) -> None:
        reason = await session.run()
        self._finish(reason)

    def _finish(self, reason: str) -> None:
        """Show ``reason`` on the client's terminal and close the channel."""
        chan = self._channel
        if chan is None:
            return
        try:
            if self._session is None:
                chan.write(f"\r\n{reason}\r\n".encode())
            elif not self._session.terminal.gone:
                self._session.terminal.write_line(reason)
            chan.exit(0)
        except OSError:
            chan.close()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if self._session is not None:
            self._session.terminal.feed(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int,
                              pixheight: int) -> None:
        if width and height:
            self._size = (width, height)
            if self._session is not None:
                self._session.terminal.resize(width, height)

    def resume_writing(self) -> None:
        if self._session is not None:
            self._session.terminal.drained()

    def break_received(self, msec: int) -> bool:
        return False

    def eof_received(self) -> bool:
        if self._session is not None:
            self._session.lost()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._session is not None:
            self._session.lost()


class _SeatServer(asyncssh.SSHServer):
    """One SSH connection: check the join code, then open seat sessions."""

    def __init__(self, seats: Seats, codes: JoinCodes, limiter: FailureLimiter) -> None:
        self._seats = seats
        self._codes = codes
        self._limiter = limiter
        self._address = "?"
        self._viewer: str | None = None
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername")
        self._address = str(peer[0]) if peer else "?"

    def begin_auth(self, username: str) -> bool:
        if self._limiter.blocked(self._address) and self._conn is not None:
            self._conn.send_auth_banner(BLOCKED + "\r\n")
        return True

    def _check(self, typed: str) -> bool:
        if self._limiter.blocked(self._address):
            return False
        viewer = self._codes.viewer_for(typed)
        if viewer is None:
            self._limiter.failed(self._address)
            log.info("wrong join code over ssh from %s", self._address)
            return False
        self._viewer = viewer
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return self._check(password)

    def kbdint_auth_supported(self) -> bool:
        return True

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str
                             ) -> tuple[str, str, str, list[tuple[str, bool]]]:
        return ("", "Type the join code your facilitator gave you.", "",
                [("Join code: ", False)])

    def validate_kbdint_response(self, username: str, responses: Sequence[str]) -> bool:
        return len(responses) == 1 and self._check(responses[0])

    def session_requested(self) -> _SeatChannel | bool:
        if self._viewer is None:
            return False
        return _SeatChannel(self._seats, self._viewer, self._address)


async def serve_ssh(seats: Seats, codes: JoinCodes, limiter: FailureLimiter, *, host: str,
                    port: int, key: asyncssh.SSHKey) -> asyncssh.SSHAcceptor:
    """Start the SSH server on ``host:port`` (0: any free port); close it to stop."""
    return await asyncssh.create_server(
        lambda: _SeatServer(seats, codes, limiter), host, port,
        server_host_keys=[key], encoding=None, line_editor=False,
        agent_forwarding=False, x11_forwarding=False, allow_scp=False,
        public_key_auth=False, host_based_auth=False, gss_host=None,
        login_timeout=LOGIN_TIMEOUT, keepalive_interval=KEEPALIVE_INTERVAL,
        keepalive_count_max=KEEPALIVE_COUNT)
