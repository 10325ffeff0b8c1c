"""Nested structures of arrays: one array, or a tuple, list or dict of them, nested at any depth.

A data set is often more than one array — ``(x, y)``, or ``{"image": x, "label": y}`` — and the
loaders hand batches back in the same shape they were given. These two helpers walk such a
structure; everything that is not a tuple, list or dict is a leaf.
"""
from __future__ import annotations

from typing import Any, Callable


def map_structure(fn: Callable[[Any], Any], data):
    """The structure of ``data`` with ``fn`` applied to every leaf (named tuples stay named)."""
    if isinstance(data, dict):
        return {key: map_structure(fn, value) for key, value in data.items()}
    if isinstance(data, tuple):
        items = [map_structure(fn, value) for value in data]
        return type(data)(*items) if hasattr(data, "_fields") else tuple(items)
    if isinstance(data, list):
        return [map_structure(fn, value) for value in data]
    return fn(data)


def named_leaves(data, path: str = "") -> list[tuple[str, Any]]:
    """Every leaf with its path, e.g. ``[("[0]", x), ("[1]", y)]`` or ``[("['image']", x)]``."""
    if isinstance(data, dict):
        return [leaf for key, value in data.items()
                for leaf in named_leaves(value, f"{path}[{key!r}]")]
    if isinstance(data, (tuple, list)):
        return [leaf for i, value in enumerate(data)
                for leaf in named_leaves(value, f"{path}[{i}]")]
    return [(path or "array", data)]
