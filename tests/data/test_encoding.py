import numpy as np
import pytest

from profundo.data import to_categorical


def test_one_hot_rows():
    out = to_categorical([2, 0, 1])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0, 0, 1], [1, 0, 0], [0, 1, 0]])


def test_num_classes_dtype_and_column_labels():
    out = to_categorical(np.array([[1], [3]], dtype=np.uint8), num_classes=5, dtype="int64")
    assert out.shape == (2, 5) and out.dtype == np.int64
    assert out.argmax(axis=1).tolist() == [1, 3]


def test_higher_rank_labels_and_integral_floats():
    out = to_categorical(np.array([[0.0, 1.0], [2.0, 1.0]]))
    assert out.shape == (2, 2, 3)
    assert out.argmax(axis=-1).tolist() == [[0, 1], [2, 1]]


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="label 3 does not fit num_classes=3"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match=">= 0"):
        to_categorical([-1, 0])
    with pytest.raises(TypeError, match="integer class labels"):
        to_categorical([0.5, 1.0])
