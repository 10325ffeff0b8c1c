"""Regularizers: penalty values, gradients (finite differences), configs and names."""

import numpy as np
import pytest

import profundo as pf
from profundo import regularizers
from profundo.testing import assert_close


@pytest.fixture
def w():
    return np.random.default_rng(0).normal(size=(4, 3))


@pytest.mark.parametrize(
    "reg, expected",
    [
        (regularizers.L1(0.1), lambda w: 0.1 * np.abs(w).sum()),
        (regularizers.L2(0.2), lambda w: 0.2 * (w**2).sum()),
        (regularizers.L1L2(l1=0.1, l2=0.2), lambda w: 0.1 * np.abs(w).sum() + 0.2 * (w**2).sum()),
        (regularizers.L1L2(), lambda w: 0.0),
    ],
)
def test_values(reg, w, expected):
    penalty = reg(pf.tensor(w, dtype="float64"))
    assert penalty.shape == () and penalty.dtype == np.float64
    assert penalty.item() == pytest.approx(expected(w))
    assert reg(pf.tensor(w)).dtype == np.float32  # float32 weights: a float32 penalty
    assert reg(w).item() == pytest.approx(expected(w), rel=1e-6)


@pytest.mark.parametrize(
    "reg",
    [regularizers.L1(0.1), regularizers.L2(0.2), regularizers.L1L2(l1=0.3, l2=0.05)],
    ids=repr,
)
def test_gradients(reg, w):
    assert pf.gradcheck(reg, [pf.tensor(w, dtype="float64")])
    x = pf.tensor(w, dtype="float64", requires_grad=True)
    reg(x).backward()
    expected = reg.get_config().get("l1", 0) * np.sign(w) + 2 * reg.get_config().get("l2", 0) * w
    assert_close(x.grad, expected)


def test_config_and_get():
    for reg in (regularizers.L1(0.3), regularizers.L2(), regularizers.L1L2(l1=0.1, l2=0.2)):
        again = regularizers.get(regularizers.serialize(reg))
        assert type(again) is type(reg) and again.get_config() == reg.get_config()
    assert regularizers.L1().get_config() == {"l1": 0.01}
    assert regularizers.get("l2").get_config() == {"l2": 0.01}
    assert regularizers.get("L1").get_config() == {"l1": 0.01}
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    l2 = regularizers.L2()
    assert regularizers.get(l2) is l2 and regularizers.get(None) is None


def test_errors():
    with pytest.raises(ValueError, match="unknown regularizer 'l3'.*known: l1, l1_l2, l2"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="L2: l2 must be ≥ 0, got -1"):
        regularizers.L2(-1)
    with pytest.raises(TypeError, match="got float"):
        regularizers.get(0.01)


def test_keras_function_style_names_are_the_classes():
    keras = pytest.importorskip("keras")
    for name in ("l1", "l2", "l1_l2"):
        ours, theirs = getattr(regularizers, name), getattr(keras.regularizers, name)
        assert ours.__name__ == theirs.__name__, name
    w = np.array([1.0, -2.0], dtype=np.float32)
    for ours, theirs in (
        (regularizers.l1(0.1), keras.regularizers.l1(0.1)),
        (regularizers.l1_l2(0.1, 0.5), keras.regularizers.l1_l2(0.1, 0.5)),
    ):
        assert_close(ours(w).numpy(), float(theirs(w)), rtol=1e-6)
