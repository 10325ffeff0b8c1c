"""Every public layer says what it accepts: it declares an ``input_spec`` (checked by the base class
on every call), or its own code checks how its inputs relate (the merge layers), or it is
exempt here with the reason. A new layer in ``pf.layers`` fails this walk until it joins one of the
three; each layer that checks is called with a bad input and must answer in the one voice,
``<Class> '<name>': expected …, got …``."""

import inspect
import re

import numpy as np
import pytest

import profundo as pf
from profundo import layers

VOICE = re.compile(r"^[A-Z]\w* '[^']+': expected .+, got .+")

#: accepts any input, with the reason
EXEMPT = {
    "Layer": "the base class: subclasses declare what they accept",
    "InputLayer": "the entry of a graph: it makes the input rather than taking one",
    "OpLayer": "an op recorded on symbolic tensors: the op checks its operands",
    "Lambda": "runs the user's function: it accepts what the function accepts",
    "Identity": "returns its input: any shape",
    "Activation": "elementwise: any shape",
    "ELU": "elementwise: any shape",
    "LeakyReLU": "elementwise: any shape",
    "ReLU": "elementwise: any shape",
    "Rescaling": "elementwise: any shape",
    "Dropout": "elementwise: any shape",
    "AlphaDropout": "elementwise: any shape",
    "GaussianDropout": "elementwise: any shape",
    "GaussianNoise": "elementwise: any shape",
    "ActivityRegularization": "returns its input: any shape",
    "Masking": "any shape: the mask is taken along the last axis",
    "Hashing": "raw values of any shape (numbers or strings)",
    "IntegerLookup": "raw values of any shape; its call checks the vocabulary is there",
    "StringLookup": "raw values of any shape; its call checks the vocabulary is there",
    "Discretization": "numbers of any shape; its call checks the bins are there",
    "TextVectorization": "raw text, a string or a batch of strings",
}

#: check how their inputs relate in their own code, on every call (Keras checks these in build)
CHECKS_ITSELF = {
    **dict.fromkeys(
        ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"],
        "a list of inputs of one shape (size 1 broadcasts)",
    ),
    "Concatenate": "a list of inputs that match except along the axis",
    "Dot": "two inputs of one size along the axes",
}


def x(*shape):
    return np.ones(shape, "float32")


ids, text = np.array([[1, 2, 3]]), pf.Tensor(np.array([["a", "b"]]))
q, v = x(2, 3, 4), x(2, 5, 4)

