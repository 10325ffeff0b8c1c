"""``Tensor``: an array that remembers how it was computed,
so that ``backward()`` can find gradients.

>>> x = pf.tensor([[1.0, 2.0]], requires_grad=True)
>>> y = (x * x).sum()        # y = Σ x²
>>> y.backward()
>>> x.grad                   # ∂y/∂x = 2x
array([[2., 4.]], dtype=float32)

The math methods (``t.exp()``, ``t.sum(axis=0)``, ``t @ w``, ...) are defined with their ops in
``profundo.ops`` and attached to this class there (``tensor_method``), so that each op's forward,
backward and method live in one place.
"""

from __future__ import annotations

import numpy

from .. import backend as B
from .grad_mode import grad_enabled


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    Attributes: ``data`` (the backend array), ``grad`` (an array of the same shape, filled by
    ``backward()`` for leaves that require it), ``requires_grad``.
    """

    __slots__ = (
        "data",
        "grad",
        "_requires_grad",
        "_fn",
        "_retain",
        "name",
        "constraint",
        "__weakref__",
    )  # constraint: set by Layer.add_weight
    __array_priority__ = 1000  # NumPy defers ``array + tensor`` to Tensor.__radd__
    __array_ufunc__ = None
    __hash__ = object.__hash__  # ``==`` is elementwise; tensors hash by identity

    def __init__(self, data, requires_grad: bool = False, dtype=None, name: str | None = None):
        if isinstance(data, Tensor):
            data = data.data
        arr = B.xp.asarray(data, dtype=dtype)
        if dtype is None and arr.dtype.kind == "f" and arr.dtype != B.default_dtype:
            arr = arr.astype(B.default_dtype)
        self.data = arr
        self.grad = None
        self._fn = None
        self._retain = False
        self.name = name
        self._requires_grad = False
        self.requires_grad = requires_grad

    @classmethod
    def _wrap(cls, array) -> "Tensor":
        """A Tensor around an existing backend array, no copy, no checks (for ops)."""
        t = cls.__new__(cls)
        t.data = array if isinstance(array, B.xp.ndarray) else B.xp.asarray(array)
        t.grad = None
        t._requires_grad = False
        t._fn = None
        t._retain = False
        t.name = None
        return t

    # --- autodiff -------------------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value and self.data.dtype.kind not in "fc":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {self.data.dtype}; "
                f"make it floating first, e.g. pf.tensor(x, dtype='float32', requires_grad=True)"
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, value: bool = True) -> "Tensor":
        self.requires_grad = value
        return self

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op): their ``grad`` is kept."""
        return self._fn is None

    @property
    def grad_fn(self):
        """The op that produced this tensor (``None`` for leaves)."""
        return self._fn

    def retain_grad(self) -> "Tensor":
        """Keep this intermediate tensor's gradient in ``.grad`` after ``backward()``."""
        self._retain = True
        return self

    def backward(self, gradient=None, retain_graph: bool = False) -> None:
        """Compute ∂self/∂leaf for every leaf that requires grad, adding it to ``leaf.grad``.

        ``gradient`` is ∂L/∂self; it may be left out only when ``self`` holds one element.
        The graph is freed afterwards unless ``retain_graph=True``.
        """
        from .engine import backward

        backward(self, gradient, retain_graph)

    def detach(self) -> "Tensor":
        """The same data, cut from the graph (no gradient flows through it)."""
        return Tensor._wrap(self.data)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``grad`` becomes ``None``)."""
        self.grad = None

    # --- array facts and conversion -------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def numpy(self) -> numpy.ndarray:
        """The values as a NumPy array (shares memory on the CPU; do not write to it)."""
        return B.to_numpy(self.data)

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        return arr.astype(dtype) if dtype is not None else arr

    # --- Keras' variable methods: write new values in place (outside the graph) -------------------
    def assign(self, value):
        """Set the values in place (a weight or a metric's state, as Keras' ``Variable.assign``)."""
        value = value.data if isinstance(value, Tensor) else B.xp.asarray(value)
        self.data[...] = value
        return self

    def assign_add(self, delta):
        """Add ``delta`` in place (``Variable.assign_add``)."""
        self.data += delta.data if isinstance(delta, Tensor) else B.xp.asarray(delta, self.dtype)
        return self

    def assign_sub(self, delta):
        """Subtract ``delta`` in place (``Variable.assign_sub``)."""
        self.data -= delta.data if isinstance(delta, Tensor) else B.xp.asarray(delta, self.dtype)
        return self

    @property
    def value(self):
        """The tensor itself (Keras' ``Variable.value``)."""
        return self

    def __array_function__(self, func, types, args, kwargs):
        """NumPy functions on tensors (``np.mean(t)``, ``np.concatenate([t, u])``) run on their
        values and return NumPy results, without a gradient, as Keras' tensors do."""

        def plain(value):
            if isinstance(value, Tensor):
                return value.numpy()
            if isinstance(value, (list, tuple)):
                return type(value)(plain(v) for v in value)
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        return func(*plain(args), **plain(kwargs))

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item(): only one-element tensors can be converted, got shape {self.shape}"
            )
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self.data)

    def __repr__(self) -> str:
        body = numpy.array2string(self.numpy(), separator=", ", prefix="tensor(", precision=4)
        extras = []
        if self.data.dtype != B.default_dtype:
            extras.append(f"dtype={self.data.dtype}")
        if self._fn is not None:
            extras.append(f"grad_fn={type(self._fn).__name__}")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"


def tensor_method(*names):
    """Decorator: attach an op to ``Tensor`` under ``names`` (``x.exp()``, ``x.__add__``...)."""

    def attach(func):
        for n in names:
            setattr(Tensor, n, func)
        return func

    return attach


def is_grad_needed(*tensors) -> bool:
    return grad_enabled() and any(isinstance(t, Tensor) and t.requires_grad for t in tensors)
