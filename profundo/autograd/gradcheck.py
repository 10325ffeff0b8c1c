"""``gradcheck``: is backpropagation right? Compare it with central finite differences.

For each input element xᵢ the numerical derivative is

    ∂f/∂xᵢ ≈ (f(x + ε eᵢ) − f(x − ε eᵢ)) / 2ε

computed in float64. A non-scalar output f is first reduced to the scalar Σ v·f with a fixed
random v, which checks every output's gradient at once.

>>> a, b = pf.randn(3, 4), pf.randn(4, 2)
>>> pf.gradcheck(lambda a, b: (a @ b).tanh().sum(), [a, b])
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy

from .. import backend as B
from .grad_mode import enable_grad, no_grad
from .tensor import Tensor
from .types import TensorLike


class GradcheckError(AssertionError):
    """The analytic gradient disagrees with the numerical one."""


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[TensorLike],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Check ``fn``'s gradients with respect to every floating input of ``inputs``.

    Returns True, or raises ``GradcheckError`` naming the input, the worst element's index, and
    the analytic and numerical values there.
    """
    xp = B.xp
    leaves = [
        Tensor(
            xp.array(x.data if isinstance(x, Tensor) else x, dtype=numpy.float64),
            dtype=numpy.float64,
            requires_grad=True,
        )
        if _is_float(x)
        else x
        for x in inputs
    ]
    projection = {}

    def scalar(args):
        out = fn(*args)
        if not isinstance(out, Tensor):
            raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
        if "v" not in projection:
            gen = numpy.random.default_rng(seed)
            projection["v"] = xp.asarray(gen.standard_normal(out.shape))
        return (out * projection["v"]).sum() if out.ndim else out

    with enable_grad():
        out = scalar(leaves)
        if not out.requires_grad:
            raise GradcheckError(
                "gradcheck: the output does not depend on any input with a gradient"
            )
        out.backward()
    for k, leaf in enumerate(leaves):
        if not isinstance(leaf, Tensor):
            continue
        analytic = leaf.grad if leaf.grad is not None else xp.zeros_like(leaf.data)
        numeric = xp.zeros_like(leaf.data)
        data = leaf.data  # perturbed in place, element by element (any memory layout)
        for idx in numpy.ndindex(*data.shape):
            orig = data[idx].item()
            data[idx] = orig + eps
            plus = _value(scalar, leaves)
            data[idx] = orig - eps
            minus = _value(scalar, leaves)
            data[idx] = orig
            numeric[idx] = (plus - minus) / (2 * eps)
        err = xp.abs(analytic - numeric) - (atol + rtol * xp.abs(numeric))
        if err.size and float(err.max()) > 0:
            idx = tuple(int(i) for i in numpy.unravel_index(int(err.argmax()), leaf.shape))
            raise GradcheckError(
                f"gradcheck: gradient of input {k} (shape {leaf.shape}) is wrong at index {idx}: "
                f"backward gives {float(analytic[idx]):.8g}, finite differences give "
                f"{float(numeric[idx]):.8g}"
            )
    return True


def _value(scalar, leaves) -> float:
    with no_grad():
        return float(scalar(leaves).item())


def _is_float(x) -> bool:
    if isinstance(x, Tensor):
        return x.dtype.kind == "f"
    return hasattr(x, "dtype") and x.dtype.kind == "f"
