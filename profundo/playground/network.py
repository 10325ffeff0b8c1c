"""The networks the playground trains, built with profundo from the page's ``Config``.

``Network`` is a ``pf.Sequential`` of ``layers.Dense`` — each hidden layer optionally followed by
batch normalization and dropout — compiled with the chosen optimizer and loss, and trained one
epoch at a time with ``model.fit``, exactly as the exported script trains it. Beside it a
functional ``pf.Model`` shares the same layers and returns every neuron's output at once, so all
heat maps come from one batched forward pass.

Classification: the output neuron is a sigmoid p = σ(z), the probability of label 1, trained with
binary cross-entropy; labels are 0 (drawn orange) and 1 (drawn blue), and the heat maps show the
output as 2p − 1, on the same −1 … 1 scale as every other neuron. Regression: a linear output
neuron trained with the mean squared error on targets in [−1, 1].

``PerceptronNet`` is the perceptron mode: one ``pf.Perceptron`` (step activation, the rule
θ ← θ + α(y − ŷ)x); its "loss" is the fraction of misclassified points.
"""
from __future__ import annotations

import warnings

import numpy as np

import profundo as pf
from profundo import layers, losses, optimizers, regularizers
from profundo.models.perceptron import ConvergenceWarning

__all__ = ["Network", "PerceptronNet", "build", "OUTPUT_ACTIVATION", "LOSS", "PERCEPTRON_EPOCHS"]

OUTPUT_ACTIVATION = {"classification": "sigmoid", "regression": "linear"}
LOSS = {"classification": "binary_crossentropy", "regression": "mse"}
PERCEPTRON_EPOCHS = 100   #: the perceptron mode stops after this many epochs


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
        self.regularizer = make_regularizer(config)
        stack, self.dense, neurons = [layers.Input((n_features,))], [], []
        for units in config.hidden:
            dense = layers.Dense(units, activation=None if config.batch_norm else config.activation,
                                 kernel_regularizer=self.regularizer)
            stack.append(dense)
            self.dense.append(dense)
            if config.batch_norm:
                stack += [layers.BatchNormalization(), layers.Activation(config.activation)]
            neurons.append(stack[-1])
            if config.dropout:
                stack.append(layers.Dropout(config.dropout))
        output = layers.Dense(1, activation=OUTPUT_ACTIVATION[config.problem],
                              kernel_regularizer=self.regularizer)
        self.dense.append(output)
        neurons.append(output)
        self.model = pf.Sequential(stack + [output])
        self.model.compile(optimizer=make_optimizer(config), loss=LOSS[config.problem])
        self.loss = losses.get(LOSS[config.problem])
        self.probe = self._probe(n_features, stack[1:] + [output], neurons)

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
    def train_epoch(self, x, y, batch_size: int) -> None:
        """One pass over the training data in shuffled mini-batches (``model.fit``, one epoch)."""
        with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)   # divergence is reported by the loss
            self.model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=True)

    def data_loss(self, x, y) -> float:
        """The loss on (x, y) without the regularization penalty, in inference mode (inf or
        NaN once training has diverged: the session reports that)."""
        with pf.no_grad(), np.errstate(over="ignore", invalid="ignore"):
            return float(self.loss(y, self.model.predict_on_batch(x)).item())

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
        if self.problem == "classification":
            outputs[-1] = 2 * outputs[-1] - 1
        return outputs

    def weights(self) -> list:
        """Per dense layer ``{"kernel": (in, out) list, "bias": (out,) list}``."""
        return [{"kernel": d.kernel.numpy().tolist(), "bias": d.bias.numpy().tolist()}
                for d in self.dense]

    def gradient_magnitudes(self) -> list:
        """Mean |∂L/∂W| of each dense layer's kernel in the last mini-batch (0 before training)."""
        return [float(np.abs(d.kernel.grad).mean()) if d.kernel.grad is not None else 0.0
                for d in self.dense]

    def set_weight(self, layer: int, source, target: int, value: float) -> None:
        """Set a kernel entry (``source`` row, ``target`` column) or, with source None, a bias."""
        if layer >= len(self.dense):
            raise IndexError(f"there are {len(self.dense)} dense layers, got layer {layer}")
        dense = self.dense[layer]
        rows, cols = dense.kernel.shape
        if target >= cols or (source is not None and source >= rows):
            raise IndexError(f"layer {layer} has {rows} inputs and {cols} neurons, got "
                             f"source {source} and target {target}")
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
        self.perceptron = pf.Perceptron(learning_rate=config.learning_rate,
                                        max_epochs=PERCEPTRON_EPOCHS)
        self.epochs, self.converged = 0, False

    def train_epoch(self, x, y, batch_size: int) -> None:
        """One more epoch of the perceptron rule (the batch size does not apply: one point at a time)."""
        if self.converged:
            return
        self.epochs += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mistakes = self.perceptron.fit(x, y.ravel(), epochs=self.epochs)
        self.converged = mistakes[-1] == 0

    def data_loss(self, x, y) -> float:
        """The fraction of misclassified points (0.5 before training)."""
        if self.perceptron.theta_ is None:
            return 0.5
        return float(np.mean(self.perceptron.predict(x) != y.ravel()))

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
        return [{"kernel": theta[1:, None].tolist(), "bias": [float(theta[0])]}]

    def gradient_magnitudes(self) -> list:
        """None: the perceptron rule uses no gradients."""
        return []

    def set_weight(self, layer, source, target, value) -> None:
        raise IndexError("the perceptron's weights come from its rule and cannot be edited")


def build(config, n_features: int):
    """The network the config asks for: a ``Network`` or, in perceptron mode, a ``PerceptronNet``."""
    return (PerceptronNet if config.mode == "perceptron" else Network)(config, n_features)
