"""Seats in a browser: a lobby to type the code, then the seat's terminal in the page.

``GET /`` is the lobby, a one-field form; it posts to ``/join``, which sends a right code
on to ``/s/{code}``, the seat's page. That page is textual-serve's own (its template and
static files: xterm.js with textual.js), with three changes: the web-font link is gone
and the font it wanted, shipped in textual-serve's static folder, is declared from there,
so nothing is fetched from outside the room's network (the Content-Security-Policy says
the same to the browser); the page has our title; and when the host closes the
connection, the page's "Session ended" box says why.

The page's websocket, ``/ws/{code}``, speaks textual-serve's page protocol. The browser
sends JSON text frames: ``["stdin", text]``, ``["resize", {"width": w, "height": h}]``,
``["ping", x]`` (answered ``["pong", x]``), ``["focus"]`` and ``["blur"]``; anything else,
or anything malformed, is ignored. The host sends the app's output as binary frames,
written straight to the terminal; one task sends every frame, in order.

A wrong code is refused with 403 and counted against the address; an address with too
many wrong codes gets 429 for a while, a right code included.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import json
import logging
import math
import re
from collections import deque
from collections.abc import Callable
from pathlib import Path

import jinja2
import textual_serve
from aiohttp import WSMsgType, web

from exercise.host.codes import FailureLimiter, JoinCodes, normalize
from exercise.host.driver import LOW_WATER, SeatTerminal
from exercise.host.seats import Seats, SeatSession, SeatsFull

log = logging.getLogger(__name__)

SERVE_FOLDER = Path(textual_serve.__file__).parent
STATIC_FOLDER = SERVE_FOLDER / "static"
TEMPLATE_FILE = SERVE_FOLDER / "templates" / "app_index.html"

HEARTBEAT = 15.0
"""Seconds between websocket pings: a dead browser is noticed in about two of them."""
CLOSE_TIMEOUT = 3.0
MAX_FRAME = 64 * 1024
"""The largest frame a browser may send (a big paste is a few kilobytes)."""
MAX_FORM = 16 * 1024
CLOSE_CODE = 4000
"""The websocket close code the host uses when it ends a seat (the reason goes with it)."""

WRONG_CODE = "That code is not one of this exercise's. Check it with your facilitator."
BLOCKED = "Too many wrong codes came from this computer. Wait {seconds} seconds and try again."

_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>\s*", re.I)
_HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")

# Added to textual-serve's page: our title, its font from its own static folder, and a
# WebSocket that puts the host's reason for closing into the "Session ended" box (as
# text, never markup).
_HEAD_ADDITIONS = """
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>{{ application.name }}</title>
    <style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf")
          format("truetype");
        font-weight: 100 700;
        font-style: normal;
      }
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf")
          format("truetype");
        font-weight: 100 700;
        font-style: italic;
      }
    </style>
    <script>
      (function () {
        const NativeWebSocket = window.WebSocket;
        class SeatWebSocket extends NativeWebSocket {
          constructor(...args) {
            super(...args);
            this.addEventListener("close", (event) => {
              const box = document.querySelector(".closed-dialog .message");
              if (box && event.reason) {
                box.textContent = event.reason;
              }
            });
          }
        }
        window.WebSocket = SeatWebSocket;
      })();
    </script>
"""

_LOBBY = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: join</title>
<style>
  body {{ background: #0c181f; color: #f2f2f2; font: 1.125rem/1.5 system-ui, sans-serif;
         margin: 0; display: flex; min-height: 100vh; align-items: center;
         justify-content: center; }}
  main {{ background: #12232d; padding: 2rem 2.5rem; border-radius: 0.5rem;
         max-width: 28rem; }}
  h1 {{ font-size: 1.5rem; margin-top: 0; }}
  label {{ display: block; font-weight: bold; }}
  input {{ font: 1.75rem/1.2 ui-monospace, monospace; letter-spacing: 0.2em;
          text-transform: uppercase; width: 9ch; padding: 0.25rem 0.5rem;
          margin: 0.25rem 0 0.75rem; }}
  input:focus, button:focus {{ outline: 3px solid #ffcc4d; outline-offset: 2px; }}
  button {{ font: inherit; padding: 0.5rem 1.5rem; background: #5e0ba7; color: #fff;
           border: none; border-radius: 0.25rem; cursor: pointer; }}
  .hint {{ color: #c8d3da; margin: 0.25rem 0; }}
  .error {{ color: #ffb3b3; font-weight: bold; }}
  code {{ font-size: 1rem; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<form method="post" action="/join">
  <label for="code">Join code</label>
  <p class="hint" id="code-hint">Six letters and digits, from your facilitator.</p>
  <input id="code" name="code" type="text" required maxlength="16" autocomplete="off"
         autocapitalize="characters" spellcheck="false" autofocus
         aria-describedby="code-hint{described}"{invalid}>
  {error}
  <div><button type="submit">Join</button></div>
</form>
{ssh}
</main>
</body>
</html>
"""


