"""Seats in a browser, on 127.0.0.1 (issue 10 items 5, 6, 8, 9): the lobby, a seat's page
with no request leaving the LAN, the websocket in textual-serve's protocol, wrong codes
refused and rate-limited, takeover, and unknown frames ignored."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import aiohttp
import pyte
import pytest

from exercise.host.codes import Codes, RateLimiter
from exercise.host.driver import shared_process_streams
from exercise.host.seats import Seats
from exercise.host.web import bound_port, make_web_app, start_web

from .test_ssh import Demo, until


@pytest.fixture
async def web(tmp_path: Path) -> Any:
    with shared_process_streams():
        codes = Codes.create(["ukraine", "russia"])
        seats = Seats(lambda viewer, conn: Demo(viewer, conn))
        app = make_web_app(seats, codes, title="Tutorial <b>",
                           limiter=RateLimiter(allowed=3))
        runner = await start_web(app, host="127.0.0.1", port=0)
        base = f"http://127.0.0.1:{bound_port(runner)}"
        async with aiohttp.ClientSession() as http:
            yield base, codes, seats, http
        await seats.close_all("stopping")
        await runner.cleanup()


class Browser:
    """A websocket client reading its seat's screen as textual.js would."""

    def __init__(self, socket: Any):
        self.socket = socket
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        self.texts: list[str] = []
        self.task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.socket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.raw += message.data
                self.stream.feed(message.data)
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.texts.append(message.data)

    def text(self) -> str:
        return "\n".join(self.screen.display)


async def test_the_lobby_and_a_seat_page_ask_nothing_of_the_internet(web: Any) -> None:
    base, codes, _, http = web
    async with http.get(base + "/") as response:
        lobby = await response.text()
    assert response.status == 200 and '<label for="code">' in lobby
    assert "Tutorial &lt;b&gt;" in lobby  # the title is text, not markup
    async with http.get(base + "/join", params={"code": codes.by_viewer["ukraine"].lower()},
                        allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/s/" + codes.by_viewer["ukraine"]
    async with http.get(base + "/s/" + codes.by_viewer["ukraine"]) as response:
        page = await response.text()
    assert response.status == 200
    assert "/ws/" + codes.by_viewer["ukraine"] in page
    assert not re.findall(r'(?:href|src)="https?://', page)
    assert "fonts.googleapis" not in page
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        async with http.get(base + asset) as response:
            assert response.status == 200, asset


async def test_a_wrong_code_is_refused_then_held_off(web: Any) -> None:
    base, codes, _, http = web
    for _ in range(3):
        async with http.get(base + "/s/WRONG2") as response:
            assert response.status == 403
            assert "not one of this exercise" in await response.text()
    async with http.get(base + "/s/" + codes.by_viewer["ukraine"]) as response:
        assert response.status == 429


async def test_a_seat_plays_over_the_websocket_and_the_newest_wins(web: Any) -> None:
    base, codes, seats, http = web
    url = base.replace("http", "ws") + "/ws/" + codes.by_viewer["russia"]
    first = Browser(await http.ws_connect(url + "?width=80&height=24"))
    await until(lambda: "seat of russia" in first.text())
    await first.socket.send_str('["stdin", "xx"]')
    await first.socket.send_str('["focus"]')
    await first.socket.send_str('["nonsense", 1, 2]')
    await first.socket.send_str('not json at all')
    await first.socket.send_str('["ping", "t1"]')
    await until(lambda: "pressed 2" in first.text() and '["pong", "t1"]' in first.texts)
    await first.socket.send_str('["resize", {"width": 100, "height": 30}]')
    await until(lambda: tuple(seats.apps["russia"].size) == (100, 30))
    second = Browser(await http.ws_connect(url))
    await until(lambda: "seat of russia" in second.text())
    await asyncio.wait_for(first.task, 10)
    assert b"Someone joined this seat from another screen" in first.raw
    await second.socket.close()
