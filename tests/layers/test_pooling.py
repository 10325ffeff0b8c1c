"""Pooling layers: outputs and gradients against PyTorch over a grid of pool sizes, strides and
paddings, Keras' output shapes, global pooling with keepdims, config round trips, errors."""

import itertools
import json

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
)
from profundo.testing import assert_close


def tf_pads(n, k, s, padding):
    total = max((-(-n // s) - 1) * s + k - n, 0) if padding == "same" else 0
    return total // 2, total - total // 2


def torch_pool(torch, layer, x):
    """Keras pooling in PyTorch: pad as TensorFlow (−∞ for max; the mean counts only pixels)."""
    F = torch.nn.functional
    rank = layer.rank
    pads = [
        p
        for n, k, s in reversed(list(zip(x.shape[1:-1], layer.pool_size, layer.strides)))
        for p in tf_pads(n, k, s, layer.padding)
    ]
    xt = x.permute(0, rank + 1, *range(1, rank + 1))
    pool = F.max_pool1d if rank == 1 else F.max_pool2d
    if isinstance(layer, (MaxPooling1D, MaxPooling2D)):
        y = pool(F.pad(xt, pads, value=-float("inf")), layer.pool_size, layer.strides)
    else:
        pool = F.avg_pool1d if rank == 1 else F.avg_pool2d
        count = pool(F.pad(torch.ones_like(xt), pads), layer.pool_size, layer.strides)
        y = pool(F.pad(xt, pads), layer.pool_size, layer.strides) / count
    return y.permute(0, *range(2, rank + 2), 1)


GRID = list(
    itertools.product(
        (MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D),
        (2, 3),
        (None, 1, 2),
        ("valid", "same"),
    )
)


@pytest.mark.parametrize(
    "cls,pool,strides,padding", GRID, ids=[f"{c.__name__}-p{p}-s{s}-{pad}" for c, p, s, pad in GRID]
)
def test_pooling_matches_torch(cls, pool, strides, padding):
    torch = pytest.importorskip("torch")
    layer = cls(pool, strides=strides, padding=padding)
    shape = (2, 7, 8, 3) if layer.rank == 2 else (2, 9, 3)
    x = np.random.randn(*shape).astype(np.float32)
    xp, xt = pf.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = layer(xp), torch_pool(torch, layer, xt)
    assert y.shape[1:] == layer.compute_output_shape((None, *shape[1:]))[1:]
    assert_close(y, yt, atol=1e-6)
    r = np.random.randn(*y.shape).astype(np.float32)
    (y * r).sum().backward()
    (yt * torch.tensor(r)).sum().backward()
    assert_close(xp.grad, xt.grad, atol=1e-5)


def test_output_shapes_equal_keras():
    cases = [
        (MaxPooling2D(), (None, 26, 26, 32), (None, 13, 13, 32)),
        (MaxPooling2D(3, strides=2), (None, 7, 7, 1), (None, 3, 3, 1)),
        (MaxPooling2D((2, 3), padding="same"), (None, 5, 7, 2), (None, 3, 3, 2)),
        (AveragePooling2D(2, strides=1), (None, 4, None, 2), (None, 3, None, 2)),
        (MaxPooling1D(), (None, 9, 4), (None, 4, 4)),
        (AveragePooling1D(3, padding="same"), (None, 10, 4), (None, 4, 4)),
        (GlobalMaxPooling2D(), (None, 5, 5, 3), (None, 3)),
        (GlobalAveragePooling2D(keepdims=True), (None, 5, 5, 3), (None, 1, 1, 3)),
        (GlobalAveragePooling1D(keepdims=True), (None, 7, 3), (None, 1, 3)),
    ]
    for layer, in_shape, out_shape in cases:
        assert layer(layers.Input(in_shape[1:])).shape == out_shape, layer


@pytest.mark.parametrize(
    "cls,reduce",
    [
        (GlobalMaxPooling2D, np.max),
        (GlobalAveragePooling2D, np.mean),
        (GlobalMaxPooling1D, np.max),
        (GlobalAveragePooling1D, np.mean),
    ],
)
def test_global_pooling_reduces_the_spatial_axes(cls, reduce):
    layer, keep = cls(), cls(keepdims=True)
    x = np.random.randn(2, *(5,) * layer.rank, 3).astype(np.float32)
    axes = tuple(range(1, layer.rank + 1))
    assert_close(layer(x), reduce(x, axis=axes))
    assert_close(keep(x), reduce(x, axis=axes, keepdims=True))
    xp = pf.tensor(x, requires_grad=True)
    layer(xp).sum().backward()
    assert xp.grad.shape == x.shape


def test_keras_short_names_are_the_same_classes():
    assert MaxPool2D is MaxPooling2D and AvgPool2D is AveragePooling2D


@pytest.mark.parametrize(
    "layer",
    [
        MaxPooling2D((2, 3), strides=(1, 2), padding="same"),
        AveragePooling1D(3, strides=2),
        GlobalMaxPooling1D(),
        GlobalAveragePooling2D(keepdims=True),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_config_round_trip(layer):
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    x = np.random.randn(2, *(6,) * layer.rank, 3).astype(np.float32)
    assert_close(clone(x), layer(x))


def test_errors_name_the_layer_and_shapes():
    with pytest.raises(
        ValueError,
        match=r"MaxPooling2D 'pool': expected inputs of shape "
        r"\(batch, height, width, channels\), got shape \(2, 8, 3\)",
    ):
        MaxPooling2D(name="pool")(np.zeros((2, 8, 3), np.float32))
    with pytest.raises(
        ValueError,
        match=r"GlobalAveragePooling1D 'g': expected inputs of shape "
        r"\(batch, steps, channels\)",
    ):
        GlobalAveragePooling1D(name="g")(layers.Input((4, 4, 3)))
    with pytest.raises(ValueError, match="'p3'.*larger than the input"):
        MaxPooling2D(3, name="p3")(layers.Input((2, 2, 1)))
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same'"):
        MaxPooling2D(padding="causal")
    with pytest.raises(ValueError, match="pool_size"):
        AveragePooling2D(0)
    with pytest.raises(ValueError, match="strides"):
        MaxPooling1D(2, strides=(1, 1))