@functools.cache
def seat_page_template() -> jinja2.Template:
    """textual-serve's page template, made to fetch nothing from outside (see above)."""
    source = TEMPLATE_FILE.read_text("utf-8")
    source = _EXTERNAL_LINK.sub("", source)
    source = source.replace("<html>", '<html lang="en">', 1)
    source = source.replace("<head>", "<head>" + _HEAD_ADDITIONS, 1)
    return jinja2.Environment(autoescape=True).from_string(source)


def lobby_page(title: str, *, error: str | None = None, ssh: str | None = None) -> str:
    """The lobby's HTML: the code form, with ``error`` under the field when given."""
    return _LOBBY.format(
        title=html.escape(title),
        described=" code-error" if error else "",
        invalid=' aria-invalid="true"' if error else "",
        error=(f'<p class="error" id="code-error" role="alert">{html.escape(error)}</p>'
               if error else ""),
        ssh=(f'<p class="hint">Or in a terminal: <code>{html.escape(ssh)}</code></p>'
             if ssh else ""))


def _address(request: web.Request) -> str:
    return request.remote or "?"


def _host(request: web.Request) -> str | None:
    """The Host header, when it is a plain host[:port] (it goes into the page)."""
    host = request.host
    return host if _HOST_HEADER.match(host) else None


