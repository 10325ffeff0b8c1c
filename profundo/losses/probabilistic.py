"""Probabilistic losses: cross-entropies (binary, categorical, sparse, focal),
KL divergence, Poisson.

``y_pred`` holds probabilities (the output of a sigmoid or softmax) or, with ``from_logits=True``,
the scores before it. Probabilities are clipped to [ε, 1 − ε] (ε = 10⁻⁷, as Keras) before any log,
so a confident prediction of exactly 0 or 1 gives a large but finite loss; logits go through the
fused, stable ops (``pf.binary_cross_entropy_with_logits``, ``pf.cross_entropy``), which never
take the log of a rounded-off 0 at all — prefer them. When the probabilities are the output of a
softmax or sigmoid in the graph being recorded (a model's output layer in ``fit``), the
cross-entropies take the logits under them, as Keras does (``logits_under``).

>>> binary_crossentropy([[1.0], [0.0]], pf.tensor([[0.9], [0.2]]))    # −log 0.9, −log 0.8
tensor([0.1054, 0.2231])
"""

from __future__ import annotations

from .. import backend as B
from .. import ops
from ..autograd import Tensor, as_array
from ..ops.activation import Sigmoid
from ..ops.nn import Softmax
from .base import (
    EPSILON,
    LossFunctionWrapper,
    as_prediction,
    clip_probabilities,
    prepare,
    register,
    smooth_labels,
)

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
    "kl_divergence",
    "poisson",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalFocalCrossentropy",
    "KLDivergence",
    "Poisson",
]


# --- binary ---------------------------------------------------------------------------------------
def logits_under(y_pred, op, axis=None):
    """The logits whose ``op`` (``Softmax`` along ``axis``, or ``Sigmoid``) ``y_pred`` is, when
    that op is in the graph being recorded; else None. As Keras does, a cross-entropy given the
    probabilities of a softmax or sigmoid output works from the logits underneath instead: one
    fused op whose gradient is p − y, half the graph, and no clipping of confident predictions.
    (Without a graph, as in ``evaluate``, the probabilities are used, clipped to [ε, 1 − ε].)
    """
    fn = getattr(y_pred, "_fn", None)
    if not isinstance(fn, op) or fn.released or not isinstance(fn.inputs[0], Tensor):
        return None
    if axis is not None and fn.axis % y_pred.ndim != axis % y_pred.ndim:
        return None
    return fn.inputs[0]


def _binary_ce(t: Tensor, p: Tensor, from_logits: bool) -> Tensor:
    """Elementwise −[y log p + (1 − y) log(1 − p)], p = σ(logits) or the clipped probabilities."""
    if from_logits:
        return ops.binary_cross_entropy_with_logits(p, t, reduction="none")
    p = clip_probabilities(p)
    return -(t * p.log() + (1 - t) * (1 - p).log())


