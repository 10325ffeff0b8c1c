"""Training throughput of the issue's LSTM workload: profundo vs the same model in PyTorch (CPU).

    Embedding(10,000 × 64) → LSTM(128) → Dense(1, sigmoid), binary cross-entropy, Adam(1e-3),
    sequences of 100 token ids, batch 64     (``--cell gru``: GRU(128) in place of the LSTM)

profundo trains with ``model.train_on_batch`` (the path ``fit`` takes for each batch); PyTorch
with the equivalent nn modules and torch.optim.Adam, the same number of threads. The two
alternate rounds of ``--steps`` training steps (profundo, torch, profundo, ...); the median
throughput over ``--repeats`` rounds each is reported, with the ratio profundo / torch.

On a machine whose cores are shared with other work, measure with ``--threads 1``: with two
BLAS threads per process, each matrix product waits for a partner thread that may not be
running, and both frameworks slow down by up to 50× and erratically (bench/lstm_ops.py: 72 ms
per LSTM forward+backward with one thread, 4,300 ms with two, at a load average of 4).

Peak memory: each framework also trains in a fresh subprocess whose peak resident set size
(VmHWM: the whole process, interpreter and libraries included) is reported.

Run:  .venv/bin/python bench/lstm.py [--repeats 7 --steps 5 --threads 1]
"""

from __future__ import annotations

import argparse

import numpy as np
from harness import add_arguments, header, interleaved, peak_rss_mb, ratio, set_threads

VOCAB, DIM, UNITS, LENGTH, BATCH = 10_000, 64, 128, 100, 64


def batches(n=8, length=LENGTH):
    rng = np.random.default_rng(0)
    return [
        (rng.integers(0, VOCAB, (BATCH, length)), rng.integers(0, 2, (BATCH, 1)).astype(np.float32))
        for _ in range(n)
    ]


def profundo_trainer(length=LENGTH, cell="lstm"):
    """A function that runs one training step of profundo's model on the next batch."""
    import profundo as pf
    from profundo import layers, optimizers

    model = pf.Sequential(
        [
            layers.Input((length,)),
            layers.Embedding(VOCAB, DIM),
            layers.LSTM(UNITS) if cell == "lstm" else layers.GRU(UNITS),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(1e-3), loss="binary_crossentropy")
    data, k = batches(length=length), [0]

    def step():
        x, y = data[k[0] % len(data)]
        k[0] += 1
        model.train_on_batch(x, y)

    return step


def torch_trainer(length=LENGTH, cell="lstm"):
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(VOCAB, DIM)
            self.rnn = getattr(torch.nn, cell.upper())(DIM, UNITS, batch_first=True)
            self.dense = torch.nn.Linear(UNITS, 1)

        def forward(self, ids):
            _, h = self.rnn(self.embedding(ids))
            h = h[0] if cell == "lstm" else h  # the LSTM's final states are (h, c)
            return torch.sigmoid(self.dense(h[0]))

    model = Net()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    data = [(torch.tensor(x), torch.tensor(y)) for x, y in batches(length=length)]
    k = [0]

    def step():
        x, y = data[k[0] % len(data)]
        k[0] += 1
        opt.zero_grad()
        torch.nn.functional.binary_cross_entropy(model(x), y).backward()
        opt.step()

    return step


def main():
    parser = add_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]), repeats=7)
    parser.add_argument("--steps", type=int, default=5, help="training steps per measurement")
    parser.add_argument("--length", type=int, default=LENGTH, help="sequence length T")
    parser.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    args = parser.parse_args()
    # before this process grows: Linux keeps a parent's peak RSS in a child started from it
    peaks = {
        k: peak_rss_mb(
            f"import lstm as m; step = m.{k}_trainer({args.length}, {args.cell!r})\n"
            f"for _ in range({args.steps}): step()"
        )
        for k in ("profundo", "torch")
    }
    import torch

    threads = set_threads(args.threads, torch)
    print(
        header(
            f"Workload: Embedding {VOCAB}x{DIM}, {args.cell.upper()} {UNITS}, Dense 1 sigmoid, "
            f"length {args.length}, batch {BATCH}, Adam; median of {args.repeats} x "
            f"{args.steps} steps",
            threads,
            torch,
        )
    )
    t = interleaved(
        {
            "profundo": profundo_trainer(args.length, args.cell),
            "torch": torch_trainer(args.length, args.cell),
        },
        args.repeats,
        inner=args.steps,
        warmup=1,
    )
    for k in t:
        print(f"  {k:9s} {BATCH / t[k].median:7.0f} samples/s   step {t[k]}")
    print(
        f"  ratio profundo/torch throughput: {1 / ratio(t):.2f}x (CPU time: "
        f"{t['torch'].cpu_median / t['profundo'].cpu_median:.2f}x)"
    )
    for k in t:
        print(f"  peak RSS of a process training {args.steps} steps with {k}: {peaks[k]:.0f} MB")


if __name__ == "__main__":
    main()
