"""The networks the playground trains, built with profundo from the page's ``Config``.

``Network`` is a ``pf.Sequential`` of ``layers.Dense`` — each hidden layer optionally followed by
batch normalization and dropout — compiled with the chosen optimizer and loss, and trained in
slices of a few mini-batches (``train_batches``), so that no one waits for a whole epoch: each
epoch shuffles its points as ``model.fit`` does and each mini-batch is ``model.train_step``, so
the weights are exactly those the exported script's ``fit`` reaches. Beside it a
functional ``pf.Model`` shares the same layers and returns every neuron's output at once, so all
heat maps come from one batched forward pass.

Classification: the output neuron is a sigmoid p = σ(z), the probability of label 1, trained with
binary cross-entropy; labels are 0 (drawn orange) and 1 (drawn blue), and the heat maps show the
output as 2p − 1, on the same −1 … 1 scale as every other neuron. Regression: a linear output
neuron trained with the mean squared error on targets in [−1, 1].

``loss="squared_error"`` is TensorFlow Playground's loss instead, so that its exercises ("get the
test loss under 0.1") carry over: ½ (ŷ − y)² averaged over the points (``mse`` with loss weight
½), with a tanh output and targets −1 and 1 in classification. ``init_zero`` starts every kernel
at 0 (the biases start at 0 anyway).

``PerceptronNet`` is the perceptron mode: one ``pf.Perceptron`` (step activation, the rule
θ ← θ + α(y − ŷ)x); its "loss" is the fraction of misclassified points.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

import profundo as pf
from profundo import backend as B
from profundo import layers, losses, optimizers, regularizers
from profundo.models.perceptron import ConvergenceWarning

__all__ = [
    "Network",
    "PerceptronNet",
    "build",
    "plain",
    "output_activation",
    "loss_of",
    "PERCEPTRON_EPOCHS",
]
PERCEPTRON_EPOCHS = 100  #: the perceptron mode stops after this many epochs


def output_activation(config) -> str:
    """The output neuron's activation."""
    if config.problem == "regression":
        return "linear"
    return "tanh" if config.loss == "squared_error" else "sigmoid"


def loss_of(config) -> tuple:
    """The compiled loss's name and its weight (½ for TensorFlow Playground's squared error)."""
    if config.loss == "squared_error":
        return "mse", 0.5
    return ("binary_crossentropy" if config.problem == "classification" else "mse"), 1.0


def make_optimizer(config) -> optimizers.Optimizer:
    """The optimizer the config names, with its settings."""
    lr = config.learning_rate
    if config.optimizer == "momentum":
        return optimizers.SGD(lr, momentum=config.momentum)
    if config.optimizer == "adam":
        return optimizers.Adam(lr, beta_1=config.beta_1, beta_2=config.beta_2)
    if config.optimizer == "rmsprop":
        return optimizers.RMSprop(lr, rho=config.rho)
    return optimizers.SGD(lr)


def make_regularizer(config):
    """L1 or L2 on the kernels with the config's rate, or None."""
    if config.regularization == "l1":
        return regularizers.L1(config.regularization_rate)
    if config.regularization == "l2":
        return regularizers.L2(config.regularization_rate)
    return None


