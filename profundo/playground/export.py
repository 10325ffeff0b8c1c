"""Export: the page's network as a short, runnable profundo script.

The script rebuilds the same data (same set, noise, seed and split), the same model (layers,
activation, regularization, optimizer; ``pf.manual_seed`` gives it the same first weights) and
trains it with ``model.fit`` as the page does, epoch for epoch, then prints the train and test
loss. Weights edited by hand in the page are not in it: the saved model file keeps those.

>>> from profundo.playground.schema import Config
>>> code = script(Config(dataset="spiral", hidden=[8, 8]), epochs=200)
>>> print(code.splitlines()[3])
Run it:  python playground_model.py [--epochs N] [--save model.profundo]
"""

from __future__ import annotations

import json

from .network import loss_of, output_activation

_HEADER = '''"""A network built in the profundo playground:
the same data, the same model, the same training.

Run it:  python {filename} [--epochs N] [--save model.profundo]
"""
import argparse

import profundo as pf
{imports}

parser = argparse.ArgumentParser(description="{description}")
parser.add_argument("--epochs", type=int, default={epochs}, help="passes over the training data")
parser.add_argument("--save", default=None, help="write the trained model to this .profundo file")
args = parser.parse_args()
'''

_DATA = """
# the data: {what}; {percent}% of the points for training
{points}
(train_xy, y_train), (test_xy, y_test) = split(
    points, labels, train_fraction={ratio!r}, seed={seed}
)
FEATURES = {features}
x_train, x_test = featurize(train_xy, FEATURES), featurize(test_xy, FEATURES)
y_train, y_test = y_train[:, None], y_test[:, None]
"""

_NETWORK = """
# the network: every hidden layer is a Dense layer; the output {output}
pf.manual_seed({seed})
{regularizer}model = pf.Sequential([
{layers}
])
model.compile(optimizer={optimizer}, loss="{loss}"{loss_weights})
model.summary()
{targets}
# training: mini-batches of {batch_size}, shuffled every epoch
model.fit(x_train, y_train, batch_size={batch_size}, epochs=args.epochs, verbose=0)
loss = losses.get("{loss}")
print(f"train loss: {{{weight}loss(y_train, model.predict(x_train)).item():.4f}}")
print(f"test loss: {{{weight}loss(y_test, model.predict(x_test)).item():.4f}}")
if args.save:
    model.save(args.save)
    print(f"saved to {{args.save}}")
"""

_PERCEPTRON = """
# the perceptron: one neuron, step activation, the rule θ ← θ + α(y − ŷ)x
perceptron = pf.Perceptron(learning_rate={learning_rate!r}, max_epochs=args.epochs)
mistakes = perceptron.fit(x_train, y_train)
print(f"mistakes per epoch: {{mistakes}}")
print(f"train loss: {{1 - perceptron.score(x_train, y_train):.4f}}  (fraction misclassified)")
print(f"test loss: {{1 - perceptron.score(x_test, y_test):.4f}}")
"""

_OUTPUTS = {
    "sigmoid": "is a sigmoid, the probability of label 1",
    "tanh": "is a tanh, −1 for label 0 and 1 for label 1",
    "linear": "is linear, the predicted value",
}
_SIGNED = """
# TensorFlow Playground's loss, ½ (ŷ − y)² on the mean: the labels become −1 and 1 for the tanh
y_train, y_test = 2 * y_train - 1, 2 * y_test - 1
"""


def _points_code(config) -> tuple:
    """The lines that make ``points, labels``, and a few words saying what they are."""
    if config.dataset == "custom":
        rows = ",\n    ".join(f"[{x!r}, {y!r}, {label!r}]" for x, y, label in config.points)
        return (
            f"POINTS = [\n    {rows},\n]\npoints, labels = custom_points(POINTS)",
            f"{len(config.points)} points drawn by hand",
        )
    return (
        f'points, labels = make_points("{config.dataset}", n={config.n_points}, '
        f"noise={config.noise!r}, seed={config.seed})",
        f'{config.n_points} points of "{config.dataset}", noise {round(config.noise * 100)}%',
    )


def _imports(config) -> str:
    """The import lines the script needs, and no more."""
    make = "custom_points" if config.dataset == "custom" else "make_points"
    lines = []
    if config.mode == "network":
        modules = ["layers", "losses", "optimizers"]
        if config.regularization != "none":
            modules.append("regularizers")
        lines.append(f"from profundo import {', '.join(modules)}")
    names = ", ".join(sorted([make, "featurize", "split"]))
    lines.append(f"from profundo.playground.datasets import {names}")
    return "\n".join(lines)


def optimizer_code(config) -> str:
    """The optimizer as profundo code."""
    lr = f"learning_rate={config.learning_rate!r}"
    if config.optimizer == "momentum":
        return f"optimizers.SGD({lr}, momentum={config.momentum!r})"
    if config.optimizer == "adam":
        return f"optimizers.Adam({lr}, beta_1={config.beta_1!r}, beta_2={config.beta_2!r})"
    if config.optimizer == "rmsprop":
        return f"optimizers.RMSprop({lr}, rho={config.rho!r})"
    return f"optimizers.SGD({lr})"


def layers_code(config) -> list:
    """One line per layer of the Sequential model, as ``network.Network`` builds it."""
    extra = ", kernel_regularizer=reg" if config.regularization != "none" else ""
    if config.init_zero:
        extra += ', kernel_initializer="zeros"'
    lines = [f"layers.Input(({len(config.features)},)),"]
    for units in config.hidden:
        if config.batch_norm:
            lines += [
                f"layers.Dense({units}{extra}),",
                "layers.BatchNormalization(),",
                f'layers.Activation("{config.activation}"),',
            ]
        else:
            lines.append(f'layers.Dense({units}, activation="{config.activation}"{extra}),')
        if config.dropout:
            lines.append(f"layers.Dropout({config.dropout!r}),")
    lines.append(f'layers.Dense(1, activation="{output_activation(config)}"{extra}),')
    return lines


def script(config, epochs: int, filename: str = "playground_model.py") -> str:
    """A Python script that regenerates the data and trains the config's model for ``epochs``."""
    points, what = _points_code(config)
    text = _HEADER.format(
        filename=filename,
        epochs=max(int(epochs), 1),
        imports=_imports(config),
        description=f"the profundo playground's {config.mode} on {config.dataset}",
    )
    text += _DATA.format(
        what=what,
        percent=round(config.train_ratio * 100),
        points=points,
        ratio=config.train_ratio,
        seed=config.seed,
        features=json.dumps(list(config.features)),
    )
    if config.mode == "perceptron":
        return text + _PERCEPTRON.format(learning_rate=config.learning_rate)
    regularizer = ""
    if config.regularization != "none":
        kind = config.regularization.upper()
        regularizer = (
            f"reg = regularizers.{kind}({config.regularization_rate!r})   # on every kernel\n"
        )
    loss, weight = loss_of(config)
    signed = config.problem == "classification" and config.loss == "squared_error"
    return text + _NETWORK.format(
        output=_OUTPUTS[output_activation(config)],
        seed=config.seed,
        regularizer=regularizer,
        layers="\n".join("    " + line for line in layers_code(config)),
        optimizer=optimizer_code(config),
        loss=loss,
        batch_size=config.batch_size,
        loss_weights=f", loss_weights={weight!r}" if weight != 1 else "",
        weight=f"{weight!r} * " if weight != 1 else "",
        targets=_SIGNED if signed else "",
    )