def _small_int(value: object) -> int | None:
    """``value`` when it is a plain integer a terminal size could be."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 100_000 else None


class _SocketLink:
    """A websocket as a :class:`~exercise.host.driver.Link`: frames queued, one sender."""

    def __init__(self, socket: web.WebSocketResponse,
                 transport: asyncio.Transport | None) -> None:
        self._socket = socket
        self._transport = transport
        self._queue: deque[bytes | str] = deque()
        self._waiting = 0
        self._wake = asyncio.Event()
        self._finishing = False
        self.gone = False
        self.drained: Callable[[], None] = lambda: None
        self.lost: Callable[[], None] = lambda: None

    def send(self, data: bytes) -> None:
        if self.gone:
            raise BrokenPipeError("the browser has gone")
        self._queue.append(data)
        self._waiting += len(data)
        self._wake.set()

    def send_text(self, text: str) -> None:
        if not self.gone:
            self._queue.append(text)
            self._wake.set()

    def backlog(self) -> int:
        return self._waiting

    async def pump(self) -> None:
        """Send what is queued, in order, until told to finish; frames written back to
        back go out as one."""
        socket = self._socket
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._queue:
                    item = self._queue.popleft()
                    if isinstance(item, str):
                        await socket.send_str(item)
                        continue
                    chunks = [item]
                    while self._queue and isinstance(self._queue[0], bytes):
                        chunks.append(self._queue.popleft())  # type: ignore[arg-type]
                    data = b"".join(chunks)
                    await socket.send_bytes(data)
                    self._waiting -= len(data)
                    if self._waiting <= LOW_WATER:
                        self.drained()
                if self._finishing:
                    return
        except (OSError, RuntimeError):
            self.gone = True
            self.lost()

    async def finish(self, pump: asyncio.Task[None], reason: str) -> None:
        """Send what is left and ``reason``, then close with ``reason`` as the close message."""
        self._finishing = True
        self._wake.set()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(pump, CLOSE_TIMEOUT)
        message = reason.encode("utf-8")[:123].decode("utf-8", "ignore").encode("utf-8")
        try:
            await asyncio.wait_for(self._socket.close(code=CLOSE_CODE, message=message),
                                   CLOSE_TIMEOUT)
        except (OSError, RuntimeError, TimeoutError):
            # A half-open client (a closed laptop lid) never answers: let it go.
            if self._transport is not None:
                self._transport.abort()


def _on_frame(text: str, terminal: SeatTerminal, link: _SocketLink) -> None:
    """One text frame from the page, parsed defensively (anything odd is ignored)."""
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        return
    if not isinstance(frame, list) or not frame or not isinstance(frame[0], str):
        return
    kind, body = frame[0], frame[1] if len(frame) > 1 else None
    if kind == "stdin" and isinstance(body, str):
        terminal.feed(body)
    elif kind == "resize" and isinstance(body, dict):
        width, height = _small_int(body.get("width")), _small_int(body.get("height"))
        if width and height:
            terminal.resize(width, height)
    elif kind == "ping" and isinstance(body, str) and len(body) <= 64:
        link.send_text(json.dumps(["pong", body]))
    elif kind == "focus":
        terminal.focus(True)
    elif kind == "blur":
        terminal.focus(False)


class SeatWeb:
    """The web side of the host: lobby, seat pages, websockets, static files."""

    def __init__(self, seats: Seats, codes: JoinCodes, limiter: FailureLimiter, *,
                 title: str = "exercise", ssh_port: int | None = None) -> None:
        """Serve ``seats`` to whoever has one of ``codes``; ``ssh_port`` goes in the lobby's
        hint when SSH is served too."""
        self._seats = seats
        self._codes = codes
        self._limiter = limiter
        self.title = title
        self.ssh_port = ssh_port

    def application(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application(client_max_size=MAX_FORM)
        app.router.add_get("/", self._lobby)
        app.router.add_post("/join", self._join)
        app.router.add_get("/s/{code}", self._seat_page)
        app.router.add_get("/ws/{code}", self._websocket)
        app.router.add_static("/static/", STATIC_FOLDER, show_index=False,
                              follow_symlinks=False)
        app.on_response_prepare.append(self._headers)
        return app

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        """Every response: nothing loads from elsewhere, no framing, no referrer."""
        host = _host(request)
        sockets = f" ws://{host} wss://{host}" if host else ""
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            f"font-src 'self' data:; connect-src 'self'{sockets}; worker-src 'self' blob:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"

    def _ssh_hint(self, request: web.Request) -> str | None:
        host = _host(request)
        if self.ssh_port is None or host is None:
            return None
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return f"ssh -p {self.ssh_port} student@{name.strip('[]')}"

    def _lobby_response(self, request: web.Request, status: int = 200,
                        error: str | None = None) -> web.Response:
        return web.Response(status=status, content_type="text/html", charset="utf-8",
                            text=lobby_page(self.title, error=error,
                                            ssh=self._ssh_hint(request)))

    def _viewer(self, request: web.Request, typed: str) -> str | web.Response:
        """The viewer whose code ``typed`` is, or the lobby refusing it (403 or 429)."""
        address = _address(request)
        wait = self._limiter.blocked(address)
        if wait:
            response = self._lobby_response(request, 429,
                                            BLOCKED.format(seconds=math.ceil(wait)))
            response.headers["Retry-After"] = str(math.ceil(wait))
            return response
        viewer = self._codes.viewer_for(typed)
        if viewer is None:
            self._limiter.failed(address)
            log.info("wrong join code over the web from %s", address)
            return self._lobby_response(request, 403, WRONG_CODE)
        return viewer

    async def _lobby(self, request: web.Request) -> web.Response:
        return self._lobby_response(request)

    async def _join(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        typed = form.get("code")
        found = self._viewer(request, typed if isinstance(typed, str) else "")
        if isinstance(found, web.Response):
            return found
        raise web.HTTPSeeOther(f"/s/{normalize(str(typed))}")

    async def _seat_page(self, request: web.Request) -> web.Response:
        typed = request.match_info["code"]
        found = self._viewer(request, typed)
        if isinstance(found, web.Response):
            return found
        host = _host(request) or "127.0.0.1"
        scheme = "wss" if request.secure else "ws"
        font_size = _small_int(request.query.get("fontsize", "16")) or 16
        page = seat_page_template().render(
            config={"static": {"url": "/static/"}},
            app_websocket_url=f"{scheme}://{host}/ws/{normalize(typed)}",
            font_size=min(max(font_size, 8), 32),
            ping_url="",
            application={"name": self.title})
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        found = self._viewer(request, request.match_info["code"])
        if isinstance(found, web.Response):
            return web.Response(status=found.status, text=found.reason,
                                headers={k: v for k, v in found.headers.items()
                                         if k == "Retry-After"})
        socket = web.WebSocketResponse(heartbeat=HEARTBEAT, max_msg_size=MAX_FRAME,
                                       timeout=CLOSE_TIMEOUT)
        await socket.prepare(request)
        link = _SocketLink(socket, request.transport)
        size = (_small_int(request.query.get("width")) or 80,
                _small_int(request.query.get("height")) or 24)
        pump = asyncio.ensure_future(link.pump())
        try:
            session = self._seats.open(found, transport="web", address=_address(request),
                                       link=link, size=size, colors="truecolor")
        except SeatsFull as full:
            link.send(f"\r\n{full}\r\n".encode())
            await link.finish(pump, str(full))
            return socket
        link.drained = session.terminal.drained
        link.lost = session.lost
        reader = asyncio.ensure_future(self._read(socket, session, link))
        try:
            reason = await session.run()
        finally:
            reader.cancel()
        if not session.terminal.gone:
            session.terminal.write_line(reason)
        await link.finish(pump, reason)
        return socket

    @staticmethod
    async def _read(socket: web.WebSocketResponse, session: SeatSession,
                    link: _SocketLink) -> None:
        """Pass the page's frames to the session until the page goes."""
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                _on_frame(message.data, session.terminal, link)
            elif message.type == WSMsgType.ERROR:
                break
        session.lost()
