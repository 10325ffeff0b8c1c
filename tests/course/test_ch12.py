"""Chapter 12's checkers, each with a right and a wrong answer."""

import profundo as pf
from profundo import layers
from profundo.course import ch12


def _base_and_model(freeze, compile_it=True):
    base = pf.Sequential([layers.Input((4,)), layers.Dense(3)])
    base.trainable = not freeze
    model = pf.Sequential([layers.Input((4,)), base, layers.Dense(2)])
    if compile_it:
        model.compile(optimizer="adam", loss="mse")
    return model, base


def test_freeze():
    assert ch12.check_freeze(*_base_and_model(freeze=True))
    v = ch12.check_freeze(*_base_and_model(freeze=False))
    assert not v and "trainable = False" in v.message
    assert not ch12.check_freeze(*_base_and_model(freeze=True, compile_it=False))
    assert not ch12.check_freeze(None, None)


def test_gram():
    def right(f):
        flat = f.reshape(-1, f.shape[-1])
        return flat.T @ flat / len(flat)

    assert ch12.check_gram(right)
    v = ch12.check_gram(lambda f: right(f) * f.shape[0] * f.shape[1])
    assert not v and "H·W" in v.message
    assert not ch12.check_gram(lambda f: f.reshape(-1, 3) @ f.reshape(-1, 3).T)
