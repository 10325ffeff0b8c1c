"""Helpers for tests that compare profundo with a reference
(finite differences, PyTorch, scikit-learn).

>>> from profundo.testing import assert_close
>>> assert_close(pf.tensor([1.0]), [1.0 + 1e-7])
"""

from __future__ import annotations

import numpy

from . import backend as B
from .autograd import Tensor


def to_numpy(x) -> numpy.ndarray:
    """A NumPy array from a Tensor, a backend array, a torch tensor, a list or a number."""
    if isinstance(x, Tensor):
        return x.numpy()
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor
        return x.detach().cpu().numpy()
    return B.to_numpy(x) if not isinstance(x, (list, tuple, int, float)) else numpy.asarray(x)


def assert_close(actual, expected, rtol: float = 1e-5, atol: float = 1e-6, what: str = "") -> None:
    """Assert two arrays agree elementwise within ``atol + rtol·|expected|``, shapes included."""
    a, e = to_numpy(actual), to_numpy(expected)
    label = f"{what}: " if what else ""
    assert a.shape == e.shape, f"{label}shape {a.shape} != expected {e.shape}"
    numpy.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=what)
