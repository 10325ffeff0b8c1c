"""The import layering of docs/ARCHITECTURE.md, enforced: a module imports only from its own rank
or below. Read from the source with ``ast`` (nothing is imported), so a violation is named with
its file and line."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "profundo"

#: rank of each top-level module or package of profundo; a module may import equal or lower ranks
RANKS = {
    "backend": 1,
    "config": 1,
    "dtype_policies": 1,
    "files": 1,
    "serialization": 1,
    "_version": 1,
    "autograd": 2,
    "testing": 2,
    "ops": 3,
    "random": 3,
    "init": 4,
    "activations": 4,
    "losses": 4,
    "metrics": 4,
    "optimizers": 4,
    "schedules": 4,
    "regularizers": 4,
    "constraints": 4,
    "layers": 5,
    "models": 6,
    "callbacks": 6,
    "data": 7,
    "datasets": 7,
    "io": 8,
    "saving": 8,
    "viz": 9,
    "utils": 9,
    "tune": 9,
    "mixed_precision": 9,
    "distributed": 9,
    "playground": 9,
    "course": 9,
    "demo": 10,
    "cli": 10,
    "__main__": 10,
    "__init__": 10,
}

#: the one documented exception: the Keras-style saving methods on models import io inside the
#: function (docs/ARCHITECTURE.md, "Saving lives on the model, the format in io/")
ALLOWED_INSIDE_FUNCTIONS = {("models", "io")}


def _top(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: pathlib.Path):
    """(top-level module imported, line, inside a function?) for every import of profundo."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1] if path.name != "__init__.py" else parts[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [
        n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    inner = {id(n) for f in functions for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "profundo":
                target = node.module.split(".")
            else:
                continue
            names = target[1:2] or [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[1] for a in node.names if a.name.startswith("profundo.")]
        else:
            continue
        for name in names:
            yield name, node.lineno, id(node) in inner


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_module_has_a_rank():
    unranked = sorted({_top(p) for p in MODULES} - RANKS.keys())
    assert not unranked, f"give these a rank in RANKS and docs/ARCHITECTURE.md: {unranked}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down(path):
    here = _top(path)
    upward = []
    for name, line, in_function in _imports(path):
        if name not in RANKS or name == here:
            continue
        if RANKS[name] > RANKS[here] and not (
            in_function and (here, name) in ALLOWED_INSIDE_FUNCTIONS
        ):
            upward.append(
                f"{path.relative_to(PACKAGE.parent)}:{line} imports {name} "
                f"(rank {RANKS[name]}) from {here} (rank {RANKS[here]})"
            )
    assert not upward, "imports must go down the layering:\n" + "\n".join(upward)


def test_the_checker_sees_an_upward_import(tmp_path, monkeypatch):
    """The test itself can fail: a layer module that imports models is reported."""
    fake = tmp_path / "profundo"
    (fake / "layers").mkdir(parents=True)
    (fake / "layers" / "bad.py").write_text("from ..models import Model\n")
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    with pytest.raises(AssertionError, match="imports models"):
        test_imports_only_go_down(fake / "layers" / "bad.py")
