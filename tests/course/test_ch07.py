"""Chapter 7's checkers, each with a right and a wrong answer; the references against
scikit-learn."""

import numpy as np
import pytest

from profundo.course import ch07


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def test_precision_recall_f1():
    assert ch07.check_precision_recall_f1(prf)
    swapped = ch07.check_precision_recall_f1(lambda tp, fp, fn: prf(tp, fn, fp))
    assert not swapped and "(367, 16, 12)" in swapped.message
    assert not ch07.check_precision_recall_f1(
        lambda tp, fp, fn: (tp / (tp + fp), tp / (tp + fn), 0)
    )


def test_precision_recall_f1_match_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    y_true = np.array([1] * 367 + [1] * 12 + [0] * 16 + [0] * 50)
    y_pred = np.array([1] * 367 + [0] * 12 + [1] * 16 + [0] * 50)
    want = (
        metrics.precision_score(y_true, y_pred),
        metrics.recall_score(y_true, y_pred),
        metrics.f1_score(y_true, y_pred),
    )
    assert np.allclose(ch07.precision_recall_f1(367, 16, 12), want)


def test_threshold():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    scores = np.clip(rng.normal(0.3 + 0.4 * y, 0.15), 0, 1)
    candidates = sorted(np.unique(scores))
    right = next(t for t in candidates if ch07._at(t, y.astype(bool), scores)[0] >= 0.99)
    assert ch07.check_threshold(right, y, scores)
    low = ch07.check_threshold(0.5, y, scores)
    assert not low and "Raise" in low.message
    high = ch07.check_threshold(0.999, y, scores)
    assert not high and "higher than it needs" in high.message


def test_auc():
    def auc(y, s):
        pos, neg = s[y == 1], s[y == 0]
        return np.mean((pos[:, None] > neg) + 0.5 * (pos[:, None] == neg))

    assert ch07.check_auc(auc)
    assert not ch07.check_auc(lambda y, s: np.mean(pos_gt_neg(y, s)))


def pos_gt_neg(y, s):
    return s[y == 1][:, None] > s[y == 0]  # ties counted as losses


def test_auc_reference_matches_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    from profundo.metrics import roc_auc_score

    y = np.random.default_rng(7).integers(0, 2, 60)
    s = np.round(np.random.default_rng(8).uniform(size=60) + 0.4 * y, 1)
    assert np.isclose(roc_auc_score(y, s), metrics.roc_auc_score(y, s))


def test_box_iou():
    assert ch07.check_box_iou(ch07.box_iou)
    assert ch07.box_iou((0, 0, 2, 2), (1, 1, 3, 3)) == pytest.approx(1 / 7)

    def no_clamp(a, b):  # forgets that disjoint boxes have no intersection
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        area = lambda r: (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
        return w * h / (area(a) + area(b) - w * h)

    assert not ch07.check_box_iou(no_clamp)
