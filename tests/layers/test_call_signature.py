"""Keras lets a layer's ``call`` leave out ``training`` (``def call(self, x)``); profundo passes it
only to a call that takes it, and the layers inside still run in the mode asked for."""

import numpy as np

import profundo as pf
from profundo import layers


class Double(layers.Layer):
    def call(self, x):
        return x * 2.0


class DropInside(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.drop = layers.Dropout(0.5)

    def call(self, x):
        return self.drop(x)


def test_a_call_without_training_runs_eagerly_in_models_and_in_fit():
    x = np.ones((4, 3), "float32")
    np.testing.assert_allclose(Double()(x).numpy(), 2 * x)
    inputs = layers.Input((3,))
    functional = pf.Model(inputs, layers.Dense(1)(Double()(inputs)))
    sequential = pf.Sequential([layers.Input((3,)), Double(), layers.Dense(1)])
    for model in (functional, sequential):
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(x, np.zeros((4, 1), "float32"), epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0])


def test_the_layers_inside_follow_the_mode_asked_for():
    x = np.ones((64, 32), "float32")
    layer = DropInside()
    assert np.array_equal(layer(x, training=False).numpy(), x)
    dropped = layer(x, training=True).numpy()
    assert (dropped == 0).mean() > 0.3 and set(np.unique(dropped)) <= {0.0, 2.0}
