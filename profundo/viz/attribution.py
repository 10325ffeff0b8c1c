"""Where a network looks: heat maps over the input of what drives one class's score.

- ``saliency``: |∂y_c/∂x|, how much each input value changes the score (Simonyan et al., 2013);
- ``integrated_gradients``: (x − x′) ⊙ the mean of ∂y_c/∂x along the straight path from a
  baseline x′ to x; the attributions add up to y_c(x) − y_c(x′) (Sundararajan et al., 2017);
- ``grad_cam``: ReLU(Σ_k α_k A^k) with α_k = mean over positions of ∂y_c/∂A^k, for the feature
  maps A of a convolutional layer (Selvaraju et al., 2017).

The class score y_c is the model's output c before a final softmax or sigmoid (the logit): a
saturated softmax would flatten every gradient. Each function takes one input (no batch axis)
and returns an array; ``plot_heatmap`` overlays it.
"""

from __future__ import annotations

import contextlib

import numpy

from ..layers.nest import flatten
from ._figure import image_axes, single_axes
from ._model import one_input, symbolic_input, symbolic_output


@contextlib.contextmanager
def _weights_grads_kept(model):
    """Backward passes inside leave the weights' ``grad`` as they were."""
    weights = model.trainable_weights
    kept = [w.grad for w in weights]
    try:
        yield
    finally:
        for w, g in zip(weights, kept):
            w.grad = g


def _score(out, class_index, what):
    """The class score y_c summed over the batch (one row per input)."""
    out = out[0] if isinstance(out, (list, tuple)) else out
    if out.ndim != 2:
        raise ValueError(
            f"{what}: the model's output must have shape (batch, classes), got {out.shape}"
        )
    if not 0 <= class_index < out.shape[1]:
        raise ValueError(f"{what}: class_index must be in [0, {out.shape[1]}), got {class_index}")
    return out[:, class_index].sum()


def input_gradients(model, x_batch, class_index: int, what: str = "saliency") -> numpy.ndarray:
    """∂y_c/∂x for each input of the batch (inference mode)."""
    from ..autograd import Tensor

    with _weights_grads_kept(model), _class_scores(model):
        t = Tensor(x_batch, requires_grad=True)
        _score(model(t, training=False), class_index, what).backward()
        return numpy.asarray(t.grad)


def saliency(model, x, class_index: int) -> numpy.ndarray:
    """|∂y_c/∂x| for one input ``x``: for an image (H, W, C) the maximum over channels, (H, W);
    otherwise of ``x``'s shape. Bright where a small change of the input moves the score most.

    >>> heat = pf.viz.saliency(model, x_test[0], class_index=7)  # doctest: +SKIP
    >>> pf.viz.plot_heatmap(x_test[0], heat)  # doctest: +SKIP
    """
    grad = numpy.abs(input_gradients(model, one_input(model, x, "saliency"), class_index)[0])
    return grad.max(-1) if grad.ndim == 3 else grad


def integrated_gradients(
    model, x, class_index: int, baseline=None, steps: int = 32
) -> numpy.ndarray:
    """(x − x′) ⊙ (1/m) Σ_{k=1..m} ∂y_c/∂x at x′ + (k − ½)/m (x − x′), for one input ``x`` and a
    baseline x′ (zeros: a black image), of ``x``'s shape; Σ of it ≈ y_c(x) − y_c(x′).

    >>> attribution = pf.viz.integrated_gradients(model, x_test[0], 7)  # doctest: +SKIP
    >>> pf.viz.plot_heatmap(x_test[0], numpy.abs(attribution).sum(-1))  # doctest: +SKIP
    """
    x = one_input(model, x, "integrated_gradients")[0]
    baseline = numpy.zeros_like(x) if baseline is None else numpy.asarray(baseline, x.dtype)
    if baseline.shape != x.shape:
        raise ValueError(
            f"integrated_gradients: baseline shape {baseline.shape} differs from x's {x.shape}"
        )
    alphas = (numpy.arange(steps, dtype=x.dtype) + 0.5) / steps
    path = baseline + alphas.reshape((-1,) + (1,) * x.ndim) * (x - baseline)
    grads = input_gradients(model, path, class_index, "integrated_gradients")
    return (x - baseline) * grads.mean(0)


