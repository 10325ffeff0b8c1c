"""Graphs as Graphviz diagrams: the computation behind a tensor (backpropagation drawn) and a
model's architecture. Both return a ``graphviz.Digraph``: it renders itself in Jupyter, and
``.render("name", format="svg")`` (or ``to_file=``) writes a picture (Graphviz's ``dot`` needed).
"""

from __future__ import annotations

import numpy


def _digraph(name, **graph_attr):
    try:
        import graphviz
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            "drawing graphs needs the graphviz package (and Graphviz's dot program "
            "to render): pip install 'profundo[viz]'"
        ) from None
    return graphviz.Digraph(
        name,
        graph_attr={"rankdir": "TB", **graph_attr},
        node_attr={"fontname": "Helvetica", "fontsize": "10"},
    )


def format_values(array, max_values: int = 6) -> str:
    """The numbers of a small array (4 significant digits), or its shape and range if larger."""
    array = numpy.asarray(array)
    if array.size <= max_values:
        return numpy.array2string(
            array, precision=4, separator=", ", suppress_small=True, max_line_width=10**6
        ).replace("\n", "")
    return f"min {array.min():.4g}, max {array.max():.4g}"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("{", "\\{")
        .replace("}", "\\}")
        .replace("|", "\\|")
        .replace("<", "\\<")
        .replace(">", "\\>")
    )


def _save(graph, to_file):
    """Render ``graph`` to ``to_file`` (format from its suffix), written atomically."""
    from pathlib import Path

    from ..files import atomic_write

    path = Path(to_file)
    data = graph.pipe(format=path.suffix.lstrip(".") or "png")
    with atomic_write(path) as f:
        f.write(data)


def draw_graph(tensor, names=None, max_values: int = 6, to_file=None):
    """The computational graph behind ``tensor``: a box per tensor (its name, shape, values when
    small and, after ``backward()``, its gradient ∂L/∂t) and an ellipse per op, arrows along the
    forward pass. Reading the gradients against the arrows is backpropagation: each op turns the
    gradient of its output into the gradients of its inputs (the chain rule).

    >>> x = pf.tensor([[1.0, 2.0]], requires_grad=True)
    >>> w = pf.randn(2, 3, requires_grad=True)
    >>> y = (x @ w).relu().sum()
    >>> y.backward(retain_graph=True)          # keep the graph to draw it
    >>> pf.viz.draw_graph(y, names={"x": x, "w": w, "y": y})     # x's box shows x.grad
    <graphviz.graphs.Digraph object at ...>

    ``names``: labels for tensors (a dict label → tensor); others are named by their ``name``
    or by the op that made them. Intermediate tensors show a gradient only if ``retain_grad()``
    was called on them before ``backward()``.
    """
    from ..autograd import Tensor
    from ..autograd.engine import topological_order

    labels = {id(t): label for label, t in (names or {}).items()}

    def parents(node):
        if isinstance(node, Tensor):
            return [node._fn] if node._fn is not None else []
        if node.released and not node.inputs:
            raise ValueError(
                "draw_graph: backward() has freed this graph; call "
                "backward(retain_graph=True) to draw it with its gradients"
            )
        return [x for x in node.inputs if isinstance(x, Tensor)]

    graph = _digraph("graph")
    ids: dict[int, str] = {}
    for node in topological_order([tensor], parents):
        key = ids.setdefault(id(node), f"n{len(ids)}")
        if isinstance(node, Tensor):
            title = (
                labels.get(id(node))
                or node.name
                or ("result" if node is tensor else "leaf" if node._fn is None else "")
            )
            rows = [
                _escape(f"{title} {tuple(node.shape)}".strip()),
                _escape(f"value {format_values(node.numpy(), max_values)}"),
            ]
            if node.grad is not None:
                rows.append(_escape(f"grad {format_values(numpy.asarray(node.grad), max_values)}"))
            graph.node(
                key,
                "{" + "|".join(rows) + "}",
                shape="record",
                style="filled",
                fillcolor="lightblue" if node._fn is None else "white",
            )
            if node._fn is not None:
                graph.edge(ids.setdefault(id(node._fn), f"n{len(ids)}"), key)
        else:
            graph.node(
                key, type(node).__name__, shape="ellipse", style="filled", fillcolor="lightyellow"
            )
            for k, x in enumerate(node.inputs or ()):
                if isinstance(x, Tensor):
                    graph.edge(ids[id(x)], key)
                else:
                    constant = f"{key}c{k}"
                    graph.node(constant, _escape(format_values(x, max_values)), shape="plaintext")
                    graph.edge(constant, key)
    if to_file is not None:
        _save(graph, to_file)
    return graph


def plot_model(model, show_shapes: bool = True, show_params: bool = True, to_file=None):
    """The architecture as a diagram: a box per layer call (name, type, output shape, number of
    weights), arrows from the layers that feed it, so that the branches and merges of a
    functional model (residual connections, several inputs or outputs) are visible.

    >>> pf.viz.plot_model(model, to_file="model.png")     # as keras.utils.plot_model
    ... # doctest: +SKIP
    """
    from ..layers.nest import flatten
    from ._model import symbolic_input

    symbolic_input(model, "plot_model")
    from ..models.model import Model

    graph = _digraph(model.name, label=model.name, labelloc="t")
    names: dict[int, str] = {}
    for k, node in enumerate(Model(model.inputs, model.outputs)._nodes):
        key = f"layer{k}"
        layer = node.layer
        rows = [_escape(f"{layer.name} ({type(layer).__name__})")]
        if show_shapes:
            shapes = [t.shape for t in flatten(node.outputs)]
            rows.append(_escape(", ".join(str(s) for s in shapes)))
        if show_params and layer.weights:
            rows.append(f"{layer.count_params():,} weights")
        graph.node(key, "{" + "|".join(rows) + "}", shape="record")
        for t in flatten(node.outputs):
            names[id(t)] = key
        for t in flatten(node.inputs) if node.inputs is not None else []:
            graph.edge(names[id(t)], key)
    if to_file is not None:
        _save(graph, to_file)
    return graph
