"""Layers by class name, to rebuild a model from its JSON config without running any code from it.

A config names a class (``{"class_name": "Dense", "config": {...}}``). Only these can be created
from it (Keras' ``safe_mode`` rule), so that a file cannot pick which constructor runs:

- profundo's own layer classes (each registers itself when its class is defined);
- classes given in ``custom_objects`` (``load_model(path, custom_objects={"Mine": Mine})``);
- classes registered with the ``@register_keras_serializable()`` decorator.

Any other ``Layer`` subclass — one that some imported module happens to define — is refused with an
error that names it and says how to allow it.
"""

from __future__ import annotations

import inspect

from ..serialization import active_custom_objects, register_keras_serializable  # noqa: F401

_OWN: dict[str, type] = {}  # profundo's own layer classes
_DEFINED: dict[str, type] = {}  # every other Layer subclass: known, but never made from a file


def register(cls: type) -> type:
    """Note a new ``Layer`` subclass (called when it is defined): profundo's own become creatable
    from configs by class name (the first class of a name wins); others only once allowed."""
    own = cls.__module__ == "profundo" or cls.__module__.startswith("profundo.")
    (_OWN if own else _DEFINED).setdefault(cls.__name__, cls)
    return cls


def get_registered_object(name: str, custom_objects: dict | None = None):
    """The layer class a config may create under ``name``, or None: ``custom_objects`` first, then
    the registered classes and those of open ``custom_object_scope`` blocks, then profundo's own."""
    for table in (custom_objects or {}, active_custom_objects(), _OWN):
        if name in table:
            return table[name]
    return None


def serialize_layer(layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize_layer(config: dict, custom_objects: dict | None = None):
    """A new layer from ``{"class_name": ..., "config": ...}``."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"a layer config must be a dict with 'class_name' and 'config', got {config!r}"
        )
    name = config["class_name"]
    cls = get_registered_object(name, custom_objects) if isinstance(name, str) else None
    if cls is None:
        how = (
            f"pass custom_objects={{{name!r}: {name}}} to load_model/from_config, or decorate "
            f"the class with @profundo.saving.register_keras_serializable()"
        )
        if isinstance(name, str) and name in _DEFINED:
            raise ValueError(
                f"layer class {name!r} (defined in {_DEFINED[name].__module__}) is not "
                f"one of profundo's own, and a model file cannot choose which code "
                f"runs; if you trust it, {how}"
            )
        raise ValueError(
            f"unknown layer class {name!r}: {how}; profundo's own: {', '.join(sorted(_OWN))}"
        )
    from_config = getattr(cls, "from_config", None) if isinstance(cls, type) else None
    if not callable(from_config):
        raise TypeError(f"custom_objects[{name!r}] must be a layer class, got {cls!r}")
    params = inspect.signature(from_config).parameters
    if "custom_objects" in params:
        return from_config(dict(config.get("config", {})), custom_objects=custom_objects)
    return from_config(dict(config.get("config", {})))
