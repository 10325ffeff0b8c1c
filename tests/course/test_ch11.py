"""Chapter 11's checkers, each with a right and a wrong answer."""

import numpy as np

import profundo as pf
from profundo.course import ch11


def test_reparameterize():
    assert ch11.check_reparameterize(lambda m, lv, e: m + np.exp(0.5 * lv) * e)
    v = ch11.check_reparameterize(lambda m, lv, e: m + np.exp(lv) * e)
    assert not v and "σ²" in v.message
    assert not ch11.check_reparameterize(lambda m, lv, e: m)


def test_kl():
    def kl(m, lv):
        return -0.5 * np.sum(1 + lv - m**2 - np.exp(lv), axis=1)

    assert ch11.check_kl(kl)
    assert ch11.check_kl(
        lambda m, lv: pf.layers.probabilistic.kl_divergence(pf.tensor(m), pf.tensor(lv))
    )
    assert not ch11.check_kl(lambda m, lv: -0.5 * np.sum(lv - m**2 - np.exp(lv), axis=1))
    assert not ch11.check_kl(lambda m, lv: kl(m, lv).mean())  # one number, not one per sample


def test_discriminator_loss():
    bce = pf.losses.BinaryCrossentropy(from_logits=True)

    def right(real, fake):
        return bce(np.ones_like(real), real).item() + bce(np.zeros_like(fake), fake).item()

    assert ch11.check_discriminator_loss(right)
    v = ch11.check_discriminator_loss(lambda r, f: right(f, r))
    assert not v and ("al revés" in v.message or "swapped" in v.message)
    assert not ch11.check_discriminator_loss(lambda r, f: None)
