"""Chapter 2 — multilayer networks and activations: the checkers of its exercises.

Derivatives are checked against profundo's autodiff (``pf.viz``'s ``activation_and_derivative``),
softmax against ``pf.softmax`` on scores large enough to overflow a naive ``exp``, a classifier on
fresh points of the playground's data sets.
"""

from __future__ import annotations

import numpy as np

from ..playground.datasets import make_points
from ..viz.functions import activation_and_derivative
from .verdict import checker, returns_none, verdict

#: the points where derivatives are compared (0 itself is avoided: ReLU and step have a kink there)
GRID = np.linspace(-5, 5, 41) + 0.0123


class _Blank(Exception):
    pass


def _answer(fn, x):
    out = fn(np.array(x, dtype=np.float64))
    if out is None:
        raise _Blank
    return np.asarray(out, dtype=np.float64)


def _worst(got, want, x):
    k = int(np.argmax(np.abs(got - want)))
    return f"x = {x[k]:.3f}: {got[k]:.5g} ≠ {want[k]:.5g}"


@checker
def check_derivative(fn, activation: str = "sigmoid"):
    """Exercises 1 and 2: ``fn(x)`` (a NumPy array in, an array out) is the derivative of
    ``activation``, compared with what autodiff gives on points from −5 to 5."""
    if fn is None:
        return verdict(
            False, es="escribe la función de la derivada.", en="write the derivative function."
        )
    want = activation_and_derivative(activation, GRID)[1]
    try:
        got = _answer(fn, GRID)
    except _Blank:
        return returns_none("escribe su fórmula tras return", "write its formula after return")
    if got.shape != want.shape:
        return verdict(
            False,
            es=f"tu función devuelve forma {got.shape} para una entrada {GRID.shape}.",
            en=f"your function returns shape {got.shape} for an input of {GRID.shape}.",
        )
    if np.allclose(got, want, rtol=1e-4, atol=1e-6):
        return verdict(
            True,
            es=f"tu derivada de {activation} coincide con la de autodiff en 41 puntos.",
            en=f"your derivative of {activation} matches autodiff's on 41 points.",
        )
    return verdict(
        False,
        es=f"no coincide con autodiff en {_worst(got, want, GRID)} (tuyo ≠ autodiff).",
        en=f"it differs from autodiff at {_worst(got, want, GRID)} (yours ≠ autodiff).",
    )


@checker
def check_softmax(fn):
    """Exercise 3: ``fn(z)`` is softmax over the last axis, stable for large scores."""
    if fn is None:
        return verdict(False, es="escribe la función softmax.", en="write the softmax function.")
    from ..ops import softmax

    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1000.0, 1001.0, 1002.0], [-5.0, 10.0, 0.5]])
    want = softmax(z, axis=-1).numpy()
    try:
        with np.errstate(all="ignore"):
            got = _answer(fn, z)
    except _Blank:
        return returns_none("escribe su fórmula tras return", "write its formula after return")
    if got.shape != z.shape:
        return verdict(
            False,
            es=f"devuelve forma {got.shape}, se esperaba {z.shape}.",
            en=f"it returns shape {got.shape}, expected {z.shape}.",
        )
    rows = [i for i in range(len(z)) if not np.allclose(got[i], want[i], atol=1e-6)]
    if not rows:
        return verdict(
            True,
            es="tu softmax da probabilidades correctas, también con puntuaciones de 1000.",
            en="your softmax gives the right probabilities, with scores of 1000 too.",
        )
    i = rows[0]
    hint_es = " Resta el máximo de cada fila antes de exp." if not np.isfinite(got[i]).all() else ""
    hint_en = " Subtract each row's maximum before exp." if hint_es else ""
    return verdict(
        False,
        es=f"para z = {z[i].tolist()} da {got[i].round(4).tolist()}, se esperaba "
        f"{want[i].round(4).tolist()}.{hint_es}",
        en=f"for z = {z[i].tolist()} it gives {got[i].round(4).tolist()}, expected "
        f"{want[i].round(4).tolist()}.{hint_en}",
    )


@checker
def check_classifier(model, dataset: str = "xor", scale: float = 6.0, goal: float = 0.9):
    """Exercise 4: ``model`` (one sigmoid output) classifies fresh points of the playground set
    ``dataset`` (coordinates divided by ``scale``, as in the notebook) with accuracy ≥ ``goal``."""
    if model is None:
        return verdict(
            False, es="entrena un modelo y pásalo aquí.", en="train a model and pass it here."
        )
    x, y = make_points(dataset, n=1000, noise=0.0, seed=12345)
    p = np.asarray(model.predict(x / scale, verbose=0)).reshape(-1)
    accuracy = float(np.mean((p >= 0.5) == (y == 1)))
    if accuracy >= goal:
        return verdict(
            True,
            es=f"exactitud {accuracy:.1%} en 1000 puntos nuevos de {dataset!r}.",
            en=f"accuracy {accuracy:.1%} on 1000 new points of {dataset!r}.",
        )
    return verdict(
        False,
        es=f"exactitud {accuracy:.1%} en puntos nuevos de {dataset!r}; hace falta "
        f"{goal:.0%}. ¿Tiene tu red una capa oculta no lineal?",
        en=f"accuracy {accuracy:.1%} on new points of {dataset!r}; {goal:.0%} is needed. "
        f"Does your network have a nonlinear hidden layer?",
    )
