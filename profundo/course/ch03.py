"""Chapter 3 — loss and gradient descent: the checkers of its exercises, and the chapter's data.

The running problem is a line through noisy points, ŷ = w·x + b with the mean squared error
L(w, b) = mean((ŷ − y)²), whose gradient is ∂L/∂w = 2·mean((ŷ − y)·x), ∂L/∂b = 2·mean(ŷ − y).
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, returns_none, verdict


def line_data(n: int = 100, seed: int = 0):
    """``n`` points (x, y) with x uniform in [−1, 1] and y = 3x + 2 + noise (σ = 0.1), float64."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    return x, 3 * x + 2 + 0.1 * rng.standard_normal(n)


def descend(learning_rate: float, steps: int, x, y) -> np.ndarray:
    """The loss before each of ``steps`` full-batch gradient-descent steps from (w, b) = (0, 0),
    and after the last: ``steps + 1`` values."""
    w = b = 0.0
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps + 1):
            error = w * x + b - y
            losses.append(float(np.mean(error**2)))
            w, b = (
                w - learning_rate * 2 * np.mean(error * x),
                b - learning_rate * 2 * np.mean(error),
            )
    return np.array(losses)


def _scalar(value, name):
    if value is None:
        return None
    out = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=np.float64)
    if out.size != 1:
        raise ValueError(f"{name} must return one number (the mean), got shape {out.shape}")
    return float(out)


def _compare(got, want, what_es, what_en):
    if got is None:
        return returns_none("escribe su fórmula tras return", "write its formula after return")
    if np.isclose(got, want, rtol=1e-5, atol=1e-8):
        return verdict(
            True,
            es=f"{what_es} da {got:.6g}, igual que profundo.",
            en=f"{what_en} gives {got:.6g}, as profundo does.",
        )
    return verdict(
        False,
        es=f"{what_es} da {got:.6g}; profundo da {want:.6g} con los mismos datos.",
        en=f"{what_en} gives {got:.6g}; profundo gives {want:.6g} on the same data.",
    )


@checker
def check_mse(fn):
    """Exercise 1: ``fn(y_true, y_pred)`` is the mean squared error (one number)."""
    from ..losses import MeanSquaredError

    rng = np.random.default_rng(1)
    y, p = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    want = float(MeanSquaredError()(y, p).numpy())
    return _compare(_scalar(fn(y, p), "mse"), want, "tu MSE", "your MSE")


@checker
def check_bce(fn):
    """Exercise 2: ``fn(y_true, p)`` is the mean binary cross-entropy of probabilities ``p``."""
    from ..losses import BinaryCrossentropy

    rng = np.random.default_rng(2)
    y, p = rng.integers(0, 2, (16, 1)).astype(np.float64), rng.uniform(0.05, 0.95, (16, 1))
    want = float(BinaryCrossentropy()(y, p).numpy())
    return _compare(_scalar(fn(y, p), "bce"), want, "tu entropía cruzada", "your cross-entropy")


@checker
def check_gradient_step(fn):
    """Exercise 3: ``fn(w, b, x, y, lr)`` returns (w, b) after one gradient-descent step on the
    MSE of ŷ = w·x + b; compared with the step autodiff gives."""
    from ..autograd import Tensor

    x, y = line_data(20, seed=3)
    w0, b0, lr = 0.5, -0.25, 0.1
    w, b = Tensor(np.array(w0), requires_grad=True), Tensor(np.array(b0), requires_grad=True)
    (((w * Tensor(x) + b) - Tensor(y)) ** 2).mean().backward()
    want = (w0 - lr * float(w.grad), b0 - lr * float(b.grad))
    got = fn(w0, b0, x, y, lr)
    if got is None or any(g is None for g in got):
        return verdict(
            False,
            es="devuelve None: calcula los gradientes y devuelve (w, b) nuevos.",
            en="it returns None: compute the gradients and return the new (w, b).",
        )
    got = tuple(float(np.asarray(g)) for g in got)
    if np.allclose(got, want, rtol=1e-6, atol=1e-9):
        return verdict(
            True,
            es=(
                f"tu paso lleva (w, b) de ({w0}, {b0}) a ({got[0]:.5f}, {got[1]:.5f}), "
                "como autodiff."
            ),
            en=(
                f"your step takes (w, b) from ({w0}, {b0}) to ({got[0]:.5f}, {got[1]:.5f}), "
                "as autodiff does."
            ),
        )
    return verdict(
        False,
        es=f"tu paso da (w, b) = ({got[0]:.5f}, {got[1]:.5f}); se esperaba "
        f"({want[0]:.5f}, {want[1]:.5f}). ¿Está el 2 de la derivada de (ŷ − y)²?",
        en=f"your step gives (w, b) = ({got[0]:.5f}, {got[1]:.5f}); expected "
        f"({want[0]:.5f}, {want[1]:.5f}). Is the 2 from the derivative of (ŷ − y)² there?",
    )


@checker
def check_learning_rate(learning_rate, steps: int = 50):
    """Exercise 4: with this learning rate, ``steps`` full-batch steps on ``line_data()`` bring the
    loss within 0.001 of its minimum."""
    if learning_rate is None:
        return verdict(False, es="elige una tasa de aprendizaje.", en="choose a learning rate.")
    lr = float(learning_rate)
    x, y = line_data()
    best = float(np.mean((np.polyval(np.polyfit(x, y, 1), x) - y) ** 2))
    losses = descend(lr, steps, x, y)
    final = losses[-1]
    if not np.isfinite(final) or final > losses[0]:
        return verdict(
            False,
            es=f"con η = {lr} la pérdida crece ({losses[0]:.3g} → {final:.3g}): es "
            f"demasiado grande, cada paso salta al otro lado del valle y más lejos.",
            en=f"with η = {lr} the loss grows ({losses[0]:.3g} → {final:.3g}): it is too "
            f"large, each step jumps across the valley and further out.",
        )
    if final - best > 1e-3:
        # the curvature along the steepest direction: the largest eigenvalue of L's Hessian
        hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
        lam = float(np.linalg.eigvalsh(hessian).max())
        if lr > 1 / lam:
            return verdict(
                False,
                es=f"con η = {lr}, tras {steps} pasos la pérdida es {final:.4f} y "
                f"el mínimo {best:.4f}: algo grande, zigzaguea de un lado al "
                f"otro del valle en vez de bajar por él.",
                en=f"with η = {lr}, after {steps} steps the loss is {final:.4f} and the "
                f"minimum {best:.4f}: rather large, it zigzags across the valley "
                f"instead of going down it.",
            )
        return verdict(
            False,
            es=f"con η = {lr}, tras {steps} pasos la pérdida es {final:.4f} y el "
            f"mínimo {best:.4f}: demasiado pequeña, aún no ha llegado.",
            en=f"with η = {lr}, after {steps} steps the loss is {final:.4f} and the "
            f"minimum {best:.4f}: too small, it has not arrived yet.",
        )
    return verdict(
        True,
        es=f"con η = {lr}, {steps} pasos llevan la pérdida de {losses[0]:.3f} a "
        f"{final:.4f} (mínimo {best:.4f}).",
        en=f"with η = {lr}, {steps} steps bring the loss from {losses[0]:.3f} to "
        f"{final:.4f} (minimum {best:.4f}).",
    )
