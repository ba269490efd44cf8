"""Seats in a browser: a lobby to type a code, each seat's page, and its websocket.

``GET /`` is the lobby; ``/s/{code}`` a seat's page (textual-serve's own page and
scripts, served from this machine: its web-font link is dropped, the font ships with
it, so no request leaves the room's network); ``/ws/{code}`` the page's websocket,
which carries the seat's screen. A wrong code is refused (403) and an address that
keeps guessing is held off (429).

The page speaks textual-serve's protocol: JSON text frames ``["stdin", text]``,
``["resize", {"width", "height"}]``, ``["ping", x]`` (answered ``["pong", x]``),
``["focus"]`` and ``["blur"]``; the screen goes back as binary frames, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
from pathlib import Path
from typing import Any

import jinja2
import textual_serve
from aiohttp import WSMsgType, web

from exercise.host.codes import Codes, RateLimiter, normalise
from exercise.host.driver import Terminal
from exercise.host.seats import Seats

__all__ = ["make_web_app", "start_web"]

SERVE = Path(textual_serve.__file__).parent
MAX_BACKLOG = 8 * 1024 * 1024  # bytes of screen a client may fall behind by
MAX_FRAME = 64 * 1024  # characters in one frame from a client
FONT = """<style>
@font-face { font-family: "Roboto Mono";
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }
</style>"""

LOBBY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — join</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #0c181f; color: #f2f2f2;
       display: flex; justify-content: center; padding-top: 12vh; }}
main {{ max-width: 30rem; }}
label {{ display: block; font-size: 1.2rem; margin-bottom: .5rem; }}
input {{ font-size: 2rem; letter-spacing: .3rem; text-transform: uppercase; width: 12rem;
        padding: .3rem .5rem; }}
button {{ font-size: 1.2rem; padding: .6rem 1.2rem; margin-left: .5rem; }}
.error {{ color: #ffb4a8; font-weight: bold; }}
</style></head>
<body><main>
<h1>{title}</h1>
{message}
<form action="/join" method="get">
<label for="code">Your delegation's code</label>
<input id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="12"
       required autofocus>
<button type="submit">Join</button>
</form>
<p>Your facilitator gives each delegation its own code. Keep it to yourselves.</p>
</main></body></html>
"""


def _page_template() -> jinja2.Template:
    """textual-serve's page, without its link to a web-font service."""
    source = (SERVE / "templates" / "app_index.html").read_text(encoding="utf-8")
    source = re.sub(r"<link[^>]*fonts\.googleapis\.com[^>]*>", FONT, source, flags=re.S)
    return jinja2.Environment(autoescape=True).from_string(source)


def make_web_app(seats: Seats, codes: Codes, *, title: str,
                 limiter: RateLimiter | None = None) -> web.Application:
    """The aiohttp application of a hosted exercise."""
    limiter = limiter or RateLimiter()
    page = _page_template()

    def lobby(message: str = "", status: int = 200) -> web.Response:
        note = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
        return web.Response(text=LOBBY.format(title=html.escape(title), message=note),
                            content_type="text/html", status=status)

    def viewer_of(request: web.Request) -> tuple[str | None, web.Response | None]:
        address = request.remote or "?"
        wait = limiter.blocked(address)
        if wait:
            return None, lobby(f"Too many wrong codes from this computer: wait {wait:.0f} "
                               "seconds and try again.", 429)
        viewer = codes.viewer_for(request.match_info.get("code", ""))
        if viewer is None:
            limiter.failed(address)
            return None, lobby("That code is not one of this exercise's. Check it with "
                               "your facilitator.", 403)
        limiter.succeeded(address)
        return viewer, None

    async def index(request: web.Request) -> web.Response:
        return lobby()

    async def join(request: web.Request) -> web.Response:
        code = normalise(request.query.get("code", ""))
        if not code:
            return lobby("Type your code first.", 400)
        raise web.HTTPSeeOther(f"/s/{code}")

    async def seat_page(request: web.Request) -> web.Response:
        _, refused = viewer_of(request)
        if refused is not None:
            return refused
        code = normalise(request.match_info["code"])
        scheme = "wss" if request.secure else "ws"
        text = page.render(
            font_size=16, ping_url="", config={"static": {"url": "/static/"}},
            application={"name": title},
            app_websocket_url=f"{scheme}://{request.host}/ws/{code}")
        return web.Response(text=text, content_type="text/html",
                            headers={"Cache-Control": "no-store",
                                     "Referrer-Policy": "no-referrer"})

    async def websocket(request: web.Request) -> web.StreamResponse:
        viewer, refused = viewer_of(request)
        if refused is not None or viewer is None:
            return refused or web.Response(status=403)
        socket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_FRAME * 4)
        await socket.prepare(request)
        await _serve_socket(socket, viewer, request, seats)
        return socket

    app = web.Application(client_max_size=64 * 1024)
    app.add_routes([
        web.get("/", index),
        web.get("/join", join),
        web.get("/s/{code}", seat_page),
        web.get("/ws/{code}", websocket),
        web.static("/static", SERVE / "static"),
    ])
    return app


