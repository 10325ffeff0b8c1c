"""Item 5 of issue 15: merge functions, operators and slicing on symbolic tensors, ops inside a
functional model, feature extraction and ``Sequential.pop``, as Keras programs write them."""

import numpy as np
import pytest

import profundo as keras
from profundo import layers, ops

from .conftest import copy_weights

X = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")


def test_operators_slicing_and_ops_on_symbolic_tensors_are_layers(tmp_path):
    inputs = keras.Input((4,))
    h = keras.relu(inputs) * 2 + 1
    first = ops.sum(h[:, 0:2], axis=1, keepdims=True)
    out = layers.concatenate([first, 1 - h[:, 2:], -ops.sigmoid(h[:, :1]) / 2])
    model = keras.Model(inputs, out)
    hh = np.maximum(X, 0) * 2 + 1
    expected = np.concatenate(
        [hh[:, :2].sum(1, keepdims=True), 1 - hh[:, 2:], -0.5 / (1 + np.exp(-hh[:, :1]))], axis=1
    )
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-6)
    model.save(tmp_path / "ops.profundo")
    loaded = keras.saving.load_model(tmp_path / "ops.profundo")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="unknown op"):
        layers.OpLayer("os.system", [])


def test_merge_functions_match_keras(real_keras):
    def build(k):
        a, b = k.Input((4,)), k.Input((4,))
        da, db = k.layers.Dense(4, name="da")(a), k.layers.Dense(4, name="db")(b)
        merged = [
            k.layers.add([da, db]),
            k.layers.subtract([da, db]),
            k.layers.multiply([da, db]),
            k.layers.average([da, db]),
            k.layers.maximum([da, db]),
            k.layers.minimum([da, db]),
            k.layers.dot([da, db], axes=1),
            k.layers.dot([da, db], axes=1, normalize=True),
        ]
        return k.Model([a, b], k.layers.concatenate(merged))

    ours, theirs = build(keras), build(real_keras)
    copy_weights(ours, theirs)
    np.testing.assert_allclose(
        ours.predict([X, X[::-1]], verbose=0),
        theirs.predict([X, X[::-1]], verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )


def test_feature_extraction_and_pop():
    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)]
    )
    extractor = keras.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
    features = extractor.predict(X, verbose=0)
    assert [f.shape for f in features] == [(5, 3), (5, 2)]
    assert model.layers[1].input is model.layers[0].output
    popped = model.pop()
    assert isinstance(popped, layers.Dense) and len(model.layers) == 1
    np.testing.assert_allclose(model.predict(X, verbose=0), features[0], rtol=1e-6)
    model.add(layers.Dense(6))
    assert model.predict(X, verbose=0).shape == (5, 6)
