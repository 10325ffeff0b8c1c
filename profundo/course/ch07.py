"""Chapter 7 — metrics: the checkers of its exercises.

Precision, recall and F1 from the confusion counts; a spam threshold chosen for a precision the
user can live with (a lost real e-mail costs more than a spam let through); ROC AUC as the chance
that a random positive scores above a random negative (against ``pf.metrics.roc_auc_score``);
the IoU of two boxes.
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, verdict


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple:
    """(precision, recall, F1), each 0 where its denominator is 0."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


CASES = [(367, 16, 12), (90, 10, 30), (5, 0, 95), (0, 3, 7)]


@checker
def check_precision_recall_f1(fn):
    """Exercise 1: ``fn(tp, fp, fn) -> (precision, recall, f1)``, 0 where a denominator is 0."""
    for case in CASES:
        want, got = precision_recall_f1(*case), fn(*case)
        if got is None or not np.allclose(np.asarray(got, dtype=float), want, atol=1e-9):
            return verdict(
                False,
                es=f"con (tp, fp, fn) = {case} da {got}; se esperaba "
                f"{tuple(round(v, 4) for v in want)}.",
                en=f"with (tp, fp, fn) = {case} it gives {got}; expected "
                f"{tuple(round(v, 4) for v in want)}.",
            )
    return verdict(
        True,
        es=f"precisión, exhaustividad y F1 correctas en {len(CASES)} casos, "
        f"también con denominador 0.",
        en=f"precision, recall and F1 right in {len(CASES)} cases, a zero denominator too.",
    )


def _at(threshold, y_true, scores):
    predicted = scores >= threshold
    tp = int(np.sum(predicted & y_true))
    return precision_recall_f1(
        tp, int(np.sum(predicted & ~y_true)), int(np.sum(~predicted & y_true))
    )


@checker
def check_threshold(threshold, y_true, scores, min_precision: float = 0.99, slack: float = 0.02):
    """Exercise 2: at ``threshold`` (spam when score ≥ threshold) the spam precision on
    (``y_true``, ``scores``) is at least ``min_precision``, and the recall within ``slack`` of the
    best recall any threshold reaches with that precision."""
    if threshold is None:
        return verdict(False, es="elige un umbral.", en="choose a threshold.")
    y_true, scores = (
        np.asarray(y_true).astype(bool).reshape(-1),
        np.asarray(scores, float).reshape(-1),
    )
    threshold = float(threshold)
    precision, recall, _ = _at(threshold, y_true, scores)
    best = max(
        (
            _at(t, y_true, scores)[1]
            for t in np.unique(scores)
            if _at(t, y_true, scores)[0] >= min_precision
        ),
        default=0.0,
    )
    if precision < min_precision:
        return verdict(
            False,
            es=f"con umbral {threshold:.4g} la precisión es {precision:.3f} < "
            f"{min_precision}: aún se pierden correos buenos. Súbelo.",
            en=f"at threshold {threshold:.4g} the precision is {precision:.3f} < "
            f"{min_precision}: good mail is still lost. Raise it.",
        )
    if recall < best - slack:
        return verdict(
            False,
            es=f"precisión {precision:.3f}, pero la exhaustividad {recall:.3f} "
            f"podría llegar a {best:.3f}: el umbral es más alto de lo necesario.",
            en=f"precision {precision:.3f}, but the recall {recall:.3f} could reach "
            f"{best:.3f}: the threshold is higher than it needs to be.",
        )
    return verdict(
        True,
        es=f"umbral {threshold:.4g}: precisión {precision:.3f}, exhaustividad "
        f"{recall:.3f} (la mejor posible con esa precisión: {best:.3f}).",
        en=f"threshold {threshold:.4g}: precision {precision:.3f}, recall {recall:.3f} "
        f"(the best possible at that precision: {best:.3f}).",
    )


@checker
def check_auc(fn):
    """Exercise 3: ``fn(y_true, scores)`` is the ROC AUC (ties count one half)."""
    from ..metrics import roc_auc_score

    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 60)
    scores = np.round(rng.uniform(size=60) + 0.4 * y, 1)  # rounded: there are ties
    want, got = roc_auc_score(y, scores), fn(y, scores)
    if got is None:
        return verdict(False, es="tu función devuelve None.", en="your function returns None.")
    if np.isclose(float(got), want, atol=1e-9):
        return verdict(
            True,
            es=f"AUC {float(got):.4f}, igual que pf.metrics.roc_auc_score.",
            en=f"AUC {float(got):.4f}, as pf.metrics.roc_auc_score gives.",
        )
    return verdict(
        False,
        es=f"da {float(got):.4f}; pf.metrics.roc_auc_score da {want:.4f}. ¿Cuentas "
        f"los empates como medio?",
        en=f"it gives {float(got):.4f}; pf.metrics.roc_auc_score gives {want:.4f}. Do ties "
        f"count one half?",
    )


def box_iou(a, b) -> float:
    """Intersection over union of boxes (x1, y1, x2, y2)."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    area = lambda r: (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
    inter = w * h
    return inter / (area(a) + area(b) - inter)


BOXES = [
    ((0, 0, 2, 2), (1, 1, 3, 3)),
    ((0, 0, 4, 2), (0, 0, 4, 2)),
    ((0, 0, 1, 1), (2, 2, 3, 3)),
    ((0, 0, 4, 4), (1, 1, 2, 2)),
    ((0, 0, 2, 2), (2, 0, 4, 2)),
]


@checker
def check_box_iou(fn):
    """Exercise 4: ``fn(a, b)`` is the IoU of two boxes (x1, y1, x2, y2)."""
    for a, b in BOXES:
        want, got = box_iou(a, b), fn(a, b)
        if got is None or not np.isclose(float(got), want):
            return verdict(
                False,
                es=f"IoU{a, b} da {got}; se esperaba {want:.4f}.",
                en=f"IoU{a, b} gives {got}; expected {want:.4f}.",
            )
    return verdict(
        True,
        es=f"IoU correcta en {len(BOXES)} pares de cajas (solapadas, iguales, "
        f"separadas, una dentro de otra, tocándose).",
        en=f"IoU right on {len(BOXES)} pairs of boxes (overlapping, equal, apart, one "
        f"inside the other, touching).",
    )
