"""Layers by class name, to rebuild a model from its JSON config without running any code from it.

Every ``Layer`` subclass registers itself when its class is defined. A config names a class
(``{"class_name": "Dense", "config": {...}}``) and only registered classes, or those given in
``custom_objects``, can be created from it.
"""
from __future__ import annotations

import inspect

_REGISTRY: dict[str, type] = {}


def register(cls: type) -> type:
    """Make ``cls`` creatable from configs by its class name (the first class of a name wins)."""
    _REGISTRY.setdefault(cls.__name__, cls)
    return cls


def serialize_layer(layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize_layer(config: dict, custom_objects: dict | None = None):
    """A new layer from ``{"class_name": ..., "config": ...}``."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"a layer config must be a dict with 'class_name' and 'config', got {config!r}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _REGISTRY.get(name)
    if cls is None:
        raise ValueError(f"unknown layer class {name!r}: define it (or pass custom_objects="
                         f"{{{name!r}: YourClass}}) before loading; known: {', '.join(sorted(_REGISTRY))}")
    params = inspect.signature(cls.from_config).parameters
    if "custom_objects" in params:
        return cls.from_config(dict(config.get("config", {})), custom_objects=custom_objects)
    return cls.from_config(dict(config.get("config", {})))
