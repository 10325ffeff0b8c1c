"""``Function``: one differentiable operation, its forward and its backward side by side.

An op subclasses ``Function`` and writes two methods over plain arrays::

    class Exp(Function):
        '''y = eˣ,  ∂L/∂x = ∂L/∂y · y'''
        def forward(self, x):
            self.y = B.xp.exp(x)
            return self.y

        def backward(self, grad):
            return grad * self.y

    def exp(x):
        return Exp.apply(x)

``apply`` unwraps the inputs (tensors, arrays, scalars: positional; settings such as ``axis``:
keywords), runs ``forward`` and, when a gradient is wanted, links the result to this function so
that ``backward()`` can walk the graph later. ``backward`` returns one gradient per input (a tuple
for several, ``None`` where an input needs none); gradients over broadcast dimensions are summed
back to each input's shape by the engine, so ops never do it themselves.

An op may have several outputs (an LSTM: the outputs and the final states): ``forward`` returns a
tuple of arrays, ``apply`` returns one Tensor per output, and the engine calls
``backward(grad_1, grad_2, ...)`` once, with one gradient per output (``None`` for an output no
gradient reached).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy

from .. import backend as B
from .grad_mode import grad_enabled
from .tensor import Tensor


class Function:
    """Base of every differentiable op. Subclasses define ``forward`` and ``backward``."""

    __slots__ = ("inputs", "seq", "__dict__")
    inputs: tuple  # what apply() was called with: tensors and constants, in order
    seq: int  # when it was recorded: later ops have higher numbers (the engine's walk order)

    #: Set False for ops whose output never carries a gradient (comparisons, argmax, step).
    differentiable = True
    #: How many outputs ``forward`` returned (a tuple of n arrays: n).
    n_outputs = 1
    #: True once a backward pass without ``retain_graph`` freed the arrays saved for backward.
    released = False

    def forward(self, *arrays, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **kwargs):
        """Run the op on Tensors, arrays or scalars; record it in the graph when grads are wanted.

        Returns a Tensor, or a tuple of Tensors when ``forward`` returns a tuple of arrays.
        """
        fn = cls()
        try:
            arrays = [x.data if isinstance(x, Tensor) else _operand(x, inputs) for x in inputs]
        except _SymbolicInput:  # called on a functional model's symbolic tensors
            assert symbolic_hook is not None  # _operand raises _SymbolicInput only when it is set
            return symbolic_hook(cls, inputs, kwargs)
        try:
            out = fn.forward(*arrays, **kwargs)
        except (ValueError, TypeError) as err:  # name the op; keep the frames inside forward
            shapes = ", ".join(str(getattr(a, "shape", type(a).__name__)) for a in arrays)
            kind = ValueError if isinstance(err, ValueError) else TypeError
            message = f"{cls.__name__}: {err} (input shapes: {shapes})"
            raise kind(message).with_traceback(err.__traceback__) from None
        several = isinstance(out, tuple)
        results = tuple(map(Tensor._wrap, out)) if several else (Tensor._wrap(out),)
        if (
            cls.differentiable
            and grad_enabled()
            and any(isinstance(x, Tensor) and x._requires_grad for x in inputs)
        ):
            fn.inputs = inputs
            fn.seq = next(_sequence)
            if several:
                fn.n_outputs = len(results)
                fn.output_ids = tuple(map(id, results))  # which output a gradient belongs to
            for result in results:
                result.requires_grad = True
                result._fn = fn
        return results if several else results[0]

    def needs_grad(self, i: int) -> bool:
        """True when input ``i`` is a tensor that wants a gradient (to skip needless work)."""
        x = self.inputs[i]
        return isinstance(x, Tensor) and x._requires_grad

    def release(self) -> None:
        """Drop the arrays saved for backward (after a backward pass without ``retain_graph``)."""
        self.__dict__.clear()
        self.released = True

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


#: numbers the recorded ops in the order they ran
_sequence = itertools.count()


def unbroadcast(grad, shape):
    """Sum ``grad`` over the dimensions that broadcasting added or stretched, back to ``shape``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    stretched = tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1
    )
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    if not extra:
        return grad
    if grad.flags.c_contiguous and grad.dtype.kind == "f" and grad.itemsize >= 4:
        # Σ over the leading axes as 1ᵀ·G (a bias's gradient): a matrix-vector product in BLAS,
        # 3–4× faster than sum(axis=0) over a (batch, features) gradient
        rows = grad.reshape(-1, math.prod(shape))
        return (B.xp.ones(rows.shape[0], grad.dtype) @ rows).reshape(shape)
    return grad.sum(axis=tuple(range(extra)))


def _alone(inputs) -> bool:
    """No tensor among the inputs to take a dtype from."""
    return not any(isinstance(x, Tensor) for x in inputs)


#: what an op called on symbolic tensors (``pf.relu(inputs)`` in a functional model) returns:
#: set by ``profundo.layers`` to record the op as a layer of the graph
symbolic_hook: Callable | None = None


class _SymbolicInput(Exception):
    """An op's input is a symbolic tensor (it has ``is_symbolic``), not data."""


def _operand(value, inputs):
    """A non-Tensor operand, made so that it never promotes the tensors' dtype.

    Python scalars stay as they are (NumPy treats them as weak); NumPy scalars become Python
    scalars; with no tensor among the inputs (``pf.sigmoid(np.float32(0.5))``), a NumPy float
    keeps its dtype and a Python float takes the default one; float arrays and lists take the
    dtype of the first floating tensor among ``inputs``.
    """
    if isinstance(value, numpy.generic):
        return B.xp.asarray(value) if value.dtype.kind == "f" and _alone(inputs) else value.item()
    if isinstance(value, float) and _alone(inputs):
        return B.xp.asarray(value, dtype=B.default_dtype)
    if value is None or isinstance(value, (bool, int, float, slice)):
        return value
    if getattr(value, "is_symbolic", False) and symbolic_hook is not None:
        raise _SymbolicInput
    if isinstance(value, (list, numpy.ndarray)) or isinstance(value, B.xp.ndarray):
        arr = B.xp.asarray(value)
        if arr.dtype.kind == "f":
            for x in inputs:
                if isinstance(x, Tensor) and x.data.dtype.kind == "f":
                    return arr.astype(x.data.dtype, copy=False)
        return arr
    return value


def as_array(value, like=None):
    """An array from a Tensor, array, list or scalar (keeps dtype of arrays; floats → default)."""
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, B.xp.ndarray):
        return value
    arr = B.xp.asarray(value)
    if arr.dtype.kind == "f" and arr.dtype != B.default_dtype:
        arr = arr.astype(like.dtype if like is not None else B.default_dtype)
    return arr
