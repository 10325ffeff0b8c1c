"""Item 1 of issue 15: Keras' top-level names (``keras.Input``, ``keras.Model``, ``keras.Layer``,
``keras.random``, ``keras.optimizers.schedules``, ...) as Keras' guides use them."""

import numpy as np

import profundo as keras
from profundo import layers

from .conftest import copy_weights


def functional_mlp(k):
    inputs = k.Input(shape=(784,), name="digits")
    x = k.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = k.layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = k.layers.Dense(10, activation="softmax", name="predictions")(x)
    return k.Model(inputs=inputs, outputs=outputs)


def test_functional_api_guide_model_predicts_as_keras(real_keras):
    model = functional_mlp(keras)
    assert isinstance(model.inputs[0], keras.KerasTensor)
    reference = functional_mlp(real_keras)
    copy_weights(model, reference)
    x = np.random.default_rng(0).normal(size=(8, 784)).astype("float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reference.predict(x, verbose=0), atol=1e-6
    )


def test_the_base_classes_are_at_the_top_level():
    assert keras.Layer is layers.Layer
    assert keras.Loss is keras.losses.Loss and keras.Metric is keras.metrics.Metric
    assert keras.Optimizer is keras.optimizers.Optimizer
    assert keras.Initializer is keras.initializers.Initializer
    assert keras.Regularizer is keras.regularizers.Regularizer
    assert isinstance(keras.version(), str)


def test_a_schedule_from_keras_optimizers_schedules():
    lr = keras.optimizers.schedules.ExponentialDecay(1e-2, decay_steps=10, decay_rate=0.5)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_keras_config():
    assert keras.config.floatx() == "float32" and keras.config.epsilon() == 1e-7
    assert keras.config.image_data_format() == "channels_last"
    import pytest

    with pytest.raises(ValueError, match="channels_last"):
        keras.config.set_image_data_format("channels_first")
    assert keras.InputSpec is layers.InputSpec
