"""Mixed precision (item 9 of issue 15): Keras' policies, float16 compute with float32 weights,
dynamic loss scaling, and a network that trains to float32's accuracy."""

import numpy as np
import pytest

import profundo as keras
from profundo import layers


@pytest.fixture(autouse=True)
def no_global_policy():
    yield
    keras.mixed_precision.set_global_policy(None)


def test_policies_have_keras_dtypes(real_keras):
    for name in ("float32", "float16", "mixed_float16"):
        ours, theirs = keras.mixed_precision.DTypePolicy(name), real_keras.DTypePolicy(name)
        assert (ours.compute_dtype, ours.variable_dtype) == (
            theirs.compute_dtype,
            theirs.variable_dtype,
        )
    assert keras.mixed_precision.Policy is keras.mixed_precision.DTypePolicy
    with pytest.raises(ValueError, match="NumPy does not have"):
        keras.mixed_precision.set_global_policy("mixed_bfloat16")


def test_a_mixed_layer_computes_in_float16_and_trains_float32_weights():
    dense = layers.Dense(3, dtype="mixed_float16")
    x = keras.tensor(np.random.default_rng(0).normal(size=(4, 5)).astype("float32"))
    y = dense(x)
    assert y.dtype == "float16" and dense.kernel.dtype == "float32"
    y.astype("float32").sum().backward()
    assert dense.kernel.grad is not None and dense.kernel.grad.dtype == "float32"
    np.testing.assert_allclose(
        y.numpy(), x.numpy() @ dense.kernel.numpy() + dense.bias.numpy(), rtol=2e-3, atol=2e-3
    )
    assert layers.Dense.from_config(dense.get_config()).compute_dtype == "float16"
    assert layers.BatchNormalization(dtype="mixed_float16").compute_dtype == "float32"


def test_mixed_float16_training_reaches_float32_accuracy():
    (x, y), (xt, yt) = keras.datasets.digits.load_data()
    x, xt = (a.reshape(len(a), -1).astype("float32") / 16 for a in (x, xt))
    accuracy = {}
    for policy in (None, "mixed_float16"):
        keras.mixed_precision.set_global_policy(policy)
        keras.manual_seed(0)
        model = keras.Sequential(
            [
                layers.Input((64,)),
                layers.Dense(64, activation="relu"),
                layers.Dense(10),
                layers.Activation("softmax", dtype="float32"),  # Keras' advice: a float32 output
            ]
        )
        model.compile(
            optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        model.fit(x, y, epochs=8, batch_size=32, verbose=0)
        accuracy[policy] = model.evaluate(xt, yt, verbose=0)[1]
        if policy:  # compile wrapped the optimizer, as Keras does
            assert isinstance(model.optimizer, keras.mixed_precision.LossScaleOptimizer)
            assert model.layers[0].kernel.dtype == "float32"
    assert (
        accuracy["mixed_float16"] > 0.9 and abs(accuracy["mixed_float16"] - accuracy[None]) < 0.02
    )


def test_loss_scaling_skips_overflowing_steps_and_grows_after_good_ones():
    w = keras.tensor(np.ones(3, "float32"), requires_grad=True)
    opt = keras.mixed_precision.LossScaleOptimizer(
        keras.optimizers.SGD(0.1), initial_scale=8.0, dynamic_growth_steps=2
    )
    opt.apply([np.array([np.inf, 0, 0], "float32")], [w])
    assert opt.scale == 4.0 and np.all(w.numpy() == 1)  # skipped, halved
    opt.apply([np.full(3, 4.0, "float32")], [w])  # unscaled: 4 / 4 = 1
    np.testing.assert_allclose(w.numpy(), 0.9)
    opt.apply([np.full(3, 4.0, "float32")], [w])
    assert opt.scale == 8.0  # two good steps: doubled
    assert opt.learning_rate == pytest.approx(0.1)  # the inner optimizer's
    with pytest.raises(TypeError, match="inner_optimizer must be a profundo optimizer"):
        keras.mixed_precision.LossScaleOptimizer("adam")
