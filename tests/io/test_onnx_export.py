"""ONNX export: onnx.checker passes and ONNX Runtime's outputs equal model.predict (1e-5
relative) for every exportable layer, for functional, nested and zoo models."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import profundo as pf
from profundo import layers
from profundo.io import export_onnx
from profundo.io.onnx_export import OnnxExportError, to_onnx
from profundo.layers.nest import flatten
from profundo.models import zoo

RNG = np.random.default_rng(0)


def run_onnx(model, x, opset=17):
    proto = to_onnx(model, opset=opset)
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    xs = x if isinstance(x, list) else [x]
    return session.run(None, {i.name: v for i, v in zip(session.get_inputs(), xs)})


def assert_parity(model, x, opset=17):
    got = run_onnx(model, x, opset)
    want = model.predict(x)
    want = want if isinstance(want, list) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def _train_batchnorm(model, x):
    """Moving statistics away from 0 and 1, so the export of BatchNormalization is tested."""
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            mean, var = layer.moving_mean, layer.moving_variance
            mean.data[...] = RNG.normal(size=mean.shape)
            var.data[...] = RNG.uniform(0.5, 2, size=var.shape)
            layer.gamma.data[...] = RNG.normal(size=layer.gamma.shape)
            layer.beta.data[...] = RNG.normal(size=layer.beta.shape)
    return model


IMAGE = RNG.normal(size=(3, 9, 9, 4)).astype("float32")
SEQUENCE = RNG.normal(size=(3, 7, 4)).astype("float32")
VECTOR = RNG.normal(size=(3, 6)).astype("float32")

IMAGE_LAYERS = {
    "conv_valid_relu": lambda: layers.Conv2D(5, 3, activation="relu"),
    "conv_same_strided": lambda: layers.Conv2D(5, 3, strides=2, padding="same", activation="elu"),
    "conv_dilated_grouped": lambda: layers.Conv2D(6, 3, dilation_rate=2, groups=2),
    "conv_tuple_kernel": lambda: layers.Conv2D(3, (1, 3), strides=(2, 1), padding="same"),
    "depthwise": lambda: layers.DepthwiseConv2D(
        3, depth_multiplier=2, padding="same", activation="tanh"
    ),
    "separable": lambda: layers.SeparableConv2D(5, 3, strides=2, activation="selu"),
    "transpose_same": lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same"),
    "transpose_valid": lambda: layers.Conv2DTranspose(3, 2, strides=3, activation="sigmoid"),
    "transpose_output_padding": lambda: layers.Conv2DTranspose(
        3, 4, strides=3, padding="same", output_padding=1
    ),
    "maxpool": lambda: layers.MaxPooling2D(2),
    "maxpool_same": lambda: layers.MaxPooling2D(3, strides=2, padding="same"),
    "avgpool_same": lambda: layers.AveragePooling2D(2, padding="same"),
    "global_avg": lambda: layers.GlobalAveragePooling2D(),
    "global_max_keepdims": lambda: layers.GlobalMaxPooling2D(keepdims=True),
    "batchnorm": lambda: layers.BatchNormalization(),
    "layernorm": lambda: layers.LayerNormalization(),
    "layernorm_hwc": lambda: layers.LayerNormalization(axis=[1, 2, 3]),
    "dropout": lambda: layers.Dropout(0.5),
    "spatial_dropout": lambda: layers.SpatialDropout2D(0.3),
    "flatten": lambda: layers.Flatten(),
    "reshape": lambda: layers.Reshape((81, -1)),
    "rescaling": lambda: layers.Rescaling(1 / 255, offset=-0.5),
    "normalization": lambda: layers.Normalization(mean=[0.1, 0.2, 0.3, 0.4], variance=[1, 2, 3, 4]),
    "relu_layer": lambda: layers.ReLU(max_value=0.5),
    "leaky_relu_layer": lambda: layers.LeakyReLU(0.1),
    "elu_layer": lambda: layers.ELU(0.7),
    "softmax_layer": lambda: layers.Softmax(axis=-1),
    "prelu": lambda: layers.PReLU(alpha_initializer="random_normal"),
    "random_flip": lambda: layers.RandomFlip(),
}


@pytest.mark.parametrize("name", list(IMAGE_LAYERS))
def test_image_layer_parity(name):
    model = _train_batchnorm(pf.Sequential([layers.Input((9, 9, 4)), IMAGE_LAYERS[name]()]), IMAGE)
    assert_parity(model, IMAGE)


ACTIVATIONS = [
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
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation(activation):
    model = pf.Sequential(
        [layers.Input((6,)), layers.Dense(5, activation=activation), layers.Activation(activation)]
    )
    assert_parity(model, VECTOR)


SEQUENCE_LAYERS = {
    "conv1d_causal": lambda: layers.Conv1D(4, 3, padding="causal", dilation_rate=2),
    "conv1d_same_strided": lambda: layers.Conv1D(4, 2, strides=2, padding="same"),
    "maxpool1d": lambda: layers.MaxPooling1D(2),
    "avgpool1d": lambda: layers.AveragePooling1D(3, strides=2, padding="same"),
    "global_avg1d": lambda: layers.GlobalAveragePooling1D(),
    "global_max1d": lambda: layers.GlobalMaxPooling1D(),
    "dense_on_sequences": lambda: layers.Dense(3),
    "spatial_dropout1d": lambda: layers.SpatialDropout1D(0.2),
}
for _kind in ("SimpleRNN", "LSTM", "GRU"):
    for _seq in (False, True):
        for _back in (False, True):
            SEQUENCE_LAYERS[f"{_kind}_seq{_seq:d}_back{_back:d}"] = (
                lambda k=_kind, s=_seq, b=_back: getattr(layers, k)(
                    5, return_sequences=s, go_backwards=b
                )
            )
    for _mode in ("concat", "sum", "mul", "ave"):
        SEQUENCE_LAYERS[f"bidirectional_{_kind}_{_mode}"] = lambda k=_kind, m=_mode: (
            layers.Bidirectional(getattr(layers, k)(4, return_sequences=True), merge_mode=m)
        )
SEQUENCE_LAYERS["lstm_relu_activation"] = lambda: layers.LSTM(3, activation="relu")
SEQUENCE_LAYERS["gru_no_bias"] = lambda: layers.GRU(3, use_bias=False)


@pytest.mark.parametrize("name", list(SEQUENCE_LAYERS))
def test_sequence_layer_parity(name):
    model = pf.Sequential([layers.Input((7, 4)), SEQUENCE_LAYERS[name]()])
    for w in model.weights:  # weights away from their initial zeros and identities
        w.data[...] += RNG.normal(scale=0.3, size=w.shape).astype(w.dtype)
    assert_parity(model, SEQUENCE)


def test_recurrent_states_and_bidirectional_states():
    inp = layers.Input((7, 4))
    out, h, c = layers.LSTM(5, return_sequences=True, return_state=True)(inp)
    y, *states = layers.Bidirectional(layers.GRU(3, return_state=True))(out)
    model = pf.Model(inp, [out, h, c, y, *states])
    assert_parity(model, SEQUENCE)


def test_embedding_and_merge_layers_in_a_functional_model():
    tokens = layers.Input((5,))
    other = layers.Input((5, 3))
    embedded = layers.Embedding(10, 3)(tokens)
    merged = [
        layers.Add()([embedded, other]),
        layers.Subtract()([embedded, other]),
        layers.Multiply()([embedded, other, other]),
        layers.Maximum()([embedded, other]),
        layers.Minimum()([embedded, other]),
        layers.Average()([embedded, other]),
    ]
    out = layers.Concatenate(axis=-1)(merged)
    model = pf.Model([tokens, other], [out, layers.Concatenate(axis=1)([embedded, other])])
    ids = RNG.integers(0, 10, size=(3, 5)).astype("float32")
    assert_parity(model, [ids, RNG.normal(size=(3, 5, 3)).astype("float32")])


def test_nested_models_are_inlined():
    block = pf.Sequential([layers.Input((6,)), layers.Dense(4, activation="relu"), layers.Dense(4)])
    inner_in = layers.Input((4,))
    inner = pf.Model(inner_in, layers.Dense(2, activation="softmax")(inner_in))
    x = layers.Input((6,))
    model = pf.Model(x, inner(layers.Add()([block(x), block(x)])))
    assert_parity(model, VECTOR)
    outer = pf.Sequential([layers.Input((6,)), block, layers.Dense(3)])
    assert_parity(outer, VECTOR)


@pytest.mark.parametrize("opset", [13, 17, 18, 21])
def test_opsets(opset):
    model = pf.Sequential(
        [
            layers.Input((9, 9, 4)),
            layers.Conv2D(2, 3),
            layers.LayerNormalization(),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2),
        ]
    )
    assert_parity(model, IMAGE, opset=opset)
    assert to_onnx(model, opset=opset).opset_import[0].version == opset


@pytest.mark.parametrize("build", [zoo.lenet5, zoo.vgg_small, zoo.resnet_small])
def test_zoo_models(build):
    model = _train_batchnorm(build(), None)
    x = RNG.normal(size=(2, *flatten(model.inputs)[0].shape[1:])).astype("float32")
    assert_parity(model, x)


def test_file_and_keras_spelling(tmp_path):
    model = pf.Sequential([layers.Input((6,)), layers.Dense(3, activation="softmax")])
    model.export(tmp_path / "model.onnx", format="onnx")
    export_onnx(model, tmp_path / "again.onnx", opset=18)
    for path in ("model.onnx", "again.onnx"):
        loaded = onnx.load(str(tmp_path / path))
        onnx.checker.check_model(loaded)
        session = ort.InferenceSession(str(tmp_path / path), providers=["CPUExecutionProvider"])
        assert session.get_inputs()[0].name == model.inputs[0].node.layer.name
        assert session.get_inputs()[0].shape == ["batch", 6]
        np.testing.assert_allclose(
            session.run(None, {session.get_inputs()[0].name: VECTOR})[0],
            model.predict(VECTOR),
            rtol=1e-5,
            atol=1e-6,
        )
    with pytest.raises(ValueError, match="format"):
        model.export(tmp_path / "model.tf", format="tf_saved_model")


def test_layers_without_an_onnx_form_are_named():
    model = pf.Sequential([layers.Input((9, 9, 4)), layers.UpSampling2D(2, name="grow")])
    with pytest.raises(OnnxExportError, match=r"'grow' \(UpSampling2D\) has no ONNX form"):
        to_onnx(model)
    masked = pf.Sequential(
        [layers.Input((5,)), layers.Embedding(10, 3, mask_zero=True, name="emb")]
    )
    with pytest.raises(OnnxExportError, match="'emb'.*mask_zero"):
        to_onnx(masked)
    hard = pf.Sequential(
        [layers.Input((7, 4)), layers.LSTM(3, recurrent_activation="hard_sigmoid", name="hard")]
    )
    with pytest.raises(OnnxExportError, match="'hard'.*hard_sigmoid"):
        to_onnx(hard)

    class Sub(pf.Model):
        def call(self, x, training=None):
            return x

    with pytest.raises(OnnxExportError, match="subclassed"):
        to_onnx(Sub())
    with pytest.raises(ValueError, match="opset"):
        to_onnx(pf.Sequential([layers.Input((6,)), layers.Dense(2)]), opset=9)
