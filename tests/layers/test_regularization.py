"""SpatialDropout1D/2D: whole channels dropped and the rest scaled in training, the identity in
inference, reproducible under a seed, gradients through the same mask."""

import json

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.layers.regularization import SpatialDropout1D, SpatialDropout2D
from profundo.testing import assert_close


@pytest.mark.parametrize(
    "cls,shape", [(SpatialDropout2D, (16, 5, 6, 32)), (SpatialDropout1D, (16, 7, 32))]
)
def test_drops_whole_channels_and_scales_the_rest(cls, shape):
    layer = cls(0.25)
    x = pf.ones(*shape, requires_grad=True)
    y = layer(x, training=True)
    values = y.numpy()
    first = values[(slice(None),) + (slice(0, 1),) * layer.rank]
    assert (values == first).all()  # one value per (sample, channel)
    assert set(np.unique(values)) == {0.0, np.float32(1 / 0.75)}
    assert 0.15 < (first == 0).mean() < 0.35
    y.sum().backward()
    assert_close(x.grad, values)  # ∂y/∂x is the scaled mask


def test_identity_in_inference_and_reproducible_under_a_seed():
    x = np.random.randn(4, 3, 3, 8).astype(np.float32)
    layer = SpatialDropout2D(0.5)
    assert_close(layer(x), x)
    assert_close(layer(x, training=False), x)
    pf.manual_seed(3)
    a = layer(x, training=True).numpy()
    pf.manual_seed(3)
    assert_close(layer(x, training=True), a)
    assert_close(SpatialDropout2D(0.0)(x, training=True), x)


def test_shape_config_and_errors():
    layer = SpatialDropout2D(0.3, name="sd")
    assert layer(layers.Input((8, 8, 4))).shape == (None, 8, 8, 4)
    config = json.loads(json.dumps(layer.get_config()))
    assert SpatialDropout2D.from_config(config).get_config() == config
    with pytest.raises(
        ValueError,
        match=r"SpatialDropout2D 'sd': expected inputs of shape "
        r"\(batch, height, width, channels\)",
    ):
        layer(np.zeros((2, 8, 4), np.float32))
    with pytest.raises(ValueError, match=r"rate .* \[0, 1\)"):
        SpatialDropout1D(1.0)
