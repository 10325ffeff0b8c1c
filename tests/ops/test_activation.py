"""Activation ops: gradcheck (float64), parity with PyTorch (float32), stability at ±100, dtypes."""

import math

import numpy as np
import pytest

import profundo as pf
from profundo.ops.activation import SELU_ALPHA, SELU_SCALE, erfc, normal_cdf
from profundo.testing import assert_close, to_numpy

# name: (the op, its kinks — points where the derivative jumps, kept away from in gradcheck)
OPS = {
    "sigmoid": (pf.sigmoid, ()),
    "tanh": (pf.tanh, ()),
    "relu": (pf.relu, (0,)),
    "relu6": (pf.relu6, (0, 6)),
    "leaky_relu": (pf.leaky_relu, (0,)),
    "elu": (lambda x: pf.elu(x, alpha=1.5), (0,)),
    "selu": (pf.selu, (0,)),
    "gelu": (pf.gelu, ()),
    "gelu_tanh": (lambda x: pf.gelu(x, approximate=True), ()),
    "softplus": (pf.softplus, ()),
    "softsign": (pf.softsign, ()),
    "silu": (pf.silu, ()),
    "hard_sigmoid": (pf.hard_sigmoid, (-3, 3)),
    "exponential": (pf.exponential, ()),
    "linear": (pf.linear, ()),
}


def away_from(kinks, shape, low=-7.5, high=7.5):
    """Uniform float64 samples, each at least 0.1 from every kink."""
    x = np.random.uniform(low, high, shape)
    for k in kinks:
        x = np.where(np.abs(x - k) < 0.1, x + 0.2, x)
    return x


@pytest.mark.parametrize("name", OPS)
def test_gradcheck_on_a_non_contiguous_input(name):
    op, kinks = OPS[name]
    x = away_from(kinks, (4, 3)).T  # transposed: not C-contiguous
    pf.gradcheck(op, [x])


def test_gradcheck_with_the_input_used_twice():
    pf.gradcheck(lambda x: pf.sigmoid(x) * pf.tanh(x) + pf.gelu(x).softplus(), [pf.randn(2, 3)])


F_TORCH = {
    "sigmoid": lambda F, t: F.sigmoid(t),
    "tanh": lambda F, t: F.tanh(t),
    "relu": lambda F, t: F.relu(t),
    "relu6": lambda F, t: F.relu6(t),
    "leaky_relu": lambda F, t: F.leaky_relu(t, 0.2),
    "elu": lambda F, t: F.elu(t, alpha=1.5),
    "selu": lambda F, t: F.selu(t),
    "gelu": lambda F, t: F.gelu(t),
    "gelu_tanh": lambda F, t: F.gelu(t, approximate="tanh"),
    "softplus": lambda F, t: F.softplus(t),
    "softsign": lambda F, t: F.softsign(t),
    "silu": lambda F, t: F.silu(t),
    "hard_sigmoid": lambda F, t: F.hardsigmoid(t),
}


@pytest.mark.parametrize("name", F_TORCH)
def test_parity_with_torch_float32(name):
    torch = pytest.importorskip("torch")
    # random points, plus the kinks themselves, to pin the derivative's convention there
    x_np = np.concatenate([np.random.randn(30) * 4, [-6, -3, 0, 3, 6]]).astype(np.float32)
    g_np = np.random.randn(x_np.size).astype(np.float32)
    x = pf.tensor(x_np, requires_grad=True)
    t = torch.tensor(x_np, requires_grad=True)
    y, ty = OPS[name][0](x), F_TORCH[name](torch.nn.functional, t)
    assert y.dtype == np.float32
    assert_close(y, ty, what=name)
    y.backward(g_np)
    ty.backward(torch.tensor(g_np))
    assert_close(x.grad, t.grad, what=f"{name} grad")
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("name", [n for n in OPS if n != "exponential"])
def test_extreme_inputs_give_finite_values_and_gradients_without_warnings(name):
    x = pf.tensor([-1000.0, -100.0, -30.0, 0.5, 30.0, 100.0, 1000.0], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = OPS[name][0](x)
        y.sum().backward()
    assert np.isfinite(y.numpy()).all() and np.isfinite(x.grad).all()


def test_saturating_values_at_the_extremes():
    x = pf.tensor([-100.0, 100.0])
    assert_close(pf.sigmoid(x), [0.0, 1.0])
    assert_close(pf.tanh(x), [-1.0, 1.0])
    assert_close(pf.softplus(x), [0.0, 100.0])
    assert_close(pf.elu(x), [-1.0, 100.0])
    assert_close(pf.gelu(x), [0.0, 100.0])


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(name, dtype):
    x = pf.tensor(np.random.randn(5), dtype=dtype, requires_grad=True)
    y = OPS[name][0](x)
    y.sum().backward()
    assert y.dtype == dtype and x.grad.dtype == dtype


def test_each_op_is_a_tensor_method():
    x = pf.randn(2, 3)
    for name in [
        "step",
        "sigmoid",
        "tanh",
        "relu",
        "relu6",
        "leaky_relu",
        "elu",
        "selu",
        "gelu",
        "softplus",
        "softsign",
        "silu",
        "swish",
        "hard_sigmoid",
        "exponential",
    ]:
        assert_close(getattr(x, name)(), getattr(pf, name)(x), what=name)
    assert pf.swish is pf.silu


def test_step_is_heaviside_in_the_input_dtype_without_gradient():
    x = pf.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    y = pf.step(x)
    assert_close(y, [0.0, 1.0, 1.0])
    assert y.dtype == np.float32 and not y.requires_grad
    assert pf.step(pf.tensor([-1, 0, 5])).tolist() == [0, 1, 1]


def test_defaults_documented_values():
    x = pf.tensor([-1.0, 1.0])
    assert_close(pf.leaky_relu(x), [-0.2, 1.0])  # Keras 3's slope 0.2
    assert_close(pf.leaky_relu(x, negative_slope=0.01), [-0.01, 1.0])
    assert_close(pf.elu(x), [math.expm1(-1), 1.0])
    assert_close(pf.selu(x), [SELU_SCALE * SELU_ALPHA * math.expm1(-1), SELU_SCALE])
    assert_close(pf.hard_sigmoid(pf.tensor([-3.0, 0.0, 3.0])), [0.0, 0.5, 1.0])
    assert_close(pf.gelu(x, approximate="tanh"), pf.gelu(x, approximate=True))
    assert_close(pf.gelu(x, approximate="none"), pf.gelu(x))


def test_linear_is_the_identity_and_passes_the_gradient():
    x = pf.randn(3, requires_grad=True)
    assert pf.linear(x) is x
    (pf.linear(x) * 2).sum().backward()
    assert_close(x.grad, [2.0, 2.0, 2.0])


def test_erfc_and_normal_cdf_against_the_standard_library():
    x = np.linspace(-9, 9, 3601)
    ref = np.array([math.erfc(v) for v in x])
    xb = pf.backend.xp.asarray(x)
    assert np.max(np.abs(to_numpy(erfc(xb)) - ref) / ref) < 1.2e-7  # relative, even in the tails
    cdf = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    assert np.max(np.abs(to_numpy(normal_cdf(xb)) - cdf)) < 1e-7


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="gelu: approximate .* got 'fast'"):
        pf.gelu(pf.randn(3), approximate="fast")
