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
from .normalization import channel_moments, channel_normalize  # normalize, moments: Keras' (below)
from .pool import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from .volume import *  # noqa: F401,F403

# Written out, not summed from the modules' lists, so that type checkers (mypy reads only a
# literal list) see what `from profundo.ops import *` and `pf.relu` give; tests/test_typing.py
# checks that it is the modules' lists in this order. An op added to a module goes here too.
# fmt: off
__all__ = [
    # elementwise
    "add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "abs", "sign", "clip",
    "maximum", "minimum", "where", "eq", "ne", "lt", "le", "gt", "ge",
    # reduce
    "sum", "mean", "max", "min", "var", "std", "logsumexp", "argmax", "argmin",
    # linalg
    "matmul", "dot",
    # _shape
    "reshape", "flatten", "squeeze", "unsqueeze", "expand_dims", "transpose", "permute",
    "swapaxes", "broadcast_to", "repeat", "tile", "concatenate", "cat", "stack", "split", "pad",
    "astype",
    # activation
    "step", "sigmoid", "tanh", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "softplus",
    "softsign", "silu", "swish", "hard_sigmoid", "exponential", "linear",
    # nn
    "softmax", "log_softmax", "dropout", "cross_entropy", "binary_cross_entropy_with_logits",
    # normalization
    "normalize", "moments", "channel_normalize", "channel_moments",
    # _conv
    "conv1d", "conv2d", "depthwise_conv2d", "conv2d_transpose",
    # pool
    "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "global_max_pool1d",
    "global_max_pool2d", "global_avg_pool1d", "global_avg_pool2d", "upsampling2d",
    "zero_padding2d", "cropping2d",
    # recurrent
    "simple_rnn", "lstm", "gru",
    # attention
    "scaled_dot_product_attention",
    # volume
    "conv3d", "max_pool3d", "avg_pool3d", "global_max_pool3d", "global_avg_pool3d",
    # math
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arccosh",
    "arctanh", "erf", "log1p", "expm1", "cumsum", "cumprod", "prod", "einsum",
]
# fmt: on

from . import math  # noqa: E402  (more differentiable math: sin, erf, cumsum, prod, einsum, ...)
from .math import *  # noqa: F401,F403,E402
from . import core, keras_nn, numpy  # noqa: E402  (Keras' keras.ops names; see the docstring)
from .core import *  # noqa: F401,F403,E402
from .numpy import *  # noqa: F401,F403,E402
from .keras_nn import *  # noqa: F401,F403,E402
