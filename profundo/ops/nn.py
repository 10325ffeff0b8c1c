"""Neural-network ops: softmax and log-softmax, dropout, and the fused classification losses.

The losses are computed straight from the logits (the scores before softmax or sigmoid), in one op
each, because that is both stable and fast: log-softmax never takes the log of a 0 that rounding
made, and the gradient of softmax + cross-entropy collapses to the famous (p − t)/N.

>>> logits = pf.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
>>> loss = pf.cross_entropy(logits, [0])      # class 0 is the right one
>>> loss.backward(); logits.grad.round(4)     # softmax − one-hot
array([[-0.2144,  0.1753,  0.0391]], dtype=float32)
"""

from __future__ import annotations

from .. import backend as B
from ..autograd import Function, Tensor, as_tensor, tensor_method
from ..autograd.types import TensorLike
from .activation import stable_sigmoid

__all__ = ["softmax", "log_softmax", "dropout", "cross_entropy", "binary_cross_entropy_with_logits"]

REDUCTIONS = ("mean", "sum", "none")


def _log_softmax(x, axis):
    """log softmax(x) = x − m − log Σ e^(x − m), with m = max x along ``axis`` (so e^… ≤ 1)."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - B.xp.log(B.xp.exp(shifted).sum(axis=axis, keepdims=True))


# --- softmax ------------------------------------------------------------------------------------
def masked_softmax(scores, allowed=None, axis=-1):
    """softmax of the array ``scores`` along ``axis``, computed in place. Where ``allowed`` (a
    boolean array broadcasting against ``scores``) is False the probability is exactly 0, and a
    row with nothing allowed (or only −inf scores) is all zeros, not NaN (0/0)."""
    xp = B.xp
    if allowed is not None:
        xp.copyto(scores, -xp.inf, where=~allowed)
    top = scores.max(axis=axis, keepdims=True)
    top[~xp.isfinite(top)] = 0  # an all-masked row: e^(−inf − 0) = 0 everywhere
    scores -= top
    xp.exp(scores, out=scores)
    total = scores.sum(axis=axis, keepdims=True)
    total[total == 0] = 1
    scores /= total
    return scores


class Softmax(Function):
    """yᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m)  (m = maxⱼ xⱼ; the shift cancels and keeps e^… ≤ 1);
    ∂L/∂x = y ⊙ (g − Σⱼ gⱼyⱼ),  g = ∂L/∂y  (the Jacobian diag(y) − y yᵀ times g).
    Masked-out entries are constants with y = 0, so the same formula gives them ∂L/∂x = 0."""

    def forward(self, x, mask=None, axis=-1):
        allowed = None if mask is None else mask.astype(bool, copy=False)
        dtype = x.dtype if x.dtype.kind == "f" else B.default_dtype
        self.y, self.axis = masked_softmax(x.astype(dtype, copy=True), allowed, axis), axis
        return self.y

    def backward(self, grad):
        y = self.y
        return y * (grad - (grad * y).sum(axis=self.axis, keepdims=True)), None


class LogSoftmax(Function):
    """yᵢ = xᵢ − log Σⱼ e^(xⱼ);  ∂L/∂x = g − softmax(x) · Σⱼ gⱼ,  softmax(x) = eʸ"""

    def forward(self, x, axis=-1):
        self.y, self.axis = _log_softmax(x, axis), axis
        return self.y

    def backward(self, grad):
        return grad - B.xp.exp(self.y) * grad.sum(axis=self.axis, keepdims=True)


@tensor_method("softmax")
def softmax(
    x: TensorLike, axis: int | tuple[int, ...] = -1, mask: TensorLike | None = None
) -> Tensor:
    """Probabilities from scores along ``axis``: eˣⁱ / Σⱼ eˣʲ (non-negative, summing to 1).

    Stable for any input: the row maximum is subtracted first. ``mask`` (booleans broadcasting
    against x; False = left out) gives exactly 0 to the entries left out, and the others share
    the whole probability; a row with every entry left out (or all −inf) is all zeros, not NaN.

    >>> pf.softmax(pf.tensor([1.0, 2.0, 3.0]))
    tensor([0.09  , 0.2447, 0.6652])
    """
    return Softmax.apply(x, mask, axis=axis)


@tensor_method("log_softmax")
def log_softmax(x: TensorLike, axis: int = -1) -> Tensor:
    """log softmax(x) along ``axis``, computed without ever taking the log of a rounded-off 0.

    >>> pf.log_softmax(pf.tensor([0.0, 100.0]))
    tensor([-100.,    0.])
    """
    return LogSoftmax.apply(x, axis=axis)


# --- dropout ------------------------------------------------------------------------------------
class Dropout(Function):
    """y = x · m / (1 − rate),  mᵢ ~ Bernoulli(1 − rate);  ∂L/∂x = ∂L/∂y · m / (1 − rate)"""

    def forward(self, x, rate=0.5):
        keep = B.rng().random(x.shape, dtype=x.dtype) >= rate
        self.scale = keep.astype(x.dtype) / (1 - rate)
        return x * self.scale

    def backward(self, grad):
        return grad * self.scale


def dropout(x: TensorLike, rate: float, training: bool = True) -> Tensor:
    """Inverted dropout: zero each element with probability ``rate`` and scale the survivors by
    1/(1 − rate), so the expected value is unchanged and inference needs no rescaling.

    The identity when ``training`` is False or ``rate`` is 0. The mask comes from profundo's
    generator: ``pf.manual_seed(n)`` makes it reproducible.

    >>> pf.manual_seed(0)
    >>> pf.dropout(pf.ones(6), 0.5)              # about half zeros, the rest 2 = 1/(1 − 0.5)
    tensor([2., 2., 2., 0., 0., 0.])
    """
    if not 0 <= rate < 1:
        raise ValueError(
            f"dropout: rate is the fraction of elements to drop and must be in [0, 1), got {rate}"
        )
    if not training or rate == 0:
        return as_tensor(x)
    return Dropout.apply(x, rate=rate)


# --- fused losses -------------------------------------------------------------------------------
def _reduce(loss, reduction):
    """The per-example losses averaged ("mean"), added ("sum") or kept ("none")."""
    if reduction == "none":
        return loss
    total = loss.sum()
    return total / loss.size if reduction == "mean" else total


def _check_reduction(op, reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _class_positions(target, shape, axis):
    """Where each example's class is in logits of ``shape``: an index tuple (``logp[at]`` holds
    one entry per example), or None when ``target`` holds probabilities (``shape`` itself, e.g.
    one-hot rows) instead of class indices (integers in 0 … C − 1, ``shape`` without ``axis``).
    """
    n_classes = shape[axis]
    sparse_shape = shape[:axis] + shape[axis + 1 :]
    if target.shape == shape:
        return None
    if target.shape != sparse_shape:
        raise ValueError(
            f"target shape {target.shape} does not fit logits of shape {shape}: give "
            f"class indices of shape {sparse_shape} or probabilities of shape {shape}"
        )
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy: target of shape {target.shape} holds class indices and "
            f"must be integers, got dtype {target.dtype}; convert it, e.g. "
            f"target.astype('int64')"
        )
    if target.size and (target.min() < 0 or target.max() >= n_classes):
        bad = (target < 0) | (target >= n_classes)
        raise ValueError(
            f"class index {target[bad][0].item()} is out of range for "
            f"{n_classes} classes (valid indices: 0 to {n_classes - 1})"
        )
    examples = B.xp.ix_(*(B.xp.arange(n) for n in target.shape))  # broadcasting aranges
    return examples[:axis] + (target,) + examples[axis:]


def _target_distribution(target, at, shape, axis, dtype, smoothing):
    """The target as probabilities over the class axis, smoothed: q = (1 − ε)·t + ε/C, where t is
    ``target`` itself or, given the classes' positions ``at``, one-hot vectors."""
    if at is None:
        t = target.astype(dtype, copy=False)
    else:
        t = B.xp.zeros(shape, dtype)
        t[at] = 1
    return (1 - smoothing) * t + smoothing / shape[axis] if smoothing else t


