"""The playground's data: points on the plane [−6, 6]², their labels, the split and the features.

Every set is drawn from its own ``numpy.random.Generator(seed)``, so the page, the saved
configuration and the exported script all see the very same points for the same settings.

Classification sets (labels 1 = blue, 0 = orange):

    circle       a disc of one class inside a ring of the other
    xor          the four quadrants, x₁·x₂ ≥ 0 against x₁·x₂ < 0
    gauss        two Gaussian clouds around (2, 2) and (−2, −2)
    spiral       two interleaved spiral arms

Regression sets (targets in [−1, 1]):

    plane        a tilted plane, (x₁ + x₂) / 12
    multi_gauss  bumps of alternating sign on a 3 × 2 grid

``noise`` (0 to 0.5) moves each point away from where its label was decided, so labels get mixed
near the boundaries as noise grows. The learner's own points (``custom``) come as an array.

>>> xy, labels = make_points("spiral", n=500, noise=0.1, seed=1)
>>> (train_xy, y_train), (test_xy, y_test) = split(xy, labels, train_fraction=0.5, seed=1)
>>> x_train = featurize(train_xy, ["x1", "x2", "sin_x1"])
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "DOMAIN",
    "CLASSIFICATION",
    "REGRESSION",
    "FEATURES",
    "make_points",
    "split",
    "featurize",
    "custom_points",
]

DOMAIN = 6.0  #: the plane shown in the page is [−DOMAIN, DOMAIN]²
CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("plane", "multi_gauss")

#: input features by name: functions of the point's coordinates (x₁, x₂)
FEATURES = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1_sq": lambda a, b: a * a,
    "x2_sq": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sin_x1": lambda a, b: np.sin(a),
    "sin_x2": lambda a, b: np.sin(b),
}


def _circle(rng, n, noise):
    """A disc of radius 2.5 (label 1) inside a ring from 3.5 to 5 (label 0)."""
    inside = np.arange(n) < n // 2
    radius = np.where(inside, rng.uniform(0, 2.5, n), rng.uniform(3.5, 5.0, n))
    angle = rng.uniform(0, 2 * math.pi, n)
    xy = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return xy + rng.uniform(-5, 5, (n, 2)) * noise, inside.astype(np.float32)


def _xor(rng, n, noise):
    """Uniform points kept 0.3 away from the axes; label 1 where x₁ and x₂ have the same sign."""
    xy = rng.uniform(0.3, 5.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
    labels = (xy[:, 0] * xy[:, 1] > 0).astype(np.float32)
    return xy + rng.uniform(-5, 5, (n, 2)) * noise, labels


def _gauss(rng, n, noise):
    """Two round clouds, label 1 around (2, 2) and 0 around (−2, −2); noise widens them."""
    labels = (np.arange(n) < n // 2).astype(np.float32)
    centres = np.where(labels[:, None] == 1, 2.0, -2.0)
    return centres + rng.normal(0, 0.5 + 3 * noise, (n, 2)), labels


def _spiral(rng, n, noise):
    """Two arms r = 5t, angle = 3.5πt (+π for the second arm), t in [0, 1)."""
    labels = (np.arange(n) % 2 == 0).astype(np.float32)
    t = (np.arange(n) // 2) / math.ceil(n / 2)
    angle = 3.5 * math.pi * t + math.pi * (1 - labels)
    xy = np.stack([5 * t * np.sin(angle), 5 * t * np.cos(angle)], axis=1)
    return xy + rng.uniform(-1, 1, (n, 2)) * noise * 5, labels


def _plane(rng, n, noise):
    """Target (x₁ + x₂) / 12, from −1 to 1 across the plane."""
    xy = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    target = (xy[:, 0] + xy[:, 1]) / (2 * DOMAIN)
    return xy + rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise, target.astype(np.float32)


_BUMPS = [
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
]


def _multi_gauss(rng, n, noise):
    """Target Σ ±exp(−d²/2) over six bumps of alternating sign, clipped to [−1, 1]."""
    xy = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    target = np.zeros(n)
    for cx, cy, sign in _BUMPS:
        target += sign * np.exp(-((xy[:, 0] - cx) ** 2 + (xy[:, 1] - cy) ** 2) / 2)
    return (
        xy + rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise,
        np.clip(target, -1, 1).astype(np.float32),
    )


_MAKERS = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "plane": _plane,
    "multi_gauss": _multi_gauss,
}


def make_points(name: str, n: int = 500, noise: float = 0.0, seed: int = 0):
    """``n`` points of the set ``name``: coordinates ``(n, 2)`` and labels ``(n,)``, float32.

    ``noise`` is a fraction from 0 to 0.5; the same (name, n, noise, seed) gives the same points.
    """
    if name not in _MAKERS:
        raise ValueError(f"unknown playground dataset {name!r}; expected one of {sorted(_MAKERS)}")
    if not 0 <= noise <= 0.5:
        raise ValueError(f"noise must be between 0 and 0.5, got {noise}")
    xy, labels = _MAKERS[name](np.random.default_rng(seed), int(n), float(noise))
    return np.clip(xy, -DOMAIN, DOMAIN).astype(np.float32), labels


def custom_points(rows):
    """The learner's points ``[[x₁, x₂, label], ...]``
    as coordinates ``(n, 2)`` and labels ``(n,)``."""
    table = np.asarray(rows, dtype=np.float32).reshape(-1, 3)
    return table[:, :2].copy(), table[:, 2].copy()


def split(xy, labels, train_fraction: float = 0.5, seed: int = 0):
    """Shuffle (with ``seed``) and cut into ``(train_xy, train_labels), (test_xy, test_labels)``.

    Both parts keep at least one point.
    """
    n = len(xy)
    if n < 2:
        raise ValueError(f"split: need at least 2 points, got {n}")
    order = np.random.default_rng(seed + 1).permutation(n)
    cut = min(max(int(round(n * train_fraction)), 1), n - 1)
    train, test = order[:cut], order[cut:]
    return (xy[train], labels[train]), (xy[test], labels[test])


def featurize(xy, names) -> np.ndarray:
    """The chosen features of each point, ``(n, len(names))`` float32, in the order given."""
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"unknown features {unknown}; expected names from {list(FEATURES)}")
    a, b = xy[:, 0], xy[:, 1]
    return np.stack([FEATURES[name](a, b) for name in names], axis=1).astype(np.float32)
