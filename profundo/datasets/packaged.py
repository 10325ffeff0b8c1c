"""The shared loader of the small data sets shipped inside the package (``digits``, ``iris``,
``breast_cancer``, ``diabetes``): they work offline, with no download.

Each is one ``data/<name>.npz`` (NumPy's zip of arrays, read with ``allow_pickle=False``) holding
a fixed train/test split — ``x_train``, ``y_train``, ``x_test``, ``y_test`` — and, for
provenance, ``index_train`` / ``index_test``: the row of each sample in the source file.
``data/README.md`` says where the data come from and how the split was made.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).parent / "data"


def load_packaged(name: str, with_index: bool = False):
    """``(x_train, y_train), (x_test, y_test)`` of the shipped data set ``name``.

    ``with_index`` adds ``(index_train, index_test)``, the samples' rows in the source file.
    """
    with np.load(DATA_DIR / f"{name}.npz", allow_pickle=False) as arrays:
        splits = ((arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"]))
        index = (arrays["index_train"], arrays["index_test"])
    return splits + (index,) if with_index else splits
