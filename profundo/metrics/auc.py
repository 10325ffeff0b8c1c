"""AUC: the area under the ROC curve or the precision-recall curve, computed exactly.

Sort the samples by score, highest first, and lower a threshold past them one distinct score at
a time; after each step count the (weighted) true positives TP and false positives FP above it.

- ROC: the curve of TPR = TP / P against FPR = FP / N (P, N: all positives and negatives), from
  (0, 0) to (1, 1); its area, by trapezoids, is the probability that a random positive scores
  higher than a random negative (ties count one half).
- PR: average precision, AP = Σₖ (Rₖ − Rₖ₋₁) Pₖ, the precision P = TP / (TP + FP) at each step
  weighted by how much the recall R = TP / P grew there.

These are scikit-learn's ``roc_auc_score`` and ``average_precision_score``, equal to them up to
float64 rounding (tested to 1e-9). The ``AUC`` metric keeps every score, label and weight it is
given (24 bytes per value) and sorts them in ``result()``: exact at the cost of memory growing
with the data. ``AUC(num_thresholds=200)`` counts as Keras' ``AUC`` does instead: TP, FP, TN, FN
at fixed thresholds 0 − ε, 1/(K−1), …, (K−2)/(K−1), 1 + ε (a score counts as positive above a
threshold) — constant memory, an approximation whose area is summed between thresholds by
``summation_method``: ``"interpolation"`` (trapezoids; for PR, Davis & Goadrich's interpolation of
precision between thresholds, as Keras), ``"minoring"`` or ``"majoring"`` (rectangles of the lower
or the higher of the two heights).
"""

from __future__ import annotations

import numpy as np

from .base import Metric, broadcast_weights, check_same_shape, same_rank

SUMMATION_METHODS = ("interpolation", "minoring", "majoring")


def _flat(y_true, y_score, sample_weight, name):
    t, s = same_rank(y_true, y_score)
    check_same_shape(t, s, name)
    w = broadcast_weights(sample_weight, t.shape, name)
    return t.astype(np.float64), s.astype(np.float64), w


def _curve(t, s, w):
    """TP and FP above the threshold after it passes each distinct score, highest first."""
    order = np.argsort(-s, kind="stable")
    s, t, w = s[order], t[order], w[order]
    tp, fp = np.cumsum(w * t), np.cumsum(w * (1 - t))
    last_of_tie = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    return tp[last_of_tie], fp[last_of_tie]


def roc_auc_score(y_true, y_score, sample_weight=None) -> float:
    """Area under the ROC curve of 0/1 labels ``y_true`` and scores ``y_score`` (all values
    pooled); NaN when only one class occurs.

    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])   # 3 of the 4 (pos, neg) pairs in order
    0.75
    """
    t, s, w = (a.ravel() for a in _flat(y_true, y_score, sample_weight, "roc_auc_score"))
    if (w * t).sum() == 0 or (w * (1 - t)).sum() == 0:
        return float("nan")
    tp, fp = _curve(t, s, w)
    tpr, fpr = np.r_[0, tp / tp[-1]], np.r_[0, fp / fp[-1]]
    return float(((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2).sum())


def average_precision_score(y_true, y_score, sample_weight=None) -> float:
    """Average precision (area under the precision-recall steps) of 0/1 labels ``y_true`` and
    scores ``y_score`` (all values pooled); NaN when there are no positives.

    >>> average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])   # ½·1 + ½·⅔
    0.833...
    """
    t, s, w = (a.ravel() for a in _flat(y_true, y_score, sample_weight, "average_precision_score"))
    if (w * t).sum() == 0:
        return float("nan")
    tp, fp = _curve(t, s, w)
    recall = np.r_[0, tp / tp[-1]]
    precision = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=tp + fp > 0)
    return float((np.diff(recall) * precision).sum())


