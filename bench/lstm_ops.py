"""Benchmark: profundo's fused ``pf.lstm`` against ``torch.nn.LSTM``, forward + backward, on CPU.

Both run the same workload in one process, interleaved (profundo, torch, profundo, torch, ...),
with the same number of threads; the median of the repeats and the ratio profundo / torch are
reported, and profundo's peak memory (NumPy's allocations, traced by tracemalloc).

    .venv/bin/python bench/lstm_ops.py                 # batch 64, length 100, input 64, units 128
    .venv/bin/python bench/lstm_ops.py --repeats 21 --batch 32
"""

from __future__ import annotations

import argparse
import tracemalloc

import numpy as np
import torch
from harness import add_arguments, header, interleaved, ratio, set_threads

import profundo as pf


def profundo_step(x, weights):
    """One forward + backward of pf.lstm; the gradients land in the weights' ``grad``."""
    for w in weights:
        w.zero_grad()
    outputs, h, c = pf.lstm(x, *weights)
    outputs.mean().backward()


def torch_step(x, module):
    module.zero_grad(set_to_none=True)
    outputs, (h, c) = module(x)
    outputs.mean().backward()


def main() -> None:
    parser = add_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]), repeats=15)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--length", type=int, default=100)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--units", type=int, default=128)
    args = parser.parse_args()

    threads = set_threads(args.threads, torch)
    rng = np.random.default_rng(0)
    n, steps, features, units = args.batch, args.length, args.features, args.units
    x_np = rng.standard_normal((n, steps, features), dtype=np.float32)

    module = torch.nn.LSTM(features, units, batch_first=True)
    with torch.no_grad():  # the same weights in Keras' layout (torch keeps W transposed)
        weights = [
            pf.tensor(module.weight_ih_l0.numpy().T, requires_grad=True),
            pf.tensor(module.weight_hh_l0.numpy().T, requires_grad=True),
            pf.tensor((module.bias_ih_l0 + module.bias_hh_l0).numpy(), requires_grad=True),
        ]
    x, tx = pf.tensor(x_np), torch.tensor(x_np)

    t = interleaved(
        {"profundo": lambda: profundo_step(x, weights), "torch": lambda: torch_step(tx, module)},
        args.repeats,
    )

    tracemalloc.start()
    profundo_step(x, weights)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    print(
        header(
            f"LSTM forward+backward: batch {n}, length {steps}, input {features}, units "
            f"{units}, float32, median of {args.repeats}",
            threads,
            torch,
        )
    )
    print(f"  profundo {t['profundo']}   (peak NumPy memory {peak / 2**20:.1f} MiB)")
    print(f"  torch    {t['torch']}")
    print(f"  ratio profundo / torch: {ratio(t):.2f}")


if __name__ == "__main__":
    main()