#: class name → (make, a good input, a bad input); a list is the list of inputs (mha: its args)
SAMPLES = {
    "Dense": (lambda: layers.Dense(2), x(1, 4), x(1, 5)),
    "Conv1D": (lambda: layers.Conv1D(2, 3), x(1, 5, 3), x(1, 5)),
    "Conv2D": (lambda: layers.Conv2D(2, 3), x(1, 5, 5, 3), x(1, 5, 5, 2)),
    "Conv3D": (lambda: layers.Conv3D(2, 3), x(1, 5, 5, 5, 3), x(1, 5, 5, 5)),
    "Conv2DTranspose": (lambda: layers.Conv2DTranspose(2, 3), x(1, 5, 5, 3), x(1, 5, 5)),
    "DepthwiseConv2D": (lambda: layers.DepthwiseConv2D(3), x(1, 5, 5, 2), x(1, 5, 5, 3)),
    "SeparableConv2D": (lambda: layers.SeparableConv2D(2, 3), x(1, 5, 5, 3), x(1, 5, 5)),
    "ConvLSTM2D": (lambda: layers.ConvLSTM2D(2, 3), x(1, 2, 5, 5, 1), x(1, 5, 5, 1)),
    "MaxPooling1D": (lambda: layers.MaxPooling1D(), x(1, 4, 2), x(1, 4)),
    "MaxPooling2D": (lambda: layers.MaxPooling2D(), x(1, 4, 4, 1), x(1, 4, 4)),
    "MaxPooling3D": (lambda: layers.MaxPooling3D(), x(1, 4, 4, 4, 1), x(1, 4, 4, 4)),
    "AveragePooling1D": (lambda: layers.AveragePooling1D(), x(1, 4, 2), x(1, 4)),
    "AveragePooling2D": (lambda: layers.AveragePooling2D(), x(1, 4, 4, 1), x(1, 4, 4)),
    "AveragePooling3D": (lambda: layers.AveragePooling3D(), x(1, 4, 4, 4, 1), x(1, 4, 4, 4)),
    "GlobalMaxPooling1D": (lambda: layers.GlobalMaxPooling1D(), x(1, 4, 2), x(1, 4)),
    "GlobalMaxPooling2D": (lambda: layers.GlobalMaxPooling2D(), x(1, 4, 4, 1), x(1, 4)),
    "GlobalMaxPooling3D": (lambda: layers.GlobalMaxPooling3D(), x(1, 2, 2, 2, 1), x(1, 4)),
    "GlobalAveragePooling1D": (lambda: layers.GlobalAveragePooling1D(), x(1, 4, 2), x(1, 4)),
    "GlobalAveragePooling2D": (lambda: layers.GlobalAveragePooling2D(), x(1, 4, 4, 1), x(1, 4)),
    "GlobalAveragePooling3D": (lambda: layers.GlobalAveragePooling3D(), x(1, 2, 2, 2, 1), x(4)),
    "Cropping2D": (lambda: layers.Cropping2D(1), x(1, 4, 4, 1), x(1, 4, 4)),
    "UpSampling2D": (lambda: layers.UpSampling2D(), x(1, 2, 2, 1), x(1, 2, 2)),
    "ZeroPadding2D": (lambda: layers.ZeroPadding2D(), x(1, 2, 2, 1), x(1, 2, 2)),
    "SpatialDropout1D": (lambda: layers.SpatialDropout1D(0.5), x(1, 3, 2), x(1, 3)),
    "SpatialDropout2D": (lambda: layers.SpatialDropout2D(0.5), x(1, 3, 3, 2), x(1, 3, 2)),
    "SimpleRNN": (lambda: layers.SimpleRNN(2), x(1, 4, 3), x(1, 4)),
    "LSTM": (lambda: layers.LSTM(2), x(1, 4, 3), x(1, 4, 2)),
    "GRU": (lambda: layers.GRU(2), x(1, 4, 3), x(1, 4, 2)),
    "Bidirectional": (lambda: layers.Bidirectional(layers.LSTM(2)), x(1, 4, 3), x(1, 4, 2)),
    "TimeDistributed": (lambda: layers.TimeDistributed(layers.Dense(2)), x(1, 2, 3), x(1, 3)),
    "RepeatVector": (lambda: layers.RepeatVector(2), x(1, 3), x(1, 3, 1)),
    "Flatten": (lambda: layers.Flatten(), x(2, 3), x()),
    "Reshape": (lambda: layers.Reshape((3,)), x(2, 3), x()),
    "Permute": (lambda: layers.Permute((2, 1)), x(1, 2, 3), x(1, 2)),
    "PReLU": (lambda: layers.PReLU(), x(2, 3), x(2, 4)),
    "Softmax": (lambda: layers.Softmax(axis=2), x(1, 2, 3), x(2, 3)),
    "UnitNormalization": (lambda: layers.UnitNormalization(axis=-3), x(1, 2, 3), x(2, 3)),
    "BatchNormalization": (lambda: layers.BatchNormalization(), x(2, 3), x(2, 4)),
    "LayerNormalization": (lambda: layers.LayerNormalization(), x(2, 3), x(2, 4)),
    "GroupNormalization": (lambda: layers.GroupNormalization(2), x(1, 3, 4), x(1, 3, 6)),
    "Normalization": (lambda: layers.Normalization(), x(2, 3), x(2, 4)),
    "CategoryEncoding": (lambda: layers.CategoryEncoding(4), ids, x(1, 2, 2)),
    "Sampling": (lambda: layers.Sampling(), [x(2, 3), x(2, 3)], x(2, 3)),
    "Embedding": (lambda: layers.Embedding(5, 2), ids, text),
    "TokenAndPositionEmbedding": (lambda: layers.TokenAndPositionEmbedding(5, 4, 2), ids, text),
    "PositionEmbedding": (lambda: layers.PositionEmbedding(8), q, x(2, 3, 6)),
    "SinePositionEncoding": (lambda: layers.SinePositionEncoding(), q, x(4)),
    "Attention": (lambda: layers.Attention(), [q, v], [q]),
    "AdditiveAttention": (lambda: layers.AdditiveAttention(), [q, v], [x(2, 3, 5), v]),
    "MultiHeadAttention": (lambda: layers.MultiHeadAttention(2, 4), [q, v], [q, x(2, 5, 6)]),
    "TransformerEncoder": (lambda: layers.TransformerEncoder(8, 2), q, x(2, 3, 6)),
    "TransformerDecoder": (lambda: layers.TransformerDecoder(8, 2), q, x(2, 3, 6)),
    "Add": (lambda: layers.Add(), [x(2, 3), x(2, 3)], [x(2, 3), x(2, 4)]),
    "Subtract": (lambda: layers.Subtract(), [x(2, 3), x(2, 3)], [x(2, 3)] * 3),
    "Multiply": (lambda: layers.Multiply(), [x(2, 3), x(2, 3)], x(2, 3)),
    "Average": (lambda: layers.Average(), [x(2, 3), x(2, 3)], [x(2, 3), x(2, 4)]),
    "Maximum": (lambda: layers.Maximum(), [x(2, 3), x(2, 3)], [x(2, 3), x(2, 4)]),
    "Minimum": (lambda: layers.Minimum(), [x(2, 3), x(2, 3)], [x(2, 3), x(2, 4)]),
    "Concatenate": (lambda: layers.Concatenate(), [x(2, 3), x(2, 1)], [x(2, 3, 1), x(2, 4, 1)]),
    "Dot": (lambda: layers.Dot(axes=1), [x(2, 3), x(2, 3)], [x(2, 3), x(2, 4)]),
    "CenterCrop": (lambda: layers.CenterCrop(2, 2), x(1, 4, 4, 1), x(4, 4)),
    "Resizing": (lambda: layers.Resizing(2, 2), x(1, 4, 4, 1), x(4, 4)),
    "RandomCrop": (lambda: layers.RandomCrop(2, 2), x(1, 4, 4, 1), x(4, 4)),
    "RandomFlip": (lambda: layers.RandomFlip(), x(1, 4, 4, 1), x(4, 4)),
    "RandomRotation": (lambda: layers.RandomRotation(0.1), x(1, 4, 4, 1), x(4, 4)),
    "RandomTranslation": (lambda: layers.RandomTranslation(0.1, 0.1), x(1, 4, 4, 1), x(4, 4)),
    "RandomZoom": (lambda: layers.RandomZoom(0.1), x(1, 4, 4, 1), x(4, 4)),
    "RandomContrast": (lambda: layers.RandomContrast(0.1), x(1, 4, 4, 1), x(4, 4)),
    "RandomBrightness": (lambda: layers.RandomBrightness(0.1), x(1, 4, 4, 1), x(4, 4)),
}


