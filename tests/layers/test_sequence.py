"""TimeDistributed, RepeatVector, Masking: values, gradients, shapes, configs, errors."""

import json

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.layers.recurrent import LSTM
from profundo.layers.registry import deserialize_layer, serialize_layer
from profundo.layers.sequence import Masking, RepeatVector, TimeDistributed
from profundo.testing import assert_close, to_numpy


def test_time_distributed_applies_one_layer_to_every_step():
    inner = layers.Dense(3, activation="tanh")
    td = TimeDistributed(inner)
    x = np.random.randn(2, 5, 4).astype(np.float32)
    y = td(x)
    assert y.shape == (2, 5, 3) and td.weights == inner.weights
    for t in range(5):
        assert_close(y[:, t], inner(x[:, t]), rtol=1e-6)
    assert td.compute_output_shape((None, 5, 4)) == (None, 5, 3)
    assert td.compute_mask(x, "m") == "m"


def test_time_distributed_over_images_and_gradient():
    td = TimeDistributed(layers.Flatten())
    x = pf.randn(2, 3, 4, 5, requires_grad=True)
    y = td(x)
    assert y.shape == (2, 3, 20)
    (y * 3).sum().backward()
    assert_close(x.grad, np.full((2, 3, 4, 5), 3.0))


def test_repeat_vector_copies_and_sums_gradients():
    x = pf.randn(2, 4, requires_grad=True)
    y = RepeatVector(3)(x)
    assert y.shape == (2, 3, 4)
    assert_close(y, np.broadcast_to(to_numpy(x)[:, None], (2, 3, 4)))
    y.sum().backward()
    assert_close(x.grad, np.full((2, 4), 3.0))
    assert RepeatVector(3).compute_mask(x, np.ones((2, 4), bool)) is None


def test_masking_marks_and_zeroes_padded_steps_for_a_recurrent_layer():
    x = np.random.randn(2, 4, 3).astype(np.float32)
    x[0, 2:] = -1.0
    masking = Masking(mask_value=-1.0)
    mask = masking.compute_mask(x)
    assert np.array_equal(to_numpy(mask), [[True, True, False, False], [True] * 4])
    y = to_numpy(masking(x))
    assert np.all(y[0, 2:] == 0) and np.array_equal(y[1], x[1])
    lstm = LSTM(2)
    assert_close(lstm(x, mask=mask)[0], lstm(x[:1, :2])[0], rtol=1e-5, atol=1e-6)


def test_encoder_decoder_in_a_sequential_model():
    model = pf.Sequential(
        [
            layers.Input((6, 3)),
            LSTM(8),
            RepeatVector(4),
            LSTM(8, return_sequences=True),
            TimeDistributed(layers.Dense(5, activation="softmax")),
        ]
    )
    assert model.output_shapes[-1] == (None, 4, 5)
    assert model.predict(np.zeros((2, 6, 3), np.float32)).shape == (2, 4, 5)


@pytest.mark.parametrize(
    "layer",
    [TimeDistributed(layers.Dense(3, name="inner")), RepeatVector(4), Masking(mask_value=2.5)],
)
def test_config_round_trip(layer):
    config = json.loads(json.dumps(serialize_layer(layer)))
    assert serialize_layer(deserialize_layer(config)) == config


def test_clear_errors():
    with pytest.raises(
        ValueError,
        match=r"RepeatVector 'rv': expected inputs of shape \(batch, "
        r"features\), got shape \(2, 3, 4\)",
    ):
        RepeatVector(2, name="rv")(np.zeros((2, 3, 4), np.float32))
    with pytest.raises(ValueError, match="n must be a positive int"):
        RepeatVector(0)
    with pytest.raises(
        ValueError,
        match=r"TimeDistributed 'td': expected inputs of shape "
        r"\(batch, time, \.\.\.\)",
    ):
        TimeDistributed(layers.Dense(2), name="td")(np.zeros((2, 3), np.float32))
    with pytest.raises(TypeError, match="expected a layer"):
        TimeDistributed("dense")
