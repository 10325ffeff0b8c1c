"""Chapter 6 — generalization: the checkers of its exercises.

The L2 penalty against ``pf.regularizers.L2``, inverted dropout by its statistics (the kept
fraction, the scale 1/(1 − rate), the mean preserved, nothing changed at inference), early
stopping against the rule of ``pf.callbacks.EarlyStopping`` (stop after ``patience`` epochs without
a lower validation loss; keep the best epoch's weights).
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, returns_none, verdict


@checker
def check_l2_penalty(fn, l2: float = 0.01):
    """Exercise 1: ``fn(weights, l2)`` = l2 · Σ w² over every array in the list ``weights``."""
    from ..regularizers import L2

    rng = np.random.default_rng(6)
    weights = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    want = sum(float(L2(l2)(w).numpy()) for w in weights)
    got = fn(weights, l2)
    if got is None:
        return returns_none("escribe la penalización", "write the penalty")
    got = float(np.asarray(got))
    if np.isclose(got, want, rtol=1e-6):
        return verdict(
            True,
            es=f"penalización {got:.5f}, igual que regularizers.L2.",
            en=f"penalty {got:.5f}, as regularizers.L2 gives.",
        )
    return verdict(
        False,
        es=f"da {got:.5f}; regularizers.L2 da {want:.5f} (λ·Σw² sobre todas las "
        f"matrices, sin raíz ni media).",
        en=f"it gives {got:.5f}; regularizers.L2 gives {want:.5f} (λ·Σw² over every "
        f"array, no root, no mean).",
    )


@checker
def check_dropout(fn, rate: float = 0.25):
    """Exercise 2: ``fn(x, rate, training)`` is inverted dropout: in training, each value is
    zeroed with probability ``rate`` and the others multiplied by 1/(1 − rate);
    at inference, x as it is."""
    x = np.ones((400, 250))
    out = fn(x.copy(), rate, False)
    if out is None:
        return verdict(False, es="tu función devuelve None.", en="your function returns None.")
    if not np.array_equal(np.asarray(out), x):
        return verdict(
            False,
            es="con training=False (inferencia) debe devolver x sin tocar.",
            en="with training=False (inference) it must return x untouched.",
        )
    out = np.asarray(fn(x.copy(), rate, True), dtype=float)
    zeros = float(np.mean(out == 0))
    kept = np.unique(out[out != 0].round(6))
    if abs(zeros - rate) > 0.01:
        return verdict(
            False,
            es=f"apaga el {zeros:.1%} de los valores; con rate={rate} debería "
            f"apagar el {rate:.0%}.",
            en=f"it zeroes {zeros:.1%} of the values; with rate={rate} it should zero {rate:.0%}.",
        )
    if len(kept) != 1 or not np.isclose(kept[0], 1 / (1 - rate)):
        return verdict(
            False,
            es=f"los valores que quedan valen {kept[:3].tolist()}; deberían valer "
            f"1/(1 − rate) = {1 / (1 - rate):.4f}, para que la media no cambie.",
            en=f"the values kept are {kept[:3].tolist()}; they should be 1/(1 − rate) = "
            f"{1 / (1 - rate):.4f}, so that the mean stays the same.",
        )
    return verdict(
        True,
        es=f"apaga el {zeros:.1%}, escala el resto por {kept[0]:.4f} y la media "
        f"queda en {out.mean():.3f}.",
        en=f"it zeroes {zeros:.1%}, scales the rest by {kept[0]:.4f}, and the mean "
        f"stays at {out.mean():.3f}.",
    )


def early_stopping(val_losses, patience: int):
    """(the epoch training stops after, the best epoch) under ``EarlyStopping(patience)``: an
    epoch improves when its loss is below the best so far; after ``patience`` epochs in a row
    without improvement, training stops. Epochs count from 0."""
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


CURVES = [
    ([1.0, 0.8, 0.7, 0.72, 0.71, 0.75, 0.8, 0.9], 3),
    ([1.0, 0.9, 0.95, 0.85, 0.86, 0.87, 0.84, 0.9, 0.91], 2),
    ([0.5, 0.4, 0.3, 0.2, 0.1], 2),
    ([0.5, 0.6, 0.7, 0.8], 1),
]


@checker
def check_early_stopping(fn):
    """Exercise 3: ``fn(val_losses, patience) -> (stop_epoch, best_epoch)``,
    as ``early_stopping``."""
    for losses, patience in CURVES:
        want, got = early_stopping(losses, patience), fn(list(losses), patience)
        if got is None or tuple(got) != want:
            return verdict(
                False,
                es=f"con val_loss = {losses} y patience = {patience} da {got}; se "
                f"esperaba (parar tras la época {want[0]}, mejor época {want[1]}).",
                en=f"with val_loss = {losses} and patience = {patience} it gives {got}; "
                f"expected (stop after epoch {want[0]}, best epoch {want[1]}).",
            )
    return verdict(
        True,
        es=f"tu regla para y elige la mejor época como EarlyStopping en {len(CURVES)} curvas.",
        en=(
            "your rule stops and picks the best epoch as EarlyStopping does "
            f"on {len(CURVES)} curves."
        ),
    )
