"""Models: ``Model`` (functional graphs and subclassing), ``Sequential``, training, ``summary``,
and the course's ``Perceptron``.

``load_model`` reads a ``.profundo`` archive written by ``model.save`` (see ``profundo.io``).
"""
from .model import Model
from .perceptron import Perceptron
from .sequential import Sequential
from . import zoo  # noqa: E402


def load_model(filepath, custom_objects=None, compile: bool = True):  # noqa: A002 - Keras' name
    """The model saved in ``filepath`` by ``model.save``: architecture, weights, compile settings
    and optimizer state (implemented in ``profundo.io.saving``)."""
    from ..io.saving import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile)


__all__ = ["Model", "Sequential", "Perceptron", "load_model"]
