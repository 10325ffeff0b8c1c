"""Layers declare what they accept (``input_spec``) and the base class checks every call, eager
or symbolic, before ``build``: one message format, ``<Class> '<name>': expected …, got …``."""

import re

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.layers import InputSpec

VOICE = re.compile(r"^[A-Z]\w* '[^']+': expected .+, got .+")


def raises_in_voice(fn, match):
    with pytest.raises(ValueError) as info:
        fn()
    message = str(info.value)
    assert VOICE.match(message), message
    assert re.search(match, message), message


@pytest.mark.parametrize(
    "make, good, bad, match",
    [
        (
            lambda: layers.Dense(2, name="d"),
            (1, 4),
            (1, 5),
            r"^Dense 'd': expected 4 features \(last "
            r"axis\), got shape \(1, 5\)$",
        ),
        (
            lambda: layers.Conv2D(2, 3, name="c"),
            (1, 5, 5, 3),
            (1, 5, 5, 2),
            r"^Conv2D 'c': expected 3 channels \(last axis\), got shape \(1, 5, 5, 2\)$",
        ),
        (lambda: layers.LSTM(2, name="l"), (1, 4, 3), (1, 4, 2), r"^LSTM 'l': expected 3 features"),
        (
            lambda: layers.BatchNormalization(name="bn"),
            (1, 3),
            (1, 4),
            r"^BatchNormalization 'bn': expected 3 features \(last axis\), got shape \(1, 4\)$",
        ),
        (
            lambda: layers.BatchNormalization(name="bn"),
            (1, 3),
            (1, 1, 3),
            r"^BatchNormalization 'bn': expected inputs with 2 axes, got shape \(1, 1, 3\)$",
        ),
        (
            lambda: layers.MaxPooling2D(name="p"),
            (1, 4, 4, 1),
            (1, 4, 4),
            r"^MaxPooling2D 'p': expected inputs of shape \(batch, height, width, channels\), got "
            r"shape \(1, 4, 4\)$",
        ),
        (
            lambda: layers.RepeatVector(2, name="r"),
            (1, 3),
            (1, 3, 1),
            r"^RepeatVector 'r': expected inputs of shape \(batch, features\), got shape",
        ),
        (
            lambda: layers.TimeDistributed(layers.Dense(2), name="t"),
            (1, 2, 3),
            (1, 3),
            (
                r"^TimeDistributed 't': expected inputs of shape \(batch, time, ...\) "
                r"with at least 3 axes"
            ),
        ),
    ],
)
def test_built_layers_refuse_other_shapes_in_one_voice(make, good, bad, match):
    layer = make()
    layer(np.zeros(good, "float32"))
    raises_in_voice(lambda: layer(np.zeros(bad, "float32")), match)
    # the same check, symbolically, before any graph node is recorded
    raises_in_voice(
        lambda: layer(layers.Input(bad[1:])), match.replace(r"\(1, ", r"\(None, ").replace("$", "")
    )
    assert len(layer.inbound_nodes) == 0


@pytest.mark.parametrize(
    "make, shape, match",
    [
        (lambda: layers.Dense(2, name="d"), (None,), r"known number of features \(last axis\)"),
        (lambda: layers.Conv1D(2, 3, name="c"), (5, None), r"known number of channels"),
        (lambda: layers.GRU(2, name="g"), (4, None), r"known number of features"),
        (lambda: layers.PositionEmbedding(8, name="p"), (4, None), r"known number of features"),
    ],
)
def test_unknown_sizes_that_weights_need_are_refused_before_build(make, shape, match):
    layer = make()
    raises_in_voice(lambda: layer(layers.Input(shape)), match)
    assert not layer.built


def test_spec_rules():
    spec = InputSpec(ndim=3, axes={1: 4}, dtype="int", units="steps")
    assert spec.problem((2, 4, 1), "int64") is None
    assert spec.problem((2, 4), "int64") == "expected inputs with 3 axes, got shape (2, 4)"
    assert spec.problem((2, 5, 1), "int32") == "expected 4 steps (axis 1), got shape (2, 5, 1)"
    assert spec.problem((2, 4, 1), "float32") == "expected int inputs, got dtype float32"
    assert (
        InputSpec(max_ndim=2, hint="flatten it").problem((1, 2, 3))
        == "expected inputs with at most 2 axes, got shape (1, 2, 3); flatten it"
    )
    with pytest.raises(ValueError, match="InputSpec: dtype must be one of"):
        InputSpec(dtype="complex")


def test_a_custom_layer_declares_its_spec_and_several_inputs_are_checked_in_order():
    class Pair(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = [InputSpec(ndim=2), None]

        def call(self, inputs, training=None):
            a, b = inputs
            return a + b

    layer = Pair(name="pair")
    assert layer([np.ones((2, 3)), np.ones(3)]).shape == (2, 3)
    raises_in_voice(
        lambda: layer([np.ones(3), np.ones(3)]),
        r"^Pair 'pair': expected inputs "
        r"with 2 axes, got shape \(3,\)$",
    )
    single = layers.Dense(2, name="one")
    with pytest.raises(ValueError, match="Dense 'one': expected one input, got 2"):
        single([np.ones((1, 2)), np.ones((1, 2))])


def test_base_errors_speak_in_the_same_voice():
    layer = layers.Dense(2, name="d")
    layer(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"^Dense 'd': set_weights expected 2 arrays"):
        layer.set_weights([np.ones((3, 2))])
    with pytest.raises(ValueError, match=r"^Dense 'd': weight d/kernel has shape"):
        layer.set_weights([np.ones((2, 2)), np.ones(2)])
    with pytest.raises(
        AttributeError,
        match=r"^Dense 'd': the layer has not been called on a "
        r"symbolic input",
    ):
        layer.output
    assert pf.Sequential([layers.Input((3,)), layers.Dense(2)]).predict(np.ones((1, 3))).shape == (
        1,
        2,
    )
