"""Intermediate outputs as Keras gets them: ``pf.Model(model.inputs, [l.output for l in ...])``."""

import numpy as np
import pytest

import profundo as pf
from profundo import layers


def _each_layer(model, x):
    """Each layer's output by running the layers one after the other by hand."""
    outs = []
    for layer in model.layers:
        x = layer(x, training=False).numpy()
        outs.append(x)
    return outs


def test_sequential_with_input_gives_every_layer_output():
    model = pf.Sequential(
        [
            layers.Input((6, 6, 1)),
            layers.Conv2D(2, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(3),
        ]
    )
    model.add(layers.Dense(2))  # a layer added later joins the graph
    probe = pf.Model(model.inputs, [layer.output for layer in model.layers])
    x = np.random.default_rng(0).normal(size=(4, 6, 6, 1)).astype("float32")
    got = probe.predict(x)
    want = _each_layer(model, x)
    assert [g.shape for g in got] == [(4, 4, 4, 2), (4, 32), (4, 3), (4, 2)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got[-1], model.predict(x), rtol=1e-6, atol=1e-6)
    assert model.outputs[0] is model.layers[-1].output
    assert model.layers[1].input is model.layers[0].output


def test_sequential_built_from_data_has_inputs_and_functional_model_too():
    model = pf.Sequential([layers.Dense(4, activation="tanh"), layers.Dense(1)])
    assert model.inputs is None
    x = np.ones((3, 5), "float32")
    model.predict(x)
    assert model.inputs[0].shape == (None, 5)
    probe = pf.Model(model.inputs, model.layers[0].output)
    np.testing.assert_allclose(probe.predict(x), model.layers[0](x).numpy(), rtol=1e-6)

    inp = layers.Input((5,))
    hidden = layers.Dense(3, activation="relu")
    out = layers.Dense(2)(hidden(inp))
    functional = pf.Model(inp, out)
    probe = pf.Model(functional.inputs, [hidden.output, functional.output])
    h, y = probe.predict(x)
    np.testing.assert_allclose(h, hidden(x).numpy(), rtol=1e-6)
    np.testing.assert_allclose(y, functional.predict(x), rtol=1e-6)


def test_uncalled_layer_has_no_output():
    with pytest.raises(AttributeError, match="dense_unused.*no symbolic"):
        layers.Dense(2, name="dense_unused").output
