"""Automatic differentiation: ``Tensor``, the op base ``Function``,
``backward``, ``no_grad``, ``gradcheck``."""

from .creation import (
    arange,
    as_tensor,
    eye,
    full,
    full_like,
    ones,
    ones_like,
    rand,
    rand_like,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from .function import Function, as_array, unbroadcast
from .gradcheck import GradcheckError, gradcheck
from .grad_mode import (
    debug_enabled,
    enable_grad,
    grad_enabled,
    is_grad_enabled,
    no_grad,
    set_debug,
    set_grad_enabled,
)
from .tensor import Tensor, tensor_method

__all__ = [
    "Tensor",
    "Function",
    "tensor_method",
    "as_array",
    "unbroadcast",
    "tensor",
    "as_tensor",
    "zeros",
    "ones",
    "full",
    "arange",
    "eye",
    "randn",
    "rand",
    "zeros_like",
    "ones_like",
    "full_like",
    "randn_like",
    "rand_like",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "grad_enabled",
    "is_grad_enabled",
    "set_debug",
    "debug_enabled",
    "gradcheck",
    "GradcheckError",
]
