import os

import numpy as np
import pytest

import profundo as pf

# Keras, where the tests compare with it, runs on PyTorch (installed for the parity tests),
# never TensorFlow
os.environ.setdefault("KERAS_BACKEND", "torch")


def pytest_collection_modifyitems(config, items):
    """Long forms (marked ``slow``) run only when asked: ``PROFUNDO_SLOW=1 pytest -m slow``.
    The default run — the README's test command, and CI — runs every test's short form."""
    if os.environ.get("PROFUNDO_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="a long form: run with PROFUNDO_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same random state."""
    pf.manual_seed(0)
    np.random.seed(0)
    yield
