"""Training throughput of the 784-256-128-10 MLP: profundo's ``fit`` vs the same model in PyTorch.

One epoch over MNIST-sized data (60,000 × 784, random values: speed does not depend on them),
batch 128, Adam(1e-3), ReLU hidden layers, softmax output with cross-entropy. The two frameworks
alternate epochs; the median of ``--repeats`` epochs each is reported with the ratio.

Peak memory: each framework also trains one epoch in a fresh subprocess whose peak resident set
size (VmHWM) is reported — the whole process, interpreter, libraries and data included.

Run:  .venv/bin/python bench/mlp_train.py
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

N, BATCH = 60_000, 128


def data():
    rng = np.random.default_rng(0)
    return rng.random((N, 784), dtype=np.float32), rng.integers(0, 10, N)


def profundo_epoch():
    import profundo as pf
    from profundo import layers, optimizers

    model = pf.Sequential([layers.Input((784,)), layers.Dense(256, activation="relu"),
                           layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    x, y = data()
    return lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)


def torch_epoch():
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x, y = data()
    tx, ty = torch.tensor(x), torch.tensor(y)

    def epoch():
        order = torch.randperm(N)
        for start in range(0, N, BATCH):
            idx = order[start:start + BATCH]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(tx[idx]), ty[idx])
            loss.backward()
            opt.step()
    return epoch


def peak_rss_mb(framework: str) -> float:
    """Peak RSS of a subprocess that trains one epoch with ``framework``."""
    code = (f"import sys; sys.path.insert(0, {str(__file__.rsplit('/', 1)[0])!r}); "
            f"import mlp_train as m; m.{framework}_epoch()(); "
            f"print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024      # VmHWM (kB) of the child alone


def main():
    import torch

    import profundo as pf

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(pf.backend.available_cores())
    runs = {"profundo": profundo_epoch(), "torch": torch_epoch()}
    times = {k: [] for k in runs}
    for k, run in runs.items():   # warm-up epoch each
        run()
    for _ in range(args.repeats):
        for k, run in runs.items():
            start = time.perf_counter()
            run()
            times[k].append(time.perf_counter() - start)
    rate = {k: N / statistics.median(v) for k, v in times.items()}
    print(f"MLP 784-256-128-10, one epoch of {N} samples, batch {BATCH}, Adam "
          f"({pf.backend.available_cores()} cores, median of {args.repeats})")
    for k in runs:
        print(f"  {k:9s} {rate[k]:9.0f} samples/s")
    print(f"  ratio profundo/torch throughput: {rate['profundo'] / rate['torch']:.2f}x")
    for k in runs:
        print(f"  peak RSS of a process training one epoch with {k}: {peak_rss_mb(k):.0f} MB")


if __name__ == "__main__":
    main()
