"""Objects as plain JSON data — ``{"class_name": "Adam", "config": {...}}`` — and back.

Initializers, regularizers, schedules, optimizers, losses and metrics all save their settings this
way, so that a model's file holds only data: loading looks the class name up in a fixed table of
known classes and never runs code from the file.
"""
from __future__ import annotations


def serialize(obj) -> dict:
    """``{"class_name": <the class's name>, "config": obj.get_config()}``."""
    return {"class_name": type(obj).__name__, "config": obj.get_config()}


def deserialize(config, classes: dict, kind: str):
    """A new object from ``serialize``'s data, its class looked up in ``classes`` by name."""
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in classes:
        raise ValueError(f"unknown {kind} class {name!r}; expected {{'class_name': one of "
                         f"{', '.join(sorted(classes))}, 'config': {{...}}}}, got {config!r}")
    return classes[name].from_config(dict(config.get("config", {})))