class CrossEntropy(Function):
    """ℓ = −Σ_c q_c · log softmax(x)_c over the class axis, q the (smoothed) target distribution;
    ∂ℓ/∂x = softmax(x) − q  (so the mean over N examples has ∂L/∂x = (softmax(x) − q)/N),
    ∂ℓ/∂t = −(1 − ε) · log softmax(x)  (for probability targets t).

    With class indices and no smoothing q is one-hot, and the sum picks one term: ℓ = −log
    softmax(x)_y, and ∂ℓ/∂x is softmax(x) with 1 taken off at class y (no one-hot array is made).
    """

    def forward(self, logits, target, axis=-1, reduction="mean", label_smoothing=0.0):
        if not -logits.ndim <= axis < logits.ndim:
            raise ValueError(
                f"axis {axis} is out of range for logits with {logits.ndim} dimensions"
            )
        xp = B.xp
        axis %= logits.ndim
        self.axis, self.reduction = axis, reduction
        self.logp = _log_softmax(logits, axis)
        target = xp.asarray(target)
        self.at = _class_positions(target, logits.shape, axis)
        self.smoothing, self.n = label_smoothing, logits.size // logits.shape[axis]
        if self.at is not None and not label_smoothing:
            self.q = None
            loss = -self.logp[self.at]
        else:
            self.q = _target_distribution(
                target, self.at, logits.shape, axis, logits.dtype, label_smoothing
            )
            loss = -(self.q * self.logp).sum(axis=axis)
        return _reduce(loss, reduction)

    def backward(self, grad):
        xp = B.xp
        g = grad / self.n if self.reduction == "mean" else grad
        if self.reduction == "none":
            g = xp.expand_dims(g, self.axis)
        d_logits = None
        if self.needs_grad(0):
            d_logits = xp.exp(self.logp)  # softmax(x)
            if self.q is None:  # − one-hot: 1 off at each example's class
                d_logits[self.at] -= 1
            else:
                d_logits -= self.q
            d_logits *= g
        d_target = -(1 - self.smoothing) * g * self.logp if self.needs_grad(1) else None
        return d_logits, d_target


