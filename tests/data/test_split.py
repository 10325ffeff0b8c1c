import numpy as np
import pytest

import profundo as pf
from profundo.data import train_test_split


def test_returns_train_test_pairs_that_partition_the_samples():
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, seed=0)
    assert (len(x_train), len(x_test)) == (7, 3)
    np.testing.assert_array_equal(x_train[:, 0] // 2, y_train)
    np.testing.assert_array_equal(x_test[:, 0] // 2, y_test)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(10))


def test_fraction_rounds_up_and_counts_are_accepted():
    y = np.arange(10)
    assert len(train_test_split(y, test_size=0.25, seed=0)[1]) == 3
    assert len(train_test_split(y, test_size=4, seed=0)[1]) == 4


def test_no_shuffle_takes_the_last_samples():
    train, test = train_test_split(np.arange(10), test_size=0.2, shuffle=False)
    assert train.tolist() == list(range(8)) and test.tolist() == [8, 9]


def test_seed_and_manual_seed_reproduce():
    y = np.arange(100)
    a = train_test_split(y, seed=5)[1]
    assert np.array_equal(a, train_test_split(y, seed=5)[1])
    pf.manual_seed(3)
    b = train_test_split(y)[1]
    pf.manual_seed(3)
    assert np.array_equal(b, train_test_split(y)[1])


def test_stratify_keeps_class_proportions():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    x = np.arange(100)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, seed=0, stratify=y)
    assert np.bincount(y_test).tolist() == [10, 6, 4]
    assert np.bincount(y_train).tolist() == [40, 24, 16]
    np.testing.assert_array_equal(y[x_test], y_test)
    assert y_test.tolist() != sorted(y_test.tolist())  # the classes are mixed, not in blocks


def test_stratify_rounding_gives_the_extra_samples_to_the_largest_remainders():
    y = np.repeat([0, 1, 2], [5, 5, 4])  # 14 samples, 5 for testing: ideal 1.79, 1.79, 1.43
    _, y_test = train_test_split(y, test_size=5, seed=0, stratify=y)
    assert np.bincount(y_test, minlength=3).tolist() == [2, 2, 1]


def test_stratify_on_one_hot_rows():
    labels = np.repeat([0, 1], [30, 10])
    onehot = np.eye(2)[labels]
    _, test = train_test_split(labels, test_size=0.25, seed=0, stratify=onehot)
    assert np.bincount(test).tolist() == [8, 2]


def test_errors():
    with pytest.raises(ValueError, match="at least one array"):
        train_test_split()
    with pytest.raises(ValueError, match="same number of samples"):
        train_test_split(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(np.zeros(3), test_size=1.5)
    with pytest.raises(ValueError, match="both parts need at least one sample"):
        train_test_split(np.zeros(3), test_size=3)
    with pytest.raises(ValueError, match="stratify needs shuffle"):
        train_test_split(np.zeros(4), shuffle=False, stratify=np.zeros(4))
    with pytest.raises(ValueError, match="3 labels for 4 samples"):
        train_test_split(np.zeros(4), stratify=np.zeros(3))
