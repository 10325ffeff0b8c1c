"""Chapter 10 — attention and Transformers: the checkers of its exercises.

Scaled dot-product attention written with NumPy against ``pf.scaled_dot_product_attention``, a
causal mask against the one ``is_causal=True`` uses, and the sinusoidal position encoding against
``layers.SinePositionEncoding``.
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, returns_none, verdict


def _attention(q, k, v, **kwargs) -> np.ndarray:
    from ..ops import scaled_dot_product_attention

    return scaled_dot_product_attention(q, k, v, **kwargs).numpy()


@checker
def check_attention(fn):
    """Exercise 1: ``fn(q, k, v)`` = softmax(q kᵀ / √d) v for q (L, d), k (S, d), v (S, dv)."""
    rng = np.random.default_rng(10)
    q, k, v = rng.normal(size=(4, 8)), rng.normal(size=(6, 8)), rng.normal(size=(6, 3))
    want = _attention(q, k, v)
    got = fn(q, k, v)
    if got is None:
        return returns_none("escribe la atención", "write the attention")
    got = np.asarray(got, dtype=np.float64)
    if got.shape != want.shape:
        return verdict(
            False,
            es=f"4 consultas y valores de tamaño 3 dan forma {want.shape}; la tuya es {got.shape}.",
            en=f"4 queries and values of size 3 give shape {want.shape}; yours is {got.shape}.",
        )
    if np.allclose(got, want, atol=1e-5):
        return verdict(
            True,
            es="tu atención coincide con pf.scaled_dot_product_attention.",
            en="your attention matches pf.scaled_dot_product_attention.",
        )
    if np.allclose(got, _attention(q, k, v, scale=1.0), atol=1e-5):
        return verdict(
            False,
            es="falta dividir las puntuaciones por √d antes del softmax.",
            en="the scores must be divided by √d before the softmax.",
        )
    return verdict(
        False,
        es="no coincide: softmax por filas (sobre las claves) de q·kᵀ/√d, y luego por v.",
        en="it differs: a softmax along each row (over the keys) of q·kᵀ/√d, then times v.",
    )


@checker
def check_causal_mask(fn, length: int = 6):
    """Exercise 2: ``fn(L)`` is the (L, L) boolean mask, True where query i may look at key j:
    itself and the positions before it."""
    mask = fn(length)
    if mask is None:
        return returns_none("escribe la máscara", "write the mask")
    mask = np.asarray(mask)
    want = np.tril(np.ones((length, length), dtype=bool))
    if mask.shape != want.shape:
        return verdict(
            False,
            es=f"para L = {length} la máscara es ({length}, {length}); la tuya es {mask.shape}.",
            en=f"for L = {length} the mask is ({length}, {length}); yours is {mask.shape}.",
        )
    if np.array_equal(mask.astype(bool), want.T) and length > 1:
        return verdict(
            False,
            es="está traspuesta: la fila i (la consulta) ve las columnas j ≤ i.",
            en="it is transposed: row i (the query) sees columns j ≤ i.",
        )
    if not np.array_equal(mask.astype(bool), want):
        return verdict(
            False,
            es="la consulta i debe ver la posición i y las anteriores, y nada más.",
            en="query i must see position i and the ones before it, nothing else.",
        )
    rng = np.random.default_rng(2)
    q = rng.normal(size=(length, 4))
    if not np.allclose(
        _attention(q, q, q, attn_mask=mask.astype(bool)),
        _attention(q, q, q, is_causal=True),
        atol=1e-6,
    ):
        return verdict(
            False,
            es="con tu máscara la atención no es la causal.",
            en="with your mask the attention is not the causal one.",
        )
    return verdict(
        True,
        es="es la máscara causal: la misma atención que is_causal=True.",
        en="it is the causal mask: the same attention as is_causal=True.",
    )


@checker
def check_sine_encoding(fn, length: int = 10, dim: int = 8):
    """Exercise 3: ``fn(length, d)`` (length, d): PE[p, 2i] = sin(p / 10000^(2i/d)) and
    PE[p, 2i + 1] = cos(p / 10000^(2i/d)), against ``layers.SinePositionEncoding``."""
    from ..layers import SinePositionEncoding

    want = SinePositionEncoding()(np.zeros((1, length, dim), np.float32)).numpy()[0]
    got = fn(length, dim)
    if got is None:
        return returns_none("escribe la codificación", "write the encoding")
    got = np.asarray(got, dtype=np.float64)
    if got.shape != want.shape:
        return verdict(
            False,
            es=f"la forma debe ser ({length}, {dim}); la tuya es {got.shape}.",
            en=f"the shape must be ({length}, {dim}); yours is {got.shape}.",
        )
    if np.allclose(got, want, atol=1e-4):
        return verdict(
            True,
            es="coincide con layers.SinePositionEncoding.",
            en="it matches layers.SinePositionEncoding.",
        )
    bad = np.argwhere(~np.isclose(got, want, atol=1e-4))[0]
    return verdict(
        False,
        es=f"en la posición {bad[0]}, columna {bad[1]}: {got[tuple(bad)]:.4f} ≠ "
        f"{want[tuple(bad)]:.4f} (seno en columnas pares, coseno en impares).",
        en=f"at position {bad[0]}, column {bad[1]}: {got[tuple(bad)]:.4f} ≠ "
        f"{want[tuple(bad)]:.4f} (sine in even columns, cosine in odd ones).",
    )
