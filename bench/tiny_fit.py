"""A playground-size network through ``fit``: MLP 2-16-16-1 (tanh, sigmoid output, binary
cross-entropy, Adam), one epoch of 250 points in batches of 10 (25 steps), against the same
network in a PyTorch hand-written loop (``BCEWithLogitsLoss``), and profundo's own hand-written
loop (``train_on_batch``-free: forward, loss, backward, step). Interleaved, median, 1 thread.

    .venv/bin/python bench/tiny_fit.py [--repeats 20] [--threads 1]
"""

from __future__ import annotations

import argparse

import numpy as np
from harness import add_arguments, header, interleaved, set_threads

import profundo as pf
from profundo import layers, losses, optimizers

N, BATCH = 250, 10


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, 2)).astype(np.float32)
    return x, (x[:, :1] * x[:, 1:] > 0).astype(np.float32)


def profundo_model():
    model = pf.Sequential(
        [
            layers.Input((2,)),
            layers.Dense(16, activation="tanh"),
            layers.Dense(16, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(1e-2), loss="binary_crossentropy")
    return model


def profundo_fit():
    model, (x, y) = profundo_model(), data()
    return lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)


def profundo_loop():
    model, (x, y) = profundo_model(), data()
    opt, params = optimizers.Adam(1e-2), model.trainable_weights

    def epoch():
        for start in range(0, N, BATCH):
            loss = losses.binary_crossentropy(
                y[start : start + BATCH], model(x[start : start + BATCH], training=True)
            ).mean()
            opt.zero_grad(params)
            loss.backward()
            opt.step(params)

    return epoch


def torch_loop(torch):
    nn = torch.nn
    model = nn.Sequential(
        nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1)
    )
    opt, loss_fn = torch.optim.Adam(model.parameters(), 1e-2), nn.BCEWithLogitsLoss()
    x, y = (torch.from_numpy(a) for a in data())

    def epoch():
        for start in range(0, N, BATCH):
            opt.zero_grad()
            loss_fn(model(x[start : start + BATCH]), y[start : start + BATCH]).backward()
            opt.step()

    return epoch


def main() -> None:
    args = add_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()
    import torch

    threads = set_threads(args.threads, torch)
    print(header(f"MLP 2-16-16-1, one epoch of {N} points in batches of {BATCH}", threads, torch))
    t = interleaved(
        {"fit": profundo_fit(), "loop": profundo_loop(), "torch": torch_loop(torch)}, args.repeats
    )
    for name in t:
        print(
            f"  {name:<6} {t[name]}   throughput ratio to torch: wall "
            f"{t['torch'].median / t[name].median:.2f}, CPU "
            f"{t['torch'].cpu_median / t[name].cpu_median:.2f}"
        )


if __name__ == "__main__":
    main()
