"""Elementwise ops: arithmetic, exp/log/sqrt/abs, clip, maximum/minimum, where, comparisons.

Each op works with NumPy broadcasting; the engine sums gradients back over broadcast dimensions.
Each is also a Tensor method or operator (``a + b``, ``a.exp()``).

>>> x = pf.tensor([1.0, 4.0], requires_grad=True)
>>> y = (x.sqrt() * 3 + 1).sum()    # y = Σ 3√x + 1
>>> y.backward(); x.grad            # 3 / (2√x)
array([1.5 , 0.75], dtype=float32)
"""

from __future__ import annotations

from .. import backend as B
from ..autograd import Function, Tensor, tensor_method
from ..autograd.types import TensorLike

__all__ = [
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "pow",
    "exp",
    "log",
    "sqrt",
    "abs",
    "sign",
    "clip",
    "maximum",
    "minimum",
    "where",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
]


# --- arithmetic -------------------------------------------------------------------------------
class Add(Function):
    """z = a + b;  ∂L/∂a = ∂L/∂z,  ∂L/∂b = ∂L/∂z"""

    def forward(self, a, b):
        return a + b

    def backward(self, grad):
        return grad, grad


class Sub(Function):
    """z = a − b;  ∂L/∂a = ∂L/∂z,  ∂L/∂b = −∂L/∂z"""

    def forward(self, a, b):
        return a - b

    def backward(self, grad):
        return grad, -grad


class Mul(Function):
    """z = a · b;  ∂L/∂a = ∂L/∂z · b,  ∂L/∂b = ∂L/∂z · a"""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, grad):
        return (
            grad * self.b if self.needs_grad(0) else None,
            grad * self.a if self.needs_grad(1) else None,
        )


class Div(Function):
    """z = a / b;  ∂L/∂a = ∂L/∂z / b,  ∂L/∂b = −∂L/∂z · a / b²"""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, grad):
        ga = grad / self.b
        return ga, (-ga * self.a / self.b if self.needs_grad(1) else None)


class Neg(Function):
    """z = −a;  ∂L/∂a = −∂L/∂z"""

    def forward(self, a):
        return -a

    def backward(self, grad):
        return -grad


class Pow(Function):
    """z = aᵖ;  ∂L/∂a = ∂L/∂z · p aᵖ⁻¹,  ∂L/∂p = ∂L/∂z · aᵖ ln a"""

    def forward(self, a, p):
        self.a, self.p = a, p
        self.z = a**p
        return self.z

    def backward(self, grad):
        ga = grad * self.p * self.a ** (self.p - 1) if self.needs_grad(0) else None
        gp = (
            grad * self.z * B.xp.log(B.xp.asarray(self.a, self.z.dtype))
            if self.needs_grad(1)
            else None
        )
        return ga, gp


@tensor_method("__add__")
def add(a: TensorLike, b: TensorLike) -> Tensor:
    """a + b, broadcasting."""
    return Add.apply(a, b)


@tensor_method("__sub__")
def sub(a: TensorLike, b: TensorLike) -> Tensor:
    """a − b, broadcasting."""
    return Sub.apply(a, b)


@tensor_method("__mul__")
def mul(a: TensorLike, b: TensorLike) -> Tensor:
    """a · b elementwise, broadcasting."""
    return Mul.apply(a, b)


@tensor_method("__truediv__")
def div(a: TensorLike, b: TensorLike) -> Tensor:
    """a / b elementwise, broadcasting."""
    return Div.apply(a, b)


@tensor_method("__neg__")
def neg(a: TensorLike) -> Tensor:
    return Neg.apply(a)


@tensor_method("__pow__", "pow")
def pow(a: TensorLike, p: TensorLike) -> Tensor:  # noqa: A001 - the op's name
    """aᵖ elementwise; ``p`` a number or a tensor."""
    return Pow.apply(a, p)


Tensor.__radd__ = lambda self, other: Add.apply(other, self)
Tensor.__rsub__ = lambda self, other: Sub.apply(other, self)
Tensor.__rmul__ = lambda self, other: Mul.apply(other, self)
Tensor.__rtruediv__ = lambda self, other: Div.apply(other, self)
Tensor.__rpow__ = lambda self, other: Pow.apply(other, self)
Tensor.__pos__ = lambda self: self


# --- functions of one argument ------------------------------------------------------------------
class Exp(Function):
    """y = eˣ;  ∂L/∂x = ∂L/∂y · y"""

    def forward(self, x):
        self.y = B.xp.exp(x)
        return self.y

    def backward(self, grad):
        return grad * self.y


class Log(Function):
    """y = ln x;  ∂L/∂x = ∂L/∂y / x"""

    def forward(self, x):
        self.x = x
        return B.xp.log(x)

    def backward(self, grad):
        return grad / self.x


class Sqrt(Function):
    """y = √x;  ∂L/∂x = ∂L/∂y / (2y)"""

    def forward(self, x):
        self.y = B.xp.sqrt(x)
        return self.y

    def backward(self, grad):
        return grad / (2 * self.y)