def last_conv_layer(model):
    """The last convolution with a (batch, H, W, C) output: the deepest feature maps that keep
    where things are."""
    from ..layers.conv import _BaseConv

    for layer in reversed(model.layers):
        if (
            isinstance(layer, _BaseConv)
            and layer.inbound_nodes
            and len(flatten(layer.output)[0].shape) == 4
        ):
            return layer
    raise ValueError(
        f"grad_cam: {model.name} has no 2-D convolution to take feature maps from; "
        f"name a layer with layer="
    )


@contextlib.contextmanager
def _class_scores(model):
    """Within this block the model outputs class scores before its final softmax or sigmoid (the
    logits), as saliency and Grad-CAM use: a saturated softmax would hide the gradient."""
    from .. import ops

    outputs = flatten(getattr(model, "outputs", None) or [])
    last = outputs[0].node.layer if len(outputs) == 1 else None
    squashed = last is not None and getattr(last, "activation", None) in (ops.softmax, ops.sigmoid)
    kept = last.activation if squashed else None
    if squashed:
        last.activation = ops.linear
    try:
        yield
    finally:
        if squashed:
            last.activation = kept


def grad_cam(model, x, class_index: int, layer=None, upsample: bool = True) -> numpy.ndarray:
    """Grad-CAM for one image: the feature maps A (H', W', K) of ``layer`` (the last convolutional
    one by default) weighted by α_k = mean_ij ∂y_c/∂A_ijk, summed, ReLU, divided by the maximum
    (so in [0, 1]). Unless ``upsample=False`` it is brought to the image's (H, W) by bilinear
    interpolation, each unit placed at the centre of its receptive field (``feature_grid``),
    fading to 0 one unit beyond the outermost ones.

    >>> class_index = int(model.predict(x_test[:1]).argmax())  # doctest: +SKIP
    >>> heat = pf.viz.grad_cam(model, x_test[0], class_index=class_index)  # doctest: +SKIP
    >>> pf.viz.plot_heatmap(x_test[0], heat)  # doctest: +SKIP
    """
    from ..models.model import Model

    layer = (
        last_conv_layer(model)
        if layer is None
        else (model.get_layer(layer) if isinstance(layer, str) else layer)
    )
    x_batch = one_input(model, x, "grad_cam")
    probe = Model(symbolic_input(model, "grad_cam"), [layer.output, symbolic_output(model)])
    from ..autograd import Tensor

    with _weights_grads_kept(model), _class_scores(model):
        maps, out = probe(Tensor(x_batch), training=False)
        if maps.ndim != 4:
            raise ValueError(
                f"grad_cam: {layer.name}'s output must be a feature map "
                f"(batch, H, W, C), got shape {maps.shape}"
            )
        maps.retain_grad()
        _score(out, class_index, "grad_cam").backward()
        a, grad = maps.numpy()[0], numpy.asarray(maps.grad)[0]
    alpha = grad.mean(axis=(0, 1))
    cam = numpy.maximum((a * alpha).sum(-1), 0)
    if cam.max() > 0:
        cam = cam / cam.max()
    if not upsample:
        return cam
    grid = feature_grid(model, layer)
    if grid is None:
        return resize_bilinear(cam, x_batch.shape[1:3])
    (sy, sx), (oy, ox) = grid  # beyond the outer units the heat fades to 0 over one unit
    return bilinear(
        numpy.pad(cam, 1),
        (numpy.arange(x_batch.shape[1]) - oy) / sy + 1,
        (numpy.arange(x_batch.shape[2]) - ox) / sx + 1,
    )


