"""profundo: deep learning from first principles — tensors with autodiff over NumPy (CuPy on GPUs),
the layers, losses and optimizers of modern deep learning, and Keras-style models.

>>> import profundo as pf
>>> x = pf.tensor([[1.0, 2.0]], requires_grad=True)
>>> (x * x).sum().backward()
"""
from . import backend
from .backend import (get_backend, get_default_dtype, manual_seed, set_backend, set_default_dtype,
                      set_num_threads)
from .autograd import *  # noqa: F401,F403
from .ops import *  # noqa: F401,F403

__version__ = "0.1.0"
