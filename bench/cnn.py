"""CNN training and inference throughput: profundo against PyTorch (CPU), interleaved, in one run.

Workloads (the CNN issue's):
    lenet  28×28×1, conv 3×3×32 ReLU, max pool 2, conv 3×3×64 ReLU, max pool 2, flatten,
           dense 128 ReLU, dense 10; batch 128
    cifar  32×32×3, [conv 3×3×32 ReLU, conv 3×3×32 ReLU, max pool 2], the same with 64 filters,
           flatten, dense 256 ReLU, dense 10 ("same" padding); batch 64
    cifar_bn  the same with BatchNormalization between every conv and its ReLU

Training is one Adam step on a fixed batch: profundo ``model.train_on_batch`` (softmax output,
sparse categorical cross-entropy, as Keras users write it) against PyTorch's
zero_grad/forward/CrossEntropyLoss/backward/step on the same architecture (NCHW, logits).
Inference is ``model.predict_on_batch`` against ``model(x)`` under ``torch.no_grad()`` in eval
mode. Both use the same number of threads. Steps alternate between the two frameworks; the
script prints median times, throughput (samples/s) and the throughput ratio profundo / PyTorch
by wall time and by CPU time (the steadier one on a shared machine).

Peak memory is measured in fresh child processes, one per framework and workload: the growth of
the peak resident set size (VmHWM in /proc/self/status, Linux) over 3 training steps, after the
model and the data exist; for profundo also the peak of NumPy's allocations during one step
(``tracemalloc``). (``ru_maxrss`` would not do: a child inherits its parent's peak.)

    .venv/bin/python bench/cnn.py [--repeats 20] [--workloads lenet cifar] [--no-memory]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tracemalloc

import numpy as np
from harness import add_arguments, header, interleaved, set_threads

import profundo as pf
from profundo import layers, optimizers
from profundo.layers.conv import Conv2D
from profundo.layers.pooling import MaxPooling2D

WORKLOADS = {  # name: (input shape, conv blocks (filters per conv), dense units, batch)
    "lenet": ((28, 28, 1), [[32], [64]], 128, 128),
    "cifar": ((32, 32, 3), [[32, 32], [64, 64]], 256, 64),
    "cifar_bn": ((32, 32, 3), [[32, 32], [64, 64]], 256, 64),
}


def profundo_model(name):
    shape, blocks, units, _ = WORKLOADS[name]
    padding = "valid" if name == "lenet" else "same"
    model = pf.Sequential([layers.Input(shape)])
    for block in blocks:
        for filters in block:
            if name.endswith("_bn"):
                for layer in (
                    Conv2D(filters, 3, padding=padding),
                    layers.BatchNormalization(),
                    layers.Activation("relu"),
                ):
                    model.add(layer)
            else:
                model.add(Conv2D(filters, 3, padding=padding, activation="relu"))
        model.add(MaxPooling2D(2))
    for layer in (
        layers.Flatten(),
        layers.Dense(units, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ):
        model.add(layer)
    model.compile(optimizer=optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model


def torch_model(torch, name):
    nn = torch.nn
    shape, blocks, units, _ = WORKLOADS[name]
    padding = 0 if name == "lenet" else 1
    modules, channels, size = [], shape[-1], shape[0]
    for block in blocks:
        for filters in block:
            modules.append(nn.Conv2d(channels, filters, 3, padding=padding))
            if name.endswith("_bn"):
                modules.append(nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01))
            modules.append(nn.ReLU())
            channels, size = filters, size - 2 + 2 * padding
        modules.append(nn.MaxPool2d(2))
        size //= 2
    modules += [
        nn.Flatten(),
        nn.Linear(channels * size * size, units),
        nn.ReLU(),
        nn.Linear(units, 10),
    ]
    return nn.Sequential(*modules)


def batch(name):
    shape, _, _, n = WORKLOADS[name]
    rng = np.random.default_rng(0)
    return rng.random((n, *shape), dtype=np.float32), rng.integers(0, 10, n)


def profundo_steps(name):
    model = profundo_model(name)
    x, y = batch(name)
    return (lambda: model.train_on_batch(x, y)), (lambda: model.predict_on_batch(x))


def torch_steps(torch, name):
    model = torch_model(torch, name)
    x, y = batch(name)
    xt, yt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))), torch.from_numpy(y)
    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def train():
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model(xt), yt)
        loss.backward()
        optimizer.step()
        return loss.item()

    def infer():
        model.eval()
        with torch.no_grad():
            return model(xt).numpy()

    return train, infer


def resident_peak_mb() -> float:
    """The peak resident set size of this process so far (VmHWM), in MB."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def peak_memory(framework, name):
    """In this (fresh) process: MB of peak-RSS growth over 3 training steps, and for profundo the
    MB of NumPy's peak allocations in one step (tracemalloc)."""
    if framework == "torch":
        import torch

        set_threads(1, torch)
        train, _ = torch_steps(torch, name)
    else:
        set_threads(1)
        train, _ = profundo_steps(name)
    before = resident_peak_mb()
    for _ in range(3):
        train()
    result = {"rss_mb": resident_peak_mb() - before}
    if framework == "profundo":
        tracemalloc.start()
        train()
        result["traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def memory_in_child(framework, name):
    out = subprocess.run(
        [sys.executable, __file__, "--memory-of", framework, name],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = add_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=list(WORKLOADS))
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument(
        "--memory-of", nargs=2, metavar=("FRAMEWORK", "WORKLOAD"), help=argparse.SUPPRESS
    )  # internal: measure in a child process
    args = parser.parse_args()
    if args.memory_of:
        print(json.dumps(peak_memory(*args.memory_of)))
        return
    import torch

    threads = set_threads(args.threads, torch)
    pf.manual_seed(0)
    torch.manual_seed(0)
    print(
        header(
            f"CNN throughput, float32, median of {args.repeats} interleaved steps", threads, torch
        )
    )
    print(
        f"{'workload':<16}{'profundo ms':>12}{'CPU':>8}{'torch ms':>10}{'CPU':>8}"
        f"{'profundo/s':>12}{'torch/s':>10}{'ratio':>7}{'CPU ratio':>11}"
    )
    for name in args.workloads:
        n = WORKLOADS[name][-1]
        ours, theirs = profundo_steps(name), torch_steps(torch, name)
        for k, what in enumerate(("train", "inference")):
            t = interleaved({"profundo": ours[k], "torch": theirs[k]}, args.repeats)
            rate = {who: n / s.median for who, s in t.items()}
            print(
                f"{name + ' ' + what:<16}{t['profundo'].median * 1e3:>12.1f}"
                f"{t['profundo'].cpu_median * 1e3:>8.1f}{t['torch'].median * 1e3:>10.1f}"
                f"{t['torch'].cpu_median * 1e3:>8.1f}{rate['profundo']:>12.0f}"
                f"{rate['torch']:>10.0f}{rate['profundo'] / rate['torch']:>7.2f}"
                f"{t['torch'].cpu_median / t['profundo'].cpu_median:>11.2f}"
            )
    if args.no_memory:
        return
    print("\npeak memory of training (fresh process each; MB)")
    for name in args.workloads:
        ours, theirs = memory_in_child("profundo", name), memory_in_child("torch", name)
        print(
            f"{name:<8} profundo: RSS +{ours['rss_mb']:.0f}, NumPy peak {ours['traced_mb']:.0f}"
            f"   torch: RSS +{theirs['rss_mb']:.0f}"
        )


if __name__ == "__main__":
    main()
