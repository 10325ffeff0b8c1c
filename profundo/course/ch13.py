"""Chapter 13 — hyperparameters and their search: the checkers of its exercises.

A learning rate drawn log-uniformly (every decade between the bounds equally likely, judged on
many draws), and the best-so-far curve of a search (the running best of the trials' values,
failed trials — NaN — skipped), the curve by which random, grid and Bayesian search are compared.
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, returns_none, verdict


@checker
def check_log_uniform(fn, low: float = 1e-5, high: float = 1e-1, n: int = 4000):
    """Exercise 1: ``fn(rng, low, high, n)`` draws ``n`` values log-uniformly in [low, high]:
    log10 of the values uniform, so that each of the 4 decades gets about a quarter."""
    values = fn(np.random.default_rng(13), low, high, n)
    if values is None:
        return returns_none("saca los valores", "draw the values")
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if values.size != n:
        return verdict(
            False,
            es=f"pedimos {n} valores y das {values.size}.",
            en=f"we asked for {n} values and you give {values.size}.",
        )
    if values.min() < low or values.max() > high:
        return verdict(
            False,
            es=f"hay valores fuera de [{low}, {high}]: de {values.min():.2e} a {values.max():.2e}.",
            en=f"some values fall outside [{low}, {high}]: from {values.min():.2e} to "
            f"{values.max():.2e}.",
        )
    decades = np.histogram(np.log10(values), bins=4, range=(np.log10(low), np.log10(high)))[0] / n
    shares = ", ".join(f"{share:.0%}" for share in decades)
    if np.all(np.abs(decades - 0.25) < 0.04):
        return verdict(
            True,
            es=f"cada década recibe su cuarta parte ({shares}).",
            en=f"each decade gets its quarter ({shares}).",
        )
    return verdict(
        False,
        es=f"las décadas de {low:g} a {high:g} reciben {shares}: con un sorteo "
        f"uniforme casi todo cae en la última; sortea el exponente.",
        en=f"the decades from {low:g} to {high:g} get {shares}: a uniform draw puts "
        f"almost everything in the last one; draw the exponent.",
    )


@checker
def check_best_so_far(fn):
    """Exercise 2: ``fn(values)`` is the running best (maximum) of the trials' objective values,
    a failed trial (NaN) leaving the best as it was (NaN before any trial succeeds)."""
    values = [0.61, np.nan, 0.58, 0.74, 0.70, np.nan, 0.81, 0.80]
    want = [0.61, 0.61, 0.61, 0.74, 0.74, 0.74, 0.81, 0.81]
    got = fn(values)
    if got is None:
        return returns_none("escribe la curva", "write the curve")
    got = np.asarray(got, dtype=np.float64)
    if got.shape != (len(values),):
        return verdict(
            False,
            es=f"una entrada por prueba: {len(values)}; das {got.shape}.",
            en=f"one entry per trial: {len(values)}; you give {got.shape}.",
        )
    if np.isnan(got).any():
        return verdict(
            False,
            es="una prueba fallida (NaN) no debe borrar el mejor valor hasta ahora.",
            en="a failed trial (NaN) must not erase the best value so far.",
        )
    if not np.allclose(got, want):
        return verdict(
            False,
            es=f"para {values} la curva es {want}; la tuya es {got.round(2).tolist()}.",
            en=f"for {values} the curve is {want}; yours is {got.round(2).tolist()}.",
        )
    first = fn([np.nan, 0.5])
    if first is None or not np.isnan(np.asarray(first, dtype=np.float64)[0]):
        return verdict(
            False,
            es="antes de la primera prueba que termina no hay mejor valor: NaN.",
            en="before the first trial that finishes there is no best value: NaN.",
        )
    return verdict(
        True,
        es="tu curva sube solo cuando una prueba mejora y salta las fallidas.",
        en="your curve rises only when a trial improves and skips the failed ones.",
    )
