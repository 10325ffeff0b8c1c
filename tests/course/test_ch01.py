"""Chapter 1's checkers, each with a right and a wrong answer."""

import warnings

import numpy as np

import profundo as pf
from profundo.course import ch01


def test_gate():
    assert ch01.check_gate([1, 1], -0.5, "or")
    wrong = ch01.check_gate([1, 1], -1.5, "or")  # that is AND
    assert not wrong and "(0, 1) → 0 (1)" in wrong.message
    assert not ch01.check_gate(None, None)
    assert not ch01.check_gate([1, 1, 1], 0)


def test_perceptron():
    p = pf.Perceptron()
    p.fit(ch01.INPUTS, ch01.GATES["nand"])
    assert ch01.check_perceptron(p, "nand")
    q = pf.Perceptron()
    q.fit(ch01.INPUTS, ch01.GATES["and"])
    assert not ch01.check_perceptron(q, "nand")
    assert not ch01.check_perceptron(pf.Perceptron(), "nand")


def test_xor_network():
    W1, b1 = np.array([[1, -1], [1, -1]]), np.array([-0.5, 1.5])  # OR and NAND
    assert ch01.check_xor_network(W1, b1, [1, 1], -1.5)  # AND of the two
    assert not ch01.check_xor_network(W1, b1, [1, 1], -0.5)
    assert not ch01.check_xor_network(W1, b1, [1, 1, 1], -1.5)  # shapes named


def test_one_perceptron_cannot_learn_xor():
    p = pf.Perceptron(max_epochs=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p.fit(ch01.INPUTS, ch01.GATES["xor"])
    assert not ch01.check_perceptron(p, "xor")
