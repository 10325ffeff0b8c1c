"""Scaled dot-product attention: each query reads a weighted average of the values, weighted by how
well it matches each key (Vaswani et al., 2017, "Attention is all you need")::

    S = scale · Q Kᵀ + bias          scores, (..., L, S)      scale = 1/√E by default
    P = softmax(S)                   each row sums to 1 over the keys (masked keys get exactly 0)
    O = P V                          (..., L, Ev)

Masks say which keys a query may look at, broadcast over batch and heads as PyTorch does: a
boolean ``attn_mask`` is True where attention is *allowed*; a float ``attn_mask`` is added to the
scores (−inf forbids); ``is_causal`` lets query i see keys 0 … i only. A query row whose keys are
all masked gets P = 0 and so O = 0 — zeros, never NaN (PyTorch ≥ 2.5 does the same).

The backward, with g = ∂L/∂O (the FlashAttention form: the row sums need only O, not another L×S
array)::

    ∂L/∂V = Pᵀ g
    ∂L/∂P = g Vᵀ
    ∂L/∂S = P ⊙ (∂L/∂P − D),   D = rowsum(∂L/∂P ⊙ P) = rowsum(g ⊙ O)
    ∂L/∂Q = scale · ∂L/∂S K,   ∂L/∂K = scale · ∂L/∂Sᵀ Q,   ∂L/∂bias = ∂L/∂S

When the weights P are an output too (``return_weights``) and receive a gradient G, ∂L/∂P gains
G, and D gains rowsum(G ⊙ P).
With dropout (rate p, keep mask M) the values are averaged with P' = P ⊙ M/(1 − p) instead:
∂L/∂V = P'ᵀ g and ∂L/∂P = (g Vᵀ) ⊙ M/(1 − p); D = rowsum(g ⊙ O) still holds.

>>> q = k = v = pf.randn(2, 4, 10, 8)             # batch 2, 4 heads, 10 steps, head size 8
>>> pf.scaled_dot_product_attention(q, k, v, is_causal=True).shape
(2, 4, 10, 8)
"""

from __future__ import annotations

import math
from typing import Literal, overload

from .. import backend as B
from ..autograd import Function, Tensor
from ..autograd.types import TensorLike
from .nn import masked_softmax

__all__ = ["scaled_dot_product_attention"]


def causal_mask(n_queries: int, n_keys: int):
    """The boolean (L, S) mask of causal attention:
    query i may see keys j ≤ i (top-left aligned)."""
    return B.xp.tri(n_queries, n_keys, dtype=bool)


class ScaledDotProductAttention(Function):
    """O = softmax(scale · Q Kᵀ + bias) V; the backward is in the module docstring."""

    def forward(
        self, q, k, v, mask=None, is_causal=False, dropout_p=0.0, scale=None, return_weights=False
    ):
        _check_shapes(q, k, v, mask, is_causal)
        self.scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
        scores = (q * q.dtype.type(self.scale)) @ B.xp.swapaxes(k, -1, -2)
        allowed = causal_mask(q.shape[-2], k.shape[-2]) if is_causal else None
        if mask is not None:
            full = B.xp.broadcast_shapes(scores.shape, mask.shape)
            if full != scores.shape:  # a mask with more batch axes than q and k
                scores = B.xp.broadcast_to(scores, full).copy()
            if mask.dtype == bool:
                allowed = mask
            else:
                scores += mask
        self.p = masked_softmax(scores, allowed)
        self.keep = None
        if dropout_p > 0:
            self.keep = (
                B.rng().random(self.p.shape, dtype=self.p.dtype) >= dropout_p
            ) / q.dtype.type(1 - dropout_p)
            self.out = (self.p * self.keep) @ v
        else:
            self.out = self.p @ v
        self.q, self.k, self.v = q, k, v
        return (self.out, self.p) if return_weights else self.out

    def backward(self, grad, grad_p=None):
        xp, p = B.xp, self.p
        if grad is None:  # only the weights P were used
            grad = xp.zeros_like(self.out)
        weights = p if self.keep is None else p * self.keep  # P', what averaged the values
        dv = xp.swapaxes(weights, -1, -2) @ grad if self.needs_grad(2) else None
        del weights
        ds = grad @ xp.swapaxes(self.v, -1, -2)  # ∂L/∂P' → ∂L/∂P → ∂L/∂S in place
        if self.keep is not None:
            ds *= self.keep
        row = (grad * self.out).sum(axis=-1, keepdims=True)  # D = rowsum(∂L/∂P ⊙ P)
        if grad_p is not None:  # P itself was an output too
            ds += grad_p
            row += (grad_p * p).sum(axis=-1, keepdims=True)
        ds -= row
        ds *= p
        dq = (ds @ self.k) * self.scale if self.needs_grad(0) else None
        dk = (xp.swapaxes(ds, -1, -2) @ self.q) * self.scale if self.needs_grad(1) else None
        return dq, dk, dv, (ds if self.needs_grad(3) else None)


