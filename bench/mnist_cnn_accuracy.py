"""MNIST accuracy of the LeNet-style CNN: at least 99.2% test accuracy within 12 epochs.

    28×28×1 → conv 3×3×32 ReLU → max pool 2 → conv 3×3×64 ReLU → max pool 2 → flatten
    → dense 128 ReLU → dropout 0.5 → dense 10 softmax

Adam (batch 128) with the learning rate decaying from 1e-3 by 0.75 per epoch, and light
augmentation: each training image shifted by up to 2 pixels in each direction, anew every
epoch. The test set is only measured (printed after every epoch), never used for choices: the
result is the model after the last epoch.

Data: the real MNIST files, from ``PROFUNDO_DATASETS_MIRROR`` (this repository's machines: the
``../shared/data`` mirror, used when the variable is unset) or downloaded.

    .venv/bin/python bench/mnist_cnn_accuracy.py [--epochs 12]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
if MIRROR.is_dir():
    os.environ.setdefault("PROFUNDO_DATASETS_MIRROR", str(MIRROR))

import profundo as pf  # noqa: E402 - after choosing the mirror
from profundo import datasets, layers, optimizers, schedules  # noqa: E402
from profundo.data import DataLoader  # noqa: E402
from profundo.layers.conv import Conv2D  # noqa: E402
from profundo.layers.pooling import MaxPooling2D  # noqa: E402

TARGET = 0.992


def lenet_style():
    return pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            Conv2D(32, 3, activation="relu"),
            MaxPooling2D(2),
            Conv2D(64, 3, activation="relu"),
            MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ],
        name="lenet_style",
    )


def shift(batch, rng, max_shift=2):
    """Move each image of (x, y) by its own random offset of up to ``max_shift`` pixels along
    height and width; the uncovered border is 0 (background)."""
    x, y = batch
    n, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (max_shift,) * 2, (max_shift,) * 2, (0, 0)))
    dy, dx = rng.integers(0, 2 * max_shift + 1, (2, n))
    rows = (dy[:, None] + np.arange(h))[:, :, None]  # (n, h, 1)
    cols = (dx[:, None] + np.arange(w))[:, None, :]  # (n, 1, w)
    return padded[np.arange(n)[:, None, None], rows, cols], y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pf.manual_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    x_train = x_train[..., None].astype("float32") / 255
    x_test = x_test[..., None].astype("float32") / 255

    rng = np.random.default_rng(args.seed)
    train = DataLoader((x_train, y_train), batch_size=128, shuffle=True, seed=args.seed)
    train = train.map(lambda batch: shift(batch, rng))
    model = lenet_style()
    learning_rate = schedules.ExponentialDecay(1e-3, decay_steps=len(train), decay_rate=0.75)
    model.compile(
        optimizer=optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    print(
        f"MNIST, {len(x_train)} training and {len(x_test)} test images; "
        f"{model.count_params():,} parameters; {pf.backend.available_cores()} cores"
    )
    start = time.perf_counter()
    history = model.fit(train, epochs=args.epochs, validation_data=(x_test, y_test), verbose=2)
    minutes = (time.perf_counter() - start) / 60
    accuracy = history.history["val_accuracy"][-1]
    print(
        f"final test accuracy after {args.epochs} epochs: {accuracy:.2%} ({minutes:.1f} min, "
        f"target {TARGET:.1%}): {'OK' if accuracy >= TARGET else 'BELOW TARGET'}"
    )


if __name__ == "__main__":
    main()
