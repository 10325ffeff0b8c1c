"""Elementwise ops: gradcheck (float64) and parity with PyTorch (float32)."""

import numpy as np
import pytest

import profundo as pf
from profundo.testing import assert_close

SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (2, 3))]


def positive(*shape):
    return pf.rand(*shape) + 0.5


@pytest.mark.parametrize("sa,sb", SHAPES)
@pytest.mark.parametrize("op", [pf.add, pf.sub, pf.mul, pf.div, pf.maximum, pf.minimum])
def test_binary_gradcheck_with_broadcasting(op, sa, sb):
    pf.gradcheck(op, [pf.randn(*sa), positive(*sb)])


def test_pow_gradcheck_in_base_and_exponent():
    pf.gradcheck(lambda a, p: a**p, [positive(3, 2), pf.randn(2)])
    pf.gradcheck(lambda a: a**3, [pf.randn(4)])
    pf.gradcheck(lambda p: 2.0**p, [pf.randn(4)])


@pytest.mark.parametrize(
    "op,make",
    [
        (pf.exp, pf.randn),
        (pf.log, positive),
        (pf.sqrt, positive),
        (pf.abs, pf.randn),
        (lambda x: pf.clip(x, -0.5, 0.5), pf.randn),
        (lambda x: -x, pf.randn),
    ],
)
def test_unary_gradcheck(op, make):
    pf.gradcheck(op, [make(3, 4)])


def test_non_contiguous_input_and_reuse():
    x = pf.randn(4, 3).numpy().T  # a transposed, non-contiguous array
    pf.gradcheck(lambda t: t * t.exp() / (t.abs() + 1), [x])


def test_where_routes_gradients():
    cond = pf.randn(3, 4).numpy() > 0
    pf.gradcheck(lambda a, b: pf.where(cond, a, b), [pf.randn(3, 4), pf.randn(4)])


def test_ties_split_the_gradient_in_maximum():
    a = pf.tensor([1.0, 2.0], requires_grad=True)
    b = pf.tensor([1.0, 3.0], requires_grad=True)
    pf.maximum(a, b).sum().backward()
    assert_close(a.grad, [0.5, 0.0])
    assert_close(b.grad, [0.5, 1.0])


def test_sign_has_no_gradient_and_clip_needs_a_bound():
    assert not pf.sign(pf.randn(3, requires_grad=True)).requires_grad
    with pytest.raises(ValueError, match="clip"):
        pf.clip(pf.randn(3), None, None)


def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"Mul: .*\(2, 3\).*\(4, 5\)"):
        pf.randn(2, 3) * pf.randn(4, 5)


TORCH_OPS = [
    ("add", lambda m, a, b: m.add(a, b) if m is pf else a + b),
    ("sub", lambda m, a, b: a - b),
    ("mul", lambda m, a, b: a * b),
    ("div", lambda m, a, b: a / b),
    ("pow", lambda m, a, b: a**b),
    ("maximum", lambda m, a, b: m.maximum(a, b)),
    ("minimum", lambda m, a, b: m.minimum(a, b)),
    ("exp", lambda m, a, b: m.exp(a) * b),
    ("log", lambda m, a, b: m.log(a) * b),
    ("sqrt", lambda m, a, b: m.sqrt(a) + b),
    ("abs", lambda m, a, b: m.abs(a - 1) * b),
    ("clip", lambda m, a, b: m.clip(a, 0.7, 1.2) * b),
    ("where", lambda m, a, b: m.where(a > 1, a, b)),
]


@pytest.mark.parametrize("name,f", TORCH_OPS, ids=[n for n, _ in TORCH_OPS])
def test_parity_with_torch(name, f):
    torch = pytest.importorskip("torch")
    a_np = np.random.rand(3, 4).astype(np.float32) + 0.5
    b_np = np.random.rand(4).astype(np.float32) + 0.5
    a, b = pf.tensor(a_np, requires_grad=True), pf.tensor(b_np, requires_grad=True)
    ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
    out, tout = f(pf, a, b), f(torch, ta, tb)
    assert out.dtype == np.float32
    assert_close(out, tout, what=name)
    out.sum().backward()
    tout.sum().backward()
    assert_close(a.grad, ta.grad, what=f"{name} grad a")
    assert_close(b.grad, tb.grad, what=f"{name} grad b")
    assert a.grad.dtype == np.float32
