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

MAX_WEBSOCKET_BYTES = 1 << 20   #: the protocol layer drops larger messages (the app allows 256 KiB)
_EXTRA = "pip install 'profundo[playground]'"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The playground's command-line options, on ``parser``."""
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)     # the address works from now on: early visitors wait in the backlog
    return sock


def serve(host: str = "127.0.0.1", port: int = 0, open_browser: bool = True) -> int:
    """Run the playground until interrupted; returns an exit status."""
    try:
        import uvicorn

        from .app import LOOPBACK_HOSTS, create_app
    except ImportError as error:
        print(f"profundo playground needs its web server packages ({error.name} is missing): "
              f"{_EXTRA}", file=sys.stderr)
        return 1
    try:
        sock = _bind(host, port)
    except OSError as error:
        print(f"profundo playground: cannot listen on {host}:{port}: {error.strerror}", file=sys.stderr)
        return 1
    loopback = host in LOOPBACK_HOSTS
    allowed = LOOPBACK_HOSTS if loopback else ["*"]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    if not loopback:
        print(f"warning: listening on {host}: other computers on the network can open the playground",
              file=sys.stderr)
    print(f"profundo playground: {url}   (Ctrl+C to stop)", flush=True)
    config = uvicorn.Config(create_app(allowed), log_level="warning", lifespan="off",
                            ws_max_size=MAX_WEBSOCKET_BYTES, ws_per_message_deflate=False)
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
    parser = argparse.ArgumentParser(prog="profundo playground",
                                     description="the profundo playground in your browser")
    return run(add_arguments(parser).parse_args(argv))
