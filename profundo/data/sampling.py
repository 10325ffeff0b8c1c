"""Where the data tools draw their random numbers from.

An explicit ``seed`` gives a generator of its own, so the result never depends on anything else.
Without one, draws come from profundo's generator (``backend.rng()``), so ``pf.manual_seed(n)``
makes shuffling reproducible together with initializers and dropout.
"""

from __future__ import annotations

import numpy as np

from .. import backend as B


def generator(seed: int | None):
    """A NumPy generator for ``seed``, or profundo's shared generator when ``seed`` is None."""
    return B.rng() if seed is None else np.random.default_rng(seed)


def permutation(rng, n: int) -> np.ndarray:
    """A random order of ``range(n)`` as a NumPy array (also when ``rng`` is a CuPy generator)."""
    return B.permutation(n, rng)
