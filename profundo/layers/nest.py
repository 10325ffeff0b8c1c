"""Nested structures — one value, or tuples, lists and dicts of them nested at any depth — as a
model's inputs and outputs and a data set's arrays come: ``(x, y)``, ``{"image": x, "label": y}``.
Everything that is not a tuple, list or dict is a leaf (unless ``is_leaf`` says otherwise)."""

from __future__ import annotations


def is_shape(x) -> bool:
    """True for a shape tuple such as ``(None, 28, 28, 1)``."""
    return isinstance(x, tuple) and all(n is None or isinstance(n, int) for n in x)


def map_structure(fn, x, is_leaf=None):
    """The structure of ``x`` with ``fn`` applied to every leaf (named tuples stay named)."""
    if is_leaf is not None and is_leaf(x):
        return fn(x)
    if isinstance(x, dict):
        return {k: map_structure(fn, v, is_leaf) for k, v in x.items()}
    if isinstance(x, tuple):
        items = [map_structure(fn, v, is_leaf) for v in x]
        return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)
    if isinstance(x, list):
        return [map_structure(fn, v, is_leaf) for v in x]
    return fn(x)


def flatten(x, is_leaf=None) -> list:
    """The leaves of a nested structure, in order."""
    if is_leaf is not None and is_leaf(x):
        return [x]
    if isinstance(x, dict):
        return [leaf for k in x for leaf in flatten(x[k], is_leaf)]
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in flatten(v, is_leaf)]
    return [x]


def named_leaves(data, path: str = "") -> list:
    """Every leaf with its path, e.g. ``[("[0]", x), ("[1]", y)]`` or ``[("['image']", x)]``."""
    if isinstance(data, dict):
        return [
            leaf for key, value in data.items() for leaf in named_leaves(value, f"{path}[{key!r}]")
        ]
    if isinstance(data, (tuple, list)):
        return [
            leaf for i, value in enumerate(data) for leaf in named_leaves(value, f"{path}[{i}]")
        ]
    return [(path or "array", data)]
