"""Turns: a lock that the waiting threads get in the order they asked for it.

The sessions of one server take turns at computing (profundo's random generator and learning
phase are module globals), one slice of training at a time. ``threading.Lock`` would not share
fairly: a thread that releases it and asks again at once almost always gets it back, and the
other sessions starve. ``Turns`` hands the lock over to the longest-waiting thread instead.
"""

from __future__ import annotations

import collections
import threading


class Turns:
    """A first-come, first-served lock (``with turns: ...``); not reentrant."""

    def __init__(self):
        self._mutex = threading.Lock()  # guards the two fields below, held only for a moment
        self._held = False
        self._waiting = collections.deque()  # one locked gate per waiting thread, oldest first

    def acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            gate = threading.Lock()
            gate.acquire()
            self._waiting.append(gate)
        gate.acquire()  # opened by the thread that hands the lock over

    def release(self) -> None:
        with self._mutex:
            if not self._held:
                raise RuntimeError("Turns.release: the lock is not held")
            if self._waiting:
                self._waiting.popleft().release()  # still held: now by the next in line
            else:
                self._held = False

    def __enter__(self) -> "Turns":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


__all__ = ["Turns"]
