"""Types: the package says it is typed (``py.typed``); every public op has annotated parameters
and return; the ``Tensor`` stub lists every method that ``profundo.ops`` attaches to ``Tensor``,
with its op's parameters and their types, and everything ``autograd/tensor.py`` defines; and
mypy, run on a small user program, passes it and finds the mistakes planted in it — so type
checkers and editors see what runs. (mypy over the package runs in CI, ``.ci/run``, with the
configuration in pyproject.toml.)"""

import ast
import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import profundo
from profundo import ops
from profundo.autograd.tensor import Tensor

PACKAGE = Path(profundo.__file__).parent
STUB = PACKAGE / "autograd" / "tensor.pyi"


#: the modules whose ``__all__`` make ``ops.__all__`` (and so the ops at the top level), in order
OPS_MODULES = [
    "elementwise",
    "reduce",
    "linalg",
    "_shape",
    "activation",
    "nn",
    "normalization",
    "_conv",
    "pool",
    "recurrent",
    "attention",
    "volume",
    "math",
]
#: the modules of Keras' ``keras.ops`` names, in ``pf.ops`` only
KERAS_OPS_MODULES = ["core", "numpy", "keras_nn"]


def _stub_args(node: ast.FunctionDef) -> list:
    args = node.args
    return (
        (args.posonlyargs + args.args)[1:]
        + ([args.vararg] if args.vararg else [])
        + args.kwonlyargs
    )


def _source(annotation) -> str | None:
    """An annotation as normalized source text (the stub writes ``builtins.float`` where the
    class's own ``float`` method would shadow the builtin)."""
    if annotation is None or annotation is inspect.Parameter.empty:
        return None
    text = annotation if isinstance(annotation, str) else ast.unparse(annotation)
    return ast.unparse(ast.parse(text.replace("builtins.", "")))


def stub_functions() -> dict:
    """{name: FunctionDef} of the stub's Tensor class (the first definition of each name)."""
    tree = ast.parse(STUB.read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    found: dict = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef):
            found.setdefault(node.name, node)
    return found


def stub_methods() -> dict:
    """{name: [parameter names after self]} of the stub's Tensor class."""
    return {name: [a.arg for a in _stub_args(n)] for name, n in stub_functions().items()}


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


def test_the_stub_gives_each_attached_method_its_ops_types():
    """Where the method is an op's def (not a lambda or a property), the stub's annotations are
    the op's, parameter by parameter, and so is the return type."""
    stub = stub_functions()
    checked = 0
    for name, fn in attached().items():
        if isinstance(fn, property) or fn.__name__ == "<lambda>":
            continue
        sig = inspect.signature(fn)
        runtime = {p.name: _source(p.annotation) for p in list(sig.parameters.values())[1:]}
        declared = {a.arg: _source(a.annotation) for a in _stub_args(stub[name])}
        assert declared == runtime, f"{name}: stub {declared}, op {runtime}"
        assert _source(stub[name].returns) == _source(sig.return_annotation), name
        checked += 1
    assert checked > 70


def test_ops_all_is_the_modules_lists_in_order():
    """``ops.__all__`` is written out for type checkers; it must say what the modules export."""
    expected = [
        name for m in OPS_MODULES for name in importlib.import_module(f"profundo.ops.{m}").__all__
    ]
    missing, extra = (
        sorted(set(expected) - set(ops.__all__)),
        sorted(set(ops.__all__) - set(expected)),
    )
    assert ops.__all__ == expected, (
        f"profundo/ops/__init__.py's __all__ is out of step: add {missing}, drop {extra} "
        "(and keep the modules' order)"
    )


def public_ops() -> dict:
    """{name: function} of every op in ``pf.ops``: its own names and Keras' names."""
    names = list(ops.__all__) + [
        n for m in KERAS_OPS_MODULES for n in importlib.import_module(f"profundo.ops.{m}").__all__
    ]
    found = {}
    for name in names:
        value = getattr(ops, name)
        if inspect.isfunction(value) and value.__module__.startswith("profundo.ops"):
            found[name] = value
    return found


def test_every_public_op_has_typed_parameters_and_return():
    functions = public_ops()
    assert len(functions) > 250
    untyped = []
    for name, fn in functions.items():
        sig = inspect.signature(fn)
        missing = [p.name for p in sig.parameters.values() if p.annotation is p.empty]
        if sig.return_annotation is sig.empty:
            missing.append("return")
        if missing:
            untyped.append(f"{name}: {missing}")
    assert not untyped, "annotate these ops:\n" + "\n".join(untyped)


#: ``call`` methods left unannotated, and why: _Merge.call takes one tensor or a list, which its
#: body tells apart at run time in a way mypy does not follow
UNTYPED_CALLS = {"_Merge.call"}


