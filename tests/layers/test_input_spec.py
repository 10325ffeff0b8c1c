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
    assert spec.problem((2, 4, 1), "float32") == "expected inputs of a int dtype, got dtype float32"
    assert (
        InputSpec(max_ndim=2, hint="flatten it").problem((1, 2, 3))
        == "expected inputs with at most 2 axes, got shape (1, 2, 3); flatten it"
    )
    with pytest.raises(ValueError, match="InputSpec: dtype must be a dtype or one of"):
        InputSpec(dtype="floaty")


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


# --- layers of several inputs: a list (or dict) of specs, one per input, some optional ----------
def test_list_specs_name_the_missing_inputs_and_check_dicts_by_name():
    specs = [InputSpec(ndim=2, name="a"), InputSpec(name="b", optional=True)]
    assert layers.input_spec.list_problem(specs, [np.ones((1, 2))]) is None
    assert layers.input_spec.list_problem(specs, {"a": np.ones((1, 2)), "c": 1}) is None
    assert (
        layers.input_spec.list_problem(specs, {"b": np.ones(2)})
        == "expected inputs [a] (and optionally b), got 1 input"
    )
    assert (
        layers.input_spec.list_problem(specs, [(None, 2, 3)])
        == "expected a with 2 axes, got shape (None, 2, 3)"
    )


q3, v3 = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 6), "float32")


@pytest.mark.parametrize(
    "make, call, match",
    [
        (
            lambda: layers.Attention(name="a"),
            lambda layer: layer(q3),
            (
                r"^Attention 'a': expected inputs \[query, value\] \(and optionally key\), "
                r"got 1 input$"
            ),
        ),
        (
            lambda: layers.Attention(name="a"),
            lambda layer: layer([q3, np.ones(4)]),
            (
                r"^Attention 'a': expected value of shape \(batch, …, steps, features\) "
                r"with at least 2 axes, got shape \(4,\)$"
            ),
        ),
        (
            lambda: layers.Attention(name="a"),
            lambda layer: layer([q3, v3]),
            r"^Attention 'a': expected query and key with the same number of features \(last "
            r"axis\), got query \(2, 3, 4\) and key \(2, 5, 6\)$",
        ),
        (
            lambda: layers.AdditiveAttention(name="a"),
            lambda layer: layer([q3, q3, q3, q3]),
            r"^AdditiveAttention 'a': expected inputs \[query, value\] \(and optionally key\), "
            r"got 4 inputs$",
        ),
        (
            lambda: layers.AdditiveAttention(name="a"),
            lambda layer: layer([q3, v3, np.ones((2, 4, 4))]),
            r"^AdditiveAttention 'a': expected key and value with the same number of steps",
        ),
        (
            lambda: layers.MultiHeadAttention(2, 4, name="m"),
            lambda layer: layer(q3, np.ones((2, 5))),
            r"^MultiHeadAttention 'm': expected value of shape \(batch, …, features\) with at "
            r"least 3 axes, got shape \(2, 5\)$",
        ),
        (
            lambda: layers.TransformerEncoder(8, 2, name="t"),
            lambda layer: layer(np.ones((2, 4))),
            r"^TransformerEncoder 't': expected inputs of shape \(batch, steps, features\) with at "
            r"least 3 axes, got shape \(2, 4\)$",
        ),
        (
            lambda: layers.TransformerEncoder(8, 8, name="t"),
            lambda layer: layer(q3),
            r"^TransformerEncoder 't': expected at least num_heads = 8 features \(last axis\), "
            r"got 4$",
        ),
        (
            lambda: layers.TransformerDecoder(8, 2, name="t"),
            lambda layer: layer(q3, np.ones((2, 5))),
            r"^TransformerDecoder 't': expected encoder_sequence of shape \(batch, steps, "
            r"features\) with at least 3 axes, got shape \(2, 5\)$",
        ),
        (
            lambda: layers.Embedding(5, 2, name="e"),
            lambda layer: layer(pf.Tensor(np.array([["a"]]))),
            r"^Embedding 'e': expected ids of a number dtype, got dtype str32; turn text",
        ),
        (
            lambda: layers.TokenAndPositionEmbedding(5, 4, 2, name="e"),
            lambda layer: layer(pf.Tensor(np.array([["a"]]))),
            r"^TokenAndPositionEmbedding 'e': expected ids of a number dtype, got dtype str32",
        ),
    ],
)
def test_layers_of_several_inputs_refuse_bad_ones_in_one_voice(make, call, match):
    raises_in_voice(lambda: call(make()), match)


