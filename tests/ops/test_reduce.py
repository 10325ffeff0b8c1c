"""Reductions: gradcheck over axes/keepdims and parity with PyTorch."""

import numpy as np
import pytest

import profundo as pf
from profundo.testing import assert_close

AXES = [None, 0, 1, -1, (0, 2)]


@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "var", "std", "logsumexp"])
def test_gradcheck(name, axis, keepdims):
    x = pf.randn(2, 3, 4)
    pf.gradcheck(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), [x])


def test_max_ties_share_the_gradient():
    x = pf.tensor([[1.0, 3.0], [3.0, 2.0]], requires_grad=True)
    x.max().backward()
    assert_close(x.grad, [[0.0, 0.5], [0.5, 0.0]])


def test_logsumexp_is_stable_for_huge_inputs():
    x = pf.tensor([1000.0, 1000.0, -1000.0], requires_grad=True)
    y = x.logsumexp()
    assert np.isfinite(y.item()) and abs(y.item() - (1000 + np.log(2))) < 1e-3
    y.backward()
    assert_close(x.grad, [0.5, 0.5, 0.0])


def test_argmax_argmin():
    x = pf.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    assert pf.argmax(x, axis=1).tolist() == [1, 0]
    assert x.argmin(axis=0).tolist() == [0, 1, 0]
    assert x.argmax().item() == 3
    assert not pf.argmax(pf.randn(3, requires_grad=True)).requires_grad


def test_bad_axis_is_reported():
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        pf.randn(2, 3).sum(axis=3)


@pytest.mark.parametrize("axis", [None, 1, (0, 2)])
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "var", "std", "logsumexp"])
def test_parity_with_torch(name, axis):
    torch = pytest.importorskip("torch")
    x_np = np.random.randn(2, 3, 4).astype(np.float32)
    x, tx = pf.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    y = getattr(x, name)(axis=axis)
    dims = tuple(range(3)) if axis is None else axis
    if name in ("max", "min"):
        ty = getattr(torch, "amax" if name == "max" else "amin")(tx, dim=dims)
    elif name in ("var", "std"):
        ty = getattr(tx, name)(dim=dims, unbiased=False)
    else:
        ty = getattr(tx, name)(dim=dims)
    assert_close(y, ty, what=name)
    y.sum().backward()
    ty.sum().backward()
    assert_close(x.grad, tx.grad, what=f"{name} grad")
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
