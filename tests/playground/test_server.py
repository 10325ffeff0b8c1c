"""The real server: ``python -m profundo.playground`` on uvicorn,
spoken to over a real WebSocket."""

import json
import socket
import sys
import urllib.request

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")
ws_client = pytest.importorskip("websockets.sync.client")

from profundo.playground.render import unpack_frame  # noqa: E402
from profundo.playground.server import MAX_WEBSOCKET_BYTES  # noqa: E402


def test_it_listens_on_loopback_on_a_free_port_and_serves_the_page(server_url):
    assert server_url.startswith("http://127.0.0.1:")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(server_url, timeout=10) as page:
        assert b"profundo playground" in page.read()


def test_a_real_websocket_trains_and_answers_errors(server_url):
    url = server_url.replace("http://", "ws://") + "ws"
    with ws_client.connect(url, origin=server_url.rstrip("/"), max_size=None, proxy=None) as ws:
        ws.send(json.dumps({"type": "config", "config": {"n_points": 60, "hidden": [2]}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "data"
        header, maps = unpack_frame(ws.recv(timeout=10))
        assert header["layout"] == [2, 2, 1] and [m.shape[0] for m in maps] == [25] * 9 + [100]
        ws.send("{oops")
        assert json.loads(ws.recv(timeout=10))["code"] == "bad_json"
        ws.send(json.dumps({"type": "step"}))
        assert unpack_frame(ws.recv(timeout=10))[0]["epoch"] == 1


def test_messages_past_the_protocol_limit_close_the_socket_but_not_the_server(server_url):
    url = server_url.replace("http://", "ws://") + "ws"
    with ws_client.connect(url, max_size=None, proxy=None) as ws:
        ws.send("x" * (MAX_WEBSOCKET_BYTES + 1))
        with pytest.raises(Exception):
            ws.recv(timeout=10)
        assert ws.close_code == 1009  # message too big
    with ws_client.connect(url, max_size=None, proxy=None) as ws:
        ws.send(json.dumps({"type": "reset"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "data"


def test_a_port_in_use_is_a_clear_error(start_server):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process, url, line = start_server("--port", str(taken.getsockname()[1]))
        assert process.wait(timeout=20) == 1
    assert "cannot listen on 127.0.0.1" in line


def test_the_profundo_command_has_the_playground():
    from profundo.cli import build_parser

    args = build_parser().parse_args(["playground", "--port", "8123", "--no-browser"])
    assert (args.host, args.port, args.no_browser) == ("127.0.0.1", 8123, True)
    assert args.run.__name__ == "_playground"


def test_without_the_web_packages_it_says_what_to_install(monkeypatch, capsys):
    from profundo.playground import server

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now fails
    assert server.serve(open_browser=False) == 1
    assert "pip install 'profundo[playground]'" in capsys.readouterr().err


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_the_ipv6_loopback_serves_the_page_and_the_socket(start_server):
    """``--host ::1`` answered every request with 400 "Invalid host header"."""
    process, url, line = start_server("--host", "::1")
    assert url and url.startswith("http://[::1]:"), line
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as page:
        assert b"profundo playground" in page.read()
    ws_url = url.replace("http://", "ws://") + "ws"
    with ws_client.connect(ws_url, origin=url.rstrip("/"), max_size=None, proxy=None) as ws:
        ws.send(json.dumps({"type": "config", "config": {"n_points": 60, "hidden": [2]}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "data"


def test_a_half_sent_request_is_not_held_open(server_url):
    """A client that sends part of a request's head and then nothing was held open for ever."""
    from profundo.playground.server import REQUEST_TIMEOUT

    host, port = server_url[len("http://") :].rstrip("/").rsplit(":", 1)
    page = ws_client.connect(
        server_url.replace("http://", "ws://") + "ws", proxy=None, max_size=None
    )
    with (
        page,
        socket.create_connection((host, int(port)), timeout=REQUEST_TIMEOUT + 10) as half,
        socket.create_connection((host, int(port)), timeout=REQUEST_TIMEOUT + 10) as silent,
    ):
        half.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        assert half.recv(1024) == b""  # closed by the server, not by our timeout
        assert silent.recv(1024) == b""
        page.send(json.dumps({"type": "reset"}))  # a WebSocket is not a request: it stays
        assert json.loads(page.recv(timeout=10))["type"] == "data"
    with socket.create_connection((host, int(port)), timeout=10) as whole:  # the server goes on
        whole.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert whole.recv(1024).startswith(b"HTTP/1.1 200")
