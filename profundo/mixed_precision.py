"""``pf.mixed_precision`` — Keras' ``keras.mixed_precision`` names: ``set_global_policy``,
``global_policy``, ``DTypePolicy`` (also ``Policy``) and ``LossScaleOptimizer``.

>>> pf.mixed_precision.set_global_policy("mixed_float16")   # doctest: +SKIP
>>> model = pf.Sequential([...])      # its layers compute in float16, weights stay float32
... # doctest: +SKIP

See ``profundo.dtype_policies`` (the policies) and ``profundo.optimizers.loss_scale``.
"""

from __future__ import annotations

from .dtype_policies import DTypePolicy, global_policy, set_global_policy
from .optimizers.loss_scale import LossScaleOptimizer

Policy = DTypePolicy  # Keras 2's name, still in Keras 3

__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "global_policy", "set_global_policy"]
