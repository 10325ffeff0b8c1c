"""What a convolutional network learned: its filters, and what each layer outputs for one image."""

from __future__ import annotations

import numpy

from ._figure import axes_grid, image_axes
from ._model import one_input, symbolic_input


def _normalized(a):
    a = numpy.asarray(a, dtype=numpy.float64)
    span = a.max() - a.min()
    return (a - a.min()) / span if span > 0 else numpy.zeros_like(a)


def plot_filters(layer, channel: int | None = None, ax=None):
    """A Conv2D layer's kernels, one image per filter (grey: its weights for input ``channel``,
    bright = large). On RGB input with ``channel=None`` each filter is shown in colour: the
    first layer of an image network learns edge and colour detectors.

    >>> pf.viz.plot_filters(model.layers[0])  # doctest: +SKIP

    The images show ``kernel[:, :, channel, k]`` (Keras' layout (kh, kw, in, out)) scaled to the
    range of all the filters together.
    """
    weights = layer.get_weights()
    if not weights or numpy.ndim(weights[0]) != 4:
        raise ValueError(
            f"plot_filters: {layer.name} ({type(layer).__name__}) has no 2-D "
            f"convolution kernel of shape (kh, kw, in, out)"
        )
    kernel = weights[0]
    n_in, n_out = kernel.shape[2], kernel.shape[3]
    if channel is not None and not 0 <= channel < n_in:
        raise ValueError(
            f"plot_filters: {layer.name} has {n_in} input channels, got channel={channel}"
        )
    rgb = channel is None and n_in == 3
    shown = _normalized(kernel if rgb else kernel[:, :, channel or 0, :])
    fig, axes = axes_grid(n_out, ax=ax, cell=(1.2, 1.2))
    for k, a in enumerate(axes):
        if rgb:
            a.imshow(shown[:, :, :, k], interpolation="nearest")
        else:
            a.imshow(shown[:, :, k], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        a.set_title(str(k), fontsize=7)
    image_axes(axes)
    fig.suptitle(f"{layer.name}: {n_out} filters {kernel.shape[0]}×{kernel.shape[1]}")
    return fig


def feature_maps(model, x, layers=None) -> dict:
    """``{layer name: its output for the one input x}`` (batch axis removed) for ``layers`` (names
    or layer objects; every layer by default), from ``pf.Model(model.inputs, [l.output ...])``."""
    from ..models.model import Model

    chosen = [
        model.get_layer(layer) if isinstance(layer, str) else layer
        for layer in (layers if layers is not None else model.layers)
    ]
    x = numpy.asarray(x)
    if x.ndim == len(symbolic_input(model, "feature_maps").shape):
        if x.shape[0] != 1:
            raise ValueError(f"feature_maps: give one input, got a batch of {x.shape[0]}")
        x = x[0]
    x = one_input(model, x, "feature_maps")
    probe = Model(symbolic_input(model, "feature_maps"), [layer.output for layer in chosen])
    outputs = probe.predict(x)
    return {layer.name: out[0] for layer, out in zip(chosen, outputs)}


def plot_feature_maps(model, x, layers=None, max_maps: int = 8, ax=None):
    """What each layer outputs for one input: a row per layer, one image per channel (the first
    ``max_maps``) for convolutional outputs (H, W, C), the vector as a strip for dense ones.
    Early layers respond to edges and strokes; deeper, smaller maps to larger parts.

    >>> pf.viz.plot_feature_maps(model, x_test[0], layers=["conv2d", "conv2d_1"])  # doctest: +SKIP
    """
    maps = feature_maps(model, x, layers)
    fig, axes = axes_grid(len(maps) * max_maps, ax=ax, ncols=max_maps, cell=(1.3, 1.3))
    for row, (name, out) in enumerate(maps.items()):
        cells = axes[row * max_maps : (row + 1) * max_maps]
        if out.ndim == 3:
            for c, a in enumerate(cells):
                if c < out.shape[-1]:
                    a.imshow(out[:, :, c], cmap="viridis")
                else:
                    a.set_axis_off()
        else:
            cells[0].imshow(out.reshape(1, -1), cmap="viridis", aspect="auto")
            for a in cells[1:]:
                a.set_axis_off()
        cells[0].set_ylabel(name, fontsize=7)
    image_axes(axes)
    return fig
