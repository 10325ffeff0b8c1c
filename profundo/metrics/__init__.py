"""Metrics: how good are the predictions? Accuracy, top-k, precision, recall, F1, AUC, IoU, MSE,
MAE, R², KL divergence — with Keras' names.

Each comes as a stateful class that streams over batches, and most also as a plain function::

    m = metrics.SparseCategoricalAccuracy()
    for x, y in batches:
        m.update_state(y, model.predict(x))      # NumPy arrays or Tensors
    m.result()                                   # a float: the accuracy over all batches
    m.reset_state()                              # start again (every epoch)

    metrics.sparse_categorical_accuracy(y, p)    # one value per sample; .mean() for the batch

All take ``sample_weight`` (one weight per sample). Metrics compute in NumPy on the CPU with
float64 sums and need no gradients.

The training loop, from ``compile(metrics=[...], loss=...)``:

    tracked = [metrics.get(m, loss=loss, y_true=y_batch, y_pred=outputs) for m in compile_metrics]
    loss_mean = metrics.Mean(name="loss")
    # each epoch: m.reset_state() for all; each batch:
    loss_mean.update_state(float(loss), sample_weight=len(x_batch))
    for m in tracked:
        m.update_state(y_batch, outputs, sample_weight)
    logs = {"loss": loss_mean.result(), **{m.name: m.result() for m in tracked}}

``get`` turns ``"accuracy"`` / ``"acc"`` into the accuracy that fits the loss and the outputs
(``resolve_accuracy``), as Keras' ``compile`` does.
"""

from __future__ import annotations

from .accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from .auc import AUC, average_precision_score, roc_auc_score
from .base import Mean, MeanMetricWrapper, Metric
from .from_losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    FalseNegatives,
    FalsePositives,
    Hinge,
    LogCoshError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    Sum,
    TrueNegatives,
    TruePositives,
)
from . import from_losses as _from_losses
from .classification import (
    F1Score,
    FBetaScore,
    IoU,
    MeanIoU,
    ConfusionMatrix,
    Precision,
    Recall,
    confusion_matrix,
)
from ..serialization import deserialize as _deserialize
from ..serialization import lookup
from ..serialization import serialize
from .regression import (
    KLDivergence,
    MeanAbsoluteError,
    MeanSquaredError,
    R2Score,
    RootMeanSquaredError,
    kl_divergence,
    kld,
    mae,
    mean_absolute_error,
    mean_squared_error,
    mse,
)

__all__ = [
    "Metric",
    "Mean",
    "MeanMetricWrapper",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "Precision",
    "Recall",
    "FBetaScore",
    "F1Score",
    "ConfusionMatrix",
    "IoU",
    "MeanIoU",
    "confusion_matrix",
    "AUC",
    "roc_auc_score",
    "average_precision_score",
    "MeanSquaredError",
    "RootMeanSquaredError",
    "MeanAbsoluteError",
    "R2Score",
    "KLDivergence",
    "mean_squared_error",
    "mean_absolute_error",
    "kl_divergence",
    "mse",
    "mae",
    "kld",
    "get",
    "serialize",
    "deserialize",
    "resolve_accuracy",
    *_from_losses.__all__,
]

#: The names ``get`` knows (lower case); the metric is named by the string given.
ALIASES = {
    "accuracy": Accuracy,
    "acc": Accuracy,
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "rmse": RootMeanSquaredError,
    "root_mean_squared_error": RootMeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "kld": KLDivergence,
    "kl_divergence": KLDivergence,
    "kullback_leibler_divergence": KLDivergence,
    "r2": R2Score,
    "r2_score": R2Score,
    "auc": AUC,
    "precision": Precision,
    "recall": Recall,
    "f1": F1Score,
    "f1_score": F1Score,
    "fbeta_score": FBetaScore,
    "mean": Mean,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "hinge": Hinge,
    "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge,
    "logcosh": LogCoshError,
    "log_cosh": LogCoshError,
    "poisson": Poisson,
    "mape": MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "cosine_similarity": CosineSimilarity,
    "true_positives": TruePositives,
    "false_positives": FalsePositives,
    "true_negatives": TrueNegatives,
    "false_negatives": FalseNegatives,
}
_CLASSES = {
    cls.__name__: cls
    for cls in (*ALIASES.values(), MeanMetricWrapper, ConfusionMatrix, IoU, MeanIoU, Sum)
}


