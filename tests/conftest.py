import os

import numpy as np
import pytest

import profundo as pf

# Keras, where the tests compare with it, runs on PyTorch (installed for the parity tests), never TensorFlow
os.environ.setdefault("KERAS_BACKEND", "torch")


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same random state."""
    pf.manual_seed(0)
    np.random.seed(0)
    yield