class Abs(Function):
    """y = |x|;  ∂L/∂x = ∂L/∂y · sign(x)  (0 at x = 0)"""

    def forward(self, x):
        self.x = x
        return B.xp.abs(x)

    def backward(self, grad):
        return grad * B.xp.sign(self.x)


class Sign(Function):
    """y = sign(x) ∈ {−1, 0, 1}; piecewise constant, so no gradient flows."""

    differentiable = False

    def forward(self, x):
        return B.xp.sign(x)


class Clip(Function):
    """y = min(max(x, lo), hi);  ∂L/∂x = ∂L/∂y where lo ≤ x ≤ hi, else 0"""

    def forward(self, x, lo=None, hi=None):
        self.inside = True
        if lo is not None:
            self.inside = x >= lo
        if hi is not None:
            self.inside = self.inside & (x <= hi)
        return B.xp.clip(x, lo, hi)

    def backward(self, grad):
        return grad * self.inside


@tensor_method("exp")
def exp(x: TensorLike) -> Tensor:
    """eˣ elementwise."""
    return Exp.apply(x)


@tensor_method("log")
def log(x: TensorLike) -> Tensor:
    """Natural logarithm elementwise."""
    return Log.apply(x)


@tensor_method("sqrt")
def sqrt(x: TensorLike) -> Tensor:
    return Sqrt.apply(x)


@tensor_method("abs", "__abs__")
def abs(x: TensorLike) -> Tensor:  # noqa: A001 - the op's name
    return Abs.apply(x)


@tensor_method("sign")
def sign(x: TensorLike) -> Tensor:
    """−1, 0 or 1 by the sign of x (no gradient)."""
    return Sign.apply(x)


@tensor_method("clip")
def clip(x: TensorLike, min: TensorLike | None = None, max: TensorLike | None = None) -> Tensor:  # noqa: A002 - NumPy/PyTorch names
    """x limited to [min, max]; the gradient is zero where x was clipped."""
    if min is None and max is None:
        raise ValueError("clip: give min, max or both")
    return Clip.apply(x, lo=min, hi=max)


# --- two-argument selections --------------------------------------------------------------------
class Maximum(Function):
    """z = max(a, b);  the gradient goes to the larger input (split evenly on ties)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return B.xp.maximum(a, b)

    def backward(self, grad):
        return _split(grad, self.a > self.b, self.a == self.b)


class Minimum(Function):
    """z = min(a, b);  the gradient goes to the smaller input (split evenly on ties)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return B.xp.minimum(a, b)

    def backward(self, grad):
        return _split(grad, self.a < self.b, self.a == self.b)


def _split(grad, a_wins, tie):
    """Route ``grad`` to a where it won, to b where it lost, half to each on a tie."""
    share = B.xp.where(tie, 0.5, a_wins).astype(grad.dtype, copy=False)
    return grad * share, grad * (1 - share)


class Where(Function):
    """z = a where cond else b;  ∂L/∂a = ∂L/∂z · cond,  ∂L/∂b = ∂L/∂z · ¬cond"""

    def forward(self, cond, a, b):
        self.cond = B.xp.asarray(cond, dtype=bool)
        return B.xp.where(self.cond, a, b)

    def backward(self, grad):
        zero = B.xp.zeros((), grad.dtype)
        return None, B.xp.where(self.cond, grad, zero), B.xp.where(self.cond, zero, grad)


@tensor_method("maximum")
def maximum(a: TensorLike, b: TensorLike) -> Tensor:
    return Maximum.apply(a, b)


@tensor_method("minimum")
def minimum(a: TensorLike, b: TensorLike) -> Tensor:
    return Minimum.apply(a, b)


def where(cond: TensorLike, a: TensorLike, b: TensorLike) -> Tensor:
    """Elementwise choice: ``a`` where ``cond`` is true, ``b`` elsewhere."""
    return Where.apply(cond, a, b)


# --- comparisons (no gradient) --------------------------------------------------------------------
def _comparison(name, ufunc_name, symbol):
    op = type(
        name,
        (Function,),
        {
            "differentiable": False,
            "__doc__": f"a {symbol} b elementwise, a boolean tensor (no gradient).",
            "forward": lambda self, a, b: getattr(B.xp, ufunc_name)(a, b),
        },
    )

    def compare(a: TensorLike, b: TensorLike) -> Tensor:
        return op.apply(a, b)

    compare.__name__ = ufunc_name
    compare.__doc__ = op.__doc__
    return compare


eq = tensor_method("__eq__", "eq")(_comparison("Equal", "equal", "=="))
ne = tensor_method("__ne__", "ne")(_comparison("NotEqual", "not_equal", "!="))
lt = tensor_method("__lt__", "lt")(_comparison("Less", "less", "<"))
le = tensor_method("__le__", "le")(_comparison("LessEqual", "less_equal", "<="))
gt = tensor_method("__gt__", "gt")(_comparison("Greater", "greater", ">"))
ge = tensor_method("__ge__", "ge")(_comparison("GreaterEqual", "greater_equal", ">="))
