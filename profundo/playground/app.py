"""The playground's web application (ASGI, Starlette): the page, its files and the WebSocket.

    GET /           the page (static/index.html)
    GET /static/…   its JavaScript modules, style sheet and the licence texts
    WS  /ws         one playground session per connection (see ``connection``)

Guards, besides binding to 127.0.0.1 (see ``server``): requests must name an allowed host (no
DNS rebinding), a WebSocket must come from a page of this same server (its ``Origin`` matches
``Host``: other web sites open in the browser cannot drive it), and at most
``MAX_CONNECTIONS`` sessions train at once: the next page is told "too_many_pages" (and the
socket closed with 1013, try again later), and a page silent for ``idle_timeout`` seconds is
closed to make room.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import FileResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from .connection import IDLE_TIMEOUT, error_reply, serve_connection

STATIC = Path(__file__).parent / "static"
LOOPBACK_ADDRESSES = ("127.0.0.1", "localhost", "::1")  #: --host values that are this computer
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]  #: the same as a Host header names them
MAX_CONNECTIONS = 8
CLOSE_TRY_AGAIN_LATER = 1013
CLOSE_POLICY_VIOLATION = 1008

_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


async def _page(request):
    return FileResponse(STATIC / "index.html", headers=_PAGE_HEADERS)


def _same_origin(websocket: WebSocket) -> bool:
    """True when the socket was opened by a page of this server
    (or by a client sending no Origin)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    host = websocket.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def create_app(allowed_hosts=None, idle_timeout: float = IDLE_TIMEOUT) -> Starlette:
    """The ASGI app; ``allowed_hosts``: the names the server may be reached by (loopback by
    default); ``idle_timeout``: seconds a page may send nothing before its session ends."""
    active: set[WebSocket] = set()

    async def playground_socket(websocket: WebSocket) -> None:
        if not _same_origin(websocket):
            await websocket.close(code=CLOSE_POLICY_VIOLATION)
            return
        await websocket.accept()
        if len(active) >= MAX_CONNECTIONS:  # accepted only to say why, in the page's words
            await websocket.send_json(
                error_reply(
                    "too_many_pages", f"{MAX_CONNECTIONS} pages are open on this server already"
                )
            )
            await websocket.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        active.add(websocket)
        try:
            await serve_connection(websocket, idle_timeout)
        finally:
            active.discard(websocket)

    app = Starlette(
        routes=[
            Route("/", _page),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            WebSocketRoute("/ws", playground_socket),
        ],
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts or LOOPBACK_HOSTS))
        ],
    )
    app.state.connections = active  # the open sessions (read by tests)
    return app
