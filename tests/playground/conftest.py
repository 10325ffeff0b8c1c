"""Shared by the playground's tests: the ``browser`` marker and a real server to talk to."""

import os
import re
import subprocess
import sys

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives the playground page in a real headless Chromium"
    )


def _start(*args):
    """``python -m profundo.playground --no-browser ARGS``: (process, URL or None, first line)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "profundo.playground", "--no-browser", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    line = process.stdout.readline()
    found = re.search(r"http://[\w.\[\]:]+/", line)
    return process, found and found.group(0), line


@pytest.fixture(scope="module")
def start_server():
    """A function that starts a playground server process (stopped at the end of the module)."""
    started = []

    def start(*args):
        process, url, line = _start(*args)
        started.append(process)
        return process, url, line

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def server_url(start_server):
    """The address of a running playground server (needs uvicorn and starlette)."""
    pytest.importorskip("uvicorn")
    pytest.importorskip("starlette")
    _, url, line = start_server()
    assert url, f"the server did not print its address: {line!r}"
    return url
