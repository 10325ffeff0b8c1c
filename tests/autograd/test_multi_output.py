"""Ops with several outputs: one node, one backward call with one gradient per output."""

import traceback

import numpy as np
import pytest

import profundo as pf
from profundo import backend as B
from profundo.autograd import Function


class SumAndProduct(Function):
    """s = a + b, p = a·b;  ∂L/∂a = ∂L/∂s + ∂L/∂p · b,  ∂L/∂b = ∂L/∂s + ∂L/∂p · a"""

    calls = 0

    def forward(self, a, b):
        self.a, self.b = a, b
        return a + b, a * b

    def backward(self, grad_s, grad_p):
        type(self).calls += 1
        self.seen = (grad_s is None, grad_p is None)
        zero = B.xp.zeros_like(self.a)
        gs = zero if grad_s is None else grad_s
        gp = zero if grad_p is None else grad_p
        return gs + gp * self.b, gs + gp * self.a


def test_apply_returns_one_tensor_per_output_sharing_one_node():
    a, b = pf.randn(3, requires_grad=True), pf.randn(3, requires_grad=True)
    s, p = SumAndProduct.apply(a, b)
    assert s.grad_fn is p.grad_fn and isinstance(s.grad_fn, SumAndProduct)
    np.testing.assert_allclose(p.numpy(), a.numpy() * b.numpy())


def test_backward_runs_once_for_both_outputs_and_matches_finite_differences():
    a, b = pf.randn(4, dtype="float64"), pf.randn(4, dtype="float64")

    def f(a, b):
        s, p = SumAndProduct.apply(a, b)
        return (s * s).sum() + (p.tanh() * s).sum()

    SumAndProduct.calls = 0
    x, y = a.detach().requires_grad_(), b.detach().requires_grad_()
    f(x, y).backward()
    assert SumAndProduct.calls == 1
    assert pf.gradcheck(f, [a, b])


def test_an_output_no_gradient_reached_gets_none():
    a, b = pf.randn(3, requires_grad=True), pf.randn(3, requires_grad=True)
    s, p = SumAndProduct.apply(a, b)
    fn = p.grad_fn
    p.sum().backward(retain_graph=True)
    assert fn.seen == (True, False)
    np.testing.assert_allclose(a.grad, b.numpy(), rtol=1e-6)


def test_a_freed_multi_output_node_says_so():
    a = pf.randn(3, requires_grad=True)
    s, p = SumAndProduct.apply(a, a)
    (s + p).sum().backward()
    with pytest.raises(
        RuntimeError, match="already freed.*SumAndProduct|SumAndProduct.*already freed"
    ):
        (s + p).sum().backward()


class Picky(Function):
    def forward(self, x):
        if x.ndim != 2:
            raise TypeError(f"expected a matrix, got {x.ndim} dimensions")
        return x


def test_errors_from_forward_name_the_op_and_keep_its_frame():
    with pytest.raises(TypeError, match=r"Picky: expected a matrix, got 1 dimensions") as info:
        Picky.apply(pf.randn(3))
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert "forward" in frames
