"""Benchmark: attention in profundo and PyTorch, in one process, interleaved, same thread count.

1. ``pf.scaled_dot_product_attention`` forward + backward against
   ``torch.nn.functional.scaled_dot_product_attention`` (batch 32, 4 heads, length 128, head dim
   32, float32; the gradients of q, k and v), without and with the causal mask;
2. one training step (forward, backward, Adam update) of a Transformer encoder block —
   ``layers.TransformerEncoder`` against ``torch.nn.TransformerEncoderLayer`` with the same settings
   (d = 128, 4 heads, feed-forward 512, post-norm, ReLU, no dropout; batch 32, length 128).

    .venv/bin/python bench/attention.py                    # 1 thread, the headline
    .venv/bin/python bench/attention.py --threads 2 --repeats 11
"""

from __future__ import annotations

import argparse
import tracemalloc

import numpy as np
import torch
from harness import add_arguments, header, interleaved, ratio, set_threads

import profundo as pf
from profundo import layers


def op_workloads(batch, heads, length, dim, causal):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((batch, heads, length, dim), dtype=np.float32) for _ in range(3)]
    g = rng.standard_normal((batch, heads, length, dim), dtype=np.float32)
    ours = [pf.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    tg = torch.tensor(g)

    def profundo_step():
        for t in ours:
            t.zero_grad()
        pf.scaled_dot_product_attention(*ours, is_causal=causal).backward(g)

    def torch_step():
        for t in theirs:
            t.grad = None
        torch.nn.functional.scaled_dot_product_attention(*theirs, is_causal=causal).backward(tg)

    return profundo_step, torch_step


def encoder_workloads(batch, length, d, heads, ff):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, length, d), dtype=np.float32)
    block = layers.TransformerEncoder(ff, heads)
    block(x[:1])
    opt = pf.optimizers.Adam(1e-4)
    px = pf.tensor(x)
    module = torch.nn.TransformerEncoderLayer(d, heads, ff, dropout=0.0, batch_first=True)
    t_opt = torch.optim.Adam(module.parameters(), 1e-4)
    tx = torch.tensor(x)

    def profundo_step():
        opt.zero_grad(block.trainable_weights)
        (block(px, training=True) ** 2).mean().backward()
        opt.step(block.trainable_weights)

    def torch_step():
        t_opt.zero_grad(set_to_none=True)
        (module(tx) ** 2).mean().backward()
        t_opt.step()

    return profundo_step, torch_step


def report(title, t, threads, profundo_step, items, unit):
    tracemalloc.start()
    profundo_step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(header(title, threads, torch))
    print(f"  profundo {t['profundo']}   (peak NumPy memory {peak / 2**20:.1f} MiB)")
    print(f"  torch    {t['torch']}")
    print(
        f"  ratio profundo / torch: {ratio(t):.2f} wall, "
        f"{t['profundo'].cpu_median / t['torch'].cpu_median:.2f} CPU; throughput "
        f"{items / t['profundo'].median:.0f} vs {items / t['torch'].median:.0f} {unit}/s "
        f"({t['torch'].median / t['profundo'].median:.2f}x PyTorch's)"
    )


def main() -> None:
    parser = add_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]), repeats=15)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=128)
    args = parser.parse_args()
    threads = set_threads(args.threads, torch)
    b, n = args.batch, args.length

    for causal in (False, True):
        ours, theirs = op_workloads(b, 4, n, 32, causal)
        t = interleaved({"profundo": ours, "torch": theirs}, args.repeats)
        report(
            f"scaled_dot_product_attention forward+backward{' (causal)' if causal else ''}: "
            f"batch {b}, 4 heads, length {n}, head dim 32, float32, median of {args.repeats}",
            t,
            threads,
            ours,
            b,
            "sequences",
        )

    ours, theirs = encoder_workloads(b, n, 128, 4, 512)
    t = interleaved({"profundo": ours, "torch": theirs}, args.repeats)
    report(
        f"Transformer encoder block training step (Adam): d 128, 4 heads, feed-forward 512, "
        f"batch {b}, length {n}, float32, median of {args.repeats}",
        t,
        threads,
        ours,
        b * n,
        "tokens",
    )


if __name__ == "__main__":
    main()
