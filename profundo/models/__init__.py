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


def save_model(model, filepath, include_optimizer: bool = True) -> None:
    """``model.save(filepath)`` (Keras' ``models.save_model``)."""
    model.save(filepath, include_optimizer=include_optimizer)


def model_from_json(json_string, custom_objects=None):
    """A new model (fresh weights) from ``model.to_json()``; only profundo's layer classes, those
    registered and those in ``custom_objects`` are built."""
    import json

    from ..layers.registry import deserialize_layer

    return deserialize_layer(json.loads(json_string), custom_objects)


def clone_model(
    model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs
):
    """A new model of the same architecture with freshly initialized weights (Keras'
    ``models.clone_model``); ``clone_function(layer)`` may return the layer to use instead of a
    fresh copy of each layer of a Sequential model."""
    from ..layers.registry import deserialize_layer, serialize_layer

    if input_tensors is not None or call_function is not None:
        raise NotImplementedError(
            "clone_model: input_tensors and call_function are not "
            "implemented; clone the model, then call it on new inputs"
        )
    if clone_function is not None and isinstance(model, Sequential):
        clone = Sequential(name=model.name)
        if model._input_layer is not None or model.input_shape is not None:
            from ..layers import Input

            clone.add(Input(model.input_shape[1:]))
        for layer in model.layers:
            clone.add(clone_function(layer))
        return clone
    clone = deserialize_layer(serialize_layer(model))
    if not clone.built and model.built and getattr(model, "input_shape", None):
        clone.build(model.input_shape)
    return clone


__all__ = [
    "Model",
    "Sequential",
    "Perceptron",
    "load_model",
    "save_model",
    "model_from_json",
    "clone_model",
]
