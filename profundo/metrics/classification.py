"""Counting metrics of classifiers: confusion matrix, IoU, precision, recall, F-scores.

For each class c, over the samples seen (each counted with its sample weight):

    TP_c: of class c, predicted c
    FP_c: not of class c, predicted c
    FN_c: of class c, not predicted c

    precision = TP / (TP + FP)     recall = TP / (TP + FN)     F1 = 2 TP / (2 TP + FP + FN)
    IoU = TP / (TP + FP + FN)      (0 where a denominator is 0, as in scikit-learn)

Inputs, in the two styles a learner meets:

- Keras style — what a model outputs. ``y_pred`` holds probabilities or scores: ``(n,)`` or
  ``(n, 1)`` for a binary classifier (one sigmoid), ``(n, C)`` for C classes (softmax) or C
  labels (multi-label sigmoids). ``y_true`` is 0/1 of the same shape (one-hot or multi-hot), or
  class indices ``(n,)`` against ``(n, C)`` scores. A prediction is ``y_pred > threshold``, or,
  for ``F1Score`` with ``threshold=None``, the argmax (one class per sample).
- scikit-learn style — predicted labels. Give ``num_classes`` and pass integer class labels
  ``(n,)`` on both sides, as to ``sklearn.metrics.f1_score(y_true, y_pred, average=...)``.

Averaging over classes (``average``): ``"micro"`` pools the counts of all classes, then scores
once; ``"macro"`` scores each class and takes the plain mean; ``"weighted"`` weighs each class's
score by its support TP + FN; ``None`` returns one score per class. Macro averages over all C
classes, like Keras; scikit-learn averages over the labels present in the data unless you give
``labels=range(C)``. For a single binary output all of them give the score of the positive class
(scikit-learn's ``average="binary"``).
"""

from __future__ import annotations

import numpy as np

from .base import (
    Metric,
    broadcast_weights,
    check_same_shape,
    safe_divide,
    same_rank,
    squeeze_labels,
    to_numpy,
)


def _as_labels(x, name: str, what: str, num_classes: int | None = None) -> np.ndarray:
    """``x`` as int64 class labels, checked to be whole numbers in [0, num_classes)."""
    labels = x.astype(np.int64)
    if (
        (labels != x).any()
        or labels.min(initial=0) < 0
        or (num_classes is not None and labels.max(initial=0) >= num_classes)
    ):
        top = "" if num_classes is None else f" up to {num_classes - 1}"
        raise ValueError(
            f"{name}: {what} must hold integer class labels from 0{top}, got values from "
            f"{x.min()} to {x.max()}"
        )
    return labels


def _one_hot(x, num_classes: int, name: str, what: str) -> np.ndarray:
    """Boolean ``(..., C)``: True at each sample's class."""
    return _as_labels(x, name, what, num_classes)[..., None] == np.arange(num_classes)


