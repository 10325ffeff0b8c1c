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
>>> y = pf.normalize(x, mu, var, pf.ones(10), pf.zeros(10), axes=(0,))   # batch-normalized
"""
from __future__ import annotations

from .. import backend as B
from ..autograd import Function, Tensor

__all__ = ["normalize", "moments"]


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
            g_hat = g_hat - g_hat.mean(axis=self.axes, keepdims=True) - self.x_hat * (
                (g_hat * self.x_hat).mean(axis=self.axes, keepdims=True))
        return g_hat * self.inv_std, None, None, grad * self.x_hat, grad


def normalize(x, mean, var, gamma, beta, axes=(0,), epsilon: float = 1e-3,
              stats_from_x: bool = False) -> Tensor:
    """γ (x − μ)/√(σ² + ε) + β; μ, σ² broadcast against x (keep the reduced axes as size 1)."""
    return Normalize.apply(x, mean, var, gamma, beta, axes=tuple(axes), epsilon=epsilon,
                           stats_from_x=stats_from_x)


def moments(x, axes):
    """Mean and population variance of an array or tensor over ``axes`` (kept as size 1), no graph."""
    data = x.data if isinstance(x, Tensor) else x
    mean = data.mean(axis=tuple(axes), keepdims=True)
    return mean, ((data - mean) ** 2).mean(axis=tuple(axes), keepdims=True)
