"""Differentiable ops, one module per family; each op's forward and backward side by side.

Every op is a plain function here and at the top level (``pf.exp``, ``pf.softmax``), and a Tensor
method or operator where that reads naturally (``x.exp()``, ``a @ b``).
"""
from . import elementwise, linalg, reduce
from .elementwise import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403

__all__ = elementwise.__all__ + reduce.__all__ + linalg.__all__