def bilinear(image, rows, cols) -> numpy.ndarray:
    """``image`` (h, w) sampled at the fractional positions ``rows`` × ``cols`` by bilinear
    interpolation; positions beyond the edge take the edge's value."""

    def axis(pos, n):
        pos = numpy.clip(pos, 0, n - 1)
        lo = numpy.floor(pos).astype(int)
        return lo, numpy.minimum(lo + 1, n - 1), pos - lo

    y0, y1, wy = axis(numpy.asarray(rows, dtype=numpy.float64), image.shape[0])
    x0, x1, wx = axis(numpy.asarray(cols, dtype=numpy.float64), image.shape[1])
    top = image[y0][:, x0] * (1 - wx) + image[y0][:, x1] * wx
    bottom = image[y1][:, x0] * (1 - wx) + image[y1][:, x1] * wx
    return top * (1 - wy[:, None]) + bottom * wy[:, None]


def resize_bilinear(image, size) -> numpy.ndarray:
    """A 2-D array stretched to ``size`` (H, W), pixel centres on pixel centres."""
    return bilinear(
        image, *((numpy.arange(n) + 0.5) * m / n - 0.5 for n, m in zip(size, image.shape))
    )


def feature_grid(model, layer):
    """Where the units of ``layer``'s feature map look in the model's input image: per spatial
    axis (scale, offset), unit i centred on input pixel scale · i + offset (the centre of its
    receptive field). Each convolution or pooling of stride s, kernel k, dilation d and padding
    p_before on the way maps a unit i to s·i − p_before + (k − 1)·d / 2 of its input; layers that
    keep the size keep the map. None where a layer on the way changes the size otherwise."""
    from ..layers.conv import Conv2DTranspose, SpatialLayer
    from ..models.model import Model
    from ..ops.windows import Windows

    start = symbolic_input(model, "grad_cam")
    grids = {id(start): ((1.0, 1.0), (0.0, 0.0))}
    for node in Model(start, layer.output)._nodes:
        if node.inputs is None:
            continue
        first, out = flatten(node.inputs)[0], flatten(node.outputs)[0]
        if id(first) not in grids or len(first.shape) != 4 or len(out.shape) != 4:
            return None
        (scale, offset), unit = grids[id(first)], node.layer
        if (
            isinstance(unit, SpatialLayer)
            and hasattr(unit, "strides")
            and not isinstance(unit, Conv2DTranspose)
        ):
            kernel = getattr(unit, "kernel_size", getattr(unit, "pool_size", None))
            dilation = getattr(unit, "dilation_rate", (1, 1))
            padding = getattr(unit, "_pads", unit.padding)
            pads = Windows(first.shape[1:3], kernel, unit.strides, dilation, padding).pads
            centre = [-p[0] + (k - 1) * d / 2 for p, k, d in zip(pads, kernel, dilation)]
            grids[id(out)] = (
                tuple(a * s for a, s in zip(scale, unit.strides)),
                tuple(b + a * c for a, b, c in zip(scale, offset, centre)),
            )
        elif out.shape[1:3] == first.shape[1:3]:
            grids[id(out)] = (scale, offset)
        else:
            return None
    return grids.get(id(flatten(layer.output)[0]))


def plot_heatmap(x, heat, alpha: float = 0.5, title=None, ax=None):
    """The image ``x`` (H, W) or (H, W, C) with the heat map (H, W) over it, warm colours where
    the heat is high.

    >>> pf.viz.plot_heatmap(x_test[0], pf.viz.grad_cam(model, x_test[0], 3))  # doctest: +SKIP
    """
    x = numpy.asarray(x, dtype=numpy.float64)
    heat = numpy.asarray(heat, dtype=numpy.float64)
    image = x[..., 0] if x.ndim == 3 and x.shape[-1] == 1 else x
    if heat.shape != image.shape[:2]:
        raise ValueError(
            f"plot_heatmap: heat shape {heat.shape} differs from the image's {image.shape[:2]}"
        )
    fig, ax = single_axes(ax, figsize=(3.5, 3.5))
    span = image.max() - image.min()
    ax.imshow((image - image.min()) / span if span > 0 else image, cmap="gray")
    ax.imshow(heat, cmap="jet", alpha=alpha)
    if title:
        ax.set_title(title)
    image_axes([ax])
    return fig
