"""Item 9 of issue 15 (layers): Lambda (saved by registered name only), Identity,
ActivityRegularization, GaussianDropout, AlphaDropout, CategoryEncoding, Discretization,
Dropout(seed=), Embedding(input_length=) and Keras' long names, compared with Keras 3."""

import numpy as np
import pytest

import profundo as keras
from profundo import layers, ops

X = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")


@keras.saving.register_keras_serializable(package="tests")
def halve(x, factor=2.0):
    return x / factor


def test_lambda_saves_by_registered_name_only(tmp_path):
    model = keras.Sequential(
        [keras.Input((4,)), layers.Lambda(halve, arguments={"factor": 4.0}), layers.Dense(2)]
    )
    model.save(tmp_path / "l.profundo")
    loaded = keras.saving.load_model(tmp_path / "l.profundo")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    bad = keras.Sequential([keras.Input((4,)), layers.Lambda(lambda x: x * 2)])
    np.testing.assert_allclose(bad.predict(X, verbose=0), X * 2)
    with pytest.raises(ValueError, match="lambda cannot be saved"):
        bad.save(tmp_path / "bad.profundo")
    with pytest.raises(ValueError, match="not registered"):
        layers.Lambda("os>system")


def test_layers_match_keras_in_inference_and_statistics(real_keras):
    for name, kwargs, x in [
        (
            "CategoryEncoding",
            {"num_tokens": 5, "output_mode": "multi_hot"},
            np.array([[0, 1], [4, 4], [2, 0]]),
        ),
        (
            "CategoryEncoding",
            {"num_tokens": 5, "output_mode": "count"},
            np.array([[0, 1], [4, 4], [2, 0]]),
        ),
        ("CategoryEncoding", {"num_tokens": 5, "output_mode": "one_hot"}, np.array([3, 1, 0])),
        ("Discretization", {"bin_boundaries": [-0.5, 0.0, 0.5]}, X),
        ("Identity", {}, X),
        ("ActivityRegularization", {"l1": 0.1}, X),
        ("GaussianDropout", {"rate": 0.3}, X),
        ("AlphaDropout", {"rate": 0.3}, X),
    ]:
        ours = getattr(layers, name)(**kwargs)(x)
        theirs = real_keras.ops.convert_to_numpy(getattr(real_keras.layers, name)(**kwargs)(x))
        np.testing.assert_allclose(
            np.asarray(ours.numpy(), "float64"), np.asarray(theirs, "float64"), err_msg=name
        )
    normal = np.random.default_rng(1).normal(size=(400, 500)).astype("float32")
    out = layers.AlphaDropout(0.2, seed=1)(normal, training=True).numpy()  # keeps mean 0, var 1
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02
    big = np.ones((400, 500), "float32")
    out = layers.GaussianDropout(0.2, seed=1)(big, training=True).numpy()
    assert abs(out.mean() - 1) < 0.01 and abs(out.std() - 0.5) < 0.01


def test_activity_regularization_adds_its_loss_and_arguments_keras_accepts():
    reg = layers.ActivityRegularization(l1=0.1, l2=0.01)
    reg(X)
    assert float(reg.losses[0]) == pytest.approx(  # divided by the batch size, as Keras
        (0.1 * np.abs(X).sum() + 0.01 * (X**2).sum()) / len(X), rel=1e-5
    )
    first = layers.Dropout(0.5, seed=3)(np.ones((4, 8)), training=True).numpy()
    second = layers.Dropout(0.5, seed=3)(np.ones((4, 8)), training=True).numpy()
    np.testing.assert_array_equal(first, second)
    with pytest.warns(DeprecationWarning, match="input_length"):
        layers.Embedding(10, 3, input_length=5)
    assert layers.Convolution2D is layers.Conv2D
    d = layers.Discretization(num_bins=4)
    d.adapt(np.arange(100.0))
    assert ops.convert_to_numpy(d(np.array([0.0, 30.0, 60.0, 99.0]))).tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="adapt needs num_bins"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.arange(10.0))


def test_string_and_integer_lookup_as_keras_numbers_them(tmp_path):
    lookup = layers.StringLookup()
    lookup.adapt(np.array(["b", "a", "b", "c", "b", "a"]))
    assert lookup.get_vocabulary() == ["[UNK]", "b", "a", "c"]
    np.testing.assert_array_equal(
        lookup(np.array([["a", "z"], ["b", "c"]])).numpy(), [[2, 0], [1, 3]]
    )
    masked = layers.StringLookup(vocabulary=["a", "b"], mask_token="")
    np.testing.assert_array_equal(masked(np.array(["", "a", "q"])).numpy(), [0, 2, 1])
    hot = layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")(np.array(["a", "q"]))
    np.testing.assert_array_equal(hot.numpy(), [[0, 1, 0], [1, 0, 0]])
    ints = layers.IntegerLookup(vocabulary=[10, 20, 30])
    np.testing.assert_array_equal(ints(np.array([10, 30, 99])).numpy(), [1, 3, 0])
    inverse = layers.StringLookup(vocabulary=["a", "b"], invert=True)
    assert list(inverse(np.array([2, 0]))) == ["b", "[UNK]"]
    with pytest.raises(ValueError, match="invert"):
        inverse(np.array([5]))
    inputs = keras.Input((1,), dtype="int64")
    model = keras.Model(
        inputs,
        layers.Dense(2)(layers.IntegerLookup(vocabulary=[3, 5], output_mode="multi_hot")(inputs)),
    )
    model.save(tmp_path / "lookup.profundo")
    loaded = keras.saving.load_model(tmp_path / "lookup.profundo")
    x = np.array([[3], [5], [7]])
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("functional", [False, True])
def test_activity_regularizer_on_layers_equals_keras(real_keras, functional):
    """Dense(activity_regularizer=...) adds its penalty of the outputs (over the batch size) to
    the loss that evaluate reports and fit minimizes, in Sequential and functional models."""
    from .conftest import copy_weights

    def build(k):
        if functional:
            x = k.Input((4,))
            h = k.layers.Dense(8, activation="relu", activity_regularizer="l2")(x)
            out = k.layers.Dense(2, activity_regularizer=k.regularizers.L1(0.05))(h)
            model = k.Model(x, out)
        else:
            model = k.Sequential(
                [
                    k.Input((4,)),
                    k.layers.Dense(8, activation="relu", activity_regularizer="l2"),
                    k.layers.Dense(2, activity_regularizer=k.regularizers.L1(0.05)),
                ]
            )
        model.compile(optimizer=k.optimizers.SGD(0.1), loss="mse")
        return model

    ours, theirs = build(keras), build(real_keras)
    copy_weights(ours, theirs)
    y = np.random.default_rng(2).normal(size=(6, 2)).astype("float32")
    assert ours.evaluate(X, y, verbose=0) == pytest.approx(
        float(theirs.evaluate(X, y, verbose=0)), rel=1e-5
    )
    ours.fit(X, y, batch_size=3, epochs=2, verbose=0, shuffle=False)
    theirs.fit(X, y, batch_size=3, epochs=2, verbose=0, shuffle=False)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, real_keras.ops.convert_to_numpy(b), atol=1e-5)
    config = ours.layers[-1].get_config()["activity_regularizer"]
    assert keras.layers.Dense.from_config(ours.layers[-1].get_config()).activity_regularizer
    assert config["class_name"] == "L1"
