"""LeNet-size convolution forward + backward: profundo (NHWC) against PyTorch (NCHW), interleaved.

    x (128, 28, 28, 1) → conv 3×3×32 → (128, 26, 26, 32) → max pool 2 → conv 3×3×64
      → (128, 11, 11, 64) → max pool 2 → sum → backward (∂ kernels, ∂ biases, ∂ hidden)

Then one 3×3 convolution layer, 32 → 32 channels, "same" padding, forward + backward (∂x, ∂K,
∂b) at 28² (batch 32), 64² (batch 8) and 128² (batch 2), and 64 → 64 channels at 32² (batch 16,
where Winograd runs), with profundo's default kernels and its im2col/col2im reference
(``profundo.ops._conv.implementation = "reference"``).

Both run in this one process with the same number of threads, float32, alternating run by run;
the script prints the median time of each part and the ratio profundo / PyTorch.

    .venv/bin/python bench/conv_ops.py [--repeats 20] [--batch 128] [--threads 1]
"""

from __future__ import annotations

import argparse

import numpy as np
from harness import add_arguments, header, interleaved, ratio, set_threads

import profundo as pf
from profundo.ops import _conv as conv_ops

LAYER_SIZES = ((28, 32), (64, 8), (128, 2))  # (image side, batch): one 3×3 conv layer 32 → 32
WIDE_LAYER = (32, 16, 64)  # (image side, batch, channels): 64 → 64, Winograd's size


def profundo_parts(x, k1, b1, k2, b2):
    def conv1():
        return pf.conv2d(x, k1, b1)

    def forward():
        h = pf.max_pool2d(pf.conv2d(x, k1, b1), 2)
        return pf.max_pool2d(pf.conv2d(h, k2, b2), 2).sum()

    def step():
        for t in (k1, b1, k2, b2):
            t.zero_grad()
        forward().backward()

    return {"conv1 forward": conv1, "network forward": forward, "forward + backward": step}


def torch_parts(torch, x, k1, b1, k2, b2):
    F = torch.nn.functional
    xt = torch.from_numpy(np.ascontiguousarray(x.numpy().transpose(0, 3, 1, 2)))
    w1, c1, w2, c2 = (
        torch.from_numpy(np.ascontiguousarray(a)).requires_grad_()
        for a in (
            k1.numpy().transpose(3, 2, 0, 1),
            b1.numpy(),  # Keras → (O, I, kh, kw)
            k2.numpy().transpose(3, 2, 0, 1),
            b2.numpy(),
        )
    )

    def conv1():
        with torch.no_grad():
            return F.conv2d(xt, w1, c1)

    def forward():
        with torch.no_grad():
            h = F.max_pool2d(F.conv2d(xt, w1, c1), 2)
            return F.max_pool2d(F.conv2d(h, w2, c2), 2).sum()

    def step():
        for t in (w1, c1, w2, c2):
            t.grad = None
        h = F.max_pool2d(F.conv2d(xt, w1, c1), 2)
        F.max_pool2d(F.conv2d(h, w2, c2), 2).sum().backward()

    return {"conv1 forward": conv1, "network forward": forward, "forward + backward": step}


def layer_parts(torch, side, batch, channels=32):
    """One 3×3 'same' conv layer fwd+bwd, ``channels`` in and out: profundo (fast and reference
    kernels) and PyTorch."""
    rng = np.random.default_rng(0)
    c = channels
    x_np = rng.standard_normal((batch, side, side, c), dtype=np.float32)
    k_np = rng.standard_normal((3, 3, c, c), dtype=np.float32) * 0.1
    x, k, b = (pf.tensor(a, requires_grad=True) for a in (x_np, k_np, np.zeros(c, np.float32)))

    def ours(kernel):
        def step():
            conv_ops.implementation = kernel
            for t in (x, k, b):
                t.zero_grad()
            pf.conv2d(x, k, b, padding="same").sum().backward()
            conv_ops.implementation = "fast"

        return step

    xt = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2))).requires_grad_()
    wt = torch.from_numpy(np.ascontiguousarray(k_np.transpose(3, 2, 0, 1))).requires_grad_()
    bt = torch.zeros(c, requires_grad=True)

    def theirs():
        for t in (xt, wt, bt):
            t.grad = None
        torch.nn.functional.conv2d(xt, wt, bt, padding=1).sum().backward()

    return {"profundo": ours("fast"), "reference": ours("reference"), "torch": theirs}


def main() -> None:
    parser = add_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args()
    import torch

    threads = set_threads(args.threads, torch)
    pf.manual_seed(0)
    x = pf.randn(args.batch, 28, 28, 1)
    k1, b1 = pf.randn(3, 3, 1, 32, requires_grad=True), pf.zeros(32, requires_grad=True)
    k2, b2 = pf.randn(3, 3, 32, 64, requires_grad=True), pf.zeros(64, requires_grad=True)
    ours = profundo_parts(x, k1, b1, k2, b2)
    theirs = torch_parts(torch, x, k1, b1, k2, b2)
    print(header(f"LeNet-size conv, batch {args.batch}, float32", threads, torch))
    for name in ours:
        t = interleaved({"profundo": ours[name], "torch": theirs[name]}, args.repeats)
        print(f"{name:<20} profundo {t['profundo']}   torch {t['torch']}   ratio {ratio(t):.2f}")
    print("\none 3×3 conv layer, 'same', fwd+bwd; time ratios profundo / torch (wall, CPU)")
    for side, batch, channels in [(*size, 32) for size in LAYER_SIZES] + [WIDE_LAYER]:
        t = interleaved(layer_parts(torch, side, batch, channels), args.repeats)
        cpu = {name: t[name].cpu_median for name in t}
        print(
            f"{channels}→{channels} {side}² batch {batch:<4} profundo {t['profundo']}   "
            f"reference {t['reference']}   "
            f"torch {t['torch']}   ratio {ratio(t):.2f}, CPU {cpu['profundo'] / cpu['torch']:.2f}"
            f" (reference {cpu['reference'] / cpu['torch']:.2f})"
        )


if __name__ == "__main__":
    main()
