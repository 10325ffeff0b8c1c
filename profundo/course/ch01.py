"""Chapter 1 — the neuron and the perceptron: the checkers of its exercises.

A neuron computes a = f(w·x + b); with the step f(z) = 1 if z ≥ 0 else 0 it is a logic gate on
inputs in {0, 1}. One neuron draws one straight line, so XOR needs a hidden layer.
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, verdict

#: the four inputs (x₁, x₂) of a two-input logic gate, in truth-table order
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
#: each gate's outputs on ``INPUTS``
GATES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
}


def step(z):
    """1 where z ≥ 0, else 0 (the perceptron's activation)."""
    return (np.asarray(z) >= 0).astype(np.int64)


def _blank(*answers) -> bool:
    return any(a is None or a is Ellipsis for a in answers)


def _gate_verdict(outputs, gate, what_es, what_en):
    outputs = np.asarray(outputs).reshape(-1)
    wrong = [
        f"{tuple(map(int, x))} → {int(o)} ({t})"
        for x, o, t in zip(INPUTS, outputs, GATES[gate])
        if o != t
    ]
    if not wrong:
        return verdict(
            True,
            es=f"{what_es} calcula {gate.upper()} en las cuatro entradas.",
            en=f"{what_en} computes {gate.upper()} on all four inputs.",
        )
    return verdict(
        False,
        es=f"{what_es} se equivoca en: {'; '.join(wrong)} (entre paréntesis, "
        f"lo esperado para {gate.upper()}).",
        en=f"{what_en} is wrong on: {'; '.join(wrong)} (in brackets, what {gate.upper()} expects).",
    )


@checker
def check_gate(w, b, gate: str = "or"):
    """Exercise 1: weights ``w`` (two numbers) and bias ``b`` of one step neuron
    computing ``gate``."""
    if _blank(w, b):
        return verdict(
            False, es="escribe los pesos w y el sesgo b.", en="write the weights w and the bias b."
        )
    w = np.asarray(w, dtype=float).reshape(-1)
    if w.shape != (2,):
        return verdict(
            False,
            es=f"w debe tener dos números (uno por entrada), tiene {w.size}.",
            en=f"w must hold two numbers (one per input), it has {w.size}.",
        )
    return _gate_verdict(step(INPUTS @ w + float(b)), gate, "tu neurona", "your neuron")


@checker
def check_perceptron(perceptron, gate: str = "nand"):
    """Exercise 2: a ``pf.Perceptron`` trained (by its rule) to compute ``gate``."""
    if _blank(perceptron):
        return verdict(
            False,
            es="entrena un pf.Perceptron y pásalo aquí.",
            en="train a pf.Perceptron and pass it here.",
        )
    if getattr(perceptron, "theta_", None) is None:
        return verdict(
            False,
            es="el perceptrón aún no está entrenado: llama a fit(X, y).",
            en="the perceptron is not trained yet: call fit(X, y).",
        )
    return _gate_verdict(perceptron.predict(INPUTS), gate, "tu perceptrón", "your perceptron")


@checker
def check_xor_network(W1, b1, w2, b2):
    """Exercise 3: a hidden layer of step neurons (``W1`` (2, k), ``b1`` (k,)) and an output step
    neuron (``w2`` (k,), ``b2``) that together compute XOR."""
    if _blank(W1, b1, w2, b2):
        return verdict(False, es="escribe W1, b1, w2 y b2.", en="write W1, b1, w2 and b2.")
    W1, b1 = np.asarray(W1, dtype=float), np.asarray(b1, dtype=float).reshape(-1)
    w2 = np.asarray(w2, dtype=float).reshape(-1)
    if W1.ndim != 2 or W1.shape[0] != 2 or b1.shape != (W1.shape[1],) or w2.shape != (W1.shape[1],):
        return verdict(
            False,
            es=f"las formas no encajan: W1 debe ser (2, k), b1 y w2 (k,); son {W1.shape}, "
            f"{b1.shape}, {w2.shape}.",
            en=f"the shapes do not fit: W1 must be (2, k), b1 and w2 (k,); they are "
            f"{W1.shape}, {b1.shape}, {w2.shape}.",
        )
    hidden = step(INPUTS @ W1 + b1)
    return _gate_verdict(step(hidden @ w2 + float(b2)), "xor", "tu red", "your network")
