"""Chapter 4's checkers, each with a right and a wrong answer."""

import numpy as np

import profundo as pf
from profundo.course import ch04


def by_hand():
    t = ch04.TINY
    h = np.tanh(t["w1"] * t["x"] + t["b1"])
    d_y = 2 * (t["w2"] * h + t["b2"] - t["y"])
    d_z = d_y * t["w2"] * (1 - h**2)
    return {"w1": d_z * t["x"], "b1": d_z, "w2": d_y * h, "b2": d_y}


def test_hand_gradients():
    assert ch04.check_hand_gradients(by_hand())
    wrong = {**by_hand(), "w1": by_hand()["b1"]}  # forgot the factor x
    v = ch04.check_hand_gradients(wrong)
    assert not v and "∂L/∂w1" in v.message and "∂L/∂b1" not in v.message
    assert not ch04.check_hand_gradients({"w1": 1.0})


class Tanh(pf.Function):
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad):
        return grad * (1 - self.y**2)


class TanhWrongBackward(Tanh):
    def backward(self, grad):
        return grad * (1 - self.y)


class Softplus(pf.Function):
    def forward(self, x):
        self.x = x
        return np.log1p(np.exp(x))

    def backward(self, grad):
        return grad / (1 + np.exp(-self.x))


def test_function():
    assert ch04.check_function(Tanh, "tanh")
    v = ch04.check_function(TanhWrongBackward, "tanh")
    assert not v and "backward" in v.message and "forward is right" in v.message
    assert not ch04.check_function(Softplus, "tanh")  # the forward is named
    assert ch04.check_function(Softplus, "softplus")
    assert not ch04.check_function(np.tanh, "tanh")
