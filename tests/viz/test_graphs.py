"""draw_graph (backpropagation drawn) and plot_model (the architecture), as Graphviz graphs."""

import re
import shutil

import numpy as np
import pytest

graphviz = pytest.importorskip("graphviz")

import profundo as pf
from profundo import layers
from profundo.viz.graph import format_values

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed"
)


def _labels(graph):
    """node id → label text, from the DOT source."""
    found = re.findall(r'^\s*(\w+) \[label=(?:"(.*?)"|(\w+))(?: |\])', graph.source, flags=re.M)
    return {key: quoted or bare for key, quoted, bare in found if key != "graph"}


def _edges(graph):
    return re.findall(r"^\s*(\w+) -> (\w+)", graph.source, flags=re.M)


def test_readme_example_graph_shows_the_gradients_of_x_and_w():
    x = pf.tensor([[1.0, 2.0]], requires_grad=True)
    w = pf.randn(2, 3, requires_grad=True)
    w.data[...] = [[0.5, -1.0, 2.0], [1.0, 0.3, -0.2]]  # two of the three units active
    y = (x @ w).relu().sum()
    y.backward(retain_graph=True)
    assert np.abs(x.grad).sum() > 0
    graph = pf.viz.draw_graph(y, names={"x": x, "w": w, "y": y})
    labels = _labels(graph)
    by_title = {label.split(" ")[0].lstrip("{"): (key, label) for key, label in labels.items()}
    for name, t in (("x", x), ("w", w)):
        key, label = by_title[name]
        assert f"grad {format_values(t.grad)}".replace("\\", "") in label.replace("\\", "")
        assert f"value {format_values(t.numpy())}".replace("\\", "") in label.replace("\\", "")
    ops = sorted(label for label in labels.values() if not label.startswith("{"))
    assert len(ops) == 3 and any("MatMul" in op for op in ops)
    # the arrows run x, w → matmul → (1, 3) → relu → (1, 3) → sum → y: 3 ops, 5 tensors, 7 edges
    assert len(labels) == 3 + 5 and len(_edges(graph)) == 7
    x_key, w_key = by_title["x"][0], by_title["w"][0]
    matmul = [b for a, b in _edges(graph) if a == x_key][0]
    assert (w_key, matmul) in _edges(graph)
    z = (x * 2.0).sum()
    z.backward()
    with pytest.raises(ValueError, match="retain_graph=True"):
        pf.viz.draw_graph(z)


def test_constants_and_large_tensors():
    a = pf.tensor(np.arange(20.0).reshape(4, 5), requires_grad=True)
    out = (a * 2.0 + 1.0).mean()
    graph = pf.viz.draw_graph(out)
    source = graph.source
    assert "min 0, max 19" in source
    assert "2." in source and "plaintext" in source  # the scalar 2.0 as a constant node
    assert "grad" not in source  # no backward yet


def test_plot_model_draws_branches_of_a_functional_model():
    inp = layers.Input((8,), name="features")
    a = layers.Dense(4, name="left")(inp)
    b = layers.Dense(4, name="right")(inp)
    merged = layers.Add(name="join")([a, b])
    model = pf.Model(inp, layers.Dense(1, name="out")(merged))
    graph = pf.viz.plot_model(model)
    labels = _labels(graph)
    key = {label.split(" ")[0].lstrip("{"): k for k, label in labels.items()}
    edges = set(_edges(graph))
    assert {
        (key["features"], key["left"]),
        (key["features"], key["right"]),
        (key["left"], key["join"]),
        (key["right"], key["join"]),
        (key["join"], key["out"]),
    } == edges
    assert "(None, 4)" in labels[key["left"]] and "36 weights" in labels[key["left"]]
    assert "Dense" in labels[key["out"]]
    bare = pf.viz.plot_model(model, show_shapes=False, show_params=False)
    assert "None" not in bare.source and "weights" not in bare.source


def test_plot_model_of_a_sequential_and_a_subclassed_model():
    model = pf.Sequential([layers.Input((4,)), layers.Dense(3), layers.Dense(2)])
    graph = pf.viz.plot_model(model)
    assert len(_labels(graph)) == 3 and len(_edges(graph)) == 2

    class Sub(pf.Model):
        def call(self, x, training=None):
            return x

    with pytest.raises(ValueError, match="symbolic input"):
        pf.viz.plot_model(Sub())


@needs_dot
def test_rendering_to_files(tmp_path):
    x = pf.tensor([1.0, 2.0], requires_grad=True)
    pf.viz.draw_graph((x * x).sum(), to_file=tmp_path / "graph.svg")
    assert (tmp_path / "graph.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    model = pf.Sequential([layers.Input((4,)), layers.Dense(3)])
    pf.viz.plot_model(model, to_file=tmp_path / "model.png")
    assert (tmp_path / "model.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
