"""Weight regularizers: penalties on large weights, added to the loss to curb overfitting.

    L1:   l1 · Σ |w|       pulls weights to exactly zero (sparse weights); gradient l1 · sign(w)
    L2:   l2 · Σ w²        shrinks all weights a little ("weight decay"); gradient 2 · l2 · w
    L1L2: both

A regularizer is called on a weight tensor and returns a scalar tensor built from profundo's
differentiable ops, so ``backward()`` carries its gradient into the weight::

    layers.Dense(64, kernel_regularizer=regularizers.L2(1e-4))     # or "l2"
    penalty = regularizers.L2(0.01)(w)                              # 0.01 · Σ w²
"""

from __future__ import annotations

from .autograd import Tensor, as_tensor
from .serialization import deserialize as _deserialize
from .serialization import lookup, serialize

__all__ = ["Regularizer", "L1", "L2", "L1L2", "get", "serialize", "deserialize"]


class Regularizer:
    """Base of the regularizers: ``reg(weight)`` returns a scalar penalty tensor."""

    def __call__(self, weight) -> Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """l1 · Σ |w| + l2 · Σ w² (a term whose factor is 0 is left out).

    >>> L1L2(l1=0.1, l2=0.5)(pf.tensor([1.0, -2.0]))      # 0.1 · 3 + 0.5 · 5
    tensor(2.8)
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        for name, value in (("l1", l1), ("l2", l2)):
            if value < 0:
                raise ValueError(f"{type(self).__name__}: {name} must be ≥ 0, got {value}")
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, weight) -> Tensor:
        w = as_tensor(weight)
        penalty = Tensor(0.0, dtype=w.dtype)
        if self.l1:
            penalty = penalty + self.l1 * w.abs().sum()
        if self.l2:
            penalty = penalty + self.l2 * (w * w).sum()
        return penalty

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """l1 · Σ |w|: the lasso penalty; many weights end at exactly zero."""

    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1)

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    """l2 · Σ w²: the ridge penalty, weight decay."""

    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

    def get_config(self) -> dict:
        return {"l2": self.l2}


_CLASSES = {cls.__name__: cls for cls in (L1, L2, L1L2)}
#: names for ``get``: Keras' ``"l1_l2"`` means 0.01 of each, as its ``l1_l2()`` does
_NAMES = {"l1": L1, "l2": L2, "l1_l2": lambda: L1L2(l1=0.01, l2=0.01)}
_NAMES["L1L2"] = _NAMES["l1_l2"]

#: Keras' function-style names for the classes (``keras.regularizers.l1_l2`` is ``L1L2``)
l1, l2, l1_l2 = L1, L2, L1L2


def get(identifier):
    """A regularizer from a name (``"l1"``, ``"l2"`` with factor 0.01, ``"l1_l2"`` with 0.01
    each, as Keras' ``l1_l2()``; or a class name), a config dict ``{"class_name": ...,
    "config": ...}``, a ``Regularizer`` or a function ``fn(weight) -> scalar tensor`` (returned
    as they are); ``None`` gives ``None``."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return lookup(identifier, _NAMES, "regularizer")()
    if callable(identifier):
        return identifier
    raise TypeError(
        f"a regularizer must be a name, a config dict, a Regularizer or a function, got "
        f"{type(identifier).__name__}"
    )


def deserialize(config: dict) -> Regularizer:
    """The regularizer that ``serialize`` described."""
    return _deserialize(config, _CLASSES, "regularizer")
