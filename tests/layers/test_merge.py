"""Merge layers."""

import numpy as np
import pytest

from profundo import layers
from profundo.testing import assert_close


def test_merge_layers_eager():
    a, b = np.random.randn(2, 3).astype(np.float32), np.random.randn(2, 3).astype(np.float32)
    assert_close(layers.Add()([a, b]), a + b)
    assert_close(layers.Subtract()([a, b]), a - b)
    assert_close(layers.Multiply()([a, b]), a * b)
    assert_close(layers.Average()([a, b]), (a + b) / 2)
    assert_close(layers.Maximum()([a, b]), np.maximum(a, b))
    assert_close(layers.Minimum()([a, b]), np.minimum(a, b))
    assert_close(layers.Concatenate()([a, b]), np.concatenate([a, b], axis=1))
    assert_close(layers.Concatenate(axis=0)([a, b]), np.concatenate([a, b], axis=0))


def test_merge_symbolic_shapes():
    a, b = layers.Input((4,)), layers.Input((4,))
    assert layers.Add()([a, b]).shape == (None, 4)
    assert layers.Concatenate()([a, layers.Input((2,))]).shape == (None, 6)


def test_merge_errors():
    with pytest.raises(ValueError, match=r"Add .*same shape.*\(2, 3\).*\(2, 4\)"):
        layers.Add()([np.ones((2, 3)), np.ones((2, 4))])
    one = np.ones((2, 3), "float32")
    assert_close(layers.Add()([one]), one)  # one input passes through, as in Keras
    with pytest.raises(ValueError, match="Concatenate .*match except along axis"):
        layers.Concatenate()([np.ones((2, 3)), np.ones((3, 3))])


def test_inputs_of_lower_rank_get_axes_after_the_batch_axis_as_in_keras():
    a, b = np.random.randn(2, 4).astype(np.float32), np.random.randn(2, 3, 4).astype(np.float32)
    c = np.random.randn(2, 1).astype(np.float32)
    assert_close(layers.Add()([a, b, c]), a[:, None, :] + b + c[:, :, None])
    assert_close(layers.Subtract()([b, a]), b - a[:, None, :])
    symbolic = layers.Maximum()([layers.Input((4,)), layers.Input((3, 4)), layers.Input((1,))])
    assert symbolic.shape == (None, 3, 4)
    with pytest.raises(ValueError, match=r"^Add '.*': expected inputs of the same shape"):
        layers.Add()([np.ones((2, 3)), np.ones((2, 3, 4))])  # 3 and 4 meet on the last axis
    with pytest.raises(ValueError, match=r"got shapes \(1, 3\), \(2, 3\), \(3, 3\)$"):
        layers.Multiply()([np.ones((1, 3)), np.ones((2, 3)), np.ones((3, 3))])
