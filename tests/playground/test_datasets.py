"""The playground's data sets, split and features (NumPy only)."""

import numpy as np
import pytest

from profundo.playground import datasets
from profundo.playground.datasets import (
    CLASSIFICATION,
    DOMAIN,
    FEATURES,
    REGRESSION,
    custom_points,
    featurize,
    make_points,
    split,
)


@pytest.mark.parametrize("name", CLASSIFICATION + REGRESSION)
def test_every_set_has_its_shape_range_and_labels(name):
    xy, labels = make_points(name, n=301, noise=0.2, seed=3)
    assert xy.shape == (301, 2) and labels.shape == (301,)
    assert xy.dtype == labels.dtype == np.float32
    assert np.abs(xy).max() <= DOMAIN
    if name in CLASSIFICATION:
        assert set(np.unique(labels)) == {0.0, 1.0}
    else:
        assert labels.min() >= -1 and labels.max() <= 1 and labels.std() > 0.1


@pytest.mark.parametrize("name", CLASSIFICATION + REGRESSION)
def test_the_same_seed_gives_the_same_points_and_another_seed_others(name):
    a, la = make_points(name, n=100, noise=0.1, seed=5)
    b, lb = make_points(name, n=100, noise=0.1, seed=5)
    c, _ = make_points(name, n=100, noise=0.1, seed=6)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    assert not np.array_equal(a, c)


def test_without_noise_the_classes_are_where_their_definitions_put_them():
    xy, labels = make_points("circle", n=400, noise=0.0, seed=0)
    radius = np.hypot(xy[:, 0], xy[:, 1])
    assert radius[labels == 1].max() <= 2.5 and radius[labels == 0].min() >= 3.5
    xy, labels = make_points("xor", n=400, noise=0.0, seed=0)
    np.testing.assert_array_equal(labels == 1, xy[:, 0] * xy[:, 1] > 0)
    xy, labels = make_points("gauss", n=400, noise=0.0, seed=0)
    assert xy[labels == 1].mean(axis=0) == pytest.approx([2, 2], abs=0.2)
    xy, target = make_points("plane", n=400, noise=0.0, seed=0)
    np.testing.assert_allclose(target, (xy[:, 0] + xy[:, 1]) / 12, atol=1e-6)


def test_the_spiral_arms_are_balanced_and_interleaved():
    xy, labels = make_points("spiral", n=500, noise=0.0, seed=0)
    assert labels.sum() == 250
    # the two arms are point reflections of each other
    np.testing.assert_allclose(xy[0::2][:200], -xy[1::2][:200], atol=1e-5)


def test_noise_moves_points():
    clean, _ = make_points("circle", n=200, noise=0.0, seed=1)
    noisy, _ = make_points("circle", n=200, noise=0.5, seed=1)
    radius = lambda p: np.hypot(p[:, 0], p[:, 1])  # noqa: E731
    assert np.abs(radius(noisy) - radius(clean)).mean() > 0.5


def test_split_is_a_seeded_partition_with_both_parts_non_empty():
    xy, labels = make_points("gauss", n=10, seed=0)
    (a, la), (b, lb) = split(xy, labels, 0.7, seed=2)
    assert len(a) == 7 and len(b) == 3
    together = np.concatenate([a, b])
    assert sorted(map(tuple, together)) == sorted(map(tuple, xy))
    (a2, _), _ = split(xy, labels, 0.7, seed=2)
    np.testing.assert_array_equal(a, a2)
    (tiny, _), (rest, _) = split(xy[:2], labels[:2], 0.9, seed=0)
    assert len(tiny) == 1 and len(rest) == 1
    with pytest.raises(ValueError, match="at least 2 points"):
        split(xy[:1], labels[:1])


def test_features_are_the_named_functions_in_the_given_order():
    xy = np.array([[1.0, 2.0], [-3.0, 0.5]], np.float32)
    x = featurize(xy, list(FEATURES))
    expected = [
        [1, 2, 1, 4, 2, np.sin(1), np.sin(2)],
        [-3, 0.5, 9, 0.25, -1.5, np.sin(-3), np.sin(0.5)],
    ]
    np.testing.assert_allclose(x, expected, rtol=1e-6)
    assert x.dtype == np.float32
    np.testing.assert_array_equal(featurize(xy, ["x2", "x1"]), xy[:, ::-1])


def test_custom_points_and_errors():
    xy, labels = custom_points([[1, 2, 1], [3, 4, 0]])
    np.testing.assert_array_equal(xy, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(labels, [1, 0])
    with pytest.raises(ValueError, match="unknown playground dataset 'moons'"):
        make_points("moons")
    with pytest.raises(ValueError, match="noise"):
        make_points("circle", noise=0.9)
    with pytest.raises(ValueError, match="unknown features"):
        featurize(xy, ["x3"])


def test_the_schema_and_the_data_agree_on_feature_names():
    pytest.importorskip("pydantic")
    from profundo.playground.schema import Feature

    assert set(Feature.__args__) == set(datasets.FEATURES)
