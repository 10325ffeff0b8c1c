"""Make the shipped data files (``<name>.npz``) from the copies that scikit-learn ships.

Run once by a maintainer, from the repository root, with scikit-learn installed::

    python profundo/datasets/data/build.py

It reads scikit-learn's data files directly (scikit-learn itself is not imported, and profundo
does not need it at run time), splits each set 80/20 with ``profundo.data.train_test_split``
(seed 0, stratified by class for the classification sets), and writes the arrays with the
source rows of every sample. The files it wrote are committed; the split is fixed by them, not
by re-running this script.
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import numpy as np

from profundo.data import train_test_split

HERE = Path(__file__).parent
SEED = 0


def sklearn_data_dir() -> Path:
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.submodule_search_locations is None:
        raise SystemExit("build.py reads scikit-learn's data files: pip install scikit-learn")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"


def read_csv(path: Path, skip_header: bool, delimiter: str = ",") -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as f:
        return np.loadtxt(f, delimiter=delimiter, skiprows=1 if skip_header else 0)


def save(name: str, x: np.ndarray, y: np.ndarray, stratify: bool) -> None:
    index = np.arange(len(x))
    train, test = train_test_split(
        index, test_size=0.2, seed=SEED, stratify=y if stratify else None
    )
    np.savez_compressed(
        HERE / f"{name}.npz",
        x_train=x[train],
        y_train=y[train],
        x_test=x[test],
        y_test=y[test],
        index_train=train.astype(np.int16),
        index_test=test.astype(np.int16),
    )
    print(f"{name}: train {x[train].shape}, test {x[test].shape}")


def main() -> None:
    src = sklearn_data_dir()
    digits = read_csv(src / "digits.csv.gz", skip_header=False)
    save(
        "digits",
        digits[:, :64].reshape(-1, 8, 8).astype(np.uint8),
        digits[:, 64].astype(np.uint8),
        stratify=True,
    )
    iris = read_csv(src / "iris.csv", skip_header=True)
    save("iris", iris[:, :4], iris[:, 4].astype(np.uint8), stratify=True)
    cancer = read_csv(src / "breast_cancer.csv", skip_header=True)
    save("breast_cancer", cancer[:, :30], cancer[:, 30].astype(np.uint8), stratify=True)
    save(
        "diabetes",
        read_csv(src / "diabetes_data_raw.csv.gz", skip_header=False, delimiter=" "),
        read_csv(src / "diabetes_target.csv.gz", skip_header=False),
        stratify=False,
    )


if __name__ == "__main__":
    main()