class Network:
    """A multilayer perceptron for the playground, trained by profundo."""

    def __init__(self, config, n_features: int):
        self.problem = config.problem
        self.signed = config.problem == "classification" and config.loss == "squared_error"
        self.regularizer = make_regularizer(config)
        init = "zeros" if config.init_zero else "glorot_uniform"
        stack: list = [layers.Input((n_features,))]
        self.dense, neurons = [], []
        for units in config.hidden:
            dense = layers.Dense(
                units,
                activation=None if config.batch_norm else config.activation,
                kernel_regularizer=self.regularizer,
                kernel_initializer=init,
            )
            stack.append(dense)
            self.dense.append(dense)
            if config.batch_norm:
                stack += [layers.BatchNormalization(), layers.Activation(config.activation)]
            neurons.append(stack[-1])
            if config.dropout:
                stack.append(layers.Dropout(config.dropout))
        output = layers.Dense(
            1,
            activation=output_activation(config),
            kernel_regularizer=self.regularizer,
            kernel_initializer=init,
        )
        self.dense.append(output)
        neurons.append(output)
        self.model = pf.Sequential(stack + [output])
        name, self.loss_weight = loss_of(config)
        self.model.compile(
            optimizer=make_optimizer(config), loss=name, loss_weights=self.loss_weight
        )
        self.loss = losses.get(name)
        self.probe = self._probe(n_features, stack[1:] + [output], neurons)
        #: the current epoch's order of the points (None: between epochs)
        self._order: np.ndarray | None = None
        self._done, self.last_batch = 0, np.arange(0)  # points trained this epoch; the last batch

    @staticmethod
    def _probe(n_features, stack, neurons) -> pf.Model:
        """A functional model over the same layers whose outputs are every neuron layer's output."""
        x = inputs = layers.Input((n_features,))
        outputs = []
        for layer in stack:
            x = layer(x)
            if layer in neurons:
                outputs.append(x)
        return pf.Model(inputs, outputs)

    # --- training -----------------------------------------------------------------------------
    def train_batches(self, x, y, batch_size: int, until: float) -> bool:
        """Go on with this epoch's shuffled mini-batches until ``time.perf_counter()`` passes
        ``until`` (at least one batch); True when the epoch is complete. A batch whose loss is not
        finite ends the epoch (the weights stay as they were before it; the session reports it).
        ``last_batch`` holds the indices of the points of the last batch."""
        if self._order is None:  # drawn as fit draws each epoch's order, from the same generator
            self._order, self._done = B.permutation(len(x)), 0
        targets = self.targets(y)
        with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # divergence is reported by the loss
            while True:
                self.last_batch = self._order[self._done : self._done + batch_size]
                self._done += len(self.last_batch)
                batch = (x[self.last_batch], targets[self.last_batch])
                finite = math.isfinite(self.model.train_step(batch)["loss"])
                if not finite or self._done >= len(x):
                    self._order = None
                    return True
                if time.perf_counter() >= until:
                    return False

    def data_loss(self, x, y) -> float:
        """The loss on (x, y) without the regularization penalty, in inference mode (inf or
        NaN once training has diverged: the session reports that)."""
        with pf.no_grad(), np.errstate(over="ignore", invalid="ignore"):
            return self.loss_weight * float(
                self.loss(self.targets(y), self.model.predict_on_batch(x)).item()
            )

    def accuracy(self, x, y):
        """The fraction of points classified right (None in regression)."""
        if self.problem != "classification":
            return None
        with pf.no_grad(), np.errstate(over="ignore", invalid="ignore"):
            output = self.model.predict_on_batch(x)
        return float(np.mean((output > (0.0 if self.signed else 0.5)) == (y > 0.5)))

    def targets(self, labels):
        """What the output is trained towards: the labels,
        or 2y − 1 (−1 and 1) for a tanh output."""
        return 2 * labels - 1 if self.signed else labels

    def set_learning_rate(self, value: float) -> None:
        self.model.optimizer.learning_rate = value

    def set_regularization_rate(self, value: float) -> None:
        """Change the penalty's factor in place (its kind is fixed when the network is built)."""
        if isinstance(self.regularizer, regularizers.L1):
            self.regularizer.l1 = value
        elif isinstance(self.regularizer, regularizers.L2):
            self.regularizer.l2 = value

    # --- what the page shows ----------------------------------------------------------------
    def neuron_outputs(self, x) -> list:
        """Every neuron layer's output on ``x`` (one forward pass): a list of ``(n, units)`` arrays,
        hidden layers first, the output last, on the display scale (−1 … 1 for the output)."""
        with pf.no_grad(), np.errstate(over="ignore", invalid="ignore"):
            outputs = [t.numpy() for t in self.probe(x, training=False)]
        if self.problem == "classification" and not self.signed:
            outputs[-1] = 2 * outputs[-1] - 1
        return outputs

    def inspect(self, features) -> dict:
        """What each neuron computes for one point (``features``: its feature values): per layer
        the weighted sums z = Σ w·x + b and the outputs f(z), and the network's output."""
        x = np.asarray(features, np.float32)[None, :]
        with pf.no_grad(), np.errstate(over="ignore", invalid="ignore"):
            outputs = [t.numpy()[0] for t in self.probe(x, training=False)]
        inputs, layers_seen = x[0], []
        for dense, output in zip(self.dense, outputs):
            z = inputs @ dense.kernel.numpy() + dense.bias.numpy()
            layers_seen.append({"z": plain(z), "a": plain(output)})
            inputs = output
        return {"layers": layers_seen, "output": plain(outputs[-1][0])}

    def weights(self) -> list:
        """Per dense layer ``{"kernel": (in, out) list, "bias": (out,) list}`` (see ``plain``)."""
        return [
            {"kernel": plain(d.kernel.numpy()), "bias": plain(d.bias.numpy())} for d in self.dense
        ]

    def kernels(self) -> list:
        """A copy of each dense layer's kernel and bias."""
        return [(d.kernel.numpy().copy(), d.bias.numpy().copy()) for d in self.dense]

    def gradients(self) -> list:
        """Per dense layer ``{"kernel": ∂L/∂W, "bias": ∂L/∂b}`` of the last mini-batch
        (see ``plain``)."""

        def grad(p):
            return plain(p.grad if p.grad is not None else np.zeros(p.shape))

        return [{"kernel": grad(d.kernel), "bias": grad(d.bias)} for d in self.dense]

    def gradient_magnitudes(self) -> list:
        """Mean |∂L/∂W| of each dense layer's kernel in the last mini-batch (0 before training)."""
        return plain(
            [np.abs(d.kernel.grad).mean() if d.kernel.grad is not None else 0.0 for d in self.dense]
        )

    def set_weight(self, layer: int, source, target: int, value: float) -> None:
        """Set a kernel entry (``source`` row, ``target`` column) or, with source None, a bias."""
        if layer >= len(self.dense):
            raise IndexError(f"there are {len(self.dense)} dense layers, got layer {layer}")
        dense = self.dense[layer]
        rows, cols = dense.kernel.shape
        if target >= cols or (source is not None and source >= rows):
            raise IndexError(
                f"layer {layer} has {rows} inputs and {cols} neurons, got "
                f"source {source} and target {target}"
            )
        if source is None:
            dense.bias.data[target] = value
        else:
            dense.kernel.data[source, target] = value


