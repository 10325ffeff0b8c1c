"""Accuracy on real MNIST: the 784-256-128-10 MLP, trained with ``fit`` for 10 epochs.

Target: at least 98.0% test accuracy. Data from the dataset mirror when it is set up
(``PROFUNDO_DATASETS_MIRROR=../shared/data`` from the repository root), else downloaded.

Run:  PROFUNDO_DATASETS_MIRROR=../shared/data .venv/bin/python bench/mnist_mlp_accuracy.py
"""

from __future__ import annotations

import time

import profundo as pf
from profundo import datasets, layers, optimizers, schedules


def main(epochs: int = 10, seed: int = 0) -> float:
    pf.manual_seed(seed)
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255
    x_test = x_test.reshape(-1, 784).astype("float32") / 255
    model = pf.Sequential(
        [
            layers.Input((784,)),
            layers.Dense(256, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax"),
        ]
    )
    steps = epochs * (len(x_train) // 128 + 1)
    model.compile(
        optimizer=optimizers.Adam(schedules.CosineDecay(2e-3, steps)),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    model.fit(
        x_train, y_train, batch_size=128, epochs=epochs, verbose=2, validation_data=(x_test, y_test)
    )  # shown per epoch, not used to choose anything
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    minutes = (time.perf_counter() - start) / 60
    print(
        f"MNIST MLP 784-256-128-10: test accuracy {accuracy:.2%} after {epochs} epochs "
        f"({minutes:.1f} min) — target 98.0%: {'met' if accuracy >= 0.98 else 'MISSED'}"
    )
    return accuracy


if __name__ == "__main__":
    main()