def confusion_matrix(y_true, y_pred, num_classes: int | None = None, sample_weight=None):
    """M[i, j] = how many samples of true class i were predicted as class j (rows: truth,
    columns: prediction; the layout of scikit-learn and TensorFlow).

    ``y_true`` and ``y_pred`` are integer labels of the same shape (any shape; every element is
    a sample). ``num_classes`` defaults to the largest label + 1. Integer counts, or summed
    weights when ``sample_weight`` is given.

    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    return _confusion(y_true, y_pred, num_classes, sample_weight, "confusion_matrix")


def _confusion(y_true, y_pred, num_classes, sample_weight, name):
    t, p = same_rank(y_true, y_pred)
    check_same_shape(t, p, name)
    w = None if sample_weight is None else broadcast_weights(sample_weight, t.shape, name).ravel()
    t = _as_labels(t, name, "y_true", num_classes).ravel()
    p = _as_labels(p, name, "y_pred", num_classes).ravel()
    if num_classes is None:
        num_classes = int(max(t.max(initial=-1), p.max(initial=-1))) + 1
    counts = np.bincount(num_classes * t + p, weights=w, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes)


class ConfusionMatrix(Metric):
    """The (weighted) confusion matrix of integer labels, summed over batches: ``result()`` is
    the ``(num_classes, num_classes)`` array of ``confusion_matrix``, rows truth, columns
    prediction.

    >>> cm = ConfusionMatrix(3)
    >>> cm.update_state([0, 1], [0, 2]); cm.update_state([2], [2]); cm.result()
    array([[1., 0., 0.], [0., 0., 1.], [0., 0., 1.]])
    """

    def __init__(self, num_classes: int, name: str = "confusion_matrix") -> None:
        self.num_classes = num_classes
        super().__init__(name)

    def reset_state(self) -> None:
        self.matrix = np.zeros((self.num_classes, self.num_classes))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self.matrix += _confusion(y_true, y_pred, self.num_classes, sample_weight, self.name)

    def result(self) -> np.ndarray:
        return self.matrix.copy()

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes}


class IoU(ConfusionMatrix):
    """Intersection over union of the classes ``target_class_ids``, averaged over those that
    occur: IoU_c = TP_c / (TP_c + FP_c + FN_c), the overlap of the pixels (or samples) of class c
    with those predicted c, over their union.

    ``y_true`` and ``y_pred`` are integer labels of any shape (e.g. segmentation maps
    ``(n, h, w)``); set ``sparse_y_pred=False`` to pass scores ``(..., C)`` (the argmax is taken),
    ``sparse_y_true=False`` for one-hot labels. Elements labelled ``ignore_class`` in ``y_true``
    (e.g. 255 for "void") are left out. Matches scikit-learn's ``jaccard_score``.

    >>> iou = IoU(num_classes=2, target_class_ids=[1])
    >>> iou.update_state([0, 1, 1, 0], [0, 1, 0, 1]); iou.result()    # 1 / (1 + 1 + 1)
    0.333...
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids,
        name: str = "iou",
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
    ) -> None:
        self.target_class_ids = [int(c) for c in target_class_ids]
        self.ignore_class = ignore_class
        self.sparse_y_true, self.sparse_y_pred = sparse_y_true, sparse_y_pred
        super().__init__(num_classes, name)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        t = to_numpy(y_true) if self.sparse_y_true else to_numpy(y_true).argmax(axis=-1)
        p = to_numpy(y_pred) if self.sparse_y_pred else to_numpy(y_pred).argmax(axis=-1)
        if self.ignore_class is not None:
            t, p = same_rank(t, p)
            check_same_shape(t, p, self.name)
            keep = t != self.ignore_class
            sample_weight = broadcast_weights(sample_weight, t.shape, self.name)[keep]
            t, p = t[keep], p[keep]
        super().update_state(t, p, sample_weight)

    # the matrix it accumulates, reduced to one number (Keras' IoU too is a confusion matrix)
    def result(self) -> float:  # type: ignore[override]
        m = self.matrix
        intersection = np.diag(m)
        union = m.sum(axis=0) + m.sum(axis=1) - intersection
        ids = self.target_class_ids
        present = union[ids] > 0
        return (
            float(safe_divide(intersection, union)[ids][present].mean()) if present.any() else 0.0
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
        }


class MeanIoU(IoU):
    """Mean intersection over union of all ``num_classes`` classes that occur (the usual score
    of semantic segmentation); scikit-learn's ``jaccard_score(average="macro")``."""

    def __init__(
        self,
        num_classes: int,
        name: str = "mean_iou",
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
    ) -> None:
        super().__init__(
            num_classes, range(num_classes), name, ignore_class, sparse_y_true, sparse_y_pred
        )

    def get_config(self) -> dict:
        config = super().get_config()
        del config["target_class_ids"]
        return config


def _indicators(y_true, y_pred, threshold, num_classes, name):
    """Boolean ``(..., C)`` arrays: is each sample of class c, is it predicted as class c."""
    t, p = same_rank(y_true, y_pred)
    labels_both = t.shape == p.shape and (p.ndim <= 1 or p.shape[-1] != num_classes)
    if num_classes is not None and labels_both:  # labels on both sides
        return _one_hot(t, num_classes, name, "y_true"), _one_hot(p, num_classes, name, "y_pred")
    if p.ndim <= 1 and t.shape == p.shape:  # one binary output per sample
        t, p = t[..., None], p[..., None]
    t = squeeze_labels(t, p)
    if t.shape == p.shape[:-1]:  # class indices against scores
        t = _one_hot(t, p.shape[-1], name, "y_true")
    check_same_shape(t, p, name)
    if threshold is None and p.shape[-1] > 1:
        return t.astype(bool), _one_hot(p.argmax(axis=-1), p.shape[-1], name, "y_pred")
    return t.astype(bool), p > (0.5 if threshold is None else threshold)


