"""The metric base class, the running (weighted) mean, and the array helpers every metric shares.

A metric is a small state machine that streams over batches::

    m = metrics.Mean()
    m.update_state([1.0, 2.0])    # a batch of two values
    m.update_state([6.0])         # and one more
    m.result()                    # 3.0, the mean of all three
    m.reset_state()               # forget them (the training loop does this every epoch)

Metrics read NumPy arrays, lists or profundo Tensors (on any backend) and compute on the CPU with
NumPy, keeping their running sums in float64: they need no gradients and their state is small,
so the few numbers per batch cost little to copy from a GPU.
"""

from __future__ import annotations

import re

import numpy as np

from .. import backend as B
from .. import init as initializers
from ..autograd import Tensor


def _snake_case(name: str) -> str:
    """``BinaryTruePositives`` → ``binary_true_positives`` (a metric's default name, as Keras)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def to_numpy(x) -> np.ndarray:
    """A NumPy array from a Tensor, a backend (NumPy or CuPy) array, a list or a number."""
    return x.numpy() if isinstance(x, Tensor) else B.to_numpy(x)


def same_rank(y_true, y_pred):
    """``y_true`` and ``y_pred`` as NumPy arrays, a trailing axis of size 1 squeezed away when
    only one of them has it: labels ``(n,)`` against outputs ``(n, 1)`` must not broadcast to
    ``(n, n)``."""
    t, p = to_numpy(y_true), to_numpy(y_pred)
    if t.ndim == p.ndim + 1 and t.shape[-1] == 1:
        t = t[..., 0]
    elif p.ndim == t.ndim + 1 and p.shape[-1] == 1:
        p = p[..., 0]
    return t, p


def squeeze_labels(t, p):
    """Class indices ``(n, 1)`` against scores ``(n, C)`` (C > 1) become ``(n,)``."""
    if p.ndim and p.shape[-1] > 1 and t.shape == p.shape[:-1] + (1,):
        t = t[..., 0]
    return t


def check_same_shape(t, p, name: str) -> None:
    if t.shape != p.shape:
        raise ValueError(
            f"{name}: y_true has shape {t.shape} and y_pred has shape {p.shape}; they must match "
            f"(one value of y_true per value of y_pred)"
        )


def broadcast_weights(sample_weight, shape: tuple, name: str) -> np.ndarray:
    """Sample weights as a float64 array of ``shape``: one weight per sample ``(n,)`` spreads over
    the sample's other axes (as Keras does); ``None`` weighs everything 1."""
    if sample_weight is None:
        return np.ones(shape)
    w = to_numpy(sample_weight).astype(np.float64)
    while w.ndim > len(shape) and w.shape[-1] == 1:
        w = w[..., 0]
    w = w.reshape(w.shape + (1,) * (len(shape) - w.ndim))
    try:
        return np.broadcast_to(w, shape)
    except ValueError:
        raise ValueError(
            f"{name}: sample_weight has shape {to_numpy(sample_weight).shape}, which does not fit "
            f"values of shape {shape}; give one weight per sample, "
            f"shape ({shape[0] if shape else 1},)"
        ) from None


def safe_divide(a, b) -> np.ndarray:
    """a / b elementwise, 0 where b is 0 (a precision with no predicted positives is 0, as in
    scikit-learn)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


class Metric:
    """Base of the stateful metrics: ``update_state`` once per batch, ``result`` at any time,
    ``reset_state`` at the start of each epoch.

    A subclass sets its own settings in ``__init__`` and then calls ``super().__init__(name)``,
    which calls ``reset_state`` to create the state; ``get_config`` returns the arguments that
    rebuild the metric with ``from_config``.
    """

    def __init__(self, name: str | None = None, dtype=None) -> None:
        self.name = name or _snake_case(type(self).__name__)
        self.dtype = np.dtype(dtype or "float32").name
        self._variables: list = []
        try:
            self.reset_state()
        except AttributeError:
            # Keras' way: the subclass makes its state with add_variable after this __init__,
            # and its reset_state (which assigns to that state) runs from the next epoch on
            if type(self).__init__ is Metric.__init__:
                raise

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum", name=None):
        """A state tensor of this metric (Keras' ``Metric.add_variable``), set to ``initializer``
        now and by the default ``reset_state``."""
        init = initializers.get(initializer)
        variable = Tensor._wrap(B.xp.asarray(init(tuple(shape), dtype=dtype or self.dtype)))
        variable.name = f"{self.name}/{name or f'variable_{len(self._variables)}'}"
        self._variables.append((variable, init))
        return variable

    @property
    def variables(self) -> list:
        return [v for v, _ in self._variables]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:  # pragma: no cover
        raise NotImplementedError

    def result(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def reset_state(self) -> None:
        """Set every ``add_variable`` state back to its initial value (subclasses that keep other
        state override this)."""
        for variable, init in getattr(self, "_variables", []):
            variable.assign(init(variable.shape, dtype=variable.dtype))

    def __call__(self, *args, **kwargs):
        """Update with one batch and return the result so far (as a Keras metric does)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


class Mean(Metric):
    """The running weighted mean of values: Σ wᵢ vᵢ / Σ wᵢ over every value seen.

    The training loop keeps the epoch's loss with it, weighing each batch's mean loss by the
    batch size. Values with more than one axis count once per sample (the mean over the sample's
    other axes), as in Keras.

    >>> m = Mean(name="loss")
    >>> m.update_state(0.5, sample_weight=32); m.update_state(0.2, sample_weight=8)
    >>> m.result()    # (32·0.5 + 8·0.2) / 40 = 0.44
    0.44...
    """

    def __init__(self, name: str = "mean") -> None:
        super().__init__(name)

    def reset_state(self) -> None:
        self.total = 0.0  # Σ w·v
        self.count = 0.0  # Σ w

    # Keras' signature: a mean is of values, not of (y_true, y_pred) pairs
    def update_state(self, values, sample_weight=None) -> None:  # type: ignore[override]
        v = np.atleast_1d(to_numpy(values).astype(np.float64))
        w = broadcast_weights(sample_weight, v.shape, self.name)
        other_axes = tuple(range(1, v.ndim))
        self.total += float((w * v).mean(axis=other_axes).sum())
        self.count += float(w.mean(axis=other_axes).sum())

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """The running weighted mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Every accuracy and error metric is one: ``MeanSquaredError`` is the mean of
    ``mean_squared_error`` over all samples. A function of your own works the same way:

    >>> m = MeanMetricWrapper(lambda t, p: abs(t - p) > 0.5, name="wrong")
    """

    def __init__(self, fn, name: str | None = None, **kwargs) -> None:
        self.fn, self.kwargs = fn, kwargs
        super().__init__(name or fn.__name__)

    # Keras' signature: a wrapper is a Mean whose values come from (y_true, y_pred)
    def update_state(self, y_true, y_pred, sample_weight=None) -> None:  # type: ignore[override]
        super().update_state(self.fn(y_true, y_pred, **self.kwargs), sample_weight)

    def get_config(self) -> dict:
        return {**super().get_config(), **self.kwargs}
