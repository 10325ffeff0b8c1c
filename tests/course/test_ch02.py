"""Chapter 2's checkers, each with a right and a wrong answer."""

import numpy as np

import profundo as pf
from profundo import layers, optimizers
from profundo.course import ch02
from profundo.playground.datasets import make_points


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_derivative():
    assert ch02.check_derivative(lambda x: sigmoid(x) * (1 - sigmoid(x)), "sigmoid")
    wrong = ch02.check_derivative(sigmoid, "sigmoid")
    assert not wrong and "autodiff" in wrong.message
    assert ch02.check_derivative(lambda x: 1 - np.tanh(x) ** 2, "tanh")
    assert not ch02.check_derivative(lambda x: 1 - np.tanh(x), "tanh")
    assert not ch02.check_derivative(lambda x: 1.0, "tanh")  # a scalar: the shape is named


def test_softmax():
    def stable(z):
        e = np.exp(z - z.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    assert ch02.check_softmax(stable)
    naive = ch02.check_softmax(lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True))
    assert not naive and "maximum" in naive.message
    assert not ch02.check_softmax(lambda z: np.exp(z) / np.exp(z).sum())  # over all, not per row


def test_classifier():
    x, y = make_points("xor", n=400, noise=0.05, seed=0)
    model = pf.Sequential(
        [
            layers.Input((2,)),
            layers.Dense(8, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(0.05), loss="binary_crossentropy")
    model.fit(x / 6, y, epochs=40, batch_size=32, verbose=0)
    assert ch02.check_classifier(model, "xor")
    linear = pf.Sequential([layers.Input((2,)), layers.Dense(1, activation="sigmoid")])
    linear.compile(optimizer=optimizers.Adam(0.05), loss="binary_crossentropy")
    linear.fit(x / 6, y, epochs=5, batch_size=32, verbose=0)
    assert not ch02.check_classifier(linear, "xor")
    assert not ch02.check_classifier(None)


def test_a_function_left_blank_is_told_to_write_its_formula():
    assert "None" in ch02.check_derivative(lambda x: None).message
    assert "None" in ch02.check_softmax(lambda z: None).message
