"""Layers: the ``Layer`` base and every layer, one module per family.

>>> from profundo import layers
>>> layers.Dense(64, activation="relu")
<Dense name='dense...', built=False>
"""

from .activation import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from .augmentation import *  # noqa: F401,F403
from .base import Layer, learning_phase
from .input_spec import InputSpec
from .conv import *  # noqa: F401,F403
from .core import *  # noqa: F401,F403
from .embedding import *  # noqa: F401,F403
from .merge import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .preprocessing import *  # noqa: F401,F403
from .probabilistic import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .regularization import *  # noqa: F401,F403
from .registry import deserialize_layer as deserialize, serialize_layer as serialize
from .reshaping import *  # noqa: F401,F403
from .sequence import *  # noqa: F401,F403
from .symbolic import SymbolicTensor
from .op_layer import OpLayer  # noqa: F401  (ops on symbolic tensors become layers)
from .transformer import *  # noqa: F401,F403
from .text_vectorization import TextVectorization  # noqa: F401,E402  (Keras: layers.TextVectorization)
from .keras_extras import *  # noqa: F401,F403,E402  (Lambda, Identity, CategoryEncoding, ...)
from .hashing import Hashing  # noqa: F401,E402
from .conv_lstm import ConvLSTM2D  # noqa: F401,E402

# Keras' long names of the convolutions
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D  # noqa: F405
Convolution2DTranspose, SeparableConvolution2D = Conv2DTranspose, SeparableConv2D  # noqa: F405
