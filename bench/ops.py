"""Per-op overhead and an MLP step, profundo vs PyTorch (CPU), in one process, interleaved.

1. overhead: a chain of 1,000 small elementwise ops on a (4,)-tensor, forward then backward —
   time per op, which is almost all Python/dispatch overhead.
2. mlp: the 784-256-128-10 ReLU MLP at batch 128, forward (cross-entropy) + backward.

Each workload runs ``--repeats`` times per framework, alternating; the median is reported with the
ratio (profundo time / PyTorch time: below 1 means profundo is faster).

Run:  .venv/bin/python bench/ops.py
"""

from __future__ import annotations

import argparse

import numpy as np
from harness import add_arguments, header, interleaved, ratio, set_threads

import profundo as pf


def chain_profundo(n):
    x = pf.tensor(np.random.rand(4).astype(np.float32), requires_grad=True)
    y = x
    for i in range(n // 2):
        y = y * 1.0001
        y = y + 0.001
    y.sum().backward()


def chain_torch(torch, n):
    x = torch.rand(4, requires_grad=True)
    y = x
    for i in range(n // 2):
        y = y * 1.0001
        y = y + 0.001
    y.sum().backward()


def mlp_data(batch=128, widths=(784, 256, 128, 10)):
    """Inputs, labels and the weights of a 3-layer ReLU MLP of ``widths`` (in, h1, h2, classes)."""
    rng = np.random.default_rng(0)
    x = rng.random((batch, widths[0]), dtype=np.float32)
    y = rng.integers(0, widths[-1], batch)
    shapes = [s for a, b in zip(widths, widths[1:]) for s in ((a, b), (b,))]
    weights = [(rng.standard_normal(s) * 0.05).astype(np.float32) for s in shapes]
    return x, y, weights


def mlp_profundo(x, y, weights):
    w1, b1, w2, b2, w3, b3 = weights
    h = pf.relu(x @ w1 + b1)
    h = pf.relu(h @ w2 + b2)
    loss = pf.cross_entropy(h @ w3 + b3, y)
    loss.backward()
    for w in weights:
        w.zero_grad()


def mlp_torch(torch, x, y, weights):
    F = torch.nn.functional
    w1, b1, w2, b2, w3, b3 = weights
    h = F.relu(x @ w1 + b1)
    h = F.relu(h @ w2 + b2)
    loss = F.cross_entropy(h @ w3 + b3, y)
    loss.backward()
    for w in weights:
        w.grad = None


def main():
    import torch

    args = add_arguments(
        argparse.ArgumentParser(description=__doc__.splitlines()[0]), repeats=15
    ).parse_args()
    threads = set_threads(args.threads, torch)
    print(header("per-op overhead and a small MLP step", threads, torch))

    n = 1000
    t = interleaved(
        {"profundo": lambda: chain_profundo(n), "torch": lambda: chain_torch(torch, n)},
        args.repeats,
        inner=3,
    )
    print(
        "overhead per op (fwd+bwd, 1000-op chain): "
        f"profundo {t['profundo'].median / n * 1e6:.2f} µs "
        f"(CPU {t['profundo'].cpu_median / n * 1e6:.2f}), "
        f"torch {t['torch'].median / n * 1e6:.2f} µs "
        f"(CPU {t['torch'].cpu_median / n * 1e6:.2f}), ratio {ratio(t):.2f}"
    )

    x, y, w = mlp_data()
    pw = [pf.tensor(a, requires_grad=True) for a in w]
    tw = [torch.tensor(a, requires_grad=True) for a in w]
    tx, ty = torch.tensor(x), torch.tensor(y)
    t = interleaved(
        {"profundo": lambda: mlp_profundo(x, y, pw), "torch": lambda: mlp_torch(torch, tx, ty, tw)},
        args.repeats,
        inner=20,
    )
    print(
        f"MLP 784-256-128-10 fwd+bwd, batch 128: profundo {t['profundo']}, torch {t['torch']}, "
        f"ratio {ratio(t):.2f}"
    )


if __name__ == "__main__":
    main()