@pytest.mark.parametrize(
    "make, good, bad, match",
    [
        (
            lambda: layers.MultiHeadAttention(2, 4, name="m"),
            [q3, v3],
            [q3, np.ones((2, 5, 7))],
            r"^MultiHeadAttention 'm': expected 6 features \(last axis\), got shape \(2, 5, 7\)$",
        ),
        (
            lambda: layers.AdditiveAttention(name="a"),
            [q3, v3, np.ones((2, 5, 4))],
            [np.ones((2, 3, 5)), v3, np.ones((2, 5, 5))],
            r"^AdditiveAttention 'a': expected 4 features \(last axis\), got shape \(2, 3, 5\)$",
        ),
        (
            lambda: layers.TransformerEncoder(8, 2, name="t"),
            [q3],
            [np.ones((2, 3, 6))],
            r"^TransformerEncoder 't': expected 4 features \(last axis\), got shape \(2, 3, 6\)$",
        ),
        (
            lambda: layers.PositionEmbedding(8, name="p"),
            [q3],
            [np.ones((2, 3, 6))],
            r"^PositionEmbedding 'p': expected 4 features \(last axis\), got shape \(2, 3, 6\)$",
        ),
    ],
)
def test_attention_layers_keep_the_sizes_their_weights_were_made_for(make, good, bad, match):
    layer = make()

    def apply(inputs):  # mha(query, value); the others take a list, or one tensor
        if isinstance(layer, layers.MultiHeadAttention):
            return layer(*inputs)
        return layer(inputs if len(inputs) > 1 else inputs[0])

    apply(good)
    raises_in_voice(lambda: apply(bad), match)


# --- merge layers: a list of inputs that agree with each other, checked on every call ----------
a23, a24 = np.ones((2, 3), "float32"), np.ones((2, 4), "float32")


@pytest.mark.parametrize(
    "make, inputs, match",
    [
        (
            lambda: layers.Add(name="m"),
            [a23, a24],
            r"^Add 'm': expected inputs of the same shape \(or size 1 where they differ\), got "
            r"shapes \(2, 3\), \(2, 4\)$",
        ),
        (
            lambda: layers.Multiply(name="m"),
            a23,
            r"^Multiply 'm': expected a list of inputs, got one input of shape \(2, 3\)$",
        ),
        (lambda: layers.Subtract(name="m"), [a23] * 3, r"^Subtract 'm': expected 2 inputs, got 3$"),
        (lambda: layers.Average(name="m"), [], r"^Average 'm': expected at least 1 inputs, got 0$"),
        (
            lambda: layers.Maximum(name="m"),
            [a23, a24],
            r"^Maximum 'm': expected inputs of the same",
        ),
        (
            lambda: layers.Minimum(name="m"),
            [a23, a24],
            r"^Minimum 'm': expected inputs of the same",
        ),
        (
            lambda: layers.Concatenate(name="m"),
            [np.ones((2, 3, 2)), np.ones((2, 4, 2))],
            r"^Concatenate 'm': expected inputs that match except along axis -1, got shapes "
            r"\(2, 3, 2\), \(2, 4, 2\)$",
        ),
        (
            lambda: layers.Dot(axes=1, name="m"),
            [a23, a24],
            r"^Dot 'm': expected the same size along axes \(1, 1\), got shapes \(2, 3\) and "
            r"\(2, 4\)$",
        ),
        (lambda: layers.Dot(axes=1, name="m"), [a23], r"^Dot 'm': expected 2 inputs, got 1$"),
    ],
)
def test_merge_layers_refuse_inputs_that_disagree_on_every_call(make, inputs, match):
    layer = make()
    if isinstance(inputs, list) and len(inputs) == 2:  # a first good call builds the layer
        layer([inputs[0], inputs[0]])
    raises_in_voice(lambda: layer(inputs), match)
    if isinstance(inputs, list) and inputs:  # the same check, symbolically
        symbolic = [layers.Input(x.shape[1:]) for x in inputs]
        raises_in_voice(lambda: make()(symbolic), match.split(" got ")[0])


def test_layers_working_along_an_axis_need_inputs_that_have_it():
    raises_in_voice(
        lambda: layers.Softmax(axis=(1, 3), name="s")(np.ones((2, 3))),
        r"^Softmax 's': expected inputs with at least 4 axes, got shape \(2, 3\); the layer "
        r"works along axis=\(1, 3\)$",
    )
    raises_in_voice(
        lambda: layers.UnitNormalization(axis=-2, name="u")(np.ones(3)),
        r"^UnitNormalization 'u': expected inputs with at least 2 axes, got shape \(3,\)",
    )
    assert layers.Softmax(axis=-1)(np.zeros((2, 3))).shape == (2, 3)


def test_keras_spellings_of_a_spec_shape_and_one_dtype():
    spec = InputSpec(shape=(None, 28, 28, 1), dtype="float32")
    assert (spec.ndim, spec.axes, spec.dtype) == (4, {1: 28, 2: 28, 3: 1}, "float32")
    assert spec.problem((None, 28, 28, 1), "float32") is None
    assert spec.problem((5, 28, 28, 1), "float64") == (
        "expected inputs of dtype float32, got dtype float64"
    )
    assert spec.problem((5, 28, 27, 1), "float32") == (
        "expected 28 entries (axis 2), got shape (5, 28, 27, 1)"
    )

    class Images(layers.Layer):  # a Keras program's custom layer, as Keras' guide writes it
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = pf.InputSpec(shape=(None, 4, 4, 1))

        def call(self, inputs):
            return inputs * 2

    layer = Images(name="img")
    assert layer(np.ones((2, 4, 4, 1), "float32")).shape == (2, 4, 4, 1)
    raises_in_voice(lambda: layer(np.ones((2, 4, 5, 1))), r"^Images 'img': expected 4 entries")
