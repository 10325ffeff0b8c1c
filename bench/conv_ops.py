"""LeNet-size convolution forward + backward: profundo (NHWC) against PyTorch (NCHW), interleaved.

    x (128, 28, 28, 1) → conv 3×3×32 → (128, 26, 26, 32) → max pool 2 → conv 3×3×64
      → (128, 11, 11, 64) → max pool 2 → sum → backward (∂ kernels, ∂ biases, ∂ hidden)

Both run in this one process with the same number of threads, float32, alternating run by run;
the script prints the median time of each part and the ratio profundo / PyTorch.

    .venv/bin/python bench/conv_ops.py [--repeats 20] [--batch 128] [--threads 1]
"""
from __future__ import annotations

import argparse

import numpy as np
from harness import add_arguments, header, interleaved, ratio, set_threads

import profundo as pf


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
    w1, c1, w2, c2 = (torch.from_numpy(np.ascontiguousarray(a)).requires_grad_() for a in
                      (k1.numpy().transpose(3, 2, 0, 1), b1.numpy(),      # Keras → (O, I, kh, kw)
                       k2.numpy().transpose(3, 2, 0, 1), b2.numpy()))

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


if __name__ == "__main__":
    main()
