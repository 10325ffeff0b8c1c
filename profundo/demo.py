"""The demo: train a convolutional network on handwritten digits, check it, save it, load it back.

    profundo demo                      # the 8×8 digits shipped with profundo (under a minute)
    profundo demo --dataset mnist      # real MNIST, downloaded or from PROFUNDO_DATASETS_MIRROR

Everything a user does with a framework, end to end: load data, build a Keras-style model, watch
``fit`` learn with a live progress bar, measure test accuracy, save the model to one file, load
it back and check the loaded model predicts exactly the same.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np
from threadpoolctl import threadpool_limits

from . import backend, datasets, layers, optimizers
from .callbacks import EarlyStopping
from .layers.conv import Conv2D
from .layers.pooling import MaxPooling2D
from .models import Sequential, load_model


class Setting(NamedTuple):
    load: Callable
    epochs: int
    batch_size: int
    blas_threads: int | None  # products of 8×8 images are so small that one thread beats two
    target: float  # the test accuracy the demo must reach


SETTINGS = {
    "digits": Setting(datasets.digits.load_data, 40, 32, 1, 0.97),
    "mnist": Setting(datasets.mnist.load_data, 3, 128, None, 0.97),
}


def build_cnn(input_shape, num_classes: int = 10) -> Sequential:
    """A small convolutional network: two stages of a 3×3 convolution ("same" padding, ReLU) and
    a 2×2 max pooling (16, then 32 filters), then a dense layer and the softmax classifier.

        8×8 digits:  (8, 8, 1) → (8, 8, 16) → (4, 4, 16) → (4, 4, 32) → (2, 2, 32) → 128 → 64 → 10
    """
    return Sequential(
        [
            layers.Input(input_shape),
            Conv2D(16, 3, padding="same", activation="relu"),
            MaxPooling2D(2),
            Conv2D(32, 3, padding="same", activation="relu"),
            MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(0.2),
            layers.Dense(64, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="cnn",
    )


def run(
    dataset: str = "digits",
    epochs: int | None = None,
    save_to=None,
    verbose="auto",
    seed: int = 0,
    print_fn=print,
) -> dict:
    """Train, evaluate, save, reload, compare; returns the numbers it printed."""
    if dataset not in SETTINGS:
        raise ValueError(f"demo: unknown dataset {dataset!r}; choose one of {', '.join(SETTINGS)}")
    setting = SETTINGS[dataset]
    backend.manual_seed(seed)
    (x_train, y_train), (x_test, y_test) = setting.load()
    scale = float(x_train.max())  # 16 for digits, 255 for MNIST
    x_train = x_train[..., None].astype("float32") / scale
    x_test = x_test[..., None].astype("float32") / scale
    print_fn(
        f"{dataset}: {len(x_train)} training and {len(x_test)} test images of "
        f"{x_train.shape[1]}×{x_train.shape[2]} pixels"
    )

    model = build_cnn(x_train.shape[1:])
    model.compile(
        optimizer=optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.summary(print_fn=print_fn)
    with threadpool_limits(setting.blas_threads, user_api="blas"):
        model.fit(
            x_train,
            y_train,
            batch_size=setting.batch_size,
            epochs=epochs or setting.epochs,
            validation_split=0.1,
            verbose=verbose,
            callbacks=[EarlyStopping(patience=8, restore_best_weights=True)],
        )
        loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print_fn(f"test accuracy: {accuracy:.2%} (loss {loss:.4f})")

    path = (
        Path(save_to)
        if save_to
        else Path(tempfile.gettempdir()) / f"profundo-demo-{dataset}.profundo"
    )
    model.save(path)
    reloaded = load_model(path)
    same = bool(np.array_equal(reloaded.predict(x_test), model.predict(x_test)))
    print_fn(
        f"saved to {path} ({os.path.getsize(path) / 1024:.0f} KB); reloaded model predicts "
        f"{'exactly the same' if same else 'DIFFERENTLY (a bug)'}"
    )
    ok = accuracy >= setting.target and same
    print_fn(
        f"{'OK' if ok else 'FAILED'}: accuracy {accuracy:.2%} "
        f"(target {setting.target:.0%}), reload {'identical' if same else 'differs'}"
    )
    return {
        "accuracy": accuracy,
        "loss": loss,
        "reload_identical": same,
        "path": str(path),
        "ok": ok,
    }
