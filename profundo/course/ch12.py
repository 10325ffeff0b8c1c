"""Chapter 12 — transfer learning and neural style transfer: the checkers of its exercises.

- ``check_freeze``: a model whose pretrained base is frozen and whose new head trains;
- ``check_gram``: the Gram matrix of feature maps, G = FᵀF / (H·W), the style of an image.
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, returns_none, verdict


@checker
def check_freeze(model, base):
    """``model`` (base + new head) with ``base`` frozen: no weight of the base trainable, every
    weight of the head trainable, and the model compiled after freezing."""
    if model is None or base is None:
        return verdict(False, es="construye el modelo.", en="build the model.")
    if not getattr(model, "built", True) or not model.weights:
        return verdict(
            False,
            es="el modelo aún no tiene pesos: empieza con layers.Input(...).",
            en="the model has no weights yet: start it with layers.Input(...).",
        )
    base_ids = {id(w) for w in base.weights}
    trainable = model.trainable_weights
    if any(id(w) in base_ids for w in trainable):
        return verdict(
            False,
            es="la base aún entrena: pon base.trainable = False antes de compilar.",
            en="the base still trains: set base.trainable = False before compiling.",
        )
    head = [w for w in model.weights if id(w) not in base_ids]
    if not head or len(trainable) != len(head):
        return verdict(
            False,
            es="la cabeza nueva debe entrenar: solo la base se congela.",
            en="the new head must train: only the base is frozen.",
        )
    if getattr(model, "optimizer", None) is None:
        return verdict(
            False,
            es="compila el modelo (después de congelar la base).",
            en="compile the model (after freezing the base).",
        )
    n_frozen = sum(int(np.prod(w.shape)) for w in base.weights)
    n_head = sum(int(np.prod(w.shape)) for w in head)
    return verdict(
        True,
        es=f"{n_frozen} pesos congelados en la base, {n_head} entrenables en la cabeza.",
        en=f"{n_frozen} weights frozen in the base, {n_head} trainable in the head.",
    )


@checker
def check_gram(gram):
    """``gram(f)`` for feature maps f of shape (H, W, C): the (C, C) matrix FᵀF / (H·W)."""
    f = np.random.default_rng(12).random((5, 4, 3))
    got = gram(f)
    if got is None:
        return returns_none("calcula la matriz de Gram", "compute the Gram matrix")
    got = np.asarray(getattr(got, "numpy", lambda: got)(), dtype="float64")
    flat = f.reshape(20, 3)
    want = flat.T @ flat / 20
    if got.shape != (3, 3):
        return verdict(
            False,
            es=f"con 3 canales la matriz de Gram es (3, 3); la tuya es {got.shape}: "
            f"aplana las posiciones, F = f.reshape(H·W, C), y calcula FᵀF.",
            en=f"with 3 channels the Gram matrix is (3, 3); yours is {got.shape}: flatten "
            f"the positions, F = f.reshape(H·W, C), and compute FᵀF.",
        )
    if np.allclose(got, want * 20):
        return verdict(
            False,
            es="falta dividir por el número de posiciones H·W.",
            en="divide by the number of positions H·W.",
        )
    if not np.allclose(got, want):
        return verdict(
            False,
            es="G[i, j] es la media, sobre las posiciones, de f[..., i]·f[..., j].",
            en="G[i, j] is the mean over the positions of f[..., i]·f[..., j].",
        )
    return verdict(
        True,
        es="G dice qué canales se activan juntos, sin importar dónde: la textura.",
        en="G says which channels fire together, wherever they are: the texture.",
    )
