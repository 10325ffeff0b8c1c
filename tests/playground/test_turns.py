"""Turns: the first-come, first-served lock by which the playground's sessions share the CPU."""

import threading
import time

import pytest

from profundo.playground.turns import Turns


def test_the_lock_goes_to_the_threads_in_the_order_they_asked():
    turns, order = Turns(), []
    turns.acquire()
    threads = []
    for k in range(4):
        thread = threading.Thread(
            target=lambda k=k: (turns.acquire(), order.append(k), turns.release())
        )
        thread.start()
        threads.append(thread)
        while len(turns._waiting) < k + 1:  # wait until it is in line
            time.sleep(0.001)
    turns.release()
    for thread in threads:
        thread.join(timeout=10)
    assert order == [0, 1, 2, 3]


def test_a_thread_that_asks_again_at_once_lets_the_waiting_one_go_first():
    turns, log = Turns(), []
    turns.acquire()
    other = threading.Thread(target=lambda: (turns.acquire(), log.append("other"), turns.release()))
    other.start()
    while not turns._waiting:
        time.sleep(0.001)
    turns.release()
    with turns:  # asks again immediately
        log.append("again")
    other.join(timeout=10)
    assert log == ["other", "again"]


def test_releasing_a_lock_that_is_not_held_is_an_error():
    with pytest.raises(RuntimeError, match="not held"):
        Turns().release()