def test_every_public_layer_has_typed_settings_and_call():
    """Each layer's ``__init__`` annotates every setting (not ``**kwargs``: the base Layer's) and
    its ``call`` its inputs, ``training``, masks and result; the exceptions are named above."""
    from profundo import layers

    classes = {
        c for c in vars(layers).values() if inspect.isclass(c) and issubclass(c, layers.Layer)
    }
    assert len(classes) > 80
    untyped = []
    for cls in classes:
        for method in ("__init__", "call"):
            fn = getattr(cls, method)
            if fn.__qualname__ in UNTYPED_CALLS:
                continue
            sig = inspect.signature(fn)
            missing = [
                p.name
                for p in list(sig.parameters.values())[1:]
                if p.annotation is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
            if method == "call" and sig.return_annotation is sig.empty:
                missing.append("return")
            if missing:
                untyped.append(f"{fn.__qualname__}: {missing}")
    assert not untyped, "annotate these:\n" + "\n".join(sorted(set(untyped)))


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


#: a typed user program: every line passes mypy but those marked ``# error``, mistakes that mypy
#: must find (a str as a layer's units, None as a tensor, a str as an axis, a misspelled keyword,
#: a number as an activation, a str as a flag)
USER_PROGRAM = """
import numpy as np
import profundo as pf
from profundo import callbacks, datasets, layers, optimizers

x = pf.tensor([[1.0, 2.0]], requires_grad=True)
w = pf.randn(2, 3, requires_grad=True)
y: pf.Tensor = (x @ w).relu().sum()
y.backward()
p: pf.Tensor = pf.softmax(x, axis=-1) + pf.ops.mean(np.ones(3), axis=(0,))
loss: pf.Tensor = pf.cross_entropy(x @ w, [1])
out, h = pf.simple_rnn(pf.randn(2, 7, 3), pf.randn(3, 4), pf.randn(4, 4), None)
images: pf.Tensor = pf.max_pool2d(pf.conv2d(pf.randn(1, 8, 8, 3), pf.randn(3, 3, 3, 4)), 2)
scale: float = x.mean(axis=0, keepdims=True).item()
rows: list[pf.Tensor] = [row * 2 for row in pf.zeros(2, 3)]
grid = pf.arange(0.0, 1.0, 0.25, dtype="float64") + pf.full((2, 4), 1.0)
ok: bool = pf.gradcheck(lambda a: (a * a).sum(), [pf.randn(3, dtype="float64")])
dense = layers.Dense(4, activation="relu")
conv = layers.Conv2D(8, (3, 3), padding="same")
(x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()  # only checked, never run
model = pf.Sequential(
    [
        layers.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer=optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, batch_size=128, epochs=5, validation_split=0.1,
          callbacks=[callbacks.EarlyStopping(patience=2, restore_best_weights=True)])
model.evaluate(x_test, y_test)
inputs = layers.Input((20,))
hidden = layers.Dense(64, activation="relu")(inputs)
functional = pf.Model(inputs, layers.Dense(1, activation="sigmoid")(hidden))
more = [
    layers.LSTM(32, return_sequences=True, return_state=True),
    layers.Bidirectional(layers.LSTM(8)),
    layers.MultiHeadAttention(num_heads=2, key_dim=4),
    layers.Embedding(100, 8, mask_zero=True),
    layers.LayerNormalization(axis=[1, 2]),
    layers.ZeroPadding2D(((1, 0), (2, 2))),
    layers.Conv2DTranspose(8, (3, 3), strides=2, padding="same"),
]
layers.Dense("four")  # error
pf.relu(None)  # error
x.sum(axis="rows")  # error
pf.softmax(x, axes=-1)  # error
layers.Conv2D(8, 3, activation=3)  # error
layers.Dense(4, use_bias="yes")  # error
"""


def test_mypy_passes_a_typed_user_program_and_finds_its_mistakes(tmp_path):
    pytest.importorskip("mypy")
    program = tmp_path / "user_program.py"
    program.write_text(USER_PROGRAM)
    expected = {
        i for i, line in enumerate(USER_PROGRAM.splitlines(), 1) if line.endswith("# error")
    }
    # profundo found on the path, as an installed typed package is (its own modules' errors are
    # not the user's); a fresh cache; no configuration but mypy's defaults
    path = [str(PACKAGE.parent)] + [
        p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
    ]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), program.name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = {
        int(m.group(1))
        for m in re.finditer(r"^user_program\.py:(\d+): error", result.stdout, re.MULTILINE)
    }
    assert found == expected, result.stdout + result.stderr
