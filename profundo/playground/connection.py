"""One WebSocket connection: messages in, replies and frames out, training in between.

Two tasks per connection. The reader receives messages, checks each one against the schema and
queues it (or the error it caused) in a small bounded inbox. The main loop owns the session: it
takes a message from the inbox and applies it, or, while the session is playing and the inbox is
empty, lets it train for a moment and sends the frame. Training runs in a worker thread, so the
server keeps answering while it computes; all sending happens in the main loop, one message at a
time. When the socket closes the reader ends, the main loop returns once the inbox is empty,
the reader is awaited (no task is left behind, even when the page vanished mid-message), and the
session (with its network) goes with it. No message, however bad, ends the loop: it gets an
error reply. A page that sends nothing for ``idle_timeout`` seconds is told so and closed, so
that forgotten tabs do not keep the server's places taken.

Flow control: a page that says ``{"type": "drawn"}`` after drawing each frame gets at most
``FRAMES_IN_FLIGHT`` frames ahead of its drawing, so that a slow browser never has a queue of old
frames to work through (Pause would wait behind them). A client that never says it (a script, a
test) gets frames as fast as they are made. "drawn" does not count as the page being in use.
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import BaseModel
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from .schema import MessageError, parse_message
from .session import Session

log = logging.getLogger("profundo.playground")

INBOX_SIZE = 16  #: messages waiting to be applied; the reader waits when it is full
IDLE_TIMEOUT = 30 * 60  #: seconds without a message from the page before its session ends
CLOSE_IDLE = 4000  #: the close code for a session that timed out (4000–4999: the app's own)
FRAMES_IN_FLIGHT = 2  #: frames sent but not yet drawn, at most, for a page that says "drawn"
_CLOSED = object()  # the socket has closed and every message has been taken
_IDLE = object()  # nothing came for too long
_WOKEN = object()  # the page drew a frame: more may be sent


def error_reply(code: str, detail: str) -> dict:
    """An error for the page: ``code`` it can translate, ``detail`` in plain (English) words."""
    return {"type": "error", "code": code, "detail": detail}


class _Flow:
    """Frames sent and not yet drawn, for a page that says "drawn" (see the module's note)."""

    def __init__(self):
        self.in_flight, self.acknowledging = 0, False
        self.drawn_event = asyncio.Event()  # set when a "drawn" came

    def ahead(self) -> bool:
        return self.acknowledging and self.in_flight >= FRAMES_IN_FLIGHT

    def drawn(self) -> None:
        self.in_flight, self.acknowledging = max(self.in_flight - 1, 0), True
        self.drawn_event.set()


async def _read(websocket: WebSocket, inbox: asyncio.Queue, flow: _Flow) -> None:
    """Receive, check and queue messages until the socket closes ("drawn" goes to ``flow``)."""
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("text")
            if data is None:
                data = message.get("bytes")
            parsed: BaseModel | MessageError
            try:
                parsed = parse_message(data)
            except MessageError as error:
                parsed = error
            if getattr(parsed, "type", None) == "drawn":
                flow.drawn()
            else:
                await inbox.put(parsed)
    except (WebSocketDisconnect, WebSocketDisconnected):
        return


async def _next(inbox: asyncio.Queue, reader: asyncio.Task, timeout: float, wake=None):
    """The next queued message, ``_CLOSED`` once the reader has ended and the inbox is empty,
    ``_IDLE`` when nothing comes within ``timeout`` seconds, or ``_WOKEN`` when the event
    ``wake`` is set first (it is cleared)."""
    if not inbox.empty():
        return inbox.get_nowait()
    if reader.done():
        return _CLOSED
    getter = asyncio.ensure_future(inbox.get())
    waiters = {getter, reader}
    woken = asyncio.ensure_future(wake.wait()) if wake is not None else None
    if woken is not None:
        waiters.add(woken)
    await asyncio.wait(waiters, timeout=max(timeout, 0), return_when=asyncio.FIRST_COMPLETED)
    if woken is not None:
        woken.cancel()
    if getter.done():
        return getter.result()
    getter.cancel()  # (a cancelled get takes nothing from the queue)
    if not inbox.empty():
        return inbox.get_nowait()
    if reader.done():
        return _CLOSED
    if wake is not None and wake.is_set():
        wake.clear()
        return _WOKEN
    return _IDLE


async def _send(websocket: WebSocket, reply) -> None:
    if isinstance(reply, bytes):
        await websocket.send_bytes(reply)
    else:
        await websocket.send_json(reply)


async def _apply(session: Session, item):
    """The replies to one queued item: an error reply, or what the session answers."""
    if isinstance(item, MessageError):
        return [item.reply()]
    try:
        return await asyncio.to_thread(session.handle, item)
    except MessageError as error:
        return [error.reply()]
    except Exception as error:  # a bug must not end the connection or the server
        log.exception("playground: a %s message failed", item.type)
        return [error_reply("internal", f"{type(error).__name__}: {error}")]


async def _advance(session: Session, inbox: asyncio.Queue):
    """A frame after a moment of training (none when a message came meanwhile: it goes first);
    an unexpected failure pauses the session instead."""
    try:
        frame = await asyncio.to_thread(session.advance, None, lambda: not inbox.empty())
        return [] if frame is None else [frame]
    except Exception as error:
        log.exception("playground: training failed")
        session.playing = False
        return [error_reply("internal", f"{type(error).__name__}: {error}")]


async def serve_connection(websocket: WebSocket, idle_timeout: float = IDLE_TIMEOUT) -> None:
    """Run one page's playground over an accepted WebSocket until it closes or falls idle."""
    loop = asyncio.get_running_loop()
    session = await asyncio.to_thread(Session)
    inbox: asyncio.Queue = asyncio.Queue(maxsize=INBOX_SIZE)
    flow = _Flow()
    reader = asyncio.create_task(_read(websocket, inbox, flow))
    last_heard = loop.time()
    try:
        while True:
            left = last_heard + idle_timeout - loop.time()
            if session.playing and inbox.empty() and left > 0 and not flow.ahead():
                replies = await _advance(session, inbox)
            else:
                flow.drawn_event.clear()
                item = await _next(
                    inbox, reader, left, flow.drawn_event if session.playing else None
                )
                if item is _WOKEN:
                    continue
                if item is _CLOSED:
                    return
                if item is _IDLE:
                    minutes = f"{idle_timeout / 60:.3g}"
                    await _send(
                        websocket,
                        error_reply(
                            "idle",
                            f"no message from the page for {minutes} minutes: session closed",
                        ),
                    )
                    await websocket.close(code=CLOSE_IDLE)
                    return
                last_heard = loop.time()
                replies = await _apply(session, item)
            for reply in replies:
                await _send(websocket, reply)
                flow.in_flight += isinstance(reply, bytes)
    except (WebSocketDisconnect, WebSocketDisconnected):  # the page left while we were sending
        return
    finally:
        reader.cancel()
        await asyncio.wait({reader})  # ended: nothing of this connection is left pending
