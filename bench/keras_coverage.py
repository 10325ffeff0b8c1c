"""Which of Keras 3's public names profundo has, namespace by namespace: writes docs/KERAS.md.

    KERAS_BACKEND=torch PYTHONPATH=. python bench/keras_coverage.py

A name counts as present when ``profundo.<namespace>`` has an attribute of that name (its
behaviour is what tests/keras_programs/ checks against Keras). Needs Keras 3 installed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402

import profundo as pf  # noqa: E402
from profundo.files import atomic_write  # noqa: E402

NAMESPACES = [
    "",
    "layers",
    "ops",
    "activations",
    "losses",
    "metrics",
    "optimizers",
    "optimizers.schedules",
    "callbacks",
    "initializers",
    "regularizers",
    "constraints",
    "models",
    "utils",
    "saving",
    "random",
    "datasets",
    "mixed_precision",
    "applications",
    "preprocessing",
    "tree",
    "config",
    "export",
    "distribution",
    "quantizers",
    "dtype_policies",
    "visualization",
    "wrappers",
    "legacy",
]


def resolve(root, dotted):
    for part in filter(None, dotted.split(".")):
        root = getattr(root, part, None)
        if root is None:
            return None
    return root


def public(module) -> list:
    return sorted(n for n in dir(module) if not n.startswith("_") and n != "src")


def main(out=Path(__file__).resolve().parents[1] / "docs" / "KERAS.md") -> None:
    rows, absent_lists = [], []
    total_have = total = 0
    for ns in NAMESPACES:
        theirs = resolve(keras, ns)
        if theirs is None:
            continue
        names = public(theirs)
        ours = resolve(pf, ns)
        have = [n for n in names if ours is not None and hasattr(ours, n)]
        missing = [n for n in names if n not in have]
        total_have, total = total_have + len(have), total + len(names)
        label = f"keras.{ns}" if ns else "keras"
        rows.append(f"| `{label}` | {len(names)} | {len(have)} | {len(missing)} |")
        if missing:
            absent_lists.append(
                f"### `{label}` — {len(missing)} absent\n\n"
                + ", ".join(f"`{n}`" for n in missing)
                + "\n"
            )
    text = "\n".join(
        [
            "# Keras 3 API coverage",
            "",
            f"Made by `bench/keras_coverage.py` against Keras {keras.__version__}: "
            "which of Keras' public names `import profundo as keras` has, per namespace "
            "(a name is present when profundo has it; `tests/keras_programs/` checks behaviour "
            "against real Keras). Submodule names count as names.",
            "",
            "| namespace | Keras names | in profundo | absent |",
            "|---|---:|---:|---:|",
            *rows,
            f"| **all** | **{total}** | **{total_have}** | **{total - total_have}** |",
            "",
            "## Absent names, by namespace",
            "",
            *absent_lists,
        ]
    )
    with atomic_write(out, "w") as f:
        f.write(text)
    print(f"{total_have}/{total} Keras names present; written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