class AUC(Metric):
    """Area under the ROC curve (``curve="ROC"``) or average precision (``curve="PR"``), exact,
    over all batches seen.

    ``y_true`` is 0/1 (soft labels count fractionally), ``y_pred`` the scores or probabilities of
    the same shape. With ``multi_label=False`` all values are pooled into one curve (for several
    outputs, scikit-learn's ``average="micro"``); with ``multi_label=True`` each output (last
    axis) gets its own curve and the result is the mean of their areas (``average="macro"``),
    over the outputs where the area is defined. NaN while only one class has been seen.

    ``num_thresholds=K`` (K ≥ 2) counts at K thresholds as Keras does (see the module docstring),
    with ``summation_method`` "interpolation", "minoring" or "majoring"; None (the default) is
    exact.

    >>> auc = AUC()
    >>> auc.update_state([0, 0], [0.1, 0.4]); auc.update_state([1, 1], [0.35, 0.8]); auc.result()
    0.75
    """

    def __init__(
        self,
        curve: str = "ROC",
        multi_label: bool = False,
        name: str = "auc",
        num_thresholds: int | None = None,
        summation_method: str = "interpolation",
    ) -> None:
        if curve.upper() not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        if num_thresholds is not None and (
            not isinstance(num_thresholds, int)
            or isinstance(num_thresholds, bool)
            or num_thresholds < 2
        ):
            raise ValueError(
                f"AUC: num_thresholds must be None (exact) or an int ≥ 2, got {num_thresholds!r}"
            )
        if summation_method not in SUMMATION_METHODS:
            raise ValueError(
                f"AUC: summation_method must be one of {SUMMATION_METHODS}, got "
                f"{summation_method!r}"
            )
        self.curve, self.multi_label = curve.upper(), multi_label
        self.num_thresholds, self.summation_method = num_thresholds, summation_method
        super().__init__(name)

    @property
    def thresholds(self) -> np.ndarray | None:
        """The K thresholds of the counting mode, or None when exact."""
        k = self.num_thresholds
        if k is None:
            return None
        eps = 1e-7
        return np.r_[-eps, np.arange(1, k - 1) / (k - 1), 1 + eps]

    def reset_state(self) -> None:
        self.labels: list = []
        self.scores: list = []
        self.weights: list = []
        # (4, K, labels): TP, FP, TN, FN at each threshold (labels 0 until a multi-label batch)
        k = self.num_thresholds or 0
        self.counts = np.zeros((4, k, 0 if self.multi_label else 1))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        t, s, w = _flat(y_true, y_pred, sample_weight, self.name)
        columns = t.shape[-1] if self.multi_label and t.ndim > 1 else 1
        seen = self.labels[0].shape[1] if self.labels else (self.counts.shape[2] or columns)
        if seen != columns:
            raise ValueError(
                f"{self.name}: this batch has {columns} labels, earlier ones had {seen}"
            )
        t, s, w = (a.reshape(-1, columns) for a in (t, s, w))
        if self.num_thresholds is None:
            for kept, a in ((self.labels, t), (self.scores, s), (self.weights, w)):
                kept.append(a)
            return
        thresholds = self.thresholds
        assert thresholds is not None  # counting mode
        above = s[None] > thresholds[:, None, None]  # (K, n, labels)
        positive = t != 0
        counts = np.stack(
            [
                (above & positive) * w,
                (above & ~positive) * w,
                (~above & ~positive) * w,
                (~above & positive) * w,
            ]
        ).sum(axis=2)
        self.counts = counts if not self.counts.shape[2] else self.counts + counts

    def result(self) -> float:
        if self.num_thresholds is not None:
            return float("nan") if not self.counts.any() else self._thresholded_area()
        if not self.labels:
            return float("nan")
        t, s, w = (np.concatenate(kept) for kept in (self.labels, self.scores, self.weights))
        area = roc_auc_score if self.curve == "ROC" else average_precision_score
        areas = np.array([area(t[:, j], s[:, j], w[:, j]) for j in range(t.shape[1])])
        defined = areas[~np.isnan(areas)]
        return float(defined.mean()) if defined.size else float("nan")

    def _thresholded_area(self) -> float:
        """Keras' area from the counts at the thresholds (highest threshold last)."""
        tp, fp, tn, fn = self.counts

        def ratio(a, b):
            return np.divide(a, b, out=np.zeros_like(a), where=b != 0)

        if self.curve == "PR" and self.summation_method == "interpolation":
            # precision interpolated between thresholds (Davis & Goadrich): within each interval
            # TP and P = TP + FP vary linearly, and ∫ precision dP has the closed form below
            p = tp + fp
            dtp, dp = tp[:-1] - tp[1:], p[:-1] - p[1:]
            slope = ratio(dtp, np.maximum(dp, 0))
            intercept = tp[1:] - slope * p[1:]
            both = (p[:-1] > 0) & (p[1:] > 0)
            p_ratio = np.where(both, ratio(p[:-1], np.maximum(p[1:], 0)), 1.0)
            areas = ratio(
                slope * (dtp + intercept * np.log(p_ratio)), np.maximum(tp[1:] + fn[1:], 0)
            )
        else:
            recall = ratio(tp, tp + fn)
            x, y = (
                (ratio(fp, fp + tn), recall)
                if self.curve == "ROC"
                else (recall, ratio(tp, tp + fp))
            )
            heights = {
                "interpolation": (y[:-1] + y[1:]) / 2,
                "minoring": np.minimum(y[:-1], y[1:]),
                "majoring": np.maximum(y[:-1], y[1:]),
            }[self.summation_method]
            areas = (x[:-1] - x[1:]) * heights
        return float(areas.sum(axis=0).mean())

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "curve": self.curve,
            "multi_label": self.multi_label,
            "num_thresholds": self.num_thresholds,
            "summation_method": self.summation_method,
        }
