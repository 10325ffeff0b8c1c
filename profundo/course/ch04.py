"""Chapter 4 — backpropagation: the checkers of its exercises, and the chapter's tiny network.

The network: z = w₁x + b₁, h = tanh z, ŷ = w₂h + b₂, L = (ŷ − y)², one number each (``TINY``).
By the chain rule, from L back to each parameter:
∂L/∂ŷ = 2(ŷ − y); ∂L/∂w₂ = ∂L/∂ŷ·h; ∂L/∂b₂ = ∂L/∂ŷ; ∂L/∂h = ∂L/∂ŷ·w₂; ∂L/∂z = ∂L/∂h·(1 − h²);
∂L/∂w₁ = ∂L/∂z·x; ∂L/∂b₁ = ∂L/∂z.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .verdict import checker, verdict

#: the tiny network's input, target and parameters
TINY = {"x": 1.5, "y": 0.5, "w1": 0.8, "b1": -0.2, "w2": 1.3, "b2": 0.1}
PARAMETERS = ("w1", "b1", "w2", "b2")

#: the functions whose op the learner writes, by name: (forward in NumPy, a range of inputs)
REFERENCE: dict[str, tuple[Callable, tuple[float, float]]] = {
    "tanh": (np.tanh, (-3.0, 3.0)),
    "softplus": (lambda x: np.log1p(np.exp(x)), (-4.0, 4.0)),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), (-4.0, 4.0)),
}


def tiny_gradients() -> dict:
    """∂L/∂w₁, ∂L/∂b₁, ∂L/∂w₂, ∂L/∂b₂ of the tiny network,
    by profundo's ``backward()`` in float64."""
    from ..autograd import Tensor

    p = {
        k: Tensor(np.array(v), dtype="float64", requires_grad=k in PARAMETERS)
        for k, v in TINY.items()
    }
    y_hat = p["w2"] * (p["w1"] * p["x"] + p["b1"]).tanh() + p["b2"]
    ((y_hat - p["y"]) ** 2).backward()
    return {k: float(p[k].grad) for k in PARAMETERS}


@checker
def check_hand_gradients(grads: dict):
    """Exercise 1: ``grads`` = {"w1": …, "b1": …, "w2": …, "b2": …}, worked out by hand with the
    chain rule for ``TINY``; compared with ``backward()``."""
    if not isinstance(grads, dict) or any(grads.get(k) is None for k in PARAMETERS):
        return verdict(
            False,
            es=f"escribe un diccionario con las cuatro derivadas {PARAMETERS}.",
            en=f"write a dict with the four derivatives {PARAMETERS}.",
        )
    want = tiny_gradients()
    wrong = [
        f"∂L/∂{k}: {float(grads[k]):.5f} ≠ {want[k]:.5f}"
        for k in PARAMETERS
        if not np.isclose(float(grads[k]), want[k], rtol=1e-4, atol=1e-6)
    ]
    if not wrong:
        return verdict(
            True,
            es="tus cuatro derivadas coinciden con las de backward().",
            en="your four derivatives match backward()'s.",
        )
    return verdict(
        False,
        es="no coinciden con backward() (tuyo ≠ backward): " + "; ".join(wrong),
        en="they differ from backward() (yours ≠ backward): " + "; ".join(wrong),
    )


@checker
def check_function(op, name: str = "tanh"):
    """Exercises 2 and 3: ``op`` is a ``pf.Function`` subclass computing ``name`` elementwise:
    its forward against NumPy, its backward against finite differences (``pf.gradcheck``)."""
    from ..autograd import Function, GradcheckError, Tensor, gradcheck

    if not (isinstance(op, type) and issubclass(op, Function)):
        return verdict(
            False,
            es="pasa la clase de tu op, una subclase de pf.Function.",
            en="pass your op's class, a subclass of pf.Function.",
        )
    reference, (low, high) = REFERENCE[name]
    x = np.random.default_rng(4).uniform(low, high, (3, 5))
    out = op.apply(Tensor(x, dtype="float64"))
    got = out.numpy() if isinstance(out, Tensor) else np.asarray(out)
    if got.shape != x.shape or not np.allclose(got, reference(x), rtol=1e-6, atol=1e-9):
        return verdict(
            False,
            es=f"el forward no calcula {name}: compáralo con NumPy en unos puntos.",
            en=f"the forward does not compute {name}: compare it with NumPy on a few points.",
        )
    try:
        gradcheck(lambda t: op.apply(t), [x])
    except GradcheckError as err:
        return verdict(
            False,
            es=f"el forward está bien, pero el backward no coincide con las "
            f"diferencias finitas: {err}",
            en=f"the forward is right, but the backward disagrees with finite differences: {err}",
        )
    return verdict(
        True,
        es=f"tu op {op.__name__} calcula {name} y su backward pasa gradcheck.",
        en=f"your op {op.__name__} computes {name} and its backward passes gradcheck.",
    )