def cross_entropy(
    logits: TensorLike,
    target: TensorLike,
    axis: int = -1,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy from logits, −Σ_c t_c log softmax(logits)_c per example, fused in one
    stable op whose gradient is (softmax − t)/N.

    ``target`` is either class indices (integers; the shape of ``logits`` without ``axis``; what
    Keras calls sparse categorical cross-entropy) or probabilities such as one-hot rows (the
    shape of ``logits``). ``label_smoothing`` ε replaces t by (1 − ε)t + ε/C, as PyTorch does.
    ``reduction``: "mean" over the examples, "sum", or "none" for the per-example losses.

    >>> logits = pf.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]])
    >>> pf.cross_entropy(logits, [0, 2])                        # class indices
    tensor(0.1681)
    >>> pf.cross_entropy(logits, [[1.0, 0, 0], [0, 0, 1.0]])    # one-hot: the same loss
    tensor(0.1681)
    """
    _check_reduction("cross_entropy", reduction)
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    return CrossEntropy.apply(
        logits, target, axis=axis, reduction=reduction, label_smoothing=label_smoothing
    )


class BinaryCrossEntropyWithLogits(Function):
    """ℓ = −t log σ(x) − (1 − t) log(1 − σ(x)) = max(x, 0) − x·t + log(1 + e^(−|x|))  (stable form);
    ∂ℓ/∂x = σ(x) − t,  ∂ℓ/∂t = −x"""

    def forward(self, x, t, reduction="mean"):
        t = B.xp.asarray(t, dtype=x.dtype)
        if t.shape != x.shape:
            raise ValueError(
                f"target shape {t.shape} must equal the logits' shape {x.shape} (one "
                f"target per logit); reshape one of them"
            )
        self.x, self.t, self.reduction = x, t, reduction
        loss = B.xp.maximum(x, 0) - x * self.t + B.xp.log1p(B.xp.exp(-B.xp.abs(x)))
        return _reduce(loss, reduction)

    def backward(self, grad):
        g = grad / self.x.size if self.reduction == "mean" else grad
        d_logits = g * (stable_sigmoid(self.x) - self.t) if self.needs_grad(0) else None
        return d_logits, (-g * self.x if self.needs_grad(1) else None)


def binary_cross_entropy_with_logits(
    logits: TensorLike, target: TensorLike, reduction: str = "mean"
) -> Tensor:
    """Binary cross-entropy of targets t ∈ [0, 1] and probabilities σ(logits), from the logits in
    the stable form max(x, 0) − x·t + log(1 + e^(−|x|)); its gradient is σ(x) − t.

    ``target`` has the logits' shape (0/1 labels or probabilities). ``reduction``: "mean" over all
    elements, "sum" or "none".

    >>> pf.binary_cross_entropy_with_logits(pf.tensor([3.0, -2.0]), [1.0, 0.0])
    tensor(0.0878)
    """
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    return BinaryCrossEntropyWithLogits.apply(logits, target, reduction=reduction)
