"""``InputSpec``: what a layer accepts, declared once and checked by the base class.

A layer sets ``self.input_spec`` (Keras' name) in ``__init__`` — the number of axes, the layout
to show in the message — and narrows it in ``build`` once sizes are known (the features a
``Dense`` was built for). ``Layer.__call__`` checks every call against it, eager or symbolic,
before ``build`` and ``call``, and every complaint has one form::

    Dense 'head': expected 4 features (last axis), got shape (3, 5)
    LSTM 'seq': expected inputs of shape (batch, time, features), got shape (2, 5); for token ids …

``input_spec`` may be a list, one spec per input in order (``None`` skips one; inputs past the
end of the list, such as a recurrent layer's initial states, are not checked). An input may be
``optional`` (left out, or given as None); every other one must come. When the inputs come as a
dict (``MultiHeadAttention``'s query, value, key) and every spec has a ``name``, each spec checks
the input of its name::

    Attention 'att': expected inputs [query, value] (and optionally key), got 1 input
    MultiHeadAttention 'mha': expected value with 3 axes, got shape (2, 4)
"""

from __future__ import annotations

import numpy

from .nest import flatten, is_shape

#: dtype families a spec may ask for, by NumPy's kind letters
KINDS = {"float": "f", "int": "iu", "bool": "b", "number": "fiub", "string": "USO"}


class InputSpec:
    """What one input must look like.

    Args:
        ndim, min_ndim, max_ndim: the number of axes (batch included), exactly or a range.
        axes: {axis: size} — the input must have that size on that axis; ``None`` as the size
            asks only that it be known (not ``None`` in a symbolic shape).
        dtype: a family of dtypes: "float", "int", "bool", "number" or "string"; or, as Keras,
            one dtype ("float32").
        shape: Keras' full shape, ``None`` for any size: sets ``ndim`` and the known ``axes``.
        layout: how to show an input in messages, e.g. "(batch, time, features)".
        units: what the sizes of ``axes`` count, e.g. "features" or "channels".
        hint: what to do, appended to a complaint about the number of axes or the dtype.
        name: what the input is called ("query"): its key when the inputs come as a dict, and
            its name in messages.
        optional: the input may be left out (Keras' ``optional``).
    """

    def __init__(
        self,
        ndim=None,
        min_ndim=None,
        max_ndim=None,
        axes=None,
        dtype=None,
        layout=None,
        units=None,
        hint=None,
        name=None,
        optional=False,
        shape=None,
    ):
        if dtype is not None and dtype not in KINDS:
            try:
                dtype = numpy.dtype(dtype).name
            except TypeError:
                raise ValueError(
                    f"InputSpec: dtype must be a dtype or one of {', '.join(KINDS)}, got {dtype!r}"
                ) from None
        if shape is not None:
            ndim = len(shape)
            axes = {**{i: n for i, n in enumerate(shape) if n is not None}, **(axes or {})}
        self.ndim, self.min_ndim, self.max_ndim = ndim, min_ndim, max_ndim
        self.axes = dict(axes or {})
        self.dtype, self.layout, self.units, self.hint = dtype, layout, units, hint
        self.name, self.optional = name, optional

    def problem(self, shape, dtype=None) -> str | None:
        """What is wrong with an input of ``shape`` (and ``dtype``), as "expected …, got …";
        None when it fits. (Checked on every call: the words are made only for a complaint.)"""
        shape, n = tuple(shape), len(shape)
        if self.ndim is not None and n != self.ndim:
            axes = "" if self.layout else f" with {_axes(self.ndim)}"
            return self._axes_problem(axes, shape)
        if self.min_ndim is not None and n < self.min_ndim:
            return self._axes_problem(f" with at least {_axes(self.min_ndim)}", shape)
        if self.max_ndim is not None and n > self.max_ndim:
            return self._axes_problem(f" with at most {_axes(self.max_ndim)}", shape)
        for axis, size in self.axes.items():
            if not -n <= axis < n:
                continue
            got = shape[axis]
            if got is None and size is None:
                return f"expected a known number of {self._where(axis, n)}, got shape {shape}"
            if got != size and got is not None and size is not None:
                return f"expected {size} {self._where(axis, n)}, got shape {shape}"
        if self.dtype is not None and dtype is not None:
            have, family = numpy.dtype(dtype), KINDS.get(self.dtype)
            fits = have.kind in family if family else have.name == self.dtype
            if not fits:
                hint = f"; {self.hint}" if self.hint else ""
                wanted = f"a {self.dtype} dtype" if family else f"dtype {self.dtype}"
                return f"expected {self.name or 'inputs'} of {wanted}, got dtype {have.name}{hint}"
        return None

    def _axes_problem(self, axes: str, shape: tuple) -> str:
        noun = self.name or "inputs"
        what = f"{noun} of shape {self.layout}" if self.layout else noun
        hint = f"; {self.hint}" if self.hint else ""
        return f"expected {what}{axes}, got shape {shape}{hint}"

    def _where(self, axis: int, n: int) -> str:
        where = "last axis" if axis in (-1, n - 1) else f"axis {axis}"
        return f"{self.units or 'entries'} ({where})"

    def __repr__(self) -> str:
        fields = {
            k: v for k, v in vars(self).items() if v is not None and v is not False and v != {}
        }
        return f"InputSpec({', '.join(f'{k}={v!r}' for k, v in fields.items())})"


