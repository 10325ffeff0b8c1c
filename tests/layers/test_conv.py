"""Convolution layers: outputs and all gradients against PyTorch with the same weights (layouts
converted) over a grid of settings, gradcheck, Keras' shapes and parameter counts, config round
trips, errors, and a CNN that saves and loads."""

import itertools
import json

import numpy as np
import pytest

import profundo as pf
from profundo import layers, optimizers
from profundo.layers.conv import Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D
from profundo.layers.pooling import GlobalAveragePooling2D, MaxPooling2D
from profundo.testing import assert_close


def tf_pads(n, k, s, d, padding):
    """Keras/TensorFlow padding (before, after) of one axis of length n."""
    span = (k - 1) * d + 1
    if padding == "causal":
        return span - 1, 0
    total = max((-(-n // s) - 1) * s + span - n, 0) if padding == "same" else 0
    return total // 2, total - total // 2


def keras_transposed_length(n, k, s, d, padding, output_padding):
    """Keras' deconv_output_length."""
    span = (k - 1) * d + 1
    if output_padding is None:
        return n * s + max(span - s, 0) if padding == "valid" else n * s
    return (n - 1) * s + span - 2 * (span // 2 if padding == "same" else 0) + output_padding


def torch_reference(torch, layer, x, weights):
    """The layer's output computed by PyTorch from ``weights`` (Keras layouts), NHWC in and out."""
    F = torch.nn.functional
    rank = layer.rank
    channels_first = (0, rank + 1, *range(1, rank + 1))
    to_oihw = (rank + 1, rank, *range(rank))  # Keras kernel → PyTorch (O, I, k...)
    xt = x.permute(channels_first)
    bias = weights[-1] if layer.use_bias else None
    sizes = x.shape[1:-1]
    if isinstance(layer, Conv2DTranspose):
        full = F.conv_transpose2d(
            xt, weights[0].permute(3, 2, 0, 1), stride=layer.strides, dilation=layer.dilation_rate
        )
        out = [
            keras_transposed_length(n, k, s, d, layer.padding, p)
            for n, k, s, d, p in zip(
                sizes,
                layer.kernel_size,
                layer.strides,
                layer.dilation_rate,
                layer.output_padding or (None, None),
            )
        ]
        (t, _), (l, _) = (
            tf_pads(n, k, s, d, layer.padding)
            for n, k, s, d in zip(out, layer.kernel_size, layer.strides, layer.dilation_rate)
        )
        y = F.pad(full, (0, out[1], 0, out[0]))[:, :, t : t + out[0], l : l + out[1]]
        y = y + bias[:, None, None] if bias is not None else y
    else:
        pads = [
            tf_pads(n, k, s, d, layer.padding)
            for n, k, s, d in zip(sizes, layer.kernel_size, layer.strides, layer.dilation_rate)
        ]
        xt = F.pad(xt, [p for pair in reversed(pads) for p in pair])
        conv = F.conv1d if rank == 1 else F.conv2d
        settings = dict(stride=layer.strides, dilation=layer.dilation_rate)
        if isinstance(layer, (Conv1D, Conv2D)):
            y = conv(xt, weights[0].permute(to_oihw), bias, groups=layer.groups, **settings)
        else:  # depthwise: C groups of one channel
            kh, kw, c, m = weights[0].shape
            depthwise = weights[0].reshape(kh, kw, 1, c * m).permute(to_oihw)
            y = conv(
                xt,
                depthwise,
                None if isinstance(layer, SeparableConv2D) else bias,
                groups=c,
                **settings,
            )
            if isinstance(layer, SeparableConv2D):
                y = conv(y, weights[1].permute(to_oihw), bias)
    return y.permute(0, *range(2, rank + 2), 1)


def check_against_torch(layer, x_shape):
    """Outputs, ∂L/∂x and ∂L/∂(every weight) of ``layer`` equal PyTorch's; shapes as Keras."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(np.float32)
    xp = pf.tensor(x, requires_grad=True)
    y = layer(xp)
    assert y.shape[1:] == layer.compute_output_shape((None, *x_shape[1:]))[1:]
    weights = [torch.tensor(w, requires_grad=True) for w in layer.get_weights()]
    xt = torch.tensor(x, requires_grad=True)
    yt = torch_reference(torch, layer, xt, weights)
    assert_close(y, yt, rtol=1e-4, atol=1e-5, what="output")
    r = rng.standard_normal(y.shape).astype(np.float32)
    (y * r).sum().backward()
    (yt * torch.tensor(r)).sum().backward()
    assert_close(xp.grad, xt.grad, rtol=1e-4, atol=1e-4, what="input gradient")
    for w, wt in zip(layer.weights, weights):
        assert_close(w.grad, wt.grad, rtol=1e-4, atol=1e-4, what=w.name)


def random_bias(layer):
    """Give the bias random values so that a wrongly placed bias shows."""
    values = np.random.default_rng(1).standard_normal(layer.bias.shape)
    layer.bias.data[...] = pf.backend.xp.asarray(values, dtype=layer.bias.dtype)


CONV2D_GRID = list(itertools.product((2, 3), (1, 2), ("valid", "same"), (1, 2), (1, 2)))


@pytest.mark.parametrize(
    "k,s,padding,d,groups",
    CONV2D_GRID,
    ids=[f"k{k}-s{s}-{p}-d{d}-g{g}" for k, s, p, d, g in CONV2D_GRID],
)
def test_conv2d_matches_torch(k, s, padding, d, groups):
    layer = Conv2D(6, k, strides=s, padding=padding, dilation_rate=d, groups=groups)
    layer.build((None, 7, 8, 4))
    random_bias(layer)
    check_against_torch(layer, (2, 7, 8, 4))


CONV1D_GRID = list(itertools.product((2, 3), (1, 2), ("valid", "same", "causal"), (1, 2), (1, 2)))


@pytest.mark.parametrize(
    "k,s,padding,d,groups",
    CONV1D_GRID,
    ids=[f"k{k}-s{s}-{p}-d{d}-g{g}" for k, s, p, d, g in CONV1D_GRID],
)
def test_conv1d_matches_torch(k, s, padding, d, groups):
    layer = Conv1D(4, k, strides=s, padding=padding, dilation_rate=d, groups=groups)
    layer.build((None, 9, 2))
    random_bias(layer)
    check_against_torch(layer, (2, 9, 2))


@pytest.mark.parametrize(
    "s,padding,m,d", list(itertools.product((1, 2), ("valid", "same"), (1, 2), (1, 2)))
)
def test_depthwise_and_separable_match_torch(s, padding, m, d):
    for layer in (
        DepthwiseConv2D(3, strides=s, padding=padding, depth_multiplier=m, dilation_rate=d),
        SeparableConv2D(5, 3, strides=s, padding=padding, depth_multiplier=m, dilation_rate=d),
    ):
        layer.build((None, 7, 6, 3))
        random_bias(layer)
        check_against_torch(layer, (2, 7, 6, 3))


TRANSPOSE_GRID = [
    (k, s, p, op, d)
    for k, s, p, op, d in itertools.product((2, 3), (1, 2), ("valid", "same"), (None, 1), (1, 2))
    if op is None or op < s
]


@pytest.mark.parametrize("k,s,padding,output_padding,d", TRANSPOSE_GRID)
def test_conv2d_transpose_matches_torch(k, s, padding, output_padding, d):
    layer = Conv2DTranspose(
        3, k, strides=s, padding=padding, output_padding=output_padding, dilation_rate=d
    )
    layer.build((None, 4, 5, 2))
    random_bias(layer)
    check_against_torch(layer, (2, 4, 5, 2))


def test_activation_and_no_bias():
    layer = Conv2D(3, 2, activation="relu", use_bias=False)
    x = np.random.randn(2, 4, 4, 2).astype(np.float32)
    y = layer(x)
    assert len(layer.weights) == 1 and layer.bias is None
    assert_close(y, np.maximum(pf.conv2d(x, layer.kernel).numpy(), 0))


def test_relu_is_fused_into_the_convolution_with_the_same_gradients():
    """Conv1D/Conv2D(activation="relu") run the op's fused ReLU (one node, no relu node after
    it); output and gradients equal a linear layer with the same weights followed by relu."""
    for layer_class, shape in ((Conv2D, (2, 6, 6, 3)), (pf.layers.Conv1D, (2, 8, 3))):
        fused = layer_class(4, 3, activation="relu", padding="same", dtype="float64")
        plain = layer_class(4, 3, padding="same", dtype="float64")
        x = np.random.randn(*shape)
        fused(x), plain(x)
        plain.set_weights(fused.get_weights())
        y = fused(x)
        assert type(y.grad_fn).__name__ == "Conv" and (y.numpy() == 0).any()
        y.sum().backward()
        pf.relu(plain(x)).sum().backward()
        assert_close(y, np.maximum(plain(x).numpy(), 0))
        for a, b in zip(fused.trainable_weights, plain.trainable_weights):
            assert_close(a.grad, b.grad)


def test_gradcheck_through_conv_and_separable_layers():
    x = pf.randn(2, 5, 5, 2, dtype="float64")
    for layer in (
        Conv2D(3, 3, strides=2, padding="same", activation="tanh", dtype="float64"),
        SeparableConv2D(2, 2, depth_multiplier=2, dtype="float64"),
        Conv2DTranspose(2, 3, strides=2, dtype="float64"),
    ):
        layer(x)
        names = list(layer._params)

        def f(x, *weights, layer=layer, names=names):
            for name, w in zip(names, weights):
                setattr(layer, name, w)
            return layer(x)

        assert pf.gradcheck(f, [x, *[layer._params[n] for n in names]])


def test_shapes_and_parameter_counts_equal_keras():
    cases = [  # (layer, input shape, Keras' output shape, Keras' parameter count)
        (Conv2D(32, 3), (None, 28, 28, 1), (None, 26, 26, 32), 320),
        (Conv2D(8, 4, strides=2, padding="same"), (None, 7, 7, 3), (None, 4, 4, 8), 392),
        (Conv2D(6, 3, groups=2), (None, 8, 8, 4), (None, 6, 6, 6), 114),
        (Conv2D(4, 3, dilation_rate=2), (None, 9, 9, 1), (None, 5, 5, 4), 40),
        (Conv1D(8, 3), (None, 10, 4), (None, 8, 8), 104),
        (Conv1D(8, 3, strides=2, padding="causal"), (None, 10, 4), (None, 5, 8), 104),
        (DepthwiseConv2D(3, depth_multiplier=2), (None, 8, 8, 3), (None, 6, 6, 6), 60),
        (SeparableConv2D(16, 3, padding="same"), (None, 8, 8, 3), (None, 8, 8, 16), 91),
        (Conv2DTranspose(8, 3), (None, 7, 7, 16), (None, 9, 9, 8), 1160),
        (
            Conv2DTranspose(8, 3, strides=2, padding="same"),
            (None, 7, 7, 16),
            (None, 14, 14, 8),
            1160,
        ),
        (Conv2DTranspose(8, 2, strides=3), (None, 4, 4, 2), (None, 12, 12, 8), 72),
        (Conv2D(4, 3), (None, None, None, 3), (None, None, None, 4), 112),
    ]
    for layer, in_shape, out_shape, params in cases:
        inputs = layers.Input(in_shape[1:])
        assert layer(inputs).shape == out_shape, layer
        assert layer.count_params() == params, layer


def test_lenet_style_summary_matches_keras():
    model = pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            Conv2D(32, 3, activation="relu", name="c1"),
            MaxPooling2D(2, name="p1"),
            Conv2D(64, 3, activation="relu", name="c2"),
            MaxPooling2D(2, name="p2"),
            layers.Flatten(name="f"),
            layers.Dense(128, activation="relu", name="d1"),
            layers.Dense(10, activation="softmax", name="d2"),
        ]
    )
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    for name, shape, params in [
        ("c1", "(None, 26, 26, 32)", "320"),
        ("p1", "(None, 13, 13, 32)", "0"),
        ("c2", "(None, 11, 11, 64)", "18,496"),
        ("p2", "(None, 5, 5, 64)", "0"),
        ("f", "(None, 1600)", "0"),
        ("d1", "(None, 128)", "204,928"),
        ("d2", "(None, 10)", "1,290"),
    ]:
        row = next(line for line in text.splitlines() if line.startswith(f" {name} "))
        assert shape in row and row.rstrip().endswith(params), row
    assert "Total params: 225,034" in text


@pytest.mark.parametrize(
    "layer",
    [
        Conv1D(
            4,
            3,
            strides=2,
            padding="causal",
            dilation_rate=1,
            groups=2,
            activation="relu",
            use_bias=False,
            kernel_initializer="he_normal",
            kernel_regularizer="l2",
        ),
        Conv2D(
            4,
            (3, 2),
            strides=(2, 1),
            padding="same",
            dilation_rate=(1, 2),
            kernel_initializer={"class_name": "RandomNormal", "config": {"stddev": 0.1}},
            bias_regularizer={"class_name": "L1", "config": {"l1": 0.1}},
        ),
        Conv2D(2, 3, padding=((1, 0), (2, 1))),
        DepthwiseConv2D(3, depth_multiplier=3, depthwise_regularizer="l1", activation="tanh"),
        SeparableConv2D(4, 3, depth_multiplier=2, pointwise_initializer="he_uniform"),
        Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_config_round_trip(layer):
    rank = layer.rank
    x = np.random.randn(2, *(8,) * rank, 4).astype(np.float32)
    y = layer(x)
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone(x)
    clone.set_weights(layer.get_weights())
    assert_close(clone(x), y)


def test_kernel_regularizer_adds_to_the_loss():
    layer = Conv2D(2, 3, kernel_regularizer=pf.regularizers.L2(0.5), bias_initializer="ones")
    layer(np.ones((1, 4, 4, 1), np.float32))
    assert_close(layer.regularization_loss(), 0.5 * (layer.kernel.numpy() ** 2).sum(), rtol=1e-5)


def test_errors_name_the_layer_and_shapes():
    conv = Conv2D(4, 3, name="conv2d")
    with pytest.raises(
        ValueError,
        match=r"Conv2D 'conv2d': expected inputs of shape "
        r"\(batch, height, width, channels\), got shape \(2, 28, 28\)",
    ):
        conv(np.zeros((2, 28, 28), np.float32))
    conv(np.zeros((2, 8, 8, 3), np.float32))
    with pytest.raises(
        ValueError,
        match=r"Conv2D 'conv2d': expected 3 channels \(last axis\), "
        r"got shape \(2, 8, 8, 5\)",
    ):
        conv(np.zeros((2, 8, 8, 5), np.float32))
    with pytest.raises(
        ValueError,
        match=r"Conv1D 'c1': expected inputs of shape "
        r"\(batch, steps, channels\)",
    ):
        Conv1D(2, 3, name="c1")(layers.Input((8, 8, 1)))
    with pytest.raises(ValueError, match="'big'.*larger than the input.*padding='same'"):
        Conv2D(2, 5, name="big")(layers.Input((3, 3, 1)))
    with pytest.raises(ValueError, match="filters must be a positive int"):
        Conv2D(0, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="groups=2 must divide filters=3"):
        Conv2D(3, 3, groups=2)
    with pytest.raises(
        ValueError, match="expected input channels in a multiple of groups=2, got 3"
    ):
        Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3), np.float32))
    with pytest.raises(ValueError, match="padding"):
        Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="output_padding"):
        Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match=r"expected a known number of channels \(last axis\)"):
        Conv2D(2, 3)(layers.Input((8, 8, None)))
    assert Conv2D(2, 3, data_format="channels_last").rank == 2  # Keras' argument, accepted
    with pytest.raises(ValueError, match="channels-last.*transpose"):
        Conv2D(2, 3, data_format="channels_first")


def small_cnn():
    return pf.Sequential(
        [
            layers.Input((8, 8, 1)),
            Conv2D(4, 3, padding="same", activation="relu"),
            MaxPooling2D(2),
            SeparableConv2D(6, 3, activation="relu"),
            Conv2DTranspose(3, 2, strides=2),
            DepthwiseConv2D(2, depth_multiplier=2),
            GlobalAveragePooling2D(),
            layers.Dense(3, activation="softmax"),
        ]
    )


def test_cnn_trains_saves_and_loads_identically(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((32, 8, 8, 1), dtype=np.float32)
    y = rng.integers(0, 3, 32)
    model = small_cnn()
    model.compile(optimizer=optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    first = model.train_on_batch(x, y)
    for _ in range(5):
        last = model.train_on_batch(x, y)
    assert last < first
    model.save(tmp_path / "cnn.profundo")
    loaded = pf.models.load_model(tmp_path / "cnn.profundo")
    assert [type(a) for a in loaded.layers] == [type(a) for a in model.layers]
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
