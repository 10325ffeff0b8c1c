"""Starting the playground: ``profundo playground`` and ``python -m profundo.playground``.

Binds 127.0.0.1 on a free port unless told otherwise, prints the address and opens the browser.
The web parts (Starlette, uvicorn, pydantic) are the optional extra ``profundo[playground]``;
they are imported only here, when the server starts.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import webbrowser

MAX_WEBSOCKET_BYTES = 1 << 20  #: the protocol layer drops larger messages (the app allows 256 KiB)
REQUEST_TIMEOUT = 5  #: seconds a connection may take to send a request's head
KEEP_ALIVE_TIMEOUT = 5  #: seconds an idle HTTP connection is kept open between requests
PING_INTERVAL, PING_TIMEOUT = 20.0, 20.0  #: a WebSocket whose peer stops answering pings closes
MAX_OPEN_CONNECTIONS = 64  #: beyond this uvicorn answers 503 at once
_EXTRA = "pip install 'profundo[playground]'"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The playground's command-line options, on ``parser``."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only)",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser


def _guarded_protocol():
    """uvicorn's HTTP/1.1 protocol with a deadline for the request's head: uvicorn times out idle
    keep-alive connections, but a client that sends half a request would be held open for ever."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm_request_deadline()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_request_deadline()

        def _arm_request_deadline(self) -> None:
            cycle = self.cycle  # a new request (its head complete) replaces it
            self.loop.call_later(REQUEST_TIMEOUT, self._drop_if_no_request, cycle)

        def _drop_if_no_request(self, cycle) -> None:
            transport = self.transport
            upgraded = transport.get_protocol() is not self  # now a WebSocket: not ours to time
            if self.cycle is cycle and not upgraded and not transport.is_closing():
                transport.close()

    return GuardedH11Protocol


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)  # the address works from now on: early visitors wait in the backlog
    return sock


def serve(host: str = "127.0.0.1", port: int = 0, open_browser: bool = True) -> int:
    """Run the playground until interrupted; returns an exit status."""
    try:
        import uvicorn

        from .app import LOOPBACK_ADDRESSES, LOOPBACK_HOSTS, create_app
    except ImportError as error:
        print(
            f"profundo playground needs its web server packages ({error.name} is missing): "
            f"{_EXTRA}",
            file=sys.stderr,
        )
        return 1
    try:
        sock = _bind(host, port)
    except OSError as error:
        print(
            f"profundo playground: cannot listen on {host}:{port}: {error.strerror}",
            file=sys.stderr,
        )
        return 1
    loopback = host in LOOPBACK_ADDRESSES
    allowed = LOOPBACK_HOSTS if loopback else ["*"]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    if not loopback:
        print(
            f"warning: listening on {host}: other computers on the network can open the playground",
            file=sys.stderr,
        )
    print(f"profundo playground: {url}   (Ctrl+C to stop)", flush=True)
    config = uvicorn.Config(
        create_app(allowed),
        log_level="warning",
        lifespan="off",
        http=_guarded_protocol(),
        ws_max_size=MAX_WEBSOCKET_BYTES,
        ws_per_message_deflate=False,
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        ws_ping_interval=PING_INTERVAL,
        ws_ping_timeout=PING_TIMEOUT,
        limit_concurrency=MAX_OPEN_CONNECTIONS,
        timeout_graceful_shutdown=2,
    )
    if open_browser:
        threading.Timer(0.5, webbrowser.open, [url]).start()
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return 0


def run(args: argparse.Namespace) -> int:
    """Start the server from parsed command-line options."""
    return serve(host=args.host, port=args.port, open_browser=not args.no_browser)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="profundo playground", description="the profundo playground in your browser"
    )
    return run(add_arguments(parser).parse_args(argv))
