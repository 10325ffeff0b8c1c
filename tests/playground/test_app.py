"""The ASGI app through Starlette's test client: the page, the guards and the WebSocket protocol."""

import asyncio
import json
import time

import pytest

pytest.importorskip("starlette")
try:
    from starlette.testclient import TestClient
except RuntimeError as error:  # it needs httpx2 (or httpx)
    pytest.skip(str(error), allow_module_level=True)

from starlette.websockets import WebSocketDisconnect  # noqa: E402

from profundo.playground import app as app_module  # noqa: E402
from profundo.playground import connection  # noqa: E402
from profundo.playground.render import unpack_frame  # noqa: E402
from profundo.playground.schema import MAX_MESSAGE_BYTES  # noqa: E402

SMALL = {"n_points": 60, "hidden": [3]}


@pytest.fixture
def app():
    return app_module.create_app(allowed_hosts=["testserver"])


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client


def receive(ws):
    """The next message: a dict for JSON text, (header, maps) for a frame."""
    message = ws.receive()
    if message.get("bytes") is not None:
        return unpack_frame(message["bytes"])
    return json.loads(message["text"])


def frame_after(ws, predicate=lambda header: True, limit=200):
    for _ in range(limit):
        message = receive(ws)
        if isinstance(message, tuple) and predicate(message[0]):
            return message[0]
    raise AssertionError("no such frame")


def configure(ws, **fields):
    ws.send_json({"type": "config", "config": {**SMALL, **fields}})
    data = receive(ws)
    assert data["type"] == "data"
    return data, frame_after(ws)


def test_the_page_and_its_files_are_served_with_a_content_security_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and 'src="/static/js/main.js"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for path in ("js/main.js", "js/i18n.js", "js/network-view.js", "playground.css"):
        assert client.get(f"/static/{path}").status_code == 200
    assert client.get("/static/../session.py").status_code == 404


def test_requests_for_other_host_names_are_refused(app):
    with TestClient(app, base_url="http://attacker.example") as other:
        assert other.get("/").status_code == 400


def test_sockets_from_other_web_sites_are_refused(client):
    with pytest.raises(WebSocketDisconnect) as info:
        with client.websocket_connect("/ws", headers={"origin": "http://attacker.example"}) as ws:
            ws.receive()
    assert info.value.code == app_module.CLOSE_POLICY_VIOLATION
    with client.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
        configure(ws)


def test_config_then_step_then_reset(client):
    with client.websocket_connect("/ws") as ws:
        data, header = configure(ws, dataset="xor")
        assert len(data["train"]) + len(data["test"]) == 60
        assert header["epoch"] == 0 and header["layout"] == [2, 3, 1]
        ws.send_json({"type": "step"})
        assert frame_after(ws)["epoch"] == 1
        ws.send_json({"type": "reset"})
        assert receive(ws)["type"] == "data"
        assert frame_after(ws)["epoch"] == 0


@pytest.mark.parametrize(
    "bad, code",
    [
        ("{not json", "bad_json"),
        ('{"type": "config", "config": {"hidden": [4, 4, 4, 4, 4, 4, 4]}}', "invalid"),
        ('{"type": "config", "config": {"hidden": [9]}}', "invalid"),
        ('{"type": "config", "config": {"learning_rate": "fast"}}', "invalid"),
        ('{"type": "config", "config": {"learning_rate": 1e999}}', "invalid"),
        ('{"type": "config", "config": {"n_points": 5001}}', "invalid"),
        ('{"type": "set_weight", "layer": 0, "source": 5, "target": 0, "value": 1}', "invalid"),
        ('{"type": "jump"}', "invalid"),
        ('"play"', "invalid"),
        ("x" * (MAX_MESSAGE_BYTES + 1), "too_large"),
    ],
)
def test_a_bad_message_gets_an_error_and_changes_nothing(client, bad, code):
    with client.websocket_connect("/ws") as ws:
        configure(ws)
        ws.send_json({"type": "step"})
        before = frame_after(ws)
        ws.send_text(bad)
        error = receive(ws)
        assert error["type"] == "error" and error["code"] == code and error["detail"]
        ws.send_json({"type": "pause"})
        after = frame_after(ws)
        assert after["epoch"] == before["epoch"] and after["config"] == before["config"]
        assert after["weights"] == before["weights"]


def test_binary_messages_are_read_as_json_text_or_refused(client):
    with client.websocket_connect("/ws") as ws:
        ws.send_bytes(b"\xff\xfe\x00")
        assert receive(ws)["code"] == "bad_json"
        ws.send_bytes(json.dumps({"type": "config", "config": SMALL}).encode())
        assert receive(ws)["type"] == "data"


def test_play_streams_frames_until_pause(client):
    with client.websocket_connect("/ws") as ws:
        configure(ws)
        ws.send_json({"type": "play"})
        epochs = [frame_after(ws, lambda h: h["playing"])["epoch"] for _ in range(3)]
        assert epochs == sorted(epochs) and epochs[-1] > epochs[0]
        ws.send_json({"type": "pause"})
        paused = frame_after(ws, lambda h: not h["playing"])
        ws.send_json({"type": "step"})
        assert frame_after(ws)["epoch"] == paused["epoch"] + 1


