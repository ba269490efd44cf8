"""The connection registry: caps, start-up turns, bookkeeping and failures of one app."""

from __future__ import annotations

import asyncio

import pytest

from exercise.host.seats import CRASHED, FULL, HOST_STOPPING, Seats, SeatSession, SeatsFull

from .conftest import WAIT, Rig
from .demo import DemoSeat, demo_factory
from .test_driver import FakeLink, until


def open_seat(seats: Seats, viewer: str, link: FakeLink | None = None):
    return seats.open(viewer, transport="web", address="127.0.0.1", link=link or FakeLink(),
                      size=(80, 24))


def test_the_session_cap_refuses_one_more_with_a_reason():
    """At the cap a new viewer is refused with a sentence for its client, but a student
    taking their own seat back is not (up to twice the cap, old connections included)."""
    seats = Seats(demo_factory, max_sessions=2)
    first = open_seat(seats, "ukraine")
    open_seat(seats, "russia")
    with pytest.raises(SeatsFull) as refused:
        open_seat(seats, "public")
    assert str(refused.value) == FULL
    again = open_seat(seats, "ukraine")
    assert first.closed and seats.holder("ukraine") is again
    open_seat(seats, "ukraine")
    with pytest.raises(SeatsFull):
        open_seat(seats, "ukraine")  # four live: the old ones have not shut down yet


async def test_apps_over_the_start_cap_wait_their_turn_and_all_start():
    """With one start-up at a time, each app is made only once the one before it has
    drawn its first screen, and all three connections reach their screens."""
    made: list[SeatSession] = []
    links = {viewer: FakeLink() for viewer in ("ukraine", "russia", "public")}

    def factory(viewer, session):
        assert all(f"Seat: {earlier.viewer}" in links[earlier.viewer].screen()
                   for earlier in made)
        made.append(session)
        return DemoSeat(viewer, session)

    seats = Seats(factory, max_starting=1)
    sessions = [open_seat(seats, viewer, link) for viewer, link in links.items()]
    runs = [asyncio.ensure_future(session.run()) for session in sessions]
    for viewer, link in links.items():
        await until(lambda link=link, viewer=viewer: f"Seat: {viewer}" in link.screen(),
                    f"{viewer}'s screen")
    await seats.close_all()
    async with asyncio.timeout(WAIT):
        reasons = await asyncio.gather(*runs)
    assert reasons == [HOST_STOPPING] * 3
    assert len(made) == 3
    assert seats.live_count() == 0


async def test_connected_since_and_last_input_are_kept_per_viewer():
    """A session knows when it connected and when its client last typed (a reply its
    terminal sends by itself is not typing)."""
    seats = Seats(demo_factory)
    session = open_seat(seats, "ukraine")
    run = asyncio.ensure_future(session.run())
    assert session.last_input_at is None
    await until(lambda: session.terminal.first_frame.is_set(), "the first screen")
    session.terminal.feed("\x1b[?2026;2$y")  # the terminal's reply to a query: not a person
    assert session.last_input_at is None
    session.terminal.feed("a")
    assert session.last_input_at is not None and session.last_input_at >= session.connected_at
    assert seats.holders() == {"ukraine": session}
    await seats.close_all()
    async with asyncio.timeout(WAIT):
        await run


async def test_an_app_that_cannot_be_made_ends_only_its_connection():
    """A factory that raises gives that client the crash line; the registry lives on."""
    def factory(viewer, session):
        if viewer == "ukraine":
            raise ValueError("no app for you")
        return DemoSeat(viewer, session)

    seats = Seats(factory)
    broken = open_seat(seats, "ukraine")
    async with asyncio.timeout(WAIT):
        assert await broken.run() == CRASHED
    link = FakeLink()
    fine = open_seat(seats, "russia", link)
    run = asyncio.ensure_future(fine.run())
    await until(lambda: "Seat: russia" in link.screen(), "the other seat's screen")
    await seats.close_all()
    async with asyncio.timeout(WAIT):
        await run


async def test_a_failing_subscriber_does_not_end_the_connection():
    """An exception in a joined/left callback is logged, not passed on."""
    def explode(*_args):
        raise RuntimeError("subscriber bug")

    seats = Seats(demo_factory, joined=explode, left=explode)
    link = FakeLink()
    session = open_seat(seats, "ukraine", link)
    run = asyncio.ensure_future(session.run())
    await until(lambda: "Seat: ukraine" in link.screen(), "the screen")
    await seats.close_all()
    async with asyncio.timeout(WAIT):
        assert await run == HOST_STOPPING


async def test_stopping_the_host_tells_every_client(rig: Rig):
    """`Host.stop` closes every seat with one line saying the host stopped."""
    browser = await rig.web(rig.codes.code_for("ukraine"))
    terminal = await rig.ssh(rig.codes.code_for("russia"))
    for client in (browser, terminal):
        await client.view.shows("Seat:")
    async with asyncio.timeout(WAIT):
        await rig.host.stop()
    await browser.closed()
    await terminal.closed()
    assert browser.close_reason == HOST_STOPPING
    assert HOST_STOPPING in terminal.view.received.decode()
