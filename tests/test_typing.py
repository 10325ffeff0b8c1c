"""Types: the package says it is typed (``py.typed``), and the ``Tensor`` stub lists every method
that ``profundo.ops`` attaches to ``Tensor``, with its op's parameters, and everything
``autograd/tensor.py`` defines — so type checkers and editors see what runs. (mypy itself runs in
CI, ``.ci/run``, with the configuration in pyproject.toml.)"""

import ast
import inspect
from pathlib import Path

import profundo
from profundo.autograd.tensor import Tensor

PACKAGE = Path(profundo.__file__).parent
STUB = PACKAGE / "autograd" / "tensor.pyi"


def stub_methods() -> dict:
    """{name: [parameter names after self]} of the stub's Tensor class."""
    tree = ast.parse(STUB.read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    found = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef):
            args = node.args
            names = (
                [a.arg for a in args.posonlyargs + args.args][1:]
                + ([args.vararg.arg] if args.vararg else [])
                + [a.arg for a in args.kwonlyargs]
            )
            found[node.name] = names
    return found


def attached() -> dict:
    """What profundo.ops attaches to Tensor: {name: function or property}."""
    out = {}
    for name, value in vars(Tensor).items():
        fn = value.fget if isinstance(value, property) else value
        if callable(fn) and getattr(fn, "__module__", "").startswith("profundo.ops"):
            out[name] = value
    return out


def test_the_package_is_marked_typed():
    assert (PACKAGE / "py.typed").is_file()


def test_the_stub_lists_every_method_attached_from_ops_with_its_parameters():
    stub = stub_methods()
    ops = attached()
    assert len(ops) > 70
    missing = sorted(set(ops) - set(stub))
    assert not missing, f"add these to {STUB.name}: {missing}"
    for name, value in ops.items():
        if isinstance(value, property):
            continue
        runtime = list(inspect.signature(value).parameters)[1:]
        assert stub[name] == runtime, f"{name}: stub {stub[name]}, runtime {runtime}"


def test_the_stub_lists_what_tensor_py_defines():
    source = ast.parse((PACKAGE / "autograd" / "tensor.py").read_text())
    cls = next(n for n in source.body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    own = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    assert own <= set(stub_methods())
    module_level = {n.name for n in source.body if isinstance(n, ast.FunctionDef)}
    stub_level = {
        n.name for n in ast.parse(STUB.read_text()).body if isinstance(n, ast.FunctionDef)
    }
    assert module_level <= stub_level
