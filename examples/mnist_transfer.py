"""Transfer learning on MNIST: what a network learned on digits 0–4 helps it learn 5–9 from 1% of
the labels.

A convolutional network's first layers learn strokes, curves and corners — features that are not
specific to the digits it was trained on. Transfer learning keeps them:

1. train a CNN on the digits 0–4 (all their training images, 6 epochs);
2. freeze its convolutional base (``base.trainable = False``: no gradient, and its
   BatchNormalization, if any, stays in inference mode) and put a new head on it for 5–9;
3. train only the head, on 1% of the 5–9 training labels (about 290 images);
4. fine-tune: unfreeze the top block, recompile with a 10× smaller learning rate (3e-4), train a
   little more — the base adapts without forgetting what it knew.

The comparison: the same network trained from scratch on the same 1%. Accuracy is measured on all
test images of 5–9.

Run:   python examples/mnist_transfer.py        (a few minutes on 1 core)
       python examples/mnist_transfer.py curve  (0.1%–3% of the labels, 3 seeds each)
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


def pretrain_base(x, y, epochs, verbose):
    """Step 1: a conv base trained (with a head for 0–4) on the digits 0–4."""
    base = conv_base()
    train(classifier(base), x, y, epochs, 1e-3, verbose, 128)
    return base


def compare(base, x_few, y_few, x_eval, y_eval, head_epochs, fine_epochs, verbose, seed=0):
    """Steps 2–4 on ``base`` (its weights change), and the same network from scratch: the
    accuracies (frozen base, after fine-tuning, from scratch) on the test digits 5–9."""
    base.trainable = False  # 2. freeze, new head
    pf.manual_seed(seed)
    transfer = classifier(base)
    train(transfer, x_few, y_few, head_epochs, 3e-3, verbose)  # 3. the head only
    frozen_acc = accuracy(transfer, x_eval, y_eval)
    base.trainable = True  # 4. fine-tune the top block
    for layer in base.layers:
        layer.trainable = layer.name == "top_block"
    train(transfer, x_few, y_few, fine_epochs, 3e-4, verbose)
    fine_acc = accuracy(transfer, x_eval, y_eval)
    pf.manual_seed(seed)
    scratch = classifier(conv_base())  # the same labels, from scratch
    train(scratch, x_few, y_few, head_epochs + fine_epochs, 3e-3, verbose)
    return frozen_acc, fine_acc, accuracy(scratch, x_eval, y_eval)


def _split(n_train, n_test):
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train, n_test)
    low, high, test = y_train < 5, y_train >= 5, y_test >= 5
    return (x_train[low], y_train[low]), (x_train, y_train, high), (x_test[test], y_test[test] - 5)


def _few(x_train, y_train, high, fraction, seed):
    """``fraction`` of the 5–9 training images, drawn with ``seed``, labelled 0–4."""
    rng = np.random.default_rng(seed)
    few = rng.permutation(np.flatnonzero(high))[: max(10, round(fraction * high.sum()))]
    return x_train[few], y_train[few] - 5


def main(
    base_epochs=6,
    head_epochs=30,
    fine_epochs=10,
    fraction=0.01,
    n_train=None,
    n_test=None,
    verbose="auto",
):
    pf.manual_seed(0)
    (x_low, y_low), pool, (x_eval, y_eval) = _split(n_train, n_test)
    x_few, y_few = _few(*pool, fraction, seed=0)
    base = pretrain_base(x_low, y_low, base_epochs, verbose)
    frozen_acc, fine_acc, scratch_acc = compare(
        base, x_few, y_few, x_eval, y_eval, head_epochs, fine_epochs, verbose
    )
    print(
        f"digits 5–9 from {len(x_few)} labels ({fraction:.0%}): transfer (frozen base) "
        f"{frozen_acc:.2%}, after fine-tuning {fine_acc:.2%}; from scratch {scratch_acc:.2%}"
    )
    return frozen_acc, fine_acc, scratch_acc


def curve(
    fractions=(0.001, 0.003, 0.01, 0.03),
    seeds=(0, 1, 2),
    base_epochs=6,
    head_epochs=30,
    fine_epochs=10,
    n_train=None,
    n_test=None,
):
    """What transfer buys as the labels grow: one base pretrained on 0–4, then for each fraction
    of the 5–9 labels and each seed (another draw of the labelled images, another
    initialization) the three accuracies; prints mean ± std and returns
    {fraction: array (seeds, 3)}."""
    pf.manual_seed(0)
    (x_low, y_low), pool, (x_eval, y_eval) = _split(n_train, n_test)
    base = pretrain_base(x_low, y_low, base_epochs, 0)
    pretrained = base.get_weights()
    results = {}
    for fraction in fractions:
        rows = []
        for seed in seeds:
            base.set_weights(pretrained)
            x_few, y_few = _few(*pool, fraction, seed)
            rows.append(
                compare(base, x_few, y_few, x_eval, y_eval, head_epochs, fine_epochs, 0, seed)
            )
        results[fraction] = acc = np.array(rows)
        mean, std = acc.mean(0), acc.std(0)
        print(
            f"{fraction:6.1%} of the labels ({len(x_few)} images), {len(seeds)} seeds: "
            f"frozen {mean[0]:.2%} ± {std[0]:.2%}, fine-tuned {mean[1]:.2%} ± {std[1]:.2%}, "
            f"scratch {mean[2]:.2%} ± {std[2]:.2%}",
            flush=True,
        )
    return results


if __name__ == "__main__":
    curve() if sys.argv[1:] == ["curve"] else main()