def test_messages_are_answered_while_training_runs(client):
    with client.websocket_connect("/ws") as ws:
        configure(ws)
        ws.send_json({"type": "play"})
        ws.send_json({"type": "config", "config": {**SMALL, "learning_rate": 0.3}})
        header = frame_after(ws, lambda h: h["config"]["learning_rate"] == 0.3)
        assert header["playing"]
        ws.send_json({"type": "export", "format": "script"})
        for _ in range(200):
            message = receive(ws)
            if isinstance(message, dict):
                assert message["type"] == "export" and message["filename"].endswith(".py")
                break


def test_closing_the_socket_ends_the_session_and_its_training(app, client):
    with client.websocket_connect("/ws") as ws:
        configure(ws)
        ws.send_json({"type": "play"})
        frame_after(ws, lambda h: h["playing"])
        assert len(app.state.connections) == 1
    deadline = time.monotonic() + 5
    while app.state.connections and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not app.state.connections


def test_connections_beyond_the_limit_are_told_too_many_pages_are_open(client, monkeypatch):
    monkeypatch.setattr(app_module, "MAX_CONNECTIONS", 1)
    with client.websocket_connect("/ws") as first:
        configure(first)
        with pytest.raises(WebSocketDisconnect) as info:
            with client.websocket_connect("/ws") as second:
                told = receive(second)  # the page can say why, in its language
                assert told["type"] == "error" and told["code"] == "too_many_pages"
                second.receive_text()
        assert info.value.code == app_module.CLOSE_TRY_AGAIN_LATER
        first.send_json({"type": "step"})
        assert frame_after(first)["epoch"] == 1


def test_an_unexpected_failure_is_reported_and_the_connection_goes_on(client, monkeypatch):
    from profundo.playground.session import Session

    def broken(self, kind):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(Session, "export", broken)
    with client.websocket_connect("/ws") as ws:
        configure(ws)
        ws.send_json({"type": "export", "format": "script"})
        error = receive(ws)
        assert error["code"] == "internal" and "ZeroDivisionError" in error["detail"]
        ws.send_json({"type": "step"})
        assert frame_after(ws)["epoch"] == 1


def test_a_silent_page_is_told_and_closed_and_its_place_is_free_again():
    app = app_module.create_app(allowed_hosts=["testserver"], idle_timeout=0.5)
    with TestClient(app) as client:
        with pytest.raises(WebSocketDisconnect) as info:
            with client.websocket_connect("/ws") as ws:
                configure(ws)
                ws.send_json({"type": "play"})  # playing, but nothing more from the page
                while isinstance(told := receive(ws), tuple):
                    pass
                assert told["code"] == "idle" and "minutes" in told["detail"]
                ws.receive_text()
        assert info.value.code == connection.CLOSE_IDLE
        deadline = time.monotonic() + 5
        while app.state.connections and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not app.state.connections


def test_pause_is_answered_long_before_an_epoch_of_5000_points_in_batches_of_1_ends(client):
    with client.websocket_connect("/ws") as ws:
        configure(ws, dataset="spiral", n_points=5000, batch_size=1, hidden=[8] * 6)
        ws.send_json({"type": "play"})
        playing = frame_after(ws, lambda h: h["playing"])
        ws.send_json({"type": "pause"})
        paused = frame_after(ws, lambda h: not h["playing"])
        assert playing["epoch"] == paused["epoch"] == 0  # frames came within the first epoch


class _VanishingPage:
    """A page that floods messages and is gone when the server answers (an abrupt disconnect)."""

    def __init__(self):
        self.sent = 0

    async def receive(self):
        await asyncio.sleep(0)
        return {"type": "websocket.receive", "text": '{"type": "pause"}'}

    async def send_bytes(self, data):
        self.sent += 1
        if self.sent > 1:
            raise WebSocketDisconnect(1006)

    async def send_json(self, data):
        await self.send_bytes(b"")

    async def close(self, code=1000):
        pass


def test_an_abrupt_disconnect_leaves_no_task_behind():
    """The reader was left pending for ever: cancelled while waiting on a full inbox, it waited
    again to queue its "closed" note."""

    async def run():
        await connection.serve_connection(_VanishingPage())
        await asyncio.sleep(0.05)
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    assert asyncio.run(run()) == []


def test_a_page_that_says_drawn_is_never_more_than_a_few_frames_ahead(client):
    with client.websocket_connect("/ws") as ws:
        configure(ws)
        ws.send_json({"type": "drawn"})  # this page acknowledges its frames
        ws.send_json({"type": "play"})
        frame_after(ws, lambda h: h["playing"])  # the answer to play: one in flight
        for _ in range(connection.FRAMES_IN_FLIGHT - 1):
            frame_after(ws)  # as many more as may be ahead, then none
        time.sleep(0.5)
        ws.send_json({"type": "pause"})
        # had frames kept coming, several would be queued before the pause's answer
        paused = receive(ws)
        assert isinstance(paused, tuple) and not paused[0]["playing"]
        for _ in range(connection.FRAMES_IN_FLIGHT + 1):
            ws.send_json({"type": "drawn"})  # all drawn: frames come again
        ws.send_json({"type": "play"})
        frame_after(ws, lambda h: h["playing"])
        frame_after(ws, lambda h: h["playing"])