class _SocketConnection:
    """A browser's websocket as the seat registry sees it."""

    def __init__(self, socket: web.WebSocketResponse, terminal: Terminal,
                 outbox: asyncio.Queue[bytes | None]):
        self.socket = socket
        self.terminal = terminal
        self.outbox = outbox
        self.closing = False

    def close(self, reason: str) -> None:
        if self.closing:
            return
        self.closing = True
        if reason:
            self.outbox.put_nowait(b"\x1b[?1049l\r\n" + reason.encode() + b"\r\n")
        self.outbox.put_nowait(None)


def _size(query: Any) -> tuple[Any, Any]:
    return query.get("width", 80), query.get("height", 24)


async def _serve_socket(socket: web.WebSocketResponse, viewer: str, request: web.Request,
                        seats: Seats) -> None:
    outbox: asyncio.Queue[bytes | None] = asyncio.Queue()
    backlog = [0]

    def send(data: bytes) -> None:
        backlog[0] += len(data)
        if backlog[0] > MAX_BACKLOG:
            raise ConnectionError("the client is not keeping up")
        outbox.put_nowait(data)

    terminal = Terminal(send, _size(request.query))
    connection = _SocketConnection(socket, terminal, outbox)

    async def write() -> None:
        while (data := await outbox.get()) is not None:
            backlog[0] -= len(data)
            try:
                await socket.send_bytes(data)
            except (ConnectionError, RuntimeError):
                return
        with contextlib.suppress(Exception):
            await socket.close()

    writer = asyncio.ensure_future(write())
    served = asyncio.ensure_future(seats.serve(viewer, connection))
    try:
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            pong = _frame(message.data, terminal)
            if pong is not None:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await socket.send_json(["pong", pong])
            if served.done():
                break
    finally:
        if not served.done():
            seats.drop(viewer, "", connection)
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(served, 5)
        connection.close("")
        with contextlib.suppress(asyncio.TimeoutError, Exception):
            await asyncio.wait_for(writer, 5)


def _frame(data: str, terminal: Terminal) -> str | int | float | None:
    """One frame from the page; anything unexpected is ignored. Returns a ping's payload,
    to be answered."""
    if len(data) > MAX_FRAME:
        return None
    try:
        envelope = json.loads(data)
    except ValueError:
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    kind = envelope[0]
    body = envelope[1] if len(envelope) > 1 else None
    if kind == "stdin" and isinstance(body, str):
        terminal.feed(body)
    elif kind == "resize" and isinstance(body, dict):
        terminal.resize(body.get("width"), body.get("height"))
    elif kind == "ping" and isinstance(body, (str, int, float)):
        return body
    return None


async def start_web(app: web.Application, *, host: str, port: int) -> web.AppRunner:
    """Serve ``app``; returns its runner (``await runner.cleanup()`` stops it)."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port a runner's site listens on (for port 0: the one the system chose)."""
    for site in runner.sites:
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            return int(server.sockets[0].getsockname()[1])
    raise RuntimeError("the web server is not listening")
