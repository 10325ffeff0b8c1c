"""Run the course's notebooks top to bottom, in a kernel of this very Python.

    python -m profundo.course.notebooks docs/course/es/01_*.ipynb     # full mode, outputs kept
    python -m profundo.course.notebooks --short docs/course/*/*.ipynb # short mode, only checked

The full mode writes each notebook back (atomically) with its outputs, and records in its metadata
``profundo_course: {"mode": "full", "seconds": …}`` — the committed notebooks carry the outputs
of a full run. The short mode (``PROFUNDO_COURSE_SHORT=1``) leaves the files as they are. Needs
the ``course`` extra (nbformat, nbclient, ipykernel): ``pip install 'profundo[course]'``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from ..files import atomic_write
from . import SHORT_ENV

#: cells of a solution (tag ``solution``) must end in a ✅ verdict when the notebook runs
SOLUTION_TAG = "solution"


def _kernel_manager(kernel_dir: Path):
    """A KernelManager whose ``python3`` kernel is this interpreter (``sys.executable``), not
    whatever ``python`` an installed kernelspec names."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    spec_dir = kernel_dir / "python3"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return KernelManager(
        kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    )


def kernel_env(short: bool) -> dict:
    """The kernel's environment: this one, the short mode on or off, and this profundo first on
    the import path (so the notebook imports the same package as the caller)."""
    env = dict(os.environ)
    env.pop(SHORT_ENV, None)
    if short:
        env[SHORT_ENV] = "1"
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def execute(path, short: bool = True, cwd=None, cell_timeout: int = 600):
    """Run the notebook at ``path`` (short or full mode) in a fresh kernel, in folder ``cwd``
    (default: a temporary folder, so nothing lands beside the notebook). Returns the executed
    ``NotebookNode``; raises nbclient's ``CellExecutionError`` at the first cell that fails."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    with tempfile.TemporaryDirectory(prefix="profundo-course-") as tmp:
        km = _kernel_manager(Path(tmp) / "kernels")
        client = NotebookClient(
            nb, km=km, timeout=cell_timeout, resources={"metadata": {"path": str(cwd or tmp)}}
        )
        start = time.perf_counter()
        client.execute(env=kernel_env(short))
        nb.metadata["profundo_course"] = {
            "mode": "short" if short else "full",
            "seconds": round(time.perf_counter() - start, 1),
        }
    return nb


def cell_text(cell) -> str:
    """Everything a code cell printed or displayed as text."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "".join(parts)


def failed_solutions(nb) -> list:
    """The ``solution``-tagged cells whose output lacks a ✅ or holds a ❌ (their source)."""
    return [
        cell.source
        for cell in nb.cells
        if cell.cell_type == "code"
        and SOLUTION_TAG in cell.metadata.get("tags", [])
        and ("✅" not in cell_text(cell) or "❌" in cell_text(cell))
    ]


def main(argv=None) -> int:
    import argparse

    import nbformat

    parser = argparse.ArgumentParser(
        prog="python -m profundo.course.notebooks",
        description="Run course notebooks top to bottom.",
    )
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument(
        "--short",
        action="store_true",
        help=f"short mode ({SHORT_ENV}=1); the files are not written",
    )
    args = parser.parse_args(argv)
    status = 0
    for path in args.paths:
        nb = execute(path, short=args.short)
        bad = failed_solutions(nb)
        seconds = nb.metadata["profundo_course"]["seconds"]
        print(f"{path}: {seconds} s" + (f", {len(bad)} solution cell(s) without ✅" if bad else ""))
        status |= bool(bad)
        if not args.short:
            with atomic_write(path) as f:
                f.write(nbformat.writes(nb).encode("utf-8"))
    return status


if __name__ == "__main__":
    sys.exit(main())