class PerceptronNet:
    """The perceptron mode: one step neuron trained with the perceptron rule.

    ``pf.Perceptron.fit`` always starts from θ = 0 and visits the points in order, so epoch k is
    reached by fitting k epochs afresh: the result is the same as going on from epoch k − 1.
    """

    problem = "classification"

    def __init__(self, config, n_features: int):
        self.learning_rate, self.n_features = config.learning_rate, n_features
        self.perceptron = pf.Perceptron(
            learning_rate=config.learning_rate, max_epochs=PERCEPTRON_EPOCHS
        )
        self.epochs, self.converged = 0, False

    def train_batches(self, x, y, batch_size: int, until: float) -> bool:
        """One more epoch of the perceptron rule, whole (it is short; the batch size does not apply:
        one point at a time); always True."""
        if self.converged:
            return True
        self.epochs += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mistakes = self.perceptron.fit(x, y.ravel(), epochs=self.epochs)
        self.converged = mistakes[-1] == 0
        return True

    def data_loss(self, x, y) -> float:
        """The fraction of misclassified points (0.5 before training)."""
        if self.perceptron.theta_ is None:
            return 0.5
        return float(np.mean(self.perceptron.predict(x) != y.ravel()))

    def accuracy(self, x, y) -> float:
        return 1.0 - self.data_loss(x, y)

    def set_learning_rate(self, value: float) -> None:
        self.learning_rate = self.perceptron.learning_rate = value

    def set_regularization_rate(self, value: float) -> None:
        """The perceptron has no penalty."""

    def neuron_outputs(self, x) -> list:
        """The step neuron's answer on ``x`` as ±1 (0 before training)."""
        if self.perceptron.theta_ is None:
            return [np.zeros((len(x), 1), np.float32)]
        return [(2 * self.perceptron.predict(x) - 1).astype(np.float32)[:, None]]

    def weights(self) -> list:
        theta = self.perceptron.theta_
        if theta is None:
            theta = np.zeros(self.n_features + 1)
        return [{"kernel": plain(theta[1:, None]), "bias": plain(theta[:1])}]

    def gradient_magnitudes(self) -> list:
        """None: the perceptron rule uses no gradients."""
        return []

    def set_weight(self, layer, source, target, value) -> None:
        raise IndexError("the perceptron's weights come from its rule and cannot be edited")


def plain(values, digits: int = 5):
    """Numbers for JSON: nested lists of floats with ``digits`` significant digits, and None for
    NaN and infinities (JSON has no such numbers, and a browser refuses a message holding them)."""

    def convert(v):
        if isinstance(v, list):
            return [convert(item) for item in v]
        return float(f"{v:.{digits}g}") if math.isfinite(v) else None

    return convert(np.asarray(values, dtype=np.float64).tolist())


def build(config, n_features: int):
    """The network the config asks for:
    a ``Network`` or, in perceptron mode, a ``PerceptronNet``."""
    return (PerceptronNet if config.mode == "perceptron" else Network)(config, n_features)
