import numpy as np
import pytest

from profundo import datasets
from profundo.datasets.packaged import load_packaged

# name: (train, test, x shape of a sample, x dtype, y dtype, class counts of the whole set)
SETS = {
    "digits": (
        1437,
        360,
        (8, 8),
        np.uint8,
        np.uint8,
        [178, 182, 177, 183, 181, 182, 181, 179, 174, 180],
    ),
    "iris": (120, 30, (4,), np.float64, np.uint8, [50, 50, 50]),
    "breast_cancer": (455, 114, (30,), np.float64, np.uint8, [212, 357]),
    "diabetes": (353, 89, (10,), np.float64, np.float64, None),
}


@pytest.mark.parametrize("name", SETS)
def test_shapes_dtypes_and_class_counts(name):
    n_train, n_test, sample, x_dtype, y_dtype, counts = SETS[name]
    (x_train, y_train), (x_test, y_test) = getattr(datasets, name).load_data()
    assert x_train.shape == (n_train,) + sample and x_test.shape == (n_test,) + sample
    assert y_train.shape == (n_train,) and y_test.shape == (n_test,)
    assert x_train.dtype == x_test.dtype == x_dtype and y_train.dtype == y_dtype
    if counts is not None:
        assert (np.bincount(y_train) + np.bincount(y_test)).tolist() == counts
        # stratified: each class's test share is its share of the whole, up to rounding
        expected = np.array(counts) * n_test / sum(counts)
        assert np.all(np.abs(np.bincount(y_test) - expected) < 1)


@pytest.mark.parametrize("name", SETS)
def test_split_is_a_partition_of_the_source_rows(name):
    *_, (index_train, index_test) = load_packaged(name, with_index=True)
    rows = np.concatenate([index_train, index_test])
    assert sorted(rows.tolist()) == list(range(len(rows)))


def test_digits_values_are_counts_from_0_to_16():
    (x_train, _), (x_test, _) = datasets.digits.load_data()
    assert x_train.min() == 0 and max(x_train.max(), x_test.max()) == 16


@pytest.mark.parametrize(
    "name, loader",
    [
        ("digits", lambda d: (d.load_digits().images, d.load_digits().target)),
        ("iris", lambda d: (d.load_iris().data, d.load_iris().target)),
        ("breast_cancer", lambda d: (d.load_breast_cancer().data, d.load_breast_cancer().target)),
        ("diabetes", lambda d: (d.load_diabetes(scaled=False).data, d.load_diabetes().target)),
    ],
)
def test_values_are_those_scikit_learn_ships(name, loader):
    sk_datasets = pytest.importorskip("sklearn.datasets")
    x, y = loader(sk_datasets)
    (x_train, y_train), (x_test, y_test), (index_train, index_test) = load_packaged(
        name, with_index=True
    )
    np.testing.assert_array_equal(x_train, x[index_train])
    np.testing.assert_array_equal(x_test, x[index_test])
    np.testing.assert_array_equal(y_train, y[index_train])
    np.testing.assert_array_equal(y_test, y[index_test])


@pytest.mark.parametrize(
    "name, loader",
    [
        ("iris", "load_iris"),
        ("breast_cancer", "load_breast_cancer"),
        ("diabetes", "load_diabetes"),
    ],
)
def test_feature_and_class_names_are_scikit_learns(name, loader):
    sk = getattr(pytest.importorskip("sklearn.datasets"), loader)()
    module = getattr(datasets, name)
    assert module.FEATURE_NAMES == tuple(sk.feature_names)
    if hasattr(module, "CLASS_NAMES"):
        assert module.CLASS_NAMES == tuple(sk.target_names)
