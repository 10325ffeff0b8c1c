"""Losses: how wrong a model's predictions are, as one number to minimize — Keras' losses.

Each loss comes twice, as in Keras:

* a function ``loss_fn(y_true, y_pred, **settings)`` returning the per-sample losses (reduced over
  the last axis, so ``(N, C)`` inputs give shape ``(N,)``), and
* a class ``LossClass(**settings, reduction="sum_over_batch_size", name=None)`` whose call
  ``loss(y_true, y_pred, sample_weight=None)`` returns the scalar that ``backward()`` starts from.

Both are built from profundo's differentiable ops, so their gradients come from autodiff.
``y_true`` is a NumPy array, a list or a Tensor; ``y_pred`` a Tensor (arrays are accepted), whose
dtype the loss keeps (float32 stays float32). ``y_true`` is a constant unless it is a Tensor that
requires grad (two embeddings compared by ``cosine_similarity``): then its gradient flows too.

>>> import profundo as pf
>>> from profundo import losses
>>> p = pf.tensor([[0.9], [0.2]], requires_grad=True)
>>> bce = losses.BinaryCrossentropy()
>>> loss = bce([[1.0], [0.0]], p)            # (−log 0.9 − log 0.8) / 2
>>> loss.backward()
>>> losses.get("mse")                          # by name
<MeanSquaredError name='mean_squared_error'>
>>> losses.serialize(bce)["class_name"]       # to JSON-ready configs (and back: deserialize)
'BinaryCrossentropy'

Losses combine by arithmetic, e.g. the course's loss for segmentation masks::

    loss = 0.5 * losses.BinaryCrossentropy() + losses.IoU()

Modules: ``base`` (Loss, reductions and sample weights, get/serialize), ``regression``,
``probabilistic`` (cross-entropies, KL, Poisson), ``margin`` (hinge losses),
``segmentation`` (IoU, Dice).
"""

from . import margin, probabilistic, regression, segmentation
from .base import (
    EPSILON,
    REDUCTIONS,
    CombinedLoss,
    Loss,
    LossFunctionWrapper,
    deserialize,
    get,
    prepare,
    reduce_loss,
    serialize,
)
from .margin import *  # noqa: F401,F403
from .probabilistic import *  # noqa: F401,F403
from .regression import *  # noqa: F401,F403
from .segmentation import *  # noqa: F401,F403

# Keras' short names for the functions
mse = mean_squared_error  # noqa: F405
mae = mean_absolute_error  # noqa: F405
mape = mean_absolute_percentage_error  # noqa: F405
msle = mean_squared_logarithmic_error  # noqa: F405
kld = kl_divergence  # noqa: F405

__all__ = (
    [
        "Loss",
        "LossFunctionWrapper",
        "CombinedLoss",
        "get",
        "serialize",
        "deserialize",
        "prepare",
        "reduce_loss",
        "EPSILON",
        "REDUCTIONS",
        "mse",
        "mae",
        "mape",
        "msle",
        "kld",
    ]
    + regression.__all__
    + probabilistic.__all__
    + margin.__all__
    + segmentation.__all__
)
