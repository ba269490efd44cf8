"""The host and the Room together (issue 10 items 3 and 6): a student joining a seat the
computer holds takes it (a logged seat change); when the connection drops, the seat waits
its grace period, then the facilitator is asked to choose."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from exercise import catalog
from exercise.conduct import PUBLIC, Conductor, SeatPlan
from exercise.engine import EventKind
from exercise.host.codes import FACILITATOR, JoinCodes
from exercise.host.server import Host
from exercise.room import Room
from exercise.scenario.loading import load_scenario

from .conftest import Rig
from .demo import demo_factory


async def test_joining_claims_a_computer_seat_and_leaving_starts_its_grace(
        tmp_path: Path) -> None:
    scenario = load_scenario(catalog.resolve("tutorial"))
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, False) for p in scenario.parties}, 0)
    room = Room(conductor, bot_delay=0.2, grace=0.3)
    room.start(asyncio.get_running_loop())
    codes = JoinCodes.fresh([FACILITATOR, PUBLIC, *(p.id for p in scenario.parties)])
    host = Host(demo_factory, codes, ssh_port=0, web_port=0, key_folder=tmp_path / "keys",
                joined=lambda s: room.connected(s.viewer) if s.viewer in conductor.seats
                else None,
                left=lambda s, why: room.disconnected(s.viewer) if s.viewer in conductor.seats
                else None)
    await host.start()
    heard: list[str] = []
    room.subscribe(lambda c: heard.append(c.kind))
    try:
        async with aiohttp.ClientSession() as http:
            rig = Rig(host, codes, None, http)  # type: ignore[arg-type]
            russia = await rig.ssh(codes.code_for("russia"))
            await russia.view.shows("Seat: russia")
            assert conductor.seats["russia"].human
            changes = [e.data for e in conductor.game.events
                       if e.kind is EventKind.SEAT_CHANGED]
            assert changes == [{"party": "russia", "player": "person"}]
            russia.close()
            async with asyncio.timeout(10):
                while "seat_dropped" not in heard:
                    await asyncio.sleep(0.02)
            seats = room.view(FACILITATOR).console.seats  # type: ignore[union-attr]
            assert next(s for s in seats if s.party == "russia").needs_choice
    finally:
        await host.stop()
        room.close()
