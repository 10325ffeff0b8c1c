"""Optimizers: the rules that turn gradients into parameter updates, with Keras' names and defaults.

>>> opt = optimizers.get("adam")                     # Adam(learning_rate=0.001)
>>> opt = optimizers.SGD(0.1, momentum=0.9, params=[w, b])  # doctest: +SKIP
>>> loss.backward(); opt.step(); opt.zero_grad()      # PyTorch style  # doctest: +SKIP
>>> opt.apply_gradients(zip(grads, [w, b]))          # Keras style  # doctest: +SKIP

``Optimizer`` (in ``optimizer.py``) does what all share: learning rate and schedules, clipping,
weight decay, the step count and the state; each optimizer writes only its update rule:
``sgd.py`` (SGD with momentum), ``adaptive.py`` (Adagrad, RMSprop, Adadelta), ``adam.py``
(Adam, AdamW, Adamax, Nadam).
"""

from __future__ import annotations

from .adam import Adam, Adamax, AdamW, Nadam
from .adaptive import Adadelta, Adagrad, RMSprop
from .loss_scale import LossScaleOptimizer
from .optimizer import Optimizer
from .sgd import SGD
from .. import schedules  # noqa: F401  (Keras: keras.optimizers.schedules)
from ..serialization import lookup, serialize

__all__ = [
    "LossScaleOptimizer",
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adam",
    "AdamW",
    "Adamax",
    "Nadam",
    "get",
    "serialize",
    "deserialize",
]

_OPTIMIZERS = {
    cls.__name__.lower(): cls
    for cls in (SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax, Nadam)
}


def deserialize(config: dict) -> Optimizer:
    """The optimizer that ``serialize`` described."""
    return _lookup(config.get("class_name"), config).from_config(config.get("config", {}))


def get(identifier) -> Optimizer | LossScaleOptimizer:
    """An optimizer from an instance (returned as is), a name (``"adam"``, ``"sgd"``, ...; Keras'
    defaults) or a config dict ``{"class_name": "Adam", "config": {"learning_rate": 0.01}}``."""
    if isinstance(identifier, (Optimizer, LossScaleOptimizer)):
        return identifier
    if isinstance(identifier, str):
        return _lookup(identifier, identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise TypeError(
        f"optimizers.get: expected an Optimizer, a name or a config dict, got {identifier!r}"
    )


def _lookup(name, what):
    if not isinstance(name, str):
        raise ValueError(f"unknown optimizer {what!r}; expected one of {sorted(_OPTIMIZERS)}")
    return lookup(name, _OPTIMIZERS, "optimizer")
