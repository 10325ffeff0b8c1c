"""``LossScaleOptimizer`` (Keras' name): dynamic loss scaling for float16 training.

float16's smallest normal number is 6·10⁻⁵, and many gradients of a float16 computation are
smaller: they would round to 0. So the loss is multiplied by a scale S before the backward pass
(every gradient is then S times larger, safely inside float16's range), and the gradients are
divided by S before the update. S adapts: when a gradient overflows to inf or NaN the step is
skipped and S halves; after ``dynamic_growth_steps`` good steps in a row S doubles.
``fit`` multiplies the loss by ``scale_loss`` on its own; in a hand-written loop use
``opt.scale_loss(loss).backward(); opt.apply(grads, weights)``.
"""

from __future__ import annotations

import math

from .. import backend as B
from ..autograd import as_array
from .optimizer import Optimizer


class LossScaleOptimizer:
    """Wraps ``inner_optimizer`` (any profundo optimizer); its learning rate, iterations and
    state stay the inner one's."""

    def __init__(
        self,
        inner_optimizer: Optimizer,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
    ):
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                f"LossScaleOptimizer: inner_optimizer must be a profundo optimizer, got "
                f"{type(inner_optimizer).__name__}"
            )
        if (
            not initial_scale > 0
            or not isinstance(dynamic_growth_steps, int)
            or dynamic_growth_steps < 1
        ):
            raise ValueError(
                f"LossScaleOptimizer: initial_scale must be > 0 and dynamic_growth_steps a "
                f"positive int, got {initial_scale!r} and {dynamic_growth_steps!r}"
            )
        self.inner_optimizer = inner_optimizer
        self.scale = float(initial_scale)
        self.dynamic_growth_steps = dynamic_growth_steps
        self.good_steps = 0
        self.name = name or "loss_scale_optimizer"

    def scale_loss(self, loss):
        """loss · S, what the backward pass starts from."""
        return loss * self.scale

    def apply(self, grads, params=None) -> None:
        """Unscale the gradients; skip the step and halve S if one is not finite, else update."""
        unscaled = [None if g is None else as_array(g) / self.scale for g in grads]
        finite = all(g is None or bool(B.xp.isfinite(g).all()) for g in unscaled)
        if not finite:
            self.scale = max(self.scale / 2, 1.0)
            self.good_steps = 0
            return
        self.inner_optimizer.apply(unscaled, params)
        self.good_steps += 1
        if self.good_steps == self.dynamic_growth_steps and math.isfinite(self.scale * 2):
            self.scale *= 2
            self.good_steps = 0

    def __getattr__(self, name):  # learning_rate, iterations, get_config, ... of the inner one
        if name == "inner_optimizer":
            raise AttributeError(name)
        return getattr(self.inner_optimizer, name)


__all__ = ["LossScaleOptimizer"]
