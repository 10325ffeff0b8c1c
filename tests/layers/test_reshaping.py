"""UpSampling2D, ZeroPadding2D, Cropping2D: outputs and gradients against PyTorch, Keras' shapes,
config round trips, errors."""

import json

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.layers.reshaping import Cropping2D, UpSampling2D, ZeroPadding2D
from profundo.testing import assert_close


def torch_version(torch, layer, x):
    """The same resize in PyTorch, NHWC in and out."""
    F = torch.nn.functional
    xt = x.permute(0, 3, 1, 2)
    if isinstance(layer, UpSampling2D):
        extra = {"align_corners": False} if layer.interpolation == "bilinear" else {}
        y = F.interpolate(xt, scale_factor=layer.size, mode=layer.interpolation, **extra)
    else:
        (t, b), (l, r) = (
            layer.padding
            if isinstance(layer, ZeroPadding2D)
            else tuple((-a, -z) for a, z in layer.cropping)
        )
        y = F.pad(xt, (l, r, t, b))
    return y.permute(0, 2, 3, 1)


@pytest.mark.parametrize(
    "layer",
    [
        UpSampling2D(2),
        UpSampling2D((2, 3), interpolation="bilinear"),
        ZeroPadding2D(1),
        ZeroPadding2D((2, 1)),
        ZeroPadding2D(((1, 0), (0, 2))),
        Cropping2D(1),
        Cropping2D((0, 2)),
        Cropping2D(((2, 0), (1, 1))),
    ],
    ids=lambda layer: f"{type(layer).__name__}-{layer.get_config().get('size') or ''}",
)
def test_matches_torch_and_keras_shapes(layer):
    torch = pytest.importorskip("torch")
    x = np.random.randn(2, 5, 6, 3).astype(np.float32)
    xp, xt = pf.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = layer(xp), torch_version(torch, layer, xt)
    assert layer.compute_output_shape((None, 5, 6, 3)) == (None, *y.shape[1:])
    assert_close(y, yt, atol=1e-6)
    r = np.random.randn(*y.shape).astype(np.float32)
    (y * r).sum().backward()
    (yt * torch.tensor(r)).sum().backward()
    assert_close(xp.grad, xt.grad, atol=1e-5)


def test_shapes_with_unknown_sizes():
    assert UpSampling2D(2)(layers.Input((None, 4, 3))).shape == (None, None, 8, 3)
    assert ZeroPadding2D(((1, 0), (2, 3)))(layers.Input((4, None, 3))).shape == (None, 5, None, 3)
    assert Cropping2D(1)(layers.Input((None, 4, 3))).shape == (None, None, 2, 3)


@pytest.mark.parametrize(
    "layer",
    [
        UpSampling2D((2, 3), interpolation="bilinear"),
        ZeroPadding2D(((1, 0), (0, 2))),
        Cropping2D((1, 2)),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_config_round_trip(layer):
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    x = np.random.randn(1, 6, 6, 2).astype(np.float32)
    assert_close(clone(x), layer(x))


def test_errors_name_the_layer():
    with pytest.raises(
        ValueError,
        match=r"UpSampling2D 'up': expected inputs of shape "
        r"\(batch, height, width, channels\)",
    ):
        UpSampling2D(name="up")(np.zeros((1, 4, 3), np.float32))
    with pytest.raises(ValueError, match="'crop'.*removes all"):
        Cropping2D(2, name="crop")(layers.Input((4, 8, 1)))
    with pytest.raises(ValueError, match=r"padding must be an int, \(h, w\)"):
        ZeroPadding2D("same")
    with pytest.raises(ValueError, match="cropping must be"):
        Cropping2D((1, 2, 3))
    with pytest.raises(ValueError, match="interpolation"):
        UpSampling2D(interpolation="bicubic")
