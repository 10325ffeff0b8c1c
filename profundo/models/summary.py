"""``model.summary()``: a table of layers, output shapes and parameter counts, as Keras prints it.

Model: "sequential"
______________________________________________________________________
 Layer (type)                   Output Shape                Param #
======================================================================
 dense (Dense)                  (None, 64)                  1,344
 dense_1 (Dense)                (None, 1)                   65
======================================================================
Total params: 1,409 (5.50 KB)
Trainable params: 1,409 (5.50 KB)
Non-trainable params: 0 (0.00 B)
"""

from __future__ import annotations


def _size(n_params: int, weights) -> str:
    nbytes = sum(w.data.nbytes for w in weights)
    for unit in ("B", "KB", "MB", "GB"):
        if nbytes < 1024 or unit == "GB":
            return f"{n_params:,} ({nbytes:.2f} {unit})"
        nbytes /= 1024
    return f"{n_params:,}"  # pragma: no cover


def _output_shapes(model) -> dict:
    """Output shape of each layer by id, where the model knows it."""
    if getattr(model, "is_functional", False):
        shapes: dict = {}
        for node in model._nodes:
            out = node.outputs
            shape = out.shape if hasattr(out, "shape") else [t.shape for t in out]
            shapes.setdefault(id(node.layer), shape)
        return shapes
    if hasattr(model, "output_shapes"):
        return {id(layer): s for layer, s in zip(model.layers, model.output_shapes)}
    return {}


def summary(model, line_length: int = 90, print_fn=print) -> None:
    """Print the table; layers' output shapes show as "?" until the model knows its input shape."""
    widths = [int(line_length * f) for f in (0.42, 0.34)]
    shapes = _output_shapes(model)

    def row(name, shape, params):
        return f" {name:<{widths[0] - 2}} {shape:<{widths[1] - 1}} {params}"

    lines = [
        f'Model: "{model.name}"',
        "_" * line_length,
        row("Layer (type)", "Output Shape", "Param #"),
        "=" * line_length,
    ]
    for layer in model.layers:
        shape = shapes.get(id(layer), "?")
        built = layer.built or not layer.weights
        params = f"{layer.count_params():,}" if built else "0 (unbuilt)"
        lines.append(row(f"{layer.name} ({type(layer).__name__})", str(shape), params))
    trainable, frozen = model.trainable_weights, model.non_trainable_weights
    n_train = sum(w.size for w in trainable)
    n_frozen = sum(w.size for w in frozen)
    lines += [
        "=" * line_length,
        f"Total params: {_size(n_train + n_frozen, trainable + frozen)}",
        f"Trainable params: {_size(n_train, trainable)}",
        f"Non-trainable params: {_size(n_frozen, frozen)}",
        "_" * line_length,
    ]
    print_fn("\n".join(lines))