def get(identifier, loss=None, y_true=None, y_pred=None) -> Metric:
    """A metric object from a name, a config dict, a metric, or a function.

    - a name: Keras' (``"accuracy"``, ``"acc"``, ``"mse"``, ``"mae"``, ``"auc"``,
      ``"precision"``, ``"top_k_categorical_accuracy"``, ...; see ``ALIASES``), named by that
      string, or a class name (``"MeanSquaredError"``) with its default name. ``"accuracy"``
      and ``"acc"`` become the accuracy that fits ``loss`` and the shapes of ``y_true`` and
      ``y_pred`` when any of those is given (``resolve_accuracy``), else exact-match
      ``Accuracy`` (Keras' ``metrics.get("accuracy")``).
    - ``{"class_name": ..., "config": ...}``, as ``serialize`` writes it;
    - a ``Metric``: itself; a function ``fn(y_true, y_pred)`` of per-sample values: the running
      mean of it, named after the function.

    Unlike Keras' ``metrics.get``, which gives functions for names, this always gives a fresh
    stateful metric, ready for the training loop.

    >>> get("acc", loss="sparse_categorical_crossentropy")
    <SparseCategoricalAccuracy name='acc'>
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in ("accuracy", "acc") and not (loss is None and y_true is None and y_pred is None):
            return resolve_accuracy(loss, y_true, y_pred, name=identifier)
        if identifier in _CLASSES and _CLASSES[identifier] in ALIASES.values():
            return _CLASSES[identifier]()
        try:
            return lookup(identifier, ALIASES, "metric")(name=identifier)
        except ValueError as err:
            raise ValueError(
                f"{err}; metrics with settings, such as MeanIoU(num_classes=...), "
                f"are passed as objects"
            ) from None
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(
        f"a metric must be a name, a config dict, a Metric or a function, got "
        f"{type(identifier).__name__}"
    )


def deserialize(config: dict) -> Metric:
    """The metric that ``serialize`` described (settings only, not the running state; a
    ``MeanMetricWrapper`` of your own function does not round-trip)."""
    return _deserialize(config, _CLASSES, "metric")


def resolve_accuracy(loss=None, y_true=None, y_pred=None, name: str = "accuracy") -> Metric:
    """The accuracy that ``metrics=["accuracy"]`` means, chosen as Keras' ``compile`` does.

    ``loss`` (a name, a loss object with ``.name``, or a function) decides first:
    ``*sparse_categorical*`` → ``SparseCategoricalAccuracy``, ``*binary*`` → ``BinaryAccuracy``,
    ``*categorical*`` → ``CategoricalAccuracy``. Otherwise the shapes of ``y_true`` and
    ``y_pred`` (arrays or shapes) decide: one output per sample (``y_pred`` of shape ``(n,)`` or
    ``(n, 1)``) → binary; ``y_true`` with one axis fewer, or a last axis of 1 → sparse
    categorical; else categorical (one-hot labels).

    >>> resolve_accuracy(y_true=(32,), y_pred=(32, 10))
    <SparseCategoricalAccuracy name='accuracy'>
    >>> resolve_accuracy(loss="binary_crossentropy")
    <BinaryAccuracy name='accuracy'>
    """
    chosen = _accuracy_for_loss(loss) or _accuracy_for_shapes(y_true, y_pred)
    if chosen is None:
        raise ValueError(
            f"resolve_accuracy: cannot tell which accuracy {name!r} means from loss={loss!r}; give "
            "y_true and y_pred (a batch of targets and outputs, or their shapes) as well"
        )
    return chosen(name=name)


def _accuracy_for_loss(loss):
    if loss is None:
        return None
    if not isinstance(loss, str):
        loss = getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__
    key = loss.lower().replace("_", "")
    if "sparsecategorical" in key:
        return SparseCategoricalAccuracy
    if "binary" in key:
        return BinaryAccuracy
    if "categorical" in key:
        return CategoricalAccuracy
    return None


def _accuracy_for_shapes(y_true, y_pred):
    if y_pred is None:
        return None
    pred = tuple(getattr(y_pred, "shape", y_pred))
    if len(pred) <= 1 or pred[-1] == 1:
        return BinaryAccuracy
    if y_true is None:
        return None
    true = tuple(getattr(y_true, "shape", y_true))
    if len(true) < len(pred) or true[-1] == 1:
        return SparseCategoricalAccuracy
    return CategoricalAccuracy
