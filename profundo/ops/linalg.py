"""Linear algebra: matrix products.

``matmul`` follows NumPy's rules: 2-D × 2-D is the matrix product; more dimensions are batches of
matrices (broadcast); a 1-D operand is a vector (a row on the left, a column on the right).

>>> a, b = pf.randn(5, 3, 4), pf.randn(4, 2)
>>> (a @ b).shape
(5, 3, 2)
"""

from __future__ import annotations

from .. import backend as B
from ..autograd import Function, Tensor, tensor_method
from ..autograd.types import TensorLike

__all__ = ["matmul", "dot"]


class MatMul(Function):
    """C = A B;  ∂L/∂A = ∂L/∂C Bᵀ,  ∂L/∂B = Aᵀ ∂L/∂C  (summed over broadcast batch dimensions)"""

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError("both operands need at least one dimension; use * for scalars")
        if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            raise ValueError(
                f"shapes {a.shape} and {b.shape} do not fit: the last dimension of the first "
                f"({a.shape[-1]}) must equal the {'second-to-last' if b.ndim > 1 else 'only'} "
                f"dimension of the second ({b.shape[-2 if b.ndim > 1 else 0]})"
            )
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad):
        xp = B.xp
        a, b = self.a, self.b
        # a vector is a one-row matrix on the left, a one-column matrix on the right
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g = xp.expand_dims(grad, -1) if b.ndim == 1 else grad
        g = xp.expand_dims(g, -2) if a.ndim == 1 else g
        ga = g @ xp.swapaxes(b2, -1, -2) if self.needs_grad(0) else None
        if not self.needs_grad(1):
            gb = None
        elif (
            b.ndim == 2 and a.ndim > 2
        ):  # a (…, n, k) times one matrix: Σ over the batch in one GEMM
            gb = a.reshape(-1, a.shape[-1]).T @ g.reshape(-1, g.shape[-1])
        else:
            gb = xp.swapaxes(a2, -1, -2) @ g
        if gb is not None and b.ndim == 1:
            gb = gb[..., 0]
        return ga, gb  # the engine sums over broadcast batch dimensions


@tensor_method("__matmul__", "matmul")
def matmul(a: TensorLike, b: TensorLike) -> Tensor:
    """Matrix product with NumPy's batching and 1-D rules."""
    return MatMul.apply(a, b)


Tensor.__rmatmul__ = lambda self, other: MatMul.apply(other, self)


@tensor_method("dot")
def dot(a: TensorLike, b: TensorLike) -> Tensor:
    """Inner product of two 1-D tensors (or the matrix product of 2-D ones)."""
    return MatMul.apply(a, b)
