"""Normalization: x̂ = (x − μ) / √(σ² + ε),  y = γ x̂ + β — the op under BatchNorm and LayerNorm.

The caller gives the statistics μ, σ² (computed over ``axes``): BatchNormalization passes the
batch's statistics while training and its moving averages in inference; LayerNormalization passes
each sample's own. When the statistics were computed from ``x`` itself (``stats_from_x=True``) the
backward includes their dependence on x:

    ∂L/∂x = (γ / √(σ² + ε)) · (g − mean(g) − x̂ · mean(g ⊙ x̂))        with g = ∂L/∂y,
    ∂L/∂γ = Σ g ⊙ x̂,   ∂L/∂β = Σ g     (summed over the axes γ and β are broadcast along)

otherwise μ and σ² are constants and ∂L/∂x = g γ / √(σ² + ε).

>>> x = pf.randn(32, 10)
>>> mu, var = x.numpy().mean(0), x.numpy().var(0)
>>> gamma, beta = pf.ones(10), pf.zeros(10)
>>> y = pf.ops.normalization.normalize(x, mu, var, gamma, beta, axes=(0,))   # batch-normalized

``Normalize`` is the reference, for any axes. ``ChannelNormalize`` is the same op for the usual
BatchNormalization (statistics per channel, the last axis, over all the others) in few passes
over the data: scale and shift folded into y = x·a + b, no x̂ kept, γ/β gradients reduced as they
are computed. BatchNormalization uses it unless ``channel_kernel = "reference"``; tests compare
the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import backend as B
from ..autograd import Function, Tensor, as_array
from ..autograd.types import TensorLike

__all__ = ["normalize", "moments", "channel_normalize", "channel_moments"]

#: "fast": BatchNormalization over the last axis runs ``ChannelNormalize``;
#: "reference": ``Normalize``
channel_kernel = "fast"


class Normalize(Function):
    """y = γ x̂ + β with x̂ = (x − μ)/√(σ² + ε); the backward is in the module docstring."""

    def forward(self, x, mean, var, gamma, beta, axes=(0,), epsilon=1e-3, stats_from_x=False):
        self.inv_std = 1.0 / B.xp.sqrt(var + epsilon)
        self.x_hat = (x - mean) * self.inv_std
        self.gamma, self.axes, self.stats_from_x = gamma, axes, stats_from_x
        return self.x_hat * gamma + beta

    def backward(self, grad):
        g_hat = grad * self.gamma
        if self.stats_from_x:
            g_hat = (
                g_hat
                - g_hat.mean(axis=self.axes, keepdims=True)
                - self.x_hat * ((g_hat * self.x_hat).mean(axis=self.axes, keepdims=True))
            )
        return g_hat * self.inv_std, None, None, grad * self.x_hat, grad


def normalize(
    x: TensorLike,
    mean: TensorLike,
    var: TensorLike,
    gamma: TensorLike,
    beta: TensorLike,
    axes: Sequence[int] = (0,),
    epsilon: float = 1e-3,
    stats_from_x: bool = False,
) -> Tensor:
    """γ (x − μ)/√(σ² + ε) + β; μ, σ² broadcast against x (keep the reduced axes as size 1)."""
    return Normalize.apply(
        x, mean, var, gamma, beta, axes=tuple(axes), epsilon=epsilon, stats_from_x=stats_from_x
    )


def moments(x: TensorLike, axes: Sequence[int]) -> tuple[Any, Any]:
    """Mean and population variance of an array or tensor over ``axes``
    (kept as size 1), no graph."""
    data = as_array(x)
    mean = data.mean(axis=tuple(axes), keepdims=True)
    return mean, ((data - mean) ** 2).mean(axis=tuple(axes), keepdims=True)


class ChannelNormalize(Function):
    """``Normalize`` per channel (the last axis), over the M values of every other axis, with
    s = 1/√(σ² + ε), γ and β of shape (C,) (None: 1 and 0):

        y = x · (γ s) + (β − μ γ s)                      (scale and shift folded: two passes)
        ∂L/∂β = Σ g,    ∂L/∂γ = Σ g x̂ = s (Σ g x − μ Σ g)    (reductions: no full-size products)
        ∂L/∂x = γ s (g − Σ g / M − x̂ · ∂L/∂γ / M) = a g + b x + c   (statistics from x)
        ∂L/∂x = γ s g                                    (constant statistics)

    with per-channel a = γ s, b = −a s ∂L/∂γ / M, c = −a Σ g / M − b μ. Only x (the input, kept
    by the graph anyway), μ and s are saved.
    """

    def forward(self, x, gamma, beta, mean, var, epsilon=1e-3, stats_from_x=False):
        self.x, self.gamma, self.stats_from_x = x, gamma, stats_from_x
        self.mean, self.inv_std = mean, 1.0 / B.xp.sqrt(var + epsilon)
        self.scale = self.inv_std if gamma is None else gamma * self.inv_std
        shift = -mean * self.scale if beta is None else beta - mean * self.scale
        y = x * self.scale
        y += shift
        return y

    def backward(self, grad):
        xp, channels = B.xp, grad.shape[-1]
        g = grad.reshape(-1, channels)
        sum_g = xp.ones(g.shape[0], g.dtype) @ g
        grad_gamma = None
        if self.stats_from_x or (self.gamma is not None and self.needs_grad(1)):
            x = self.x.reshape(-1, channels)
            grad_gamma = self.inv_std * (xp.einsum("ij,ij->j", g, x) - self.mean * sum_g)
        gx = None
        if self.needs_grad(0):
            gx = grad * self.scale
            if self.stats_from_x:
                m = g.shape[0]
                b = -self.scale * self.inv_std * grad_gamma / m
                gx += xp.multiply(self.x, b, out=B.scratch("normalize.bx", self.x.shape, gx.dtype))
                gx += -self.scale * sum_g / m - b * self.mean
        return gx, (grad_gamma if self.gamma is not None else None), sum_g, None, None


def channel_normalize(
    x: TensorLike,
    mean: TensorLike,
    var: TensorLike,
    gamma: TensorLike | None = None,
    beta: TensorLike | None = None,
    epsilon: float = 1e-3,
    stats_from_x: bool = False,
) -> Tensor:
    """γ (x − μ)/√(σ² + ε) + β per channel (the last axis); μ, σ², γ, β of shape (C,), γ and β
    may be None. The fast form of ``normalize(..., axes=all but the last)``.

    >>> x = pf.randn(8, 4, 4, 3)
    >>> mu, var = pf.channel_moments(x)
    >>> pf.channel_normalize(x, mu, var, stats_from_x=True).shape
    (8, 4, 4, 3)
    """
    return ChannelNormalize.apply(
        x, gamma, beta, mean, var, epsilon=epsilon, stats_from_x=stats_from_x
    )


def channel_moments(x: TensorLike) -> tuple[Any, Any]:
    """Mean and population variance of each channel (the last axis) over all other axes: (C,)
    arrays, no graph. One pass for each sum: μ = 1ᵀX / M (a matrix-vector product) and
    σ² = Σ x² / M − μ² (an einsum, no temporary); a channel whose mean dwarfs its spread
    (μ² > 1000 σ², where that difference cancels digits) is recomputed as mean((x − μ)²).
    """
    xp = B.xp
    data = as_array(x)
    rows = data.reshape(-1, data.shape[-1])
    m = rows.shape[0]
    mean = xp.ones(m, rows.dtype) @ rows / m
    var = xp.maximum(xp.einsum("ij,ij->j", rows, rows) / m - mean * mean, 0)
    risky = mean * mean > 1000 * var
    if risky.any():
        var[risky] = ((rows[:, risky] - mean[risky]) ** 2).mean(axis=0)
    return mean, var
