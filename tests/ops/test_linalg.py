"""matmul/dot: batching and 1-D rules, gradcheck, parity, and shape errors."""

import numpy as np
import pytest

import profundo as pf
from profundo.testing import assert_close

CASES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((1, 2, 3), (4, 3, 2)),
    ((2, 1, 2, 3), (4, 3, 2)),
]


@pytest.mark.parametrize("sa,sb", CASES)
def test_gradcheck(sa, sb):
    pf.gradcheck(lambda a, b: a @ b, [pf.randn(*sa), pf.randn(*sb)])


def test_non_contiguous_and_reused_operand():
    a = pf.randn(4, 3).numpy().T
    pf.gradcheck(lambda t: t @ t.mean(axis=0), [a])


@pytest.mark.parametrize("sa,sb", CASES)
def test_parity_with_torch(sa, sb):
    torch = pytest.importorskip("torch")
    a_np, b_np = np.random.randn(*sa).astype(np.float32), np.random.randn(*sb).astype(np.float32)
    a, b = pf.tensor(a_np, requires_grad=True), pf.tensor(b_np, requires_grad=True)
    ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
    y, ty = a @ b, ta @ tb
    assert_close(y, ty, rtol=1e-5, atol=1e-5)
    y.sum().backward()
    ty.sum().backward()
    assert_close(a.grad, ta.grad, atol=1e-5)
    assert_close(b.grad, tb.grad, atol=1e-5)


def test_dot_and_reflected_matmul():
    v = pf.tensor([1.0, 2.0])
    assert pf.dot(v, v).item() == 5.0
    assert (np.eye(2, dtype=np.float32) @ v).tolist() == [1.0, 2.0]


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"MatMul: shapes \(2, 3\) and \(4, 5\) do not fit"):
        pf.randn(2, 3) @ pf.randn(4, 5)
    with pytest.raises(ValueError, match="at least one dimension"):
        pf.tensor(2.0) @ pf.randn(2)
