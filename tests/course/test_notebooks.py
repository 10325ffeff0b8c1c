"""Every chapter of the course runs top to bottom in the short mode (PROFUNDO_COURSE_SHORT=1),
in a kernel of the interpreter running the tests; its solution cells end in ✅; the committed
files carry the outputs of a full run; both languages have the same chapters."""

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "docs" / "course"
NOTEBOOKS = sorted(COURSE.glob("*/[0-9][0-9]_*.ipynb"))
#: the development and CI machines' dataset mirror (../shared/data, see DESIGN.md)
MIRROR = ROOT.parent / "shared" / "data"
#: data sets that are downloaded (not shipped): a notebook using one needs the mirror here
DOWNLOADED = ("mnist", "fashion_mnist", "cifar10", "shakespeare", "milton", "spamassassin")


def chapters(lang):
    return sorted(p.name[:2] for p in (COURSE / lang).glob("[0-9][0-9]_*.ipynb"))


def test_both_languages_have_the_same_chapters():
    assert chapters("es"), "no chapter found in docs/course/es"
    assert chapters("es") == chapters("en")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_with_the_outputs_of_a_full_run(path):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(str(path), as_version=4)
    assert nb.metadata.get("profundo_course", {}).get("mode") == "full", (
        f"run it in full mode before committing: python -m profundo.course.notebooks {path}"
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "a code cell has not been run"
    assert not any(o.get("output_type") == "error" for c in code for o in c.outputs)
    figures = [
        o for c in code for o in c.outputs if "<Figure" in o.get("data", {}).get("text/plain", "")
    ]
    assert all("image/png" in o["data"] for o in figures), "a figure was kept without its picture"
    assert re.match(r"\d\d_[a-z0-9_]+\.ipynb$", path.name)


def _uses_downloaded_data(path) -> bool:
    text = path.read_text(encoding="utf-8")
    return any(re.search(rf"\b{name}\b", text) for name in DOWNLOADED)


def _draws_graphs(path) -> bool:
    """pf.viz's Graphviz drawings need the graphviz package and Graphviz's dot program."""
    return bool(re.search(r"\b(draw_graph|plot_model)\(", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_runs_top_to_bottom_in_short_mode(path, monkeypatch):
    for module in ("nbformat", "nbclient", "ipykernel", "matplotlib"):
        pytest.importorskip(module)
    from profundo.course import notebooks
    from profundo.datasets.download import MIRROR_ENV

    if _draws_graphs(path):
        pytest.importorskip("graphviz")
        if shutil.which("dot") is None:
            pytest.skip(f"{path.name} draws graphs: Graphviz's dot program is not installed")
    text = path.read_text(encoding="utf-8")
    if "pf.tune" in text:
        pytest.importorskip("optuna")  # the tune extra
    if "callbacks.TensorBoard(" in text:
        pytest.importorskip("tensorboardX")  # the viz extra
    if _uses_downloaded_data(path) and not os.environ.get(MIRROR_ENV):
        if not MIRROR.is_dir():
            pytest.skip(
                f"{path.name} needs a downloaded data set and there is no mirror at {MIRROR}"
            )
        monkeypatch.setenv(MIRROR_ENV, str(MIRROR))  # the kernel inherits this environment

    nb = notebooks.execute(path, short=True)
    assert notebooks.failed_solutions(nb) == []
    solutions = [c for c in nb.cells if notebooks.SOLUTION_TAG in c.metadata.get("tags", [])]
    assert 2 <= len(solutions) <= 4, "a chapter has 2–4 exercises, each with a solution cell"
