"""The real server: ``python -m profundo.playground`` on uvicorn, spoken to over a real WebSocket."""
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
        assert header["layout"] == [2, 2, 1] and maps.shape == (5, 100, 100)
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
        assert ws.close_code == 1009                  # message too big
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

    monkeypatch.setitem(sys.modules, "uvicorn", None)         # import uvicorn now fails
    assert server.serve(open_browser=False) == 1
    assert "pip install 'profundo[playground]'" in capsys.readouterr().err