class _ClassCounts(Metric):
    """Weighted TP, FP and FN per class, summed over batches; subclasses turn them into a score."""

    def __init__(self, threshold, average, num_classes, class_id, name) -> None:
        if average not in ("micro", "macro", "weighted", None):
            raise ValueError(
                f"{name}: average must be 'micro', 'macro', 'weighted' or None, got {average!r}"
            )
        self.threshold, self.average = threshold, average
        self.num_classes, self.class_id = num_classes, class_id
        super().__init__(name)

    def reset_state(self) -> None:
        # rows TP, FP, FN; one column per class (made on the first batch without num_classes)
        self.counts = None if self.num_classes is None else np.zeros((3, self.num_classes))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        t, p = _indicators(y_true, y_pred, self.threshold, self.num_classes, self.name)
        classes = t.shape[-1]
        if self.counts is None:
            self.counts = np.zeros((3, classes))
        if self.counts.shape[1] != classes:
            raise ValueError(
                f"{self.name}: this batch has {classes} classes, expected {self.counts.shape[1]}"
            )
        w = broadcast_weights(sample_weight, t.shape, self.name)
        for row, hit in enumerate((t & p, ~t & p, t & ~p)):
            self.counts[row] += (w * hit).reshape(-1, classes).sum(axis=0)

    def score(self, tp, fp, fn):  # pragma: no cover - abstract
        raise NotImplementedError

    def result(self):
        if self.counts is None:
            return 0.0
        tp, fp, fn = self.counts
        if self.class_id is not None:
            c = self.class_id
            return float(self.score(tp[c], fp[c], fn[c]))
        if self.average == "micro":
            return float(self.score(tp.sum(), fp.sum(), fn.sum()))
        scores = self.score(tp, fp, fn)
        if self.average is None:
            return scores
        if self.average == "weighted":
            support = tp + fn
            return float(safe_divide((scores * support).sum(), support.sum()))
        return float(scores.mean())

    def get_config(self) -> dict:
        return {**super().get_config(), "average": self.average, "num_classes": self.num_classes}


class Precision(_ClassCounts):
    """Of the samples predicted positive, the fraction that are: TP / (TP + FP).

    As in Keras, each output is its own yes/no question: predicted positive where
    ``y_pred > thresholds`` (one number; 0.5 when None), and ``average="micro"`` pools all
    outputs; a single sigmoid output gives the usual binary precision. ``class_id`` scores one
    class alone; ``average`` and ``num_classes`` (integer labels on both sides) give
    scikit-learn's per-class averages. See the module's notes for the input styles.

    >>> Precision()([0, 1, 1, 0], [0.9, 0.8, 0.3, 0.2])    # predicted 1 1 0 0: one of two right
    0.5
    """

    def __init__(
        self,
        thresholds: float | None = None,
        class_id: int | None = None,
        average: str | None = "micro",
        num_classes: int | None = None,
        name: str = "precision",
    ) -> None:
        self.thresholds = thresholds
        super().__init__(
            0.5 if thresholds is None else thresholds, average, num_classes, class_id, name
        )

    def score(self, tp, fp, fn):
        return safe_divide(tp, tp + fp)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.thresholds, "class_id": self.class_id}


class Recall(Precision):
    """Of the samples that are positive, the fraction predicted so: TP / (TP + FN).
    Inputs and settings as for ``Precision``.

    >>> Recall()([0, 1, 1, 0], [0.9, 0.8, 0.3, 0.2])    # one of the two positives found
    0.5
    """

    def __init__(
        self,
        thresholds: float | None = None,
        class_id: int | None = None,
        average: str | None = "micro",
        num_classes: int | None = None,
        name: str = "recall",
    ) -> None:
        super().__init__(thresholds, class_id, average, num_classes, name)

    def score(self, tp, fp, fn):
        return safe_divide(tp, tp + fn)


class FBetaScore(_ClassCounts):
    """F_β = (1 + β²) TP / ((1 + β²) TP + β² FN + FP): the weighted harmonic mean of precision and
    recall, recall counting β times as much.

    The prediction is the argmax of the scores (one class per sample) when ``threshold`` is
    None, else ``y_pred > threshold`` (multi-label); a single binary output is cut at 0.5 when
    ``threshold`` is None (Keras' F1Score would take the argmax of one column and call every
    sample positive). ``average`` defaults to ``"macro"`` so that ``result()`` is one number
    (Keras' default, None, gives one score per class). See the module's notes for the input
    styles.
    """

    def __init__(
        self,
        average: str | None = "macro",
        beta: float = 1.0,
        threshold: float | None = None,
        num_classes: int | None = None,
        name: str = "fbeta_score",
    ) -> None:
        self.beta = beta
        super().__init__(threshold, average, num_classes, None, name)

    def score(self, tp, fp, fn):
        b2 = self.beta**2
        return safe_divide((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)

    def get_config(self) -> dict:
        return {**super().get_config(), "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1 = 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall (F_β with β = 1).

    >>> f1 = F1Score(average="macro", num_classes=3)            # scikit-learn style labels
    >>> f1.update_state([0, 1, 2, 2], [0, 2, 2, 2]); f1.result()  # class F1s 1, 0, 0.8
    0.6
    >>> F1Score()([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])   # Keras style: one-hot, softmax
    0.333...
    """

    def __init__(
        self,
        average: str | None = "macro",
        threshold: float | None = None,
        num_classes: int | None = None,
        name: str = "f1_score",
    ) -> None:
        super().__init__(average, 1.0, threshold, num_classes, name)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
