"""Seats over SSH on 127.0.0.1: the code is the password, the screen is the seat's app."""

from __future__ import annotations

import asyncio
import stat

import asyncssh
import pytest

from exercise.host.codes import FailureLimiter, JoinCodes
from exercise.host.seats import TAKEN_OVER
from exercise.host.server import Host
from exercise.host.ssh import HOST_KEY_NAME, NEEDS_TERMINAL

from .conftest import WAIT, Rig, SshSeat
from .demo import demo_factory


async def test_a_seat_renders_takes_keys_and_a_lone_escape(rig: Rig):
    """The seat's app draws over SSH; a key and a lone Esc (no key after it) both arrive."""
    client = await rig.ssh(rig.codes.code_for("ukraine"))
    await client.view.shows("Seat: ukraine")
    await client.view.shows("Size: 80x24")
    client.press(b"a")
    await client.view.shows("Last key: a")
    client.press(b"\x1b")  # nothing follows: only the scheduled tick completes it
    await client.view.shows("Last key: escape")
    client.close()


async def test_the_user_name_is_ignored_and_keyboard_interactive_works(rig: Rig):
    """Any user name; the code typed at a keyboard-interactive "Join code" prompt."""
    code = rig.codes.code_for("russia")

    class Typist(asyncssh.SSHClient):
        def kbdint_auth_requested(self):
            return ""

        def kbdint_challenge_received(self, name, instructions, lang, prompts):
            assert [p for p, _echo in prompts] == ["Join code: "]
            return [code.lower()]  # as a student might type it

    async with asyncio.timeout(WAIT):
        conn, _ = await asyncssh.create_connection(
            Typist, "127.0.0.1", rig.host.ssh_port, username="anyone-at-all",
            known_hosts=None, client_keys=None, agent_path=None, password_auth=False)
        _channel, seat = await conn.create_session(SshSeat, term_type="xterm",
                                                   term_size=(80, 24), encoding=None)
    await seat.view.shows("Seat: russia")
    conn.close()


async def test_resizing_the_terminal_resizes_the_app(rig: Rig):
    """A window-change from the client reaches the app; absurd sizes are clamped."""
    client = await rig.ssh(rig.codes.code_for("ukraine"))
    await client.view.shows("Size: 80x24")
    client.resize(100, 30)
    await client.view.shows("Size: 100x30")
    client.resize(5000, 3)
    client.view.resize(240, 24)  # our copy of the screen: big enough to read what is drawn
    await client.view.shows("Size: 240x6")
    client.close()


async def test_a_wrong_code_is_refused(rig: Rig):
    """A code that is no viewer's fails authentication; no app starts."""
    with pytest.raises(asyncssh.PermissionDenied):
        async with asyncio.timeout(WAIT):
            await asyncssh.connect("127.0.0.1", rig.host.ssh_port, username="x",
                                   password="ABCDEF", known_hosts=None, client_keys=None,
                                   agent_path=None)
    assert rig.host.seats.live_count() == 0


async def test_wrong_codes_block_the_address_for_a_while(rig: Rig):
    """After five wrong codes even the right one is refused, until the block runs out."""
    for _ in range(5):
        with pytest.raises(asyncssh.PermissionDenied):
            await rig.ssh("ABCDEF")
    right = rig.codes.code_for("ukraine")
    with pytest.raises(asyncssh.PermissionDenied):
        await rig.ssh(right)
    rig.clock.now += 121
    client = await rig.ssh(right)
    await client.view.shows("Seat: ukraine")
    client.close()


async def test_the_newest_connection_wins_and_the_old_is_told_why(rig: Rig):
    """A second connection with the same code takes the seat; the first gets one line and
    is closed; the other seats are untouched."""
    code = rig.codes.code_for("ukraine")
    first = await rig.ssh(code)
    other = await rig.ssh(rig.codes.code_for("russia"))
    await first.view.shows("Seat: ukraine")
    await other.view.shows("Seat: russia")
    second = await rig.ssh(code)
    await second.view.shows("Seat: ukraine")
    await first.closed()
    assert TAKEN_OVER.split(",")[0] in first.view.received.decode()
    second.press(b"z")
    await second.view.shows("Last key: z")
    other.press(b"y")
    await other.view.shows("Last key: y")
    assert rig.host.seats.holder("ukraine").address == "127.0.0.1"
    assert [e for e in rig.events if e[1] == "ukraine"] == [
        ("joined", "ukraine", "ssh"), ("left", "ukraine", TAKEN_OVER),
        ("joined", "ukraine", "ssh")]
    second.close()
    other.close()


async def test_a_shell_without_a_terminal_is_told_to_ask_for_one(rig: Rig):
    """``ssh -T`` (no terminal) gets a one-line explanation, and no app."""
    async with asyncio.timeout(WAIT):
        conn = await asyncssh.connect("127.0.0.1", rig.host.ssh_port, username="x",
                                      password=rig.codes.code_for("ukraine"),
                                      known_hosts=None, client_keys=None, agent_path=None)
        _channel, seat = await conn.create_session(SshSeat, encoding=None)
        await seat.closed.wait()
    assert NEEDS_TERMINAL in seat.view.received.decode()
    assert rig.host.seats.live_count() == 0
    conn.close()


async def test_commands_and_forwarding_are_refused(rig: Rig):
    """No ``ssh host command``, no sftp, no port forwarding: only the seat's screen."""
    async with asyncio.timeout(WAIT):
        conn = await asyncssh.connect("127.0.0.1", rig.host.ssh_port, username="x",
                                      password=rig.codes.code_for("ukraine"),
                                      known_hosts=None, client_keys=None, agent_path=None)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.run("cat /etc/passwd")
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.start_sftp_client()
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_connection("127.0.0.1", rig.host.web_port)
    conn.close()


async def test_the_host_key_is_kept_private_and_reused(tmp_path):
    """The key is written 0600 once; a second host from the same folder shows the same
    fingerprint, so students' ssh does not warn that it changed."""
    codes = JoinCodes.fresh(["ukraine"])
    prints = []
    for _ in range(2):
        host = Host(demo_factory, codes, ssh_port=0, web_port=None, key_folder=tmp_path,
                    limiter=FailureLimiter())
        async with asyncio.timeout(WAIT):
            await host.start()
            prints.append(host.ssh_fingerprint)
            await host.stop()
    assert prints[0] == prints[1] and prints[0].startswith("SHA256:")
    assert stat.S_IMODE((tmp_path / HOST_KEY_NAME).stat().st_mode) == 0o600
