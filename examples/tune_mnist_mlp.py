"""Random search vs Bayesian search for an MNIST multilayer perceptron, on the same budget.

The hyperparameters: how many hidden layers (1-3), how many units in each (32-512), the dropout
rate (0-0.5) and Adam's learning rate (1e-4 to 1e-1, on a log scale: a step from 1e-4 to 1e-3
matters as much as one from 1e-2 to 1e-1).

Random search draws every trial independently. Bayesian search (Optuna's TPE, the Tree-structured
Parzen Estimator) starts with a few random trials, then splits the trials so far into good and bad
ones, models the density of the hyperparameters in each group, l(x) and g(x), and next tries
where l(x)/g(x) is highest — where good trials were dense and bad ones sparse. With the same
number of trials it usually reaches a good model sooner; the curves of best-so-far validation
accuracy printed (and drawn to tune_mnist_mlp.png) show by how much on this run.

Run:   python examples/tune_mnist_mlp.py      (about 5 minutes on one core: 2 × 20 short trials)
Data:  MNIST, downloaded on first use; offline, PROFUNDO_DATASETS_MIRROR=../shared/data.
The searches live in tuning/mnist_mlp_random and tuning/mnist_mlp_bayesian: run the script again
and they resume (nothing is repeated); delete the folder to start afresh.
"""

import sys

import numpy as np

import profundo as pf
from profundo import datasets, layers, optimizers


def load_mnist(n_train, n_val):
    """Flattened MNIST in [0, 1]: the first ``n_train`` training images to learn from, the last
    ``n_val`` to choose hyperparameters on, and the test set to report the winner on."""
    try:
        (x, y), (x_test, y_test) = datasets.mnist.load_data()
    except datasets.DatasetError as err:
        sys.exit(
            f"MNIST is not available here: {err}\n\nConnect to the internet, or set "
            f"PROFUNDO_DATASETS_MIRROR to a folder holding mnist/*-ubyte.gz."
        )
    x = (x.reshape(len(x), -1) / 255).astype("float32")
    x_test = (x_test.reshape(len(x_test), -1) / 255).astype("float32")
    return (x[:n_train], y[:n_train]), (x[-n_val:], y[-n_val:]), (x_test, y_test)


def build(hp):
    model = pf.Sequential([layers.Input((784,))])
    units = hp.Int("units", 32, 512, step=32)
    for _ in range(hp.Int("layers", 1, 3)):
        model.add(layers.Dense(units, activation="relu"))
    model.add(layers.Dropout(hp.Float("dropout", 0.0, 0.5)))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(
        optimizers.Adam(hp.Float("lr", 1e-4, 1e-1, log=True)),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def search(strategy, train, val, trials, epochs, directory):
    tuner = pf.tune.Tuner(
        build,
        objective="val_accuracy",
        strategy=strategy,
        max_trials=trials,
        directory=directory,
        project_name=f"mnist_mlp_{strategy}",
        seed=0,
    )
    tuner.search(
        *train, validation_data=val, epochs=epochs, batch_size=128, verbose=1 if trials > 5 else 0
    )
    return tuner


def main(trials=20, epochs=3, n_train=10_000, n_val=5_000, directory="tuning", plot=True):
    """Both searches; returns {strategy: best-so-far validation accuracy after each trial}."""
    pf.manual_seed(0)
    train, val, (x_test, y_test) = load_mnist(n_train, n_val)
    curves, tuners = {}, {}
    for strategy in ("random", "bayesian"):
        tuners[strategy] = search(strategy, train, val, trials, epochs, directory)
        curves[strategy] = tuners[strategy].results().best_so_far()
    print(f"\nbest validation accuracy so far, after each of {trials} trials:")
    print("trial   random  bayesian")
    for k, (r, b) in enumerate(zip(curves["random"], curves["bayesian"])):
        print(f"{k + 1:5d}   {r:.4f}    {b:.4f}")
    for strategy, tuner in tuners.items():
        test = tuner.best_model().evaluate(x_test, y_test, verbose=0, return_dict=True)
        print(
            f"{strategy}: best {tuner.best_hyperparameters().values} -> "
            f"test accuracy {test['accuracy']:.4f}"
        )
    if plot:
        _plot(curves)
    return curves


def _plot(curves, path="tune_mnist_mlp.png"):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for strategy, curve in curves.items():
        ax.plot(np.arange(1, len(curve) + 1), curve, marker="o", label=strategy)
    ax.set(
        xlabel="trial",
        ylabel="best validation accuracy so far",
        title="MNIST MLP: random vs Bayesian (TPE) search",
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    print(f"curves drawn to {path}")


if __name__ == "__main__":
    main()
