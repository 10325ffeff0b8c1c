"""The playground's speed goal: 6 hidden layers of 8 neurons on 500 points, at least 30 training
steps and 10 full redraws per second (on a 2-core machine).

- training: the session's epoch, ``model.fit`` over the 250 training points in mini-batches of
  10 — each mini-batch is one step (forward, loss, backward, optimizer update);
- redraw: everything the server does for one frame — one batched forward pass of the functional
  probe model over the 100 × 100 grid (10,000 points), every neuron's heat map as bytes, losses
  and weights, packed into the binary WebSocket message.

Both are timed for the two input sets x₁, x₂ (the default) and all seven features, for each
activation the benchmark names. With PyTorch installed, the same network's training step and grid
forward pass are timed in the same process afterwards, for comparison (a busy machine makes
all these numbers vary: compare runs made side by side).

In the browser (``--browser``; needs Playwright and Debian's Chromium): the real server and page,
with the page's frames counted as they arrive (each is drawn as it arrives) — frames a second,
their size, and how long Pause takes to show — for the default page, the biggest network, and
5,000 points in batches of 1 (goals: >= 30 frames/s for small networks, >= 5 updates/s with
5,000 points at batch 1, Pause within 100 ms).

Run:  .venv/bin/python bench/playground.py [--seconds 3] [--browser]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

from profundo.playground.datasets import FEATURES
from profundo.playground.schema import Config
from profundo.playground.session import Session

STEPS_GOAL, REDRAWS_GOAL = 30, 10


def rate(work, seconds: float, repeats: int = 3) -> float:
    """Median calls per second of ``work()`` over ``repeats`` rounds of about ``seconds`` each."""
    work()  # warm up
    rates = []
    for _ in range(repeats):
        calls, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / repeats:
            work()
            calls += 1
        rates.append(calls / (time.perf_counter() - start))
    return statistics.median(rates)


def playground_rates(features, activation, seconds):
    config = Config(
        dataset="spiral",
        n_points=500,
        hidden=[8] * 6,
        features=features,
        activation=activation,
        batch_size=10,
        learning_rate=0.01,
    )
    session = Session(config)
    steps_per_epoch = -(-len(session.x_train) // config.batch_size)
    epochs = rate(session._finish_epoch, seconds)
    redraws = rate(session.frame, seconds)
    return epochs * steps_per_epoch, epochs, redraws, len(session.frame())


def torch_rates(torch, n_features, seconds):
    """The same MLP in PyTorch: steps/s at batch 10 and grid forward passes/s. One thread: these
    matrices are tiny, and on a busy machine more threads only wait for each other."""
    torch.set_num_threads(1)
    layers, width = [], n_features
    for _ in range(6):
        layers += [torch.nn.Linear(width, 8), torch.nn.Tanh()]
        width = 8
    model = torch.nn.Sequential(*layers, torch.nn.Linear(8, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(250, n_features)
    y = (torch.rand(250, 1) > 0.5).float()
    grid = torch.randn(10_000, n_features)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def epoch():
        for i in torch.randperm(250).split(10):
            optimizer.zero_grad()
            loss_fn(model(x[i]), y[i]).backward()
            optimizer.step()

    def forward():
        with torch.no_grad():
            h = grid
            for layer in model:
                h = layer(h)

    return rate(epoch, seconds) * 25, rate(forward, seconds)


# counts the binary WebSocket messages (frames) the page receives: [arrival ms, bytes]
COUNT_FRAMES = """
const Native = window.WebSocket;
window.frames_seen = [];
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => {
      if (e.data instanceof ArrayBuffer) {
        window.frames_seen.push([performance.now(), e.data.byteLength]);
      }
    });
  }
};
"""
PAUSE_DELAY = """() => new Promise((done) => {
  const play = document.querySelector("#play");
  const start = performance.now();
  new MutationObserver((_, observer) => {
    if (!play.classList.contains("playing")) {
      observer.disconnect();
      done(performance.now() - start);
    }
  }).observe(play, { attributes: true });
  play.click();
})"""
BROWSER_CASES = [
    ("default page (2-4-2-1, 500 points, batch 10)", "", 30),
    (
        "6 x 8 neurons, 7 features, 500 points, batch 10",
        "#features=x1,x2,x1_sq,x2_sq,x1x2,sin_x1,sin_x2&hidden=8,8,8,8,8,8",
        30,
    ),
    ("5,000 points, batch 1 (2-4-2-1)", "#n_points=5000&batch_size=1", 5),
]


def browser_rates(seconds: float) -> None:
    """Frames a second, frame size and pause delay in Chromium against a real server."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("PLAYGROUND_CHROMIUM") or shutil.which("chromium")
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PROFUNDO_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "profundo.playground", "--no-browser"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    url = re.search(r"http://[\w.\[\]:]+/", server.stdout.readline()).group(0)
    print(f"\nIn Chromium ({chromium}), server at 1 thread, {seconds:.0f} s of play each:")
    print(f"{'case':<50} {'frames/s':>9} {'KiB/frame':>10} {'pause ms':>9}  goal")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--headless", "--no-sandbox"]
            )
            for name, address, goal in BROWSER_CASES:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.add_init_script(COUNT_FRAMES)
                page.goto(url + address)
                page.wait_for_selector("#columns .neuron.unit")
                page.click("#play")
                page.wait_for_selector("#play.playing")
                page.wait_for_timeout(500)  # settle
                start = page.evaluate("window.frames_seen.length")
                page.wait_for_timeout(seconds * 1000)
                frames = page.evaluate("window.frames_seen")[start:]
                pause = page.evaluate(PAUSE_DELAY)
                rate = (
                    (len(frames) - 1) / ((frames[-1][0] - frames[0][0]) / 1000)
                    if len(frames) > 1
                    else 0
                )
                size = statistics.mean(f[1] for f in frames) / 1024 if frames else 0
                ok = "met" if rate >= goal and pause <= 100 else "MISSED"
                print(f"{name:<50} {rate:>9.1f} {size:>10.1f} {pause:>9.0f}  >= {goal}/s: {ok}")
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--activations", default="tanh,relu", help="comma-separated")
    parser.add_argument(
        "--browser",
        action="store_true",
        help="measure the page in Chromium instead (frames/s, frame size, pause)",
    )
    args = parser.parse_args()
    if args.browser:
        print(f"load average: {os.getloadavg()[0]:.2f}")
        browser_rates(args.seconds)
        return
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{len(os.sched_getaffinity(0))} cores usable, numpy {np.__version__}"
    )
    print(f"goal: >= {STEPS_GOAL} training steps/s and >= {REDRAWS_GOAL} full redraws/s\n")
    print(
        f"{'features':<10} {'activation':<10} {'steps/s':>9} {'epochs/s':>9} {'redraws/s':>10} "
        f"{'frame KiB':>10}  goal"
    )
    for features in (["x1", "x2"], list(FEATURES)):
        for activation in args.activations.split(","):
            steps, epochs, redraws, size = playground_rates(features, activation, args.seconds)
            ok = "met" if steps >= STEPS_GOAL and redraws >= REDRAWS_GOAL else "MISSED"
            print(
                f"{len(features):<10} {activation:<10} {steps:>9.0f} {epochs:>9.1f} "
                f"{redraws:>10.1f} {size / 1024:>10.0f}  {ok}"
            )
    try:
        import torch
    except ImportError:
        print("\n(PyTorch is not installed: no comparison)")
        return
    print(
        "\nPyTorch, the same tanh network "
        "(training step at batch 10; forward pass over the grid only):"
    )
    for features in (["x1", "x2"], list(FEATURES)):
        steps, forwards = torch_rates(torch, len(features), args.seconds)
        print(
            f"{len(features):<10} {'tanh':<10} {steps:>9.0f} {steps / 25:>9.1f} {forwards:>10.1f} "
            f"(forward passes only)"
        )


if __name__ == "__main__":
    main()
