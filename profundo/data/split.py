"""``train_test_split``: hold out part of a data set for testing, optionally stratified by class.

>>> x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, seed=0, stratify=y)
... # doctest: +SKIP
"""

from __future__ import annotations

import math

import numpy as np

from .dataset import as_numpy, num_samples
from .sampling import generator, permutation


def train_test_split(
    *arrays,
    test_size: float | int = 0.25,
    shuffle: bool = True,
    seed: int | None = None,
    stratify=None,
) -> list[np.ndarray]:
    """Split arrays that share their first axis into train and test parts.

    Returns ``[a_train, a_test, b_train, b_test, ...]``, as scikit-learn does.

    Args:
        test_size: a fraction in (0, 1) of the samples (rounded up), or a number of samples.
        shuffle: draw the test samples at random; without it the last samples are the test set.
        seed: a seed for the draw; ``None`` draws from profundo's generator (``pf.manual_seed``).
        stratify: class labels (one per sample, or one-hot rows): each class gets the same share
            of the test set as of the whole, up to rounding (the largest remainders, then the
            largest classes, get the extra samples). Needs ``shuffle``.
    """
    if not arrays:
        raise ValueError("train_test_split: expected at least one array")
    arrays = tuple(as_numpy(a) for a in arrays)
    n = num_samples(arrays, "train_test_split")
    n_test = _test_count(test_size, n)
    if stratify is not None and not shuffle:
        raise ValueError(
            "train_test_split: stratify needs shuffle=True (a stratified split "
            "picks samples from every class, not the last ones)"
        )
    if not shuffle:
        train, test = np.arange(n - n_test), np.arange(n - n_test, n)
    else:
        rng = generator(seed)
        if stratify is None:
            order = permutation(rng, n)
            train, test = order[n_test:], order[:n_test]
        else:
            train, test = _stratified(as_numpy(stratify), n, n_test, rng)
    return [part for a in arrays for part in (a[train], a[test])]


def _test_count(test_size, n: int) -> int:
    if isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        count = int(test_size)
    elif isinstance(test_size, (float, np.floating)) and 0.0 < test_size < 1.0:
        count = math.ceil(test_size * n)
    else:
        raise ValueError(
            f"train_test_split: test_size must be a fraction in (0, 1) or a number "
            f"of samples, got {test_size!r}"
        )
    if not 0 < count < n:
        raise ValueError(
            f"train_test_split: test_size={test_size!r} leaves {count} of {n} "
            f"samples for testing; both parts need at least one sample"
        )
    return count


def _stratified(labels: np.ndarray, n: int, n_test: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Indices of train and test with each class's test share proportional to its size."""
    if len(labels) != n:
        raise ValueError(f"train_test_split: stratify has {len(labels)} labels for {n} samples")
    _, classes = np.unique(labels.reshape(n, -1), axis=0, return_inverse=True)
    classes = classes.reshape(-1)
    counts = np.bincount(classes)
    ideal = counts * n_test / n
    per_class = np.floor(ideal).astype(int)
    extra = n_test - per_class.sum()
    per_class[np.lexsort((-counts, per_class - ideal))[:extra]] += 1
    trains, tests = [], []
    for c, k in enumerate(per_class):
        members = np.flatnonzero(classes == c)[permutation(rng, counts[c])]
        tests.append(members[:k])
        trains.append(members[k:])
    train, test = np.concatenate(trains), np.concatenate(tests)
    return train[permutation(rng, len(train))], test[permutation(rng, len(test))]