def binary_crossentropy(
    y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1
) -> Tensor:
    """BCE = −mean(y log p + (1 − y) log(1 − p)) along ``axis``, for labels y ∈ [0, 1].

    ``label_smoothing`` ε pulls the labels toward ½: y ← y(1 − ε) + ε/2.

    >>> binary_crossentropy([[1.0, 0.0]], pf.tensor([[0.9, 0.2]]))      # (−log 0.9 − log 0.8) / 2
    tensor([0.1643])
    >>> binary_crossentropy([[1.0]], pf.tensor([[-100.0]]), from_logits=True)   # finite
    tensor([100.])
    """
    logits = None if from_logits else logits_under(y_pred, Sigmoid)
    if logits is not None:
        return binary_crossentropy(y_true, logits, True, label_smoothing, axis)
    t, p = prepare("binary_crossentropy", y_true, y_pred)
    t = smooth_labels("binary_crossentropy", t, label_smoothing, 2)
    return _binary_ce(t, p, from_logits).mean(axis=axis)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Focal loss (Lin et al., 2017): BCE scaled down where the prediction is already right,

        FL = mean((1 − pₜ)^γ · BCE) along ``axis``,   pₜ = y·p + (1 − y)(1 − p),

    so the many easy examples (pₜ near 1) count little and training focuses on the hard ones.
    ``gamma`` = 0 gives plain BCE. With ``apply_class_balancing`` each term is also weighted by
    αₜ = y·α + (1 − y)(1 − α), ``alpha`` being the weight of the positive class.

    >>> binary_focal_crossentropy([[1.0]], pf.tensor([[0.9]]))           # 0.1² · (−log 0.9)
    tensor([0.0011])
    """
    name = "binary_focal_crossentropy"
    t, p = prepare(name, y_true, y_pred)
    t = smooth_labels(name, t, label_smoothing, 2)
    bce = _binary_ce(t, p, from_logits)
    p = ops.sigmoid(p) if from_logits else clip_probabilities(p)
    p_t = t * p + (1 - t) * (1 - p)
    loss = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        loss = (t * alpha + (1 - t) * (1 - alpha)) * loss
    return loss.mean(axis=axis)


# --- categorical ----------------------------------------------------------------------------------
def _log_probabilities(p: Tensor, axis: int, from_logits: bool) -> Tensor:
    """log p along ``axis``: log softmax of logits, or the log of the probabilities rescaled to
    sum to 1 and clipped to [ε, 1 − ε]."""
    if from_logits:
        return ops.log_softmax(p, axis=axis)
    return clip_probabilities(p / p.sum(axis=axis, keepdims=True)).log()


_SPARSE_HINT = "; for integer class labels use sparse_categorical_crossentropy"


def categorical_crossentropy(
    y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1
) -> Tensor:
    """CCE = −Σ_c y_c log p_c along ``axis`` (the class axis), for one-hot or probability labels.

    ``label_smoothing`` ε spreads some certainty over the K classes: y ← y(1 − ε) + ε/K. From
    logits it is ``pf.cross_entropy``, whose gradient is softmax − y.

    >>> categorical_crossentropy([[0.0, 1.0, 0.0]], pf.tensor([[0.1, 0.8, 0.1]]))   # −log 0.8
    tensor([0.2231])
    """
    name = "categorical_crossentropy"
    logits = None if from_logits else logits_under(y_pred, Softmax, axis)
    if logits is not None:
        return categorical_crossentropy(y_true, logits, True, label_smoothing, axis)
    t, p = prepare(name, y_true, y_pred, hint=_SPARSE_HINT)
    t = smooth_labels(name, t, label_smoothing, _n_classes(name, p.shape, axis))
    if from_logits:
        return ops.cross_entropy(p, t, axis=axis, reduction="none")
    return -(t * _log_probabilities(p, axis, from_logits=False)).sum(axis=axis)


def sparse_categorical_crossentropy(
    y_true, y_pred, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Categorical cross-entropy with integer class labels: −log p_y along ``axis``.

    ``y_true`` holds one class number per sample: shape ``(N,)`` or ``(N, 1)`` for ``y_pred`` of
    shape ``(N, K)`` (and ``(N, H, W)`` for ``(N, H, W, K)``); whole-number floats are accepted.

    >>> sparse_categorical_crossentropy([1], pf.tensor([[0.1, 0.8, 0.1]]))           # −log 0.8
    tensor([0.2231])
    """
    p = as_prediction(y_pred)
    labels = _class_labels("sparse_categorical_crossentropy", y_true, p.shape, axis)
    logits = p if from_logits else logits_under(p, Softmax, axis)
    if logits is not None:  # the fused op picks −log p_y: no one-hot rows
        return ops.cross_entropy(logits, labels, axis=axis, reduction="none")
    classes = B.xp.arange(p.shape[axis]).reshape((-1,) + (1,) * (p.ndim - axis % p.ndim - 1))
    one_hot = (B.xp.expand_dims(labels, axis) == classes).astype(p.dtype)
    return categorical_crossentropy(one_hot, p, axis=axis)


def _class_labels(name: str, y_true, shape: tuple, axis: int):
    """Integer class labels for predictions of ``shape`` (classes along ``axis``), checked: one
    whole number in 0 … K − 1 per sample, of shape ``shape`` without ``axis`` (or with it of
    size 1)."""
    xp = B.xp
    labels = xp.asarray(as_array(y_true))
    n_classes = _n_classes(name, shape, axis)
    axis %= len(shape)
    sparse = shape[:axis] + shape[axis + 1 :]
    if labels.shape == shape[:axis] + (1,) + shape[axis + 1 :]:
        labels = labels.reshape(sparse)
    if labels.shape != sparse:
        raise ValueError(
            f"{name}: y_true has shape {labels.shape} and y_pred has shape {shape}; "
            f"give one integer class label per sample, shape {sparse} (for one-hot "
            f"labels use categorical_crossentropy)"
        )
    whole = labels.dtype.kind in "iu" or (
        labels.dtype.kind == "f" and bool((labels == xp.round(labels)).all())
    )
    if not whole:
        raise TypeError(
            f"{name}: y_true must hold whole-number class labels, got dtype "
            f"{labels.dtype} values such as {labels.reshape(-1)[:3].tolist()}"
        )
    bad = (labels < 0) | (labels >= n_classes)
    if bad.any():
        raise ValueError(
            f"{name}: class label {labels[bad][0].item():g} is out of range for "
            f"y_pred with {n_classes} classes (valid labels: 0 to {n_classes - 1})"
        )
    return labels if labels.dtype.kind in "iu" else labels.astype(xp.int64)


