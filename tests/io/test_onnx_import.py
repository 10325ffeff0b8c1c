"""ONNX import: what profundo exports comes back predicting the same, and models exported by
PyTorch's torch.onnx.export (an MLP, a small CNN) load and predict what PyTorch computes."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")

import profundo as pf
from profundo import layers
from profundo.io import OnnxImportError, import_onnx
from profundo.io.onnx_export import to_onnx
from profundo.layers.nest import flatten
from profundo.models import zoo

RNG = np.random.default_rng(0)


def _roundtrip(model, x):
    back = import_onnx(to_onnx(model))
    want, got = model.predict(x), back.predict(x)
    for w, g in zip(flatten(want), flatten(got)):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    return back


MODELS = {
    "mlp": lambda: pf.Sequential(
        [
            layers.Input((6,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(8, activation="tanh"),
            layers.Dense(3, activation="softmax"),
        ]
    ),
    "activations": lambda: pf.Sequential(
        [
            layers.Input((6,)),
            *[
                layers.Dense(6, activation=a)
                for a in (
                    "sigmoid",
                    "elu",
                    "selu",
                    "leaky_relu",
                    "softplus",
                    "softsign",
                    "hard_sigmoid",
                    "relu6",
                    "silu",
                )
            ],
            layers.Dense(3, activation="log_softmax"),
        ]
    ),
    "cnn": lambda: pf.Sequential(
        [
            layers.Input((9, 9, 2)),
            layers.Rescaling(1 / 255),
            layers.Conv2D(4, 3, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(2),
            layers.DepthwiseConv2D(3, depth_multiplier=2),
            layers.Conv2D(4, 1, groups=2, strides=1),
            layers.AveragePooling2D(2, padding="same"),
            layers.Flatten(),
            layers.Dense(3),
        ]
    ),
    "dilated_strided": lambda: pf.Sequential(
        [
            layers.Input((9, 9, 2)),
            layers.Conv2D(3, 3, strides=2, dilation_rate=1, padding="same"),
            layers.Conv2D(3, 2, dilation_rate=2),
            layers.GlobalMaxPooling2D(),
        ]
    ),
    "conv_transpose": lambda: pf.Sequential(
        [
            layers.Input((5, 5, 3)),
            layers.Conv2DTranspose(4, 3, strides=2, padding="same"),
            layers.Conv2DTranspose(3, 2, strides=3, activation="relu"),
            layers.Conv2DTranspose(2, 4, strides=3, padding="same", output_padding=1),
            layers.Conv2DTranspose(2, 3, dilation_rate=2),
        ]
    ),
    "conv1d": lambda: pf.Sequential(
        [
            layers.Input((10, 3)),
            layers.Conv1D(4, 3, padding="causal"),
            layers.MaxPooling1D(2),
            layers.Conv1D(2, 2, padding="same"),
            layers.GlobalAveragePooling1D(),
        ]
    ),
    "normalization_reshape": lambda: pf.Sequential(
        [
            layers.Input((4, 6)),
            layers.Normalization(mean=[1, 2, 3, 4, 5, 6], variance=[1, 4, 9, 1, 4, 9]),
            layers.Reshape((6, 4)),
            layers.Permute((2, 1)),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(2),
        ]
    ),
    "embedding": lambda: pf.Sequential(
        [
            layers.Input((5,)),
            layers.Embedding(12, 4),
            layers.GlobalAveragePooling1D(),
            layers.Dense(2),
        ]
    ),
}


def _input_for(model):
    shape = flatten(model.inputs)[0].shape[1:]
    if any(isinstance(layer, layers.Embedding) for layer in model.layers):
        return RNG.integers(0, 12, size=(3, *shape)).astype("float32")
    return RNG.normal(size=(3, *shape)).astype("float32")


@pytest.mark.parametrize("name", list(MODELS))
def test_profundo_exports_come_back(name):
    model = MODELS[name]()
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.moving_mean.data[...] = RNG.normal(size=layer.moving_mean.shape)
            layer.moving_variance.data[...] = RNG.uniform(0.5, 2, size=layer.moving_variance.shape)
    _roundtrip(model, _input_for(model))


@pytest.mark.parametrize(
    "activation",
    [
        "linear",
        "relu",
        "sigmoid",
        "tanh",
        "softmax",
        "log_softmax",
        "elu",
        "selu",
        "leaky_relu",
        "softplus",
        "softsign",
        "silu",
        "gelu",
        "hard_sigmoid",
        "relu6",
        "exponential",
        "step",
    ],
)
def test_every_activation_comes_back(activation):
    model = pf.Sequential(
        [layers.Input((6,)), layers.Dense(5, activation=activation), layers.Activation(activation)]
    )
    _roundtrip(model, RNG.normal(size=(3, 6)).astype("float32"))


def test_functional_merges_and_several_outputs_come_back():
    a, b = layers.Input((6,)), layers.Input((6,))
    h = layers.Dense(4)(a)
    g = layers.Dense(4)(b)
    merged = [
        layers.Add()([h, g]),
        layers.Subtract()([h, g]),
        layers.Multiply()([h, g]),
        layers.Maximum()([h, g]),
        layers.Minimum()([h, g]),
        layers.Average()([h, g]),
    ]
    model = pf.Model([a, b], [layers.Concatenate()(merged), layers.Dense(2)(h)])
    x = [RNG.normal(size=(3, 6)).astype("float32") for _ in range(2)]
    back = _roundtrip(model, x)
    assert len(back.outputs) == 2


@pytest.mark.parametrize("build", [zoo.lenet5, zoo.vgg_small, zoo.resnet_small])
def test_zoo_models_come_back(build):
    model = build()
    back = _roundtrip(model, _input_for(model))
    assert sum(isinstance(layer, layers.Conv2D) for layer in back.layers) == sum(
        isinstance(layer, layers.Conv2D) for layer in model.layers
    )


def _torch_onnx(module, x, path):
    """``module`` exported by PyTorch's (TorchScript) exporter to ``path``; PyTorch's output."""
    import warnings

    torch = pytest.importorskip("torch")
    module.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            module,
            (torch.from_numpy(x),),
            str(path),
            dynamo=False,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
        )
    with torch.no_grad():
        return module(torch.from_numpy(x)).numpy()


def test_pytorch_mlp_loads_and_predicts_the_same(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(
        torch.nn.Linear(6, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 3),
        torch.nn.Softmax(dim=-1),
    )
    x = RNG.normal(size=(5, 6)).astype("float32")
    want = _torch_onnx(mlp, x, tmp_path / "mlp.onnx")
    model = import_onnx(tmp_path / "mlp.onnx")
    np.testing.assert_allclose(model.predict(x), want, rtol=1e-5, atol=1e-6)
    assert [type(layer).__name__ for layer in model.layers].count("Dense") == 3


def test_pytorch_cnn_loads_and_predicts_the_same_on_nchw_images(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    cnn = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 8, 3),
        torch.nn.BatchNorm2d(8),
        torch.nn.ReLU(),
        torch.nn.AvgPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(8 * 2 * 2, 10),
    )
    with torch.no_grad():
        cnn[4].running_mean.normal_()
        cnn[4].running_var.uniform_(0.5, 2)
    x = RNG.normal(size=(4, 1, 12, 12)).astype("float32")  # PyTorch's NCHW
    want = _torch_onnx(cnn, x, tmp_path / "cnn.onnx")
    model = import_onnx(tmp_path / "cnn.onnx")
    np.testing.assert_allclose(model.predict(x), want, rtol=1e-5, atol=1e-5)
    # the same file read as bytes; the global-pooling head of another network
    head = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, stride=2),
        torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(),
        torch.nn.Linear(4, 2),
    )
    x3 = RNG.normal(size=(2, 3, 9, 9)).astype("float32")
    want = _torch_onnx(head, x3, tmp_path / "head.onnx")
    model = import_onnx((tmp_path / "head.onnx").read_bytes())
    np.testing.assert_allclose(model.predict(x3), want, rtol=1e-5, atol=1e-5)


def test_layer_normalization_comes_back_from_its_primitives_and_from_pytorch(tmp_path):
    torch = pytest.importorskip("torch")
    for model, shape in [
        (pf.Sequential([layers.Input((6,)), layers.LayerNormalization(), layers.Dense(2)]), (3, 6)),
        (
            pf.Sequential(
                [
                    layers.Input((5, 5, 3)),
                    layers.LayerNormalization(axis=[1, 2, 3]),
                    layers.LayerNormalization(center=False, scale=False),
                ]
            ),
            (3, 5, 5, 3),
        ),
    ]:
        for w in model.weights:
            w.data[...] = RNG.normal(size=w.shape)
        back = _roundtrip(model, RNG.normal(size=shape).astype("float32"))
        assert sum(isinstance(layer, layers.LayerNormalization) for layer in back.layers) == sum(
            isinstance(layer, layers.LayerNormalization) for layer in model.layers
        )
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(6, 4), torch.nn.LayerNorm(4), torch.nn.ReLU())
    with torch.no_grad():
        net[1].weight.normal_()
        net[1].bias.normal_()
    x = RNG.normal(size=(3, 6)).astype("float32")
    want = _torch_onnx(net, x, tmp_path / "ln.onnx")
    np.testing.assert_allclose(
        import_onnx(tmp_path / "ln.onnx").predict(x), want, rtol=1e-5, atol=1e-5
    )


RECURRENT = [
    (kind, seq, back)
    for kind in ("SimpleRNN", "LSTM", "GRU")
    for seq in (False, True)
    for back in (False, True)
]


@pytest.mark.parametrize("kind,sequences,backwards", RECURRENT)
def test_recurrent_layers_come_back(kind, sequences, backwards):
    model = pf.Sequential(
        [
            layers.Input((7, 4)),
            getattr(layers, kind)(5, return_sequences=sequences, go_backwards=backwards),
        ]
    )
    for w in model.weights:
        w.data[...] += RNG.normal(scale=0.3, size=w.shape).astype(w.dtype)
    back = _roundtrip(model, RNG.normal(size=(3, 7, 4)).astype("float32"))
    assert any(type(layer).__name__ == kind for layer in back.layers)


def test_recurrent_states_initial_states_and_bidirectional_finals_come_back():
    inp = layers.Input((7, 4))
    out, h, c = layers.LSTM(5, return_sequences=True, return_state=True)(inp)
    y = layers.Bidirectional(layers.GRU(3), merge_mode="sum")(out)
    z = layers.SimpleRNN(2, activation="relu")(out, initial_state=[layers.Dense(2)(h)])
    model = pf.Model(inp, [out, h, c, y, z])
    _roundtrip(model, RNG.normal(size=(3, 7, 4)).astype("float32"))


def test_operators_without_a_layer_are_named():
    model = pf.Sequential(
        [layers.Input((7, 3)), layers.Bidirectional(layers.LSTM(4, return_sequences=True))]
    )
    with pytest.raises(OnnxImportError, match="reversed"):
        import_onnx(to_onnx(model))  # the backward half's sequence would need a flip
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])
    graph = helper.make_graph([helper.make_node("Cos", ["x"], ["y"], name="wave")], "g", [x], [y])
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(
        OnnxImportError, match=r"node 'wave' \(Cos\): this operator is not imported"
    ):
        import_onnx(proto)
