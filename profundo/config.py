"""Keras' ``keras.config``: the global settings Keras programs read and set — the float type,
epsilon, the image layout — on profundo's backend.

>>> pf.config.floatx()
'float32'
>>> pf.config.set_floatx("float64")    # new weights and tensors in float64  # doctest: +SKIP
"""

from __future__ import annotations

import numpy

from . import backend as B

__all__ = [
    "backend",
    "floatx",
    "set_floatx",
    "epsilon",
    "set_epsilon",
    "image_data_format",
    "set_image_data_format",
]

_epsilon = [1e-7]


def backend() -> str:
    """The array backend: "numpy" or "cupy"."""
    return B.get_backend()


def floatx() -> str:
    """The default float type of new weights and tensors."""
    return numpy.dtype(B.get_default_dtype()).name


def set_floatx(value) -> None:
    B.set_default_dtype(value)


def epsilon() -> float:
    """The small constant Keras' code adds to avoid dividing by zero (1e-7)."""
    return _epsilon[0]


def set_epsilon(value: float) -> None:
    _epsilon[0] = float(value)


def image_data_format() -> str:
    """Always "channels_last": images are (batch, height, width, channels) in profundo."""
    return "channels_last"


def set_image_data_format(data_format: str) -> None:
    if data_format != "channels_last":
        raise ValueError(
            f"set_image_data_format: profundo's images are channels_last (NHWC); "
            f"got {data_format!r} — transpose channels-first data with "
            f"x.transpose(0, 2, 3, 1)"
        )
