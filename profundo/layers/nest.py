"""Nested structures of inputs and outputs: a tensor, or lists/tuples/dicts of them."""
from __future__ import annotations


def is_shape(x) -> bool:
    """True for a shape tuple such as ``(None, 28, 28, 1)``."""
    return isinstance(x, tuple) and all(n is None or isinstance(n, int) for n in x)


def map_structure(fn, x, is_leaf=None):
    """Apply ``fn`` to every leaf of nested lists/tuples/dicts, keeping the structure."""
    if is_leaf is not None and is_leaf(x):
        return fn(x)
    if isinstance(x, dict):
        return {k: map_structure(fn, v, is_leaf) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(map_structure(fn, v, is_leaf) for v in x)
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
