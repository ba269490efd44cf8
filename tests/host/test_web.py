"""Seats in a browser, on 127.0.0.1: lobby, seat page, and textual-serve's page protocol."""

from __future__ import annotations

import asyncio
import re
from html.parser import HTMLParser

import aiohttp

from exercise.host.codes import FailureLimiter, JoinCodes
from exercise.host.seats import CRASHED, FULL, TAKEN_OVER
from exercise.host.server import Host
from exercise.host.web import CLOSE_CODE, STATIC_FOLDER

from .conftest import WAIT, FakeClock, Rig
from .demo import demo_factory


class _Tags(HTMLParser):
    """The tags of a page, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


async def test_the_lobby_is_an_accessible_form_that_leads_to_the_seat(rig: Rig):
    """The lobby has a labelled code field; a right code (typed in lower case, with a
    dash) is sent on to its seat's page."""
    async with rig.http.get(rig.base + "/") as response:
        assert response.status == 200
        page = await response.text()
    found = tags(page)
    field = next(attrs for tag, attrs in found if tag == "input")
    label = next(attrs for tag, attrs in found if tag == "label")
    form = next(attrs for tag, attrs in found if tag == "form")
    assert label["for"] == field["id"] == "code" and field["name"] == "code"
    assert (form["method"], form["action"]) == ("post", "/join")
    assert f"ssh -p {rig.host.ssh_port}" in page
    code = rig.codes.code_for("russia")
    typed = f"{code[:3].lower()}-{code[3:].lower()}"
    async with rig.http.post(rig.base + "/join", data={"code": typed},
                             allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == f"/s/{code}"


async def test_a_wrong_code_is_refused_then_the_address_is_blocked(rig: Rig):
    """A wrong code gets 403 and says so beside the field; after five, even a right code
    gets 429 with a Retry-After, until the block runs out."""
    async with rig.http.post(rig.base + "/join", data={"code": "ABCDEF"},
                             allow_redirects=False) as response:
        assert response.status == 403
        page = await response.text()
    assert 'role="alert"' in page and 'aria-invalid="true"' in page
    for path in ("/s/ABCDEF", "/ws/ABCDEF", "/s/not-a-code", "/ws/ZZZZZZ"):
        async with rig.http.get(rig.base + path) as response:
            assert response.status == 403, path
    right = rig.codes.code_for("ukraine")
    for path in (f"/s/{right}", f"/ws/{right}"):
        async with rig.http.get(rig.base + path) as response:
            assert response.status == 429
            assert int(response.headers["Retry-After"]) > 0
    rig.clock.now += 121
    async with rig.http.get(rig.base + f"/s/{right}") as response:
        assert response.status == 200


async def test_the_seat_page_fetches_nothing_from_outside(rig: Rig):
    """The page loads only from the host: no web fonts, scripts or styles from elsewhere;
    its websocket goes back to the host; its font and script are served by the host."""
    code = rig.codes.code_for("ukraine")
    async with rig.http.get(rig.base + f"/s/{code}") as response:
        assert response.status == 200
        page = await response.text()
        policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "<title>exercise</title>" in page
    origin = f"127.0.0.1:{rig.host.web_port}"
    for tag, attrs in tags(page):
        for name, value in attrs.items():
            if name == "xmlns" or not value:
                continue  # a namespace names, it is never fetched
            if re.match(r"^(?:[a-z]+:)?//", value):
                assert value == f"ws://{origin}/ws/{code}", (tag, name, value)
    loaded = re.findall(r"url\(\s*[\"']?([^\"')]+)", page)
    loaded += [a.get("src") or a.get("href") for t, a in tags(page)
               if t in ("script", "link", "img") and (a.get("src") or a.get("href"))]
    assert loaded and all(str(url).startswith("/static/") for url in loaded), loaded
    assert "googleapis" not in page
    for url in loaded:
        async with rig.http.get(rig.base + str(url)) as response:
            assert response.status == 200, url
    assert (STATIC_FOLDER / "fonts" / "RobotoMono-VariableFont_wght.ttf").exists()


async def test_a_browser_seat_renders_and_speaks_the_page_protocol(rig: Rig):
    """Keys, a lone Esc, resize, ping and focus frames work; malformed frames are ignored;
    the output is in true colour."""
    client = await rig.web(rig.codes.code_for("ukraine"), width=90, height=30)
    await client.view.shows("Seat: ukraine")
    await client.view.shows("Size: 90x30")
    for junk in ("not json", "[]", "{}", '["stdin"]', '["stdin", 5]', '["resize", "big"]',
                 '["resize", {"width": true, "height": 3}]', '["launch", 1]', "[" * 5000,
                 '["ping", {"x": 1}]'):
        await client.send(junk)
    await client.send(["ping", "1234"])
    await client.send(["focus"])
    await client.send(["blur"])
    await client.press("k")
    await client.view.shows("Last key: k")
    await client.press("\x1b")
    await client.view.shows("Last key: escape")
    await client.resize(120, 40)
    await client.view.shows("Size: 120x40")
    assert ["pong", "1234"] in client.texts
    assert all(frame[0] == "pong" for frame in client.texts)
    assert b"\x1b[38;2;" in client.view.received or b"\x1b[48;2;" in client.view.received
    await client.socket.close()


async def test_a_crash_closes_only_that_seat_with_a_one_line_reason(rig: Rig):
    """One seat's app raising ends that connection (its screen and the close message say
    why); the other seats, on both transports, keep working."""
    crashing = await rig.web(rig.codes.code_for("ukraine"))
    browser = await rig.web(rig.codes.code_for("russia"))
    terminal = await rig.ssh(rig.codes.code_for("public"))
    for client in (crashing, browser, terminal):
        await client.view.shows("Seat:")
    await crashing.press("!")
    await crashing.closed()
    assert crashing.socket.close_code == CLOSE_CODE
    assert crashing.close_reason == CRASHED.encode()[:123].decode("utf-8", "ignore")
    assert CRASHED in crashing.view.received.decode()
    await browser.press("b")
    await browser.view.shows("Last key: b")
    terminal.press(b"t")
    await terminal.view.shows("Last key: t")
    assert set(rig.host.seats.holders()) == {"russia", "public"}
    terminal.close()


async def test_a_browser_takes_a_seat_from_an_ssh_connection(rig: Rig):
    """The newest connection wins across transports, and the old one is told why."""
    code = rig.codes.code_for("facilitator")
    old = await rig.ssh(code)
    await old.view.shows("Seat: facilitator")
    new = await rig.web(code)
    await new.view.shows("Seat: facilitator")
    await old.closed()
    assert "opened on another screen" in old.view.received.decode()
    assert rig.host.seats.holder("facilitator").transport == "web"
    third = await rig.web(code)
    await new.closed()
    assert new.close_reason == TAKEN_OVER.encode()[:123].decode("utf-8", "ignore")
    await third.view.shows("Seat: facilitator")
    await third.socket.close()


async def test_a_regenerated_code_drops_its_holder_and_the_old_code_stops_working(rig: Rig):
    """The facilitator regenerates a seat's code: the holder is dropped with a reason, the
    old code is refused, the new one works, and the codes file has it."""
    old_code = rig.codes.code_for("ukraine")
    client = await rig.web(old_code)
    await client.view.shows("Seat: ukraine")
    new_code = rig.host.regenerate_code("ukraine")
    await client.closed()
    assert "new code" in client.close_reason
    async with rig.http.get(rig.base + f"/s/{old_code}") as response:
        assert response.status == 403
    again = await rig.web(new_code)
    await again.view.shows("Seat: ukraine")
    assert new_code in (rig.host._codes_file.read_text())
    await again.socket.close()


async def test_a_page_that_goes_away_frees_the_seat(rig: Rig):
    """Closing the tab ends the seat's app and tells the subscribers."""
    client = await rig.web(rig.codes.code_for("russia"))
    await client.view.shows("Seat: russia")
    await client.socket.close()
    async with asyncio.timeout(10):
        while rig.host.seats.live_count():
            await asyncio.sleep(0.02)
    assert ("left", "russia", "The connection was lost.") in rig.events


async def test_a_full_host_says_so_to_the_next_browser(tmp_path):
    """Past the session cap a new viewer's page is told the host is full, and closed."""
    codes = JoinCodes.fresh(["ukraine", "russia"])
    host = Host(demo_factory, codes, ssh_port=None, web_port=0, max_sessions=1,
                limiter=FailureLimiter())
    async with asyncio.timeout(WAIT):
        await host.start()
    try:
        async with aiohttp.ClientSession() as http:
            rig = Rig(host, codes, FakeClock(), http)
            first = await rig.web(codes.code_for("ukraine"))
            await first.view.shows("Seat: ukraine")
            refused = await rig.web(codes.code_for("russia"))
            await refused.closed()
            assert refused.close_reason == FULL
            assert FULL in refused.view.received.decode()
            await first.socket.close()
    finally:
        async with asyncio.timeout(WAIT):
            await host.stop()
