"""Layers: the ``Layer`` base and every layer, one module per family.

>>> from profundo import layers
>>> layers.Dense(64, activation="relu")
"""
from .activation import *  # noqa: F401,F403
from .augmentation import *  # noqa: F401,F403
from .base import Layer, learning_phase
from .core import *  # noqa: F401,F403
from .merge import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .preprocessing import *  # noqa: F401,F403
from .registry import deserialize_layer as deserialize, serialize_layer as serialize
from .symbolic import SymbolicTensor
