"""The autodiff engine: accumulation, broadcasting, graph release, no_grad, anomaly mode."""

import numpy as np
import pytest

import profundo as pf
from profundo.testing import assert_close


def test_gradient_of_a_tensor_used_twice_is_summed():
    x = pf.tensor([3.0], requires_grad=True)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert_close(x.grad, [7.0])


def test_diamond_graph():
    x = pf.tensor([2.0], requires_grad=True)
    a, b = x.exp(), x * 3
    (a * b).backward()  # d/dx (3x eˣ) = 3eˣ + 3x eˣ
    assert_close(x.grad, [3 * np.exp(2) * 3], rtol=1e-6)


def test_leaf_gradients_accumulate_until_zeroed():
    w = pf.tensor([1.0, 2.0], requires_grad=True)
    (w * 2).sum().backward()
    (w * 2).sum().backward()
    assert_close(w.grad, [4.0, 4.0])
    w.zero_grad()
    assert w.grad is None


def test_broadcast_gradients_are_reduced_to_the_input_shape():
    a = pf.randn(4, 1, 3, requires_grad=True)
    b = pf.randn(5, 1, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.shape == (4, 1, 3) and b.grad.shape == (5, 1)
    assert_close(b.grad, np.full((5, 1), a.numpy().sum() * 1.0), rtol=1e-5)


def test_backward_on_non_scalar_without_gradient_is_an_error():
    y = pf.randn(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\).*y.sum\(\).backward\(\)"):
        y.backward()


def test_backward_with_explicit_gradient():
    x = pf.tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(np.array([1.0, 10.0]))
    assert_close(x.grad, [2.0, 40.0])
    with pytest.raises(ValueError, match="expected the output's shape"):
        (x * x).backward(np.ones(3))


def test_graph_is_freed_after_backward_unless_retained():
    x = pf.tensor([1.0], requires_grad=True)
    y = (x * 2).exp()
    y.backward(retain_graph=True)
    y.backward()
    assert_close(x.grad, [4 * np.exp(2)], rtol=1e-6)
    with pytest.raises(RuntimeError, match="already freed"):
        y.backward()


def test_backward_on_tensor_without_grad_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        pf.ones(1).backward()


def test_no_grad_context_and_decorator():
    x = pf.ones(2, requires_grad=True)
    with pf.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None

    @pf.no_grad()
    def double(t):
        return t * 2

    assert not double(x).requires_grad
    assert (x * 2).requires_grad
    with pf.no_grad():
        with pf.enable_grad():
            assert (x * 2).requires_grad


def test_requires_grad_propagates_only_from_inputs_that_need_it():
    a, b = pf.ones(2), pf.ones(2)
    assert not (a + b).requires_grad
    b.requires_grad = True
    assert (a + b).requires_grad


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point.*int64"):
        pf.tensor([1, 2], requires_grad=True)
    t = pf.arange(3)
    with pytest.raises(TypeError, match="floating"):
        t.requires_grad = True


def test_detach_cuts_the_graph():
    x = pf.ones(2, requires_grad=True)
    y = (x * 3).detach()
    assert not y.requires_grad
    (x * y).sum().backward()
    assert_close(x.grad, [3.0, 3.0])


def test_retain_grad_keeps_intermediate_gradient():
    x = pf.tensor([1.0, 2.0], requires_grad=True)
    h = (x * 3).retain_grad()
    (h * h).sum().backward()
    assert_close(h.grad, [6.0, 12.0])


def test_anomaly_mode_names_the_op_that_made_nan():
    x = pf.tensor([0.0, 1.0], requires_grad=True)
    pf.set_debug(True)
    try:
        with pytest.raises(FloatingPointError, match="Sqrt"), np.errstate(divide="ignore"):
            x.sqrt().sum().backward()
    finally:
        pf.set_debug(False)
    x.zero_grad()
    with np.errstate(divide="ignore"):
        x.sqrt().sum().backward()  # without debug: inf, no error
    assert np.isinf(x.grad[0])


def test_deep_chain_has_no_recursion_limit():
    x = pf.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert_close(x.grad, [1.0])


def test_gradcheck_reports_the_worst_element():
    class WrongSquare(pf.Function):
        def forward(self, x):
            self.x = x
            return x * x

        def backward(self, grad):
            return grad * self.x  # should be 2x

    with pytest.raises(pf.GradcheckError, match=r"input 0 .* index \(.*backward gives"):
        pf.gradcheck(lambda t: WrongSquare.apply(t), [pf.randn(3)])
    assert pf.gradcheck(lambda a, b: (a @ b).exp().sum(), [pf.randn(3, 4), pf.randn(4, 2)])


def test_leaf_gradients_are_private_writable_arrays_of_the_leaf_dtype():
    a = pf.ones(3, requires_grad=True)
    b = pf.ones(3, requires_grad=True)
    (a + b).sum().backward()
    assert a.grad is not b.grad and getattr(a.grad.flags, "writeable", True)  # CuPy: always
    a.grad *= 2  # in-place updates of one leaf's grad leave the other alone
    assert_close(b.grad, [1.0, 1.0, 1.0])
    c = pf.ones(2, dtype="float64", requires_grad=True)
    d = pf.ones(2, requires_grad=True)
    (c * d).sum().backward()
    assert d.grad.dtype == np.float32 and c.grad.dtype == np.float64
