"""Item 7 of issue 15: compile's Keras arguments — ``weighted_metrics`` (only those see
``sample_weight``, Keras' rule), ``loss=[None, ...]``, the accepted no-ops — and
``model.metrics_names``, compared with real Keras 3 where it matters."""

import numpy as np
import pytest

import profundo as keras
from profundo import layers

from .conftest import copy_weights

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3)).astype("float32")
Y = (X[:, :1] > 0).astype("float32")
W = RNG.uniform(0, 3, size=40).astype("float32")


def build(k):
    model = k.Sequential([k.Input((3,)), k.layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer="sgd",
        loss="binary_crossentropy",
        metrics=["accuracy"],
        weighted_metrics=["accuracy"],
        run_eagerly=True,
        steps_per_execution=1,
        jit_compile=False,
    )
    return model


def test_only_weighted_metrics_use_sample_weights_as_in_keras(real_keras):
    ours, theirs = build(keras), build(real_keras)
    copy_weights(ours, theirs)
    got = ours.evaluate(X, Y, sample_weight=W, return_dict=True, verbose=0)
    expected = theirs.evaluate(X, Y, sample_weight=W, return_dict=True, verbose=0)
    assert set(got) == set(expected) == {"loss", "accuracy", "weighted_accuracy"}
    for name in expected:
        assert got[name] == pytest.approx(expected[name], rel=1e-5), name
    assert got["accuracy"] != pytest.approx(got["weighted_accuracy"])
    assert ours.metrics_names[0] == "loss"


def test_loss_none_for_an_output_trains_on_the_other(tmp_path):
    inputs = keras.Input((3,))
    aux = layers.Dense(2, name="aux")(inputs)
    main = layers.Dense(1, name="main")(inputs)
    model = keras.Model(inputs, [aux, main])
    model.compile("sgd", loss=[None, "mse"], weighted_metrics=[[], ["mae"]])
    before = model.get_layer("aux").get_weights()[0].copy()
    model.fit(X, [np.zeros((40, 2)), Y], epochs=1, verbose=0)
    np.testing.assert_array_equal(model.get_layer("aux").get_weights()[0], before)
    model.save(tmp_path / "m.profundo")
    assert keras.saving.load_model(tmp_path / "m.profundo").compiled.config["weighted_metrics"]


def test_validation_steps_and_freq_and_predict_steps():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    val = keras.data.Dataset.from_tensor_slices((X, Y)).batch(4).repeat()
    history = model.fit(
        X, Y, epochs=4, validation_data=val, validation_steps=2, validation_freq=2, verbose=0
    )
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2
    history = model.fit(X, Y, epochs=3, validation_data=(X, Y), validation_freq=[1, 3], verbose=0)
    assert len(history.history["val_loss"]) == 2

    def endless():
        while True:
            yield X[:5]

    assert model.predict(endless(), steps=3, verbose=0).shape == (15, 1)
    clone = keras.models.clone_model(model)
    assert clone.count_params() == model.count_params() and clone.layers[0] is not model.layers[0]
    rebuilt = keras.models.model_from_json(model.to_json())
    assert [w.shape for w in rebuilt.weights] == [w.shape for w in model.weights]
