"""Metrics that Keras makes from loss functions — the running (weighted) mean of the per-sample
loss: ``BinaryCrossentropy``, ``CategoricalCrossentropy``, ``SparseCategoricalCrossentropy``,
``Hinge``, ``SquaredHinge``, ``CategoricalHinge``, ``LogCoshError``, ``Poisson``,
``MeanAbsolutePercentageError``, ``MeanSquaredLogarithmicError``, ``CosineSimilarity`` — and the
counts ``TruePositives``, ``FalsePositives``, ``TrueNegatives``, ``FalseNegatives`` and ``Sum``.
"""

from __future__ import annotations

import numpy as np

from .. import losses
from .base import MeanMetricWrapper, Metric, to_numpy


def _from_loss(class_name: str, fn, default_name: str, **defaults) -> type:
    """A MeanMetricWrapper subclass of Keras' name whose settings default to ``defaults``."""

    def __init__(self, name=default_name, dtype=None, **settings):
        unknown = set(settings) - set(defaults)
        if unknown:
            raise TypeError(
                f"{class_name}: unknown argument(s) {sorted(unknown)}; it takes "
                f"{sorted(defaults) or 'name and dtype only'}"
            )
        MeanMetricWrapper.__init__(self, fn, name, **{**defaults, **settings})

    doc = (
        f"The running mean of ``losses.{fn.__name__}`` per sample "
        f"(Keras' ``metrics.{class_name}``)."
    )
    return type(
        class_name,
        (MeanMetricWrapper,),
        {"__init__": __init__, "__doc__": doc, "__module__": __name__},
    )


def _cosine(y_true, y_pred, axis=-1):
    return -losses.cosine_similarity(y_true, y_pred, axis=axis)


_cosine.__name__ = "cosine_similarity"

BinaryCrossentropy = _from_loss(
    "BinaryCrossentropy",
    losses.binary_crossentropy,
    "binary_crossentropy",
    from_logits=False,
    label_smoothing=0.0,
)
CategoricalCrossentropy = _from_loss(
    "CategoricalCrossentropy",
    losses.categorical_crossentropy,
    "categorical_crossentropy",
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
)
SparseCategoricalCrossentropy = _from_loss(
    "SparseCategoricalCrossentropy",
    losses.sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy",
    from_logits=False,
    axis=-1,
)
Hinge = _from_loss("Hinge", losses.hinge, "hinge")
SquaredHinge = _from_loss("SquaredHinge", losses.squared_hinge, "squared_hinge")
CategoricalHinge = _from_loss("CategoricalHinge", losses.categorical_hinge, "categorical_hinge")
LogCoshError = _from_loss("LogCoshError", losses.log_cosh, "logcosh")
Poisson = _from_loss("Poisson", losses.poisson, "poisson")
MeanAbsolutePercentageError = _from_loss(
    "MeanAbsolutePercentageError",
    losses.mean_absolute_percentage_error,
    "mean_absolute_percentage_error",
)
MeanSquaredLogarithmicError = _from_loss(
    "MeanSquaredLogarithmicError",
    losses.mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error",
)
CosineSimilarity = _from_loss("CosineSimilarity", _cosine, "cosine_similarity", axis=-1)


class Sum(Metric):
    """The running (weighted) sum of the values given."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name, dtype)

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values = to_numpy(values).astype(np.float64)
        if sample_weight is not None:
            values = values * np.broadcast_to(to_numpy(sample_weight), values.shape)
        self.total += float(values.sum())

    def result(self):
        return self.total


class _Confusion(Metric):
    """A count of one cell of the binary confusion matrix, predictions thresholded at
    ``thresholds`` (one value, or a list: one count per threshold)."""

    cell: tuple[bool, bool] | None = None  # (predicted positive, actually positive)

    def __init__(self, thresholds=None, name=None, dtype=None):
        self.thresholds = 0.5 if thresholds is None else thresholds
        super().__init__(name, dtype)

    def reset_state(self):
        self.counts = np.zeros(np.shape(self.thresholds))

    def update_state(self, y_true, y_pred, sample_weight=None):
        pred = to_numpy(y_pred).astype(np.float64)
        t = to_numpy(y_true).astype(bool).reshape(-1)
        if sample_weight is None:
            w = np.ones(pred.size)
        else:  # one weight per sample, or per entry
            sw = to_numpy(sample_weight).astype(np.float64)
            w = np.broadcast_to(
                sw.reshape(sw.shape + (1,) * (pred.ndim - sw.ndim)), pred.shape
            ).reshape(-1)
        p = pred.reshape(-1)
        thresholds = np.reshape(self.thresholds, (-1, 1))
        predicted = p[None, :] > thresholds
        hit = (predicted == self.cell[0]) & (t[None, :] == self.cell[1])
        self.counts = self.counts + (hit * w).sum(axis=1).reshape(np.shape(self.counts))

    def result(self):
        return float(self.counts) if np.ndim(self.counts) == 0 else self.counts.copy()

    def get_config(self):
        return {**super().get_config(), "thresholds": self.thresholds}


class TruePositives(_Confusion):
    """Predicted positive and actually positive (weighted count)."""

    cell = (True, True)


class FalsePositives(_Confusion):
    """Predicted positive, actually negative."""

    cell = (True, False)


class TrueNegatives(_Confusion):
    """Predicted negative, actually negative."""

    cell = (False, False)


class FalseNegatives(_Confusion):
    """Predicted negative, actually positive."""

    cell = (False, True)


__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "LogCoshError",
    "Poisson",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "CosineSimilarity",
    "Sum",
    "TruePositives",
    "FalsePositives",
    "TrueNegatives",
    "FalseNegatives",
]
