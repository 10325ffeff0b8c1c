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

import numpy as np
from harness import add_arguments, header, interleaved, peak_rss_mb, ratio, set_threads

N, BATCH = 60_000, 128


def data():
    rng = np.random.default_rng(0)
    return rng.random((N, 784), dtype=np.float32), rng.integers(0, 10, N)


def profundo_epoch():
    import profundo as pf
    from profundo import layers, optimizers

    model = pf.Sequential(
        [
            layers.Input((784,)),
            layers.Dense(256, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    x, y = data()
    return lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)


def torch_epoch():
    import torch

    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256),
        torch.nn.ReLU(),
        torch.nn.Linear(256, 128),
        torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x, y = data()
    tx, ty = torch.tensor(x), torch.tensor(y)

    def epoch():
        order = torch.randperm(N)
        for start in range(0, N, BATCH):
            idx = order[start : start + BATCH]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(tx[idx]), ty[idx])
            loss.backward()
            opt.step()

    return epoch


def main():
    import torch

    args = add_arguments(
        argparse.ArgumentParser(description=__doc__.splitlines()[0]), repeats=3
    ).parse_args()
    threads = set_threads(args.threads, torch)
    print(
        header(f"MLP 784-256-128-10, one epoch of {N} samples, batch {BATCH}, Adam", threads, torch)
    )
    t = interleaved({"profundo": profundo_epoch(), "torch": torch_epoch()}, args.repeats, warmup=1)
    for k in t:
        print(f"  {k:9s} {N / t[k].median:9.0f} samples/s   epoch {t[k]}")
    print(f"  ratio profundo/torch throughput: {1 / ratio(t):.2f}x")
    for k in t:
        mb = peak_rss_mb(f"import mlp_train as m; m.{k}_epoch()()")
        print(f"  peak RSS of a process training one epoch with {k}: {mb:.0f} MB")


if __name__ == "__main__":
    main()
