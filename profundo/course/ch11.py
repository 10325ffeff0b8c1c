"""Chapter 11 — autoencoders, VAEs and GANs: the checkers of its exercises.

- ``check_reparameterize``: z = μ + σ ⊙ ε with σ = exp(½ log σ²), the sampling that lets the
  gradient reach μ and log σ²;
- ``check_kl``: KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²) for each sample;
- ``check_discriminator_loss``: the discriminator's binary cross-entropy on logits, real → 1 and
  fake → 0.
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, returns_none, verdict


def _numbers(value, shape, name_es, name_en):
    """(array, None) or (None, a ❌ verdict) for an answer that must be numbers of ``shape``."""
    if value is None:
        return None, returns_none(f"calcula {name_es}", f"compute {name_en}")
    array = np.asarray(getattr(value, "numpy", lambda: value)(), dtype="float64")
    if array.shape != shape:
        return None, verdict(
            False,
            es=f"{name_es} debe tener forma {shape}; tiene {array.shape}.",
            en=f"{name_en} must have shape {shape}; it has {array.shape}.",
        )
    return array, None


@checker
def check_reparameterize(reparameterize):
    """``reparameterize(mu, log_var, eps)`` = μ + exp(½ log σ²) · ε, element by element."""
    rng = np.random.default_rng(12)
    mu, log_var, eps = rng.normal(size=(3, 5, 4))
    got, bad = _numbers(reparameterize(mu, log_var, eps), (5, 4), "z", "z")
    if bad is not None:
        return bad
    want = mu + np.exp(0.5 * log_var) * eps
    if np.allclose(got, mu + np.exp(log_var) * eps):
        return verdict(
            False,
            es="multiplicaste ε por la varianza σ²; es por la desviación σ = exp(½·log σ²).",
            en="you multiplied ε by the variance σ²; it is the deviation σ = exp(½·log σ²).",
        )
    if not np.allclose(got, want, atol=1e-6):
        return verdict(
            False,
            es="z debe ser μ + σ·ε con σ = exp(½·log σ²).",
            en="z must be μ + σ·ε with σ = exp(½·log σ²).",
        )
    return verdict(
        True,
        es="z = μ + σ·ε: el azar está en ε, y el gradiente llega a μ y a log σ².",
        en="z = μ + σ·ε: the randomness is in ε, and the gradient reaches μ and log σ².",
    )


@checker
def check_kl(kl):
    """``kl(mu, log_var)`` for a batch (n, d): KL(N(μ, σ²) ‖ N(0, I)) per sample, shape (n,)."""
    rng = np.random.default_rng(13)
    mu, log_var = rng.normal(size=(2, 6, 3))
    want = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=1)
    got, bad = _numbers(kl(mu, log_var), (6,), "la KL de cada muestra", "the KL of each sample")
    if bad is not None:
        return bad
    zero, _ = _numbers(kl(np.zeros((2, 3)), np.zeros((2, 3))), (2,), "la KL", "the KL")
    if zero is None or not np.allclose(zero, 0, atol=1e-9):
        return verdict(
            False,
            es="con μ = 0 y σ = 1 la distribución ya es N(0, I): la KL debe ser 0.",
            en="with μ = 0 and σ = 1 the distribution is N(0, I) already: the KL must be 0.",
        )
    if not np.allclose(got, want, rtol=1e-6):
        return verdict(
            False,
            es="KL = −½ Σ (1 + log σ² − μ² − σ²), sumada sobre las dimensiones del código.",
            en="KL = −½ Σ (1 + log σ² − μ² − σ²), summed over the code's dimensions.",
        )
    return verdict(
        True,
        es="la KL mide cuánto se aleja cada código de N(0, I); 0 solo si μ = 0 y σ = 1.",
        en="the KL measures how far each code is from N(0, I); 0 only when μ = 0 and σ = 1.",
    )


@checker
def check_discriminator_loss(d_loss):
    """``d_loss(real_logits, fake_logits)``: mean BCE(1, σ(real)) + mean BCE(0, σ(fake))."""
    rng = np.random.default_rng(14)
    real, fake = rng.normal(size=(2, 8))

    def bce(target, logits):  # −[t log σ(l) + (1 − t) log(1 − σ(l))], computed stably
        return np.mean(np.logaddexp(0, logits) - target * logits)

    want = bce(1, real) + bce(0, fake)
    got, bad = _numbers(d_loss(real, fake), (), "la pérdida", "the loss")
    if bad is not None:
        return bad
    if abs(got - (bce(0, real) + bce(1, fake))) < 1e-6:
        return verdict(
            False,
            es="las etiquetas están al revés: las imágenes reales son 1, las falsas 0.",
            en="the labels are swapped: real images are 1, fake ones 0.",
        )
    if abs(got - want) > 1e-6:
        return verdict(
            False,
            es=f"para estos logits la pérdida es {want:.4f}; la tuya da {got:.4f}.",
            en=f"for these logits the loss is {want:.4f}; yours gives {got:.4f}.",
        )
    return verdict(
        True,
        es="D aprende a decir 1 a lo real y 0 a lo falso; G intentará lo contrario.",
        en="D learns to say 1 to real and 0 to fake; G will try the opposite.",
    )
