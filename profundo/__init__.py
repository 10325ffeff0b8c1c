"""profundo: deep learning from first principles — tensors with autodiff over NumPy (CuPy on GPUs),
the layers, losses and optimizers of modern deep learning, and Keras-style models.

>>> import profundo as pf
>>> from profundo import layers, losses, optimizers, metrics, callbacks, datasets
>>> x = pf.tensor([[1.0, 2.0]], requires_grad=True)
>>> (x * x).sum().backward()
"""

from ._version import __version__  # noqa: F401

from . import backend
from .backend import (
    get_backend,
    get_default_dtype,
    manual_seed,
    set_backend,
    set_default_dtype,
    set_num_threads,
)
from .autograd import *  # noqa: F401,F403
from .ops import *  # noqa: F401,F403
from . import (
    activations,
    init,
    losses,
    metrics,
    optimizers,
    regularizers,  # noqa: E402
    schedules,
)
from . import init as initializers  # noqa: E402  (Keras' name for the module)
from . import layers  # noqa: E402
from . import callbacks, models  # noqa: E402
from .models import Model, Perceptron, Sequential  # noqa: E402
from . import data, datasets  # noqa: E402
from . import io  # noqa: E402
from . import viz  # noqa: E402  (pictures; matplotlib is imported only when one is drawn)
from . import tune  # noqa: E402  (hyperparameter search; Optuna is imported when a search runs)
from . import mixed_precision  # noqa: E402  (Keras: keras.mixed_precision)
from . import distributed  # noqa: E402  (data parallel over MPI; mpi4py is imported by init())
from . import random  # noqa: E402  (Keras' keras.random)
from . import constraints  # noqa: E402  (Keras' keras.constraints)
from . import config  # noqa: E402  (Keras' keras.config)
from . import saving, utils  # noqa: E402  (Keras' keras.saving and keras.utils)

# Keras' top-level names: `import profundo as keras` finds keras.Input, keras.Layer, ...
from .init import Initializer  # noqa: E402
from .layers import Input, InputSpec, Layer  # noqa: E402
from .layers.symbolic import SymbolicTensor as KerasTensor  # noqa: E402
from .losses import Loss  # noqa: E402
from .metrics import Metric  # noqa: E402
from .optimizers import Optimizer  # noqa: E402
from .regularizers import Regularizer  # noqa: E402


def version() -> str:
    """profundo's version (Keras' ``keras.version()``)."""
    return __version__
