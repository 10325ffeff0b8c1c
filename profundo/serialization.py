"""Objects as plain JSON data — ``{"class_name": "Adam", "config": {...}}`` — and back.

Initializers, regularizers, schedules, optimizers, losses and metrics all save their settings this
way, so that a model's file holds only data: loading looks the class name up in a fixed table of
known classes and never runs code from the file.
"""

from __future__ import annotations

import contextlib
import difflib

#: objects registered by name (``pf.saving.register_keras_serializable``), found by every lookup
_REGISTERED: dict = {}
#: the dicts of the ``custom_object_scope`` blocks in force, innermost last
_SCOPES: list = []


def active_custom_objects() -> dict:
    """The custom objects in force: registered ones, then those of open ``custom_object_scope``
    blocks (inner ones win)."""
    merged = dict(_REGISTERED)
    for scope in _SCOPES:
        merged.update(scope)
    return merged


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator (Keras' name): allow this class or function to be created from model files and
    configs by its name (``name`` or its ``__name__``) and by Keras' ``"package>name"``.

    >>> @pf.saving.register_keras_serializable(package="my_package")
    ... class Scale(pf.layers.Layer): ...
    """

    def allow(obj):
        short = name or obj.__name__
        key = f"{package}>{short}"
        if _REGISTERED.get(key, obj) is not obj:
            raise ValueError(
                f"register_keras_serializable: {key!r} is already registered to "
                f"{_REGISTERED[key]!r}"
            )
        _REGISTERED[key] = _REGISTERED[short] = obj
        obj._registered_name = key
        return obj

    return allow


@contextlib.contextmanager
def custom_object_scope(*scopes):
    """Within the block, names in the given dicts resolve to their objects when configs load."""
    merged = {}
    for scope in scopes:
        merged.update(scope or {})
    _SCOPES.append(merged)
    try:
        yield merged
    finally:
        _SCOPES.remove(merged)


def serialize(obj) -> dict:
    """``{"class_name": <the class's name>, "config": obj.get_config()}``."""
    return {"class_name": type(obj).__name__, "config": obj.get_config()}


def deserialize(config, classes: dict, kind: str):
    """A new object from ``serialize``'s data, its class looked up in ``classes`` by name."""
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in classes:
        raise ValueError(
            f"unknown {kind} class {name!r}; expected {{'class_name': one of "
            f"{', '.join(sorted(classes))}, 'config': {{...}}}}, got {config!r}"
        )
    return classes[name].from_config(dict(config.get("config", {})))


def lookup(name: str, table: dict, kind: str, custom_objects: dict | None = None):
    """``table``'s entry for ``name``, by the one rule every ``get`` follows: ``custom_objects``
    first, then the name as written, then regardless of case (``"MSE"`` finds ``"mse"``,
    ``"Adam"`` finds ``"adam"``). An unknown name fails naming the closest known ones.

    >>> lookup("ReLU", {"relu": pf.relu}, "activation")        # pf.relu
    <function relu at ...>
    """
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    known = active_custom_objects() if _REGISTERED or _SCOPES else {}
    if name in known:
        return known[name]
    if name in table:
        return table[name]
    folded = {key.lower(): value for key, value in table.items()}
    if isinstance(name, str) and name.lower() in folded:
        return folded[name.lower()]
    raise ValueError(unknown_name(name, table, kind))


def unknown_name(name, known, kind: str) -> str:
    """ "unknown <kind> 'name'; did you mean ...? known: ..." — the closest names first."""
    by_lower = {key.lower(): key for key in known}
    close = difflib.get_close_matches(str(name).lower(), list(by_lower), n=5, cutoff=0.6)
    spellings: dict = {}  # "glorot_uniform" and "GlorotUniform": once
    for c in close:
        spellings.setdefault(c.replace("_", ""), by_lower[c])
    closest = list(spellings.values())[:3]
    guess = f"; did you mean {' or '.join(map(repr, closest))}?" if closest else ""
    listed = sorted(key for key in known if not key[:1].isupper()) or sorted(known)
    return f"unknown {kind} {name!r}{guess} (known: {', '.join(listed)})"
