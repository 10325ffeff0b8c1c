"""Keras' ``keras.saving``: loading and saving models, and the custom objects that configs name.

>>> @pf.saving.register_keras_serializable(package="my_package")
... def scaled_relu(x):
...     return pf.relu(x) * 2
>>> model = pf.saving.load_model("model.profundo")       # finds scaled_relu by its name
... # doctest: +SKIP
>>> with pf.saving.custom_object_scope({"MyLayer": MyLayer}):
...     model = pf.saving.load_model("model.profundo")
... # doctest: +SKIP

Loading never runs code from a file: a config names a class or function, and only profundo's own,
registered ones, or those given in ``custom_objects`` are used (Keras' ``safe_mode`` rule; see
``profundo.layers.registry``).
"""

from __future__ import annotations

from . import activations, init, losses, metrics, optimizers, regularizers, schedules, serialization
from .io import saving as _files
from .layers.base import Layer
from .layers.registry import deserialize_layer, serialize_layer
from .serialization import active_custom_objects, custom_object_scope, register_keras_serializable

__all__ = [
    "load_model",
    "save_model",
    "load_weights",
    "save_weights",
    "register_keras_serializable",
    "custom_object_scope",
    "CustomObjectScope",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "serialize_keras_object",
    "deserialize_keras_object",
]

CustomObjectScope = custom_object_scope


def load_model(filepath, custom_objects=None, compile: bool = True, safe_mode: bool = True):
    """The model saved at ``filepath``, with ``custom_objects`` (names → classes or functions)
    resolving the names its config uses. ``safe_mode`` is always on: no code runs from the file."""
    with custom_object_scope(custom_objects or {}):
        return _files.load_model(filepath, custom_objects=custom_objects, compile=compile)


def save_model(model, filepath, include_optimizer: bool = True) -> None:
    """``model.save(filepath)``."""
    model.save(filepath, include_optimizer=include_optimizer)


def load_weights(model, filepath) -> None:
    """``model.load_weights(filepath)``."""
    model.load_weights(filepath)


def save_weights(model, filepath) -> None:
    """``model.save_weights(filepath)``."""
    model.save_weights(filepath)


def get_custom_objects() -> dict:
    """The registered custom objects, by name (changes to the dict register or unregister)."""
    return serialization._REGISTERED


def get_registered_name(obj) -> str:
    """``"package>name"`` for a registered class or function, else its ``__name__``."""
    return getattr(obj, "_registered_name", None) or obj.__name__


def get_registered_object(name: str, custom_objects=None, module_objects=None):
    """The object registered (or in ``custom_objects``/``module_objects``) under ``name``,
    or None."""
    for table in (custom_objects or {}, active_custom_objects(), module_objects or {}):
        if name in table:
            return table[name]
    return None


def serialize_keras_object(obj):
    """Plain JSON data for a layer, an initializer, optimizer, loss, metric, schedule or
    regularizer (``{"class_name", "config"}``), a function (its registered name) or a value."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(v) for v in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, Layer):
        return serialize_layer(obj)
    if hasattr(obj, "get_config"):
        return serialization.serialize(obj)
    if callable(obj):
        return get_registered_name(obj)
    raise TypeError(f"serialize_keras_object: cannot serialize {type(obj).__name__} {obj!r}")


_KINDS = (
    deserialize_layer,
    optimizers.deserialize,
    losses.deserialize,
    metrics.deserialize,
    init.deserialize,
    regularizers.deserialize,
    schedules.deserialize,
)


def deserialize_keras_object(config, custom_objects=None):
    """The object ``serialize_keras_object`` described (a name gives the registered object or
    the activation of that name)."""
    if config is None or isinstance(config, (int, float, bool)):
        return config
    with custom_object_scope(custom_objects or {}):
        if isinstance(config, str):
            found = get_registered_object(config)
            return found if found is not None else activations.get(config)
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(
                f"deserialize_keras_object: expected a name or {{'class_name': ..., "
                f"'config': {{...}}}}, got {config!r}"
            )
        cls = get_registered_object(config["class_name"])
        if cls is not None:
            return cls.from_config(dict(config.get("config", {})))
        for rebuild in _KINDS:  # the first kind that knows the class name
            try:
                return rebuild(config)
            except (ValueError, KeyError, TypeError):
                continue
        raise ValueError(
            f"deserialize_keras_object: unknown class {config['class_name']!r} "
            f"(register it with register_keras_serializable or pass custom_objects)"
        )
