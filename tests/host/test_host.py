"""The host serving a Room (issue 10 items 3, 5, 6): a student joining a computer seat by
its code takes it (a logged seat change), leaving starts the seat's grace period, the
projector's code shows the public view, and a regenerated code drops its holder."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from exercise import catalog
from exercise.conduct import PUBLIC, Conductor, SeatPlan
from exercise.engine import EventKind
from exercise.host.codes import Codes
from exercise.host.server import ROOM, Host, HostConfig, viewer_ids
from exercise.room import Room
from exercise.scenario.loading import load_scenario

from .test_ssh import Demo, connect, until


async def test_joining_claims_a_seat_and_leaving_starts_its_grace(tmp_path: Path) -> None:
    scenario = load_scenario(catalog.resolve("tutorial"))
    conductor = Conductor(scenario, {p.id: SeatPlan(p.id, False) for p in scenario.parties}, 0)
    room = Room(conductor, bot_delay=0.2, grace=0.3)
    room.start(asyncio.get_running_loop())
    codes = Codes.create(viewer_ids(room))
    made: list[str] = []

    def factory(viewer: str, connection: Any) -> Demo:
        made.append(viewer)
        return Demo(viewer, connection)

    host = Host(room, codes, factory, HostConfig(ssh_port=0, web_port=0,
                                                 key_folder=tmp_path / "keys"))
    await host.start()
    try:
        assert any("ssh -p" in line for line in host.addresses())
        russia = await connect(host.ssh_port or 0, codes.by_viewer["russia"])
        await until(lambda: "seat of russia" in russia.text())
        assert conductor.seats["russia"].human
        changes = [e.data for e in conductor.game.events if e.kind is EventKind.SEAT_CHANGED]
        assert changes == [{"party": "russia", "player": "person"}]
        heard: list[str] = []
        room.subscribe(lambda c: heard.append(c.kind))
        russia.conn.close()
        await until(lambda: "seat_dropped" in heard)
        async with aiohttp.ClientSession() as http:
            url = f"ws://127.0.0.1:{host.web_port}/ws/{codes.by_viewer[ROOM]}"
            async with http.ws_connect(url) as socket:
                await until(lambda: PUBLIC in made)
                await socket.close()
        us = await connect(host.ssh_port or 0, codes.by_viewer["us"])
        await until(lambda: "seat of us" in us.text())
        host.regenerate("us")
        await asyncio.wait_for(us.task, 10)
        assert b"gave this seat a new code" in us.raw
    finally:
        await host.stop()
        room.close()