def _check_shapes(q, k, v, mask, is_causal):
    name = "scaled_dot_product_attention"
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise ValueError(
            f"{name}: query, key and value need at least 2 dimensions (..., length, "
            f"features), got {q.shape}, {k.shape}, {v.shape}"
        )
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"{name}: query and key must have the same feature size (last axis), got "
            f"{q.shape[-1]} and {k.shape[-1]}"
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"{name}: key and value must have the same length (second-to-last axis), "
            f"got {k.shape[-2]} and {v.shape[-2]}"
        )
    if mask is not None:
        if is_causal:
            raise ValueError(
                f"{name}: give attn_mask or is_causal=True, not both (combine the "
                f"causal mask into attn_mask instead)"
            )
        scores = q.shape[:-1] + (k.shape[-2],)
        try:
            B.xp.broadcast_shapes(mask.shape, scores)
        except ValueError:
            raise ValueError(
                f"{name}: attn_mask of shape {mask.shape} does not broadcast to the "
                f"attention scores' shape (..., L, S) = {scores}"
            ) from None


# For type checkers: a pair (output, weights) only with return_weights=True.
@overload
def scaled_dot_product_attention(
    query: TensorLike,
    key: TensorLike,
    value: TensorLike,
    attn_mask: TensorLike | None = None,
    is_causal: bool = False,
    dropout_p: float = 0.0,
    scale: float | None = None,
    return_weights: Literal[False] = False,
) -> Tensor: ...
@overload
def scaled_dot_product_attention(
    query: TensorLike,
    key: TensorLike,
    value: TensorLike,
    attn_mask: TensorLike | None = None,
    is_causal: bool = False,
    dropout_p: float = 0.0,
    scale: float | None = None,
    *,
    return_weights: Literal[True],
) -> tuple[Tensor, Tensor]: ...


def scaled_dot_product_attention(
    query: TensorLike,
    key: TensorLike,
    value: TensorLike,
    attn_mask: TensorLike | None = None,
    is_causal: bool = False,
    dropout_p: float = 0.0,
    scale: float | None = None,
    return_weights: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """softmax(Q Kᵀ · scale + mask) V, fused in one op, with PyTorch's arguments and meaning.

    ``query`` (..., L, E), ``key`` (..., S, E), ``value`` (..., S, Ev) → (..., L, Ev); leading
    (batch, head) axes broadcast. ``attn_mask`` broadcasts to (..., L, S): booleans (True = may
    attend) or floats added to the scores. ``is_causal``: query i attends to keys 0 … i.
    ``dropout_p``: dropout on the attention weights (always applied when > 0, as in PyTorch; pass
    0 in inference). ``scale`` defaults to 1/√E. Masked keys get weight exactly 0; a query that may
    attend to nothing outputs zeros, not NaN. ``return_weights=True`` (not in PyTorch) also returns
    the attention weights P (..., L, S), before dropout, to look at or to differentiate through.

    >>> q = pf.randn(1, 3, 4)
    >>> pf.scaled_dot_product_attention(q, q, q, attn_mask=pf.tensor([True, True, False])).shape
    (1, 3, 4)
    """
    if not 0 <= dropout_p < 1:
        raise ValueError(
            f"scaled_dot_product_attention: dropout_p must be in [0, 1), got {dropout_p}"
        )
    return ScaledDotProductAttention.apply(
        query,
        key,
        value,
        attn_mask,
        is_causal=bool(is_causal),
        dropout_p=float(dropout_p),
        scale=scale,
        return_weights=bool(return_weights),
    )
