"""Differentiable ops, one module per family (``_shape`` and ``_conv`` are private names so that
``ops.shape`` and ``ops.conv`` are the Keras functions);
each op's forward and backward side by side.

Every op is a plain function here and at the top level (``pf.exp``, ``pf.softmax``), and a Tensor
method or operator where that reads naturally (``x.exp()``, ``a @ b``).

``pf.ops`` also has Keras' ``keras.ops`` names and signatures (``ops.shape``, ``ops.cast``,
``ops.multiply``, ``ops.zeros(shape)``, ``ops.one_hot``, ``ops.conv``...): ``core``, ``numpy`` and
``keras_nn`` hold them, on the ops above. Those stay in ``pf.ops`` only, so the top level keeps
PyTorch's creation functions (``pf.zeros(2, 3)``); ``normalize`` and ``moments`` are Keras' at
both levels (the op under the normalization layers is ``ops.normalization.normalize``).
"""

from . import (
    _conv,
    _shape,
    activation,
    attention,
    elementwise,
    linalg,
    nn,
    normalization,
    pool,
    recurrent,
    reduce,
    volume,
)
from .activation import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from ._conv import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .pool import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from .volume import *  # noqa: F401,F403

__all__ = (
    elementwise.__all__
    + reduce.__all__
    + linalg.__all__
    + _shape.__all__
    + activation.__all__
    + nn.__all__
    + normalization.__all__
    + _conv.__all__
    + pool.__all__
    + recurrent.__all__
    + attention.__all__
    + volume.__all__
)

from . import math  # noqa: E402  (more differentiable math: sin, erf, cumsum, prod, einsum, ...)
from .math import *  # noqa: F401,F403,E402
from . import core, keras_nn, numpy  # noqa: E402  (Keras' keras.ops names; see the docstring)
from .core import *  # noqa: F401,F403,E402
from .numpy import *  # noqa: F401,F403,E402
from .keras_nn import *  # noqa: F401,F403,E402

__all__ += math.__all__
