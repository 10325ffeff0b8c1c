"""BatchNormalization forward + backward in training mode: profundo against PyTorch, interleaved.

The layer on CIFAR-style activations, channels last for profundo and NCHW for PyTorch (each in
its native layout): (64, 32, 32, 32) and (64, 16, 16, 64), float32; the loss is Σ y ⊙ w so that
every gradient is non-trivial. profundo runs its fast per-channel kernel (``ChannelNormalize``)
and its reference (``Normalize``, ``pf.ops.normalization.channel_kernel = "reference"``).

    .venv/bin/python bench/batchnorm.py [--repeats 20] [--threads 1]
"""

from __future__ import annotations

import argparse

import numpy as np
from harness import add_arguments, header, interleaved, set_threads

import profundo as pf
from profundo import layers
from profundo.ops import normalization

SHAPES = ((64, 32, 32, 32), (64, 16, 16, 64))


def parts(torch, shape):
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape, dtype=np.float32) + 0.5
    w_np = rng.standard_normal(shape, dtype=np.float32)
    bn = layers.BatchNormalization()
    x, w = pf.tensor(x_np, requires_grad=True), pf.tensor(w_np)
    bn.build(shape)

    def ours(kernel):
        def step():
            normalization.channel_kernel = kernel
            for t in (x, bn.gamma, bn.beta):
                t.zero_grad()
            (bn(x, training=True) * w).sum().backward()
            normalization.channel_kernel = "fast"

        return step

    tbn = torch.nn.BatchNorm2d(shape[-1], eps=1e-3).train()
    xt = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2))).requires_grad_()
    wt = torch.from_numpy(np.ascontiguousarray(w_np.transpose(0, 3, 1, 2)))

    def theirs():
        xt.grad = None
        tbn.zero_grad()
        (tbn(xt) * wt).sum().backward()

    return {"profundo": ours("fast"), "reference": ours("reference"), "torch": theirs}


def main() -> None:
    args = add_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()
    import torch

    threads = set_threads(args.threads, torch)
    print(header("BatchNormalization training fwd+bwd, float32", threads, torch))
    for shape in SHAPES:
        t = interleaved(parts(torch, shape), args.repeats)
        cpu = {name: t[name].cpu_median for name in t}
        print(
            f"{str(shape):<18} profundo {t['profundo']}   reference {t['reference']}   "
            f"torch {t['torch']}   time ratio profundo/torch: wall "
            f"{t['profundo'].median / t['torch'].median:.2f}, CPU "
            f"{cpu['profundo'] / cpu['torch']:.2f} (reference CPU "
            f"{cpu['reference'] / cpu['torch']:.2f})"
        )


if __name__ == "__main__":
    main()
