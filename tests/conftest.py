import numpy as np
import pytest

import profundo as pf


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same random state."""
    pf.manual_seed(0)
    np.random.seed(0)
    yield
