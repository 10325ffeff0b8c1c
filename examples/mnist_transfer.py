"""Transfer learning on MNIST: what a network learned on digits 0–4 helps it learn 5–9 from 1% of
the labels.

A convolutional network's first layers learn strokes, curves and corners — features that are not
specific to the digits it was trained on. Transfer learning keeps them:

1. train a CNN on the digits 0–4 (all their training images);
2. freeze its convolutional base (``base.trainable = False``: no gradient, and its
   BatchNormalization, if any, stays in inference mode) and put a new head on it for 5–9;
3. train only the head, on 1% of the 5–9 training labels (about 290 images);
4. fine-tune: unfreeze the top block, recompile with a 10× smaller learning rate (3e-4), train a little
   more — the base adapts without forgetting what it knew.

The comparison: the same network trained from scratch on the same 1%. Accuracy is measured on all
test images of 5–9.

Run:   python examples/mnist_transfer.py        (a few minutes on 1 core)
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generative_common import load_mnist

import profundo as pf
from profundo import layers, optimizers


def conv_base():
    """The feature extractor: two conv + pool stages; the second is the "top block"."""
    return pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, activation="relu", name="top_block"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
        ],
        name="conv_base",
    )


def classifier(base):
    """The base and a head: dense 64 → 5 classes."""
    return pf.Sequential(
        [base, layers.Dense(64, activation="relu"), layers.Dense(5, activation="softmax")]
    )


def train(model, x, y, epochs, lr, verbose, batch_size=16):
    model.compile(
        optimizer=optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=verbose)


def accuracy(model, x, y) -> float:
    return float(np.mean(model.predict(x, batch_size=1000).argmax(-1) == y))


def main(
    base_epochs=2,
    head_epochs=30,
    fine_epochs=10,
    fraction=0.01,
    n_train=None,
    n_test=None,
    verbose="auto",
):
    pf.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train, n_test)
    low, high = y_train < 5, y_train >= 5
    rng = np.random.default_rng(0)
    few = rng.permutation(np.flatnonzero(high))[: max(10, round(fraction * high.sum()))]
    x_few, y_few = x_train[few], y_train[few] - 5
    test = y_test >= 5
    x_eval, y_eval = x_test[test], y_test[test] - 5

    base = conv_base()  # 1. learn 0–4
    train(classifier(base), x_train[low], y_train[low], base_epochs, 1e-3, verbose, 128)

    base.trainable = False  # 2. freeze, new head
    transfer = classifier(base)
    train(transfer, x_few, y_few, head_epochs, 3e-3, verbose)  # 3. the head only
    frozen_acc = accuracy(transfer, x_eval, y_eval)

    base.trainable = True  # 4. fine-tune the top block
    for layer in base.layers:
        layer.trainable = layer.name == "top_block"
    train(transfer, x_few, y_few, fine_epochs, 3e-4, verbose)
    fine_acc = accuracy(transfer, x_eval, y_eval)

    pf.manual_seed(0)
    scratch = classifier(conv_base())  # the same 1%, from scratch
    train(scratch, x_few, y_few, head_epochs + fine_epochs, 3e-3, verbose)
    scratch_acc = accuracy(scratch, x_eval, y_eval)
    print(
        f"digits 5–9 from {len(few)} labels ({fraction:.0%}): transfer (frozen base) "
        f"{frozen_acc:.2%}, after fine-tuning {fine_acc:.2%}; from scratch {scratch_acc:.2%}"
    )
    return frozen_acc, fine_acc, scratch_acc


if __name__ == "__main__":
    main()
