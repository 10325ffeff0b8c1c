"""Chapter 5 — optimizers: the checkers of its exercises.

The learner's update rules run on the elongated bowl L(x, y) = (x² + 10y²)/2 (``pf.viz``'s
"quadratic" surface) and are compared, step by step, with profundo's optimizers on the same
exact gradients.
"""

from __future__ import annotations

import numpy as np

from ..viz.functions import SURFACES, optimizer_path
from .verdict import checker, returns_none, verdict

STEPS = 30


def gradient(surface: str, theta) -> np.ndarray:
    """∇L at the point ``theta`` of a ``pf.viz.SURFACES`` surface, by autodiff (float64)."""
    from ..autograd import Tensor

    point = Tensor(np.asarray(theta, dtype=np.float64), dtype="float64", requires_grad=True)
    SURFACES[surface][0](point[0], point[1]).backward()
    return np.asarray(point.grad, dtype=np.float64)


def _compare_paths(update, optimizer, what_es, what_en):
    """Run ``update(theta, grad, state, t) -> (theta, state)`` and ``optimizer`` from the bowl's
    start for ``STEPS`` steps; a verdict on the first step where they part."""
    start = SURFACES["quadratic"][1]
    want = optimizer_path("quadratic", optimizer, start, STEPS)
    theta, state = np.array(start, dtype=np.float64), None
    for t in range(1, STEPS + 1):
        theta, state = update(theta, gradient("quadratic", theta), state, t)
        if theta is None:
            return returns_none("escribe la regla de actualización", "write the update rule")
        theta = np.asarray(theta, dtype=np.float64).reshape(-1)
        if not np.allclose(theta, want[t], rtol=1e-5, atol=1e-8):
            return verdict(
                False,
                es=f"en el paso {t} tu {what_es} está en {theta.round(5).tolist()}, "
                f"y profundo en {want[t].round(5).tolist()}.",
                en=f"at step {t} your {what_en} is at {theta.round(5).tolist()}, "
                f"and profundo's at {want[t].round(5).tolist()}.",
            )
    return verdict(
        True,
        es=f"tu {what_es} sigue el mismo camino que el de profundo durante {STEPS} pasos.",
        en=f"your {what_en} follows the same path as profundo's for {STEPS} steps.",
    )


@checker
def check_momentum(fn, learning_rate: float = 0.05, beta: float = 0.9):
    """Exercise 1: ``fn(theta, m, grad, lr, beta) -> (theta, m)``, one step of momentum
    (m ← βm − η∇L; θ ← θ + m)."""
    from ..optimizers import SGD

    if fn is None:
        return verdict(False, es="escribe la función.", en="write the function.")

    def update(theta, grad, m, t):
        m = np.zeros_like(theta) if m is None else m
        return fn(theta, m, grad, learning_rate, beta)

    return _compare_paths(
        update, SGD(learning_rate, momentum=beta), "descenso con momento", "momentum descent"
    )


@checker
def check_adam(
    fn,
    learning_rate: float = 0.1,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-8,
):
    """Exercise 2: ``fn(theta, m, v, grad, t, lr, beta_1, beta_2, eps) -> (theta, m, v)``, one
    step of Adam at step t = 1, 2, …"""
    from ..optimizers import Adam

    if fn is None:
        return verdict(False, es="escribe la función.", en="write the function.")

    def update(theta, grad, state, t):
        m, v = state or (np.zeros_like(theta), np.zeros_like(theta))
        out = fn(theta, m, v, grad, t, learning_rate, beta_1, beta_2, epsilon)
        return (None, None) if out is None or out[0] is None else (out[0], out[1:])

    return _compare_paths(
        update, Adam(learning_rate, beta_1, beta_2, epsilon=epsilon), "Adam", "Adam"
    )


@checker
def check_rosenbrock(optimizer, steps: int = 500, goal: float = 0.01):
    """Exercise 3: ``optimizer`` (a profundo optimizer) brings the point from (−1.5, 2) to within
    ``goal`` of Rosenbrock's minimum (1, 1) in ``steps`` steps."""
    from ..optimizers import Optimizer

    if not isinstance(optimizer, Optimizer):
        return verdict(
            False,
            es="pasa un optimizador de profundo, p. ej. optimizers.SGD(1e-3).",
            en="pass a profundo optimizer, e.g. optimizers.SGD(1e-3).",
        )
    with np.errstate(all="ignore"):
        end = optimizer_path("rosenbrock", optimizer, SURFACES["rosenbrock"][1], steps)[-1]
    distance = float(np.linalg.norm(end - 1))
    if not np.isfinite(distance):
        return verdict(
            False,
            es="el punto salió disparado al infinito: la tasa de aprendizaje es "
            "demasiado grande para este valle.",
            en="the point flew off to infinity: the learning rate is too large for this valley.",
        )
    if distance <= goal:
        return verdict(
            True,
            es=f"tras {steps} pasos el punto está en {end.round(4).tolist()}, a "
            f"{distance:.4f} del mínimo.",
            en=f"after {steps} steps the point is at {end.round(4).tolist()}, "
            f"{distance:.4f} from the minimum.",
        )
    return verdict(
        False,
        es=f"tras {steps} pasos el punto está en {end.round(4).tolist()}, a "
        f"{distance:.3f} del mínimo (hace falta ≤ {goal}).",
        en=f"after {steps} steps the point is at {end.round(4).tolist()}, {distance:.3f} "
        f"from the minimum (≤ {goal} is needed).",
    )