def along(axis) -> InputSpec:
    """What a layer working along ``axis`` (an int or several) accepts: inputs that have it."""
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    ints = [a for a in axes if isinstance(a, int)]  # (other values fail in the op, named)
    return InputSpec(
        min_ndim=max((a + 1 if a >= 0 else -a for a in ints), default=None),
        hint=f"the layer works along axis={axis!r}",
    )


def _axes(n: int) -> str:
    return f"{n} axis" if n == 1 else f"{n} axes"


def list_problem(specs: list, inputs) -> str | None:
    """What is wrong with ``inputs`` for a list of specs, one per input: a required input
    missing, or one that does not fit its spec. ``inputs``: a list, tuple or dict of tensors or
    of shapes (for ``compute_output_shape``), or one of them."""
    values: list | tuple
    if isinstance(inputs, dict) and specs and all(s is not None and s.name for s in specs):
        values = [inputs.get(s.name) for s in specs]
        given = sum(v is not None for v in values)
    elif isinstance(inputs, (list, tuple)) and all(hasattr(v, "shape") for v in inputs):
        values, given = inputs, len(inputs)  # a flat list of tensors, the common case
    else:
        values = [inputs] if _is_leaf(inputs) else flatten(inputs, is_leaf=_is_leaf)
        given = len(values)
    for i, spec in enumerate(specs):
        value = values[i] if i < len(values) else None
        if value is None:
            if spec is None or not spec.optional:
                return _count_problem(specs, given)
        elif spec is not None:
            shape = value.shape if hasattr(value, "shape") else value
            problem = spec.problem(shape, getattr(value, "dtype", None))
            if problem is not None:
                return problem
    return None


def _is_leaf(x) -> bool:
    """A tensor (anything with a shape) or a shape tuple."""
    return hasattr(x, "shape") or is_shape(x)


def _count_problem(specs: list, given: int) -> str:
    names = [s.name if s is not None and s.name else f"input {i}" for i, s in enumerate(specs)]
    required = [n for n, s in zip(names, specs) if s is None or not s.optional]
    optional = [n for n, s in zip(names, specs) if s is not None and s.optional]
    also = f" (and optionally {', '.join(optional)})" if optional else ""
    return (
        f"expected inputs [{', '.join(required)}]{also}, "
        f"got {given} input{'' if given == 1 else 's'}"
    )
