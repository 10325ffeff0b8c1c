"""3-D convolution and pooling (item 9 of issue 15): equal to Keras 3, gradients checked by
finite differences (they come from the 2-D ops they are built of), saved and loaded."""

import os

import numpy as np
import pytest

import profundo as pf
from profundo import layers

X = np.random.default_rng(0).normal(size=(2, 5, 6, 7, 3)).astype("float32")


def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras")


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"padding": "same"},
        {"strides": 2, "padding": "same"},
        {"strides": (1, 2, 1)},
        {"dilation_rate": 2, "activation": "relu"},
    ],
)
def test_conv3d_equals_keras(settings):
    k = keras()
    ours = layers.Conv3D(4, 3, **settings)
    out = ours(X).numpy()
    theirs = k.layers.Conv3D(4, 3, **settings)
    theirs(X)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(out, k.ops.convert_to_numpy(theirs(X)), atol=2e-6)
    assert ours.compute_output_shape((None, 5, 6, 7, 3)) == (None, *out.shape[1:])


@pytest.mark.parametrize("kind", ["MaxPooling3D", "AveragePooling3D"])
@pytest.mark.parametrize(
    "settings",
    [
        {"pool_size": 2},
        {"pool_size": 2, "padding": "same"},
        {"pool_size": (2, 3, 2), "strides": (1, 2, 1)},
    ],
)
def test_pooling3d_equals_keras(kind, settings):
    k = keras()
    out = getattr(layers, kind)(**settings)(X).numpy()
    want = k.ops.convert_to_numpy(getattr(k.layers, kind)(**settings)(X))
    np.testing.assert_allclose(out, want, atol=1e-6)


def test_average_pooling3d_same_never_counts_the_padding():
    """Keras' torch backend counts some padding with 3-D windows of 3 and strides 2; the
    definition (TensorFlow's, and Keras' in 2-D): the mean of the values a window covers."""
    out = pf.avg_pool3d(X, 3, 2, "same").numpy()
    pads = [max((-(-n // 2) - 1) * 2 + 3 - n, 0) // 2 for n in X.shape[1:4]]
    for p, q, r in [(0, 0, 0), (2, 2, 3), (1, 0, 2)]:
        d0, h0, w0 = p * 2 - pads[0], q * 2 - pads[1], r * 2 - pads[2]
        block = X[:, max(d0, 0) : d0 + 3, max(h0, 0) : h0 + 3, max(w0, 0) : w0 + 3]
        np.testing.assert_allclose(out[:, p, q, r], block.mean(axis=(1, 2, 3)), atol=1e-6)


def test_global_pooling3d_and_short_names():
    np.testing.assert_allclose(
        layers.GlobalAveragePooling3D()(X).numpy(), X.mean(axis=(1, 2, 3)), atol=1e-6
    )
    assert layers.GlobalMaxPool3D()(
        X,
    ).numpy().shape == (2, 3)
    assert layers.GlobalMaxPooling3D(keepdims=True)(X).shape == (2, 1, 1, 1, 3)
    assert layers.MaxPool3D is layers.MaxPooling3D and layers.Convolution3D is layers.Conv3D


def test_volume_ops_gradcheck():
    rng = np.random.default_rng(1)
    x = pf.tensor(rng.normal(size=(1, 4, 4, 3, 2)), dtype="float64")
    k = pf.tensor(rng.normal(size=(2, 2, 2, 2, 3)), dtype="float64")
    b = pf.tensor(rng.normal(size=(3,)), dtype="float64")
    assert pf.gradcheck(
        lambda x, k, b: pf.conv3d(x, k, b, strides=(2, 1, 1), padding="same"), [x, k, b]
    )
    assert pf.gradcheck(lambda x: pf.avg_pool3d(x, 2, 1, "same"), [x])
    assert pf.gradcheck(lambda x: pf.max_pool3d(x, 2, 1, "valid"), [x])


def test_a_3d_cnn_trains_saves_and_loads(tmp_path):
    model = pf.Sequential(
        [
            layers.Input((5, 6, 7, 3)),
            layers.Conv3D(4, 3, padding="same", activation="relu"),
            layers.MaxPooling3D(),
            layers.GlobalAveragePooling3D(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, np.array([0, 1]), epochs=2, verbose=0)
    model.save(tmp_path / "v.profundo")
    again = pf.models.load_model(tmp_path / "v.profundo")
    np.testing.assert_allclose(again.predict(X, verbose=0), model.predict(X, verbose=0), atol=1e-6)


def test_volume_inputs_are_checked():
    with pytest.raises(ValueError, match="conv3d: expected volumes"):
        pf.conv3d(np.zeros((2, 5, 5, 3)), np.zeros((3, 3, 3, 3, 2)))
    with pytest.raises(ValueError, match="Conv3D 'c3'"):
        layers.Conv3D(2, 3, name="c3")(np.zeros((2, 5, 5, 3), "float32"))