def _n_classes(name: str, shape: tuple, axis: int) -> int:
    """The size of the class axis ``axis`` of ``y_pred``."""
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"{name}: axis {axis} is out of range for y_pred of shape {shape}")
    return shape[axis]


def categorical_focal_crossentropy(
    y_true,
    y_pred,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Focal loss over K classes: −Σ_c α (1 − p_c)^γ y_c log p_c along ``axis``.

    The factor (1 − p_c)^γ shrinks the loss of classes already predicted with confidence;
    ``gamma`` = 0 and ``alpha`` = 1 give categorical cross-entropy.

    >>> y_true, y_pred = [[0.0, 1.0]], pf.tensor([[0.2, 0.8]])
    >>> categorical_focal_crossentropy(y_true, y_pred)  # 0.25·0.2²·(−log 0.8)
    tensor([0.0022])
    """
    name = "categorical_focal_crossentropy"
    t, p = prepare(name, y_true, y_pred, hint=_SPARSE_HINT)
    t = smooth_labels(name, t, label_smoothing, _n_classes(name, p.shape, axis))
    log_p = _log_probabilities(p, axis, from_logits)
    return -(alpha * (1 - log_p.exp()) ** gamma * t * log_p).sum(axis=axis)


# --- divergences ----------------------------------------------------------------------------------
def kl_divergence(y_true, y_pred) -> Tensor:
    """Kullback-Leibler divergence KL(y ‖ p) = Σ y log(y / p) over the last axis, y and p clipped
    to [ε, 1]: how many extra nats coding samples of y costs with a code made for p (0 iff p = y).

    >>> kl_divergence([[0.5, 0.5]], pf.tensor([[0.5, 0.5]]))
    tensor([0.])
    """
    t, p = prepare("kl_divergence", y_true, y_pred)
    t, p = t.clip(EPSILON, 1), p.clip(EPSILON, 1)
    return (t * (t / p).log()).sum(axis=-1)


def poisson(y_true, y_pred) -> Tensor:
    """Poisson negative log-likelihood (without the constant log y!): mean(ŷ − y log(ŷ + ε)) over
    the last axis, for counts y and predicted rates ŷ > 0.

    >>> poisson([[2.0]], pf.tensor([[2.0]]))                              # 2 − 2 log 2
    tensor([0.6137])
    """
    t, p = prepare("poisson", y_true, y_pred)
    return (p - t * (p + EPSILON).log()).mean(axis=-1)


# --- classes --------------------------------------------------------------------------------------
@register(binary_crossentropy, "bce")
class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (see ``binary_crossentropy``)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name=None,
    ):
        super().__init__(
            binary_crossentropy,
            reduction,
            name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@register(binary_focal_crossentropy)
class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy (see ``binary_focal_crossentropy``)."""

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            reduction,
            name,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@register(categorical_crossentropy)
class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy for one-hot labels (see ``categorical_crossentropy``)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name=None,
    ):
        super().__init__(
            categorical_crossentropy,
            reduction,
            name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@register(sparse_categorical_crossentropy)
class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy for integer labels (see ``sparse_categorical_crossentropy``)."""

    def __init__(self, from_logits=False, axis=-1, reduction="sum_over_batch_size", name=None):
        super().__init__(
            sparse_categorical_crossentropy, reduction, name, from_logits=from_logits, axis=axis
        )


@register(categorical_focal_crossentropy)
class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal cross-entropy (see ``categorical_focal_crossentropy``)."""

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            reduction,
            name,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@register(kl_divergence, "kld", "kullback_leibler_divergence")
class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence KL(y ‖ ŷ) (see ``kl_divergence``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(kl_divergence, reduction, name)


@register(poisson)
class Poisson(LossFunctionWrapper):
    """Poisson negative log-likelihood (see ``poisson``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(poisson, reduction, name)
