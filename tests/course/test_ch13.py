"""Chapter 13's checkers, each with a right and a wrong answer."""

import numpy as np

from profundo.course import ch13


def test_log_uniform():
    assert ch13.check_log_uniform(
        lambda rng, lo, hi, n: 10 ** rng.uniform(np.log10(lo), np.log10(hi), n)
    )
    v = ch13.check_log_uniform(lambda rng, lo, hi, n: rng.uniform(lo, hi, n))
    assert not v and "exponent" in v.message
    assert not ch13.check_log_uniform(lambda rng, lo, hi, n: np.full(n, lo / 10))
    assert not ch13.check_log_uniform(lambda rng, lo, hi, n: None)


def best_so_far(values):
    best, curve = np.nan, []
    for v in values:
        if not np.isnan(v) and (np.isnan(best) or v > best):
            best = v
        curve.append(best)
    return curve


def test_best_so_far():
    assert ch13.check_best_so_far(best_so_far)
    assert not ch13.check_best_so_far(np.maximum.accumulate)  # NaN spreads
    assert not ch13.check_best_so_far(lambda values: np.nan_to_num(values))
    assert not ch13.check_best_so_far(
        lambda values: [0.0 if np.isnan(b) else b for b in best_so_far(values)]
    )