def public_layer_classes() -> dict:
    found = {}
    for obj in vars(layers).values():
        if inspect.isclass(obj) and issubclass(obj, layers.Layer):
            found[obj.__name__] = obj
    return found


def test_every_public_layer_declares_its_inputs_checks_them_or_is_exempt_with_a_reason():
    names = set(public_layer_classes())
    assert not set(SAMPLES) & set(EXEMPT)
    assert set(CHECKS_ITSELF) <= set(SAMPLES)
    assert names - set(SAMPLES) - set(EXEMPT) == set(), "declare an input_spec or exempt it"
    assert set(SAMPLES) | set(EXEMPT) <= names, "a layer listed here is gone"
    assert all(len(reason) > 10 for reason in (*EXEMPT.values(), *CHECKS_ITSELF.values()))


def apply(layer, inputs):
    if isinstance(layer, layers.MultiHeadAttention):
        return layer(*inputs)
    return layer(inputs)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_layer_that_checks_refuses_a_bad_input_in_one_voice(name):
    make, good, bad = SAMPLES[name]
    layer = make()
    assert type(layer).__name__ == name
    apply(layer, good)
    declares = layer.input_spec is not None
    assert declares != (name in CHECKS_ITSELF), (
        "declares an input_spec" if declares else "declares nothing"
    )
    with pytest.raises(ValueError) as info:
        apply(layer, bad)
    message = str(info.value)
    assert VOICE.match(message) and message.startswith(f"{name} '{layer.name}': "), message
