"""Keras' ``keras.saving`` names: ``load_model``, ``register_keras_serializable`` and
``get_registered_object``.

A model file names the classes of its layers; only profundo's own, those in ``custom_objects`` and
those registered here are created from it (see ``profundo.layers.registry``).
"""
from .layers.registry import get_registered_object, register_keras_serializable
from .models import load_model

__all__ = ["get_registered_object", "load_model", "register_keras_serializable"]
