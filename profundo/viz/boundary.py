"""The decision boundary of a model with two inputs."""

from __future__ import annotations

import numpy

from ._figure import single_axes


def _predict(model, points):
    if hasattr(model, "predict"):
        return numpy.asarray(model.predict(points, batch_size=4096))
    from ..autograd import Tensor, no_grad

    with no_grad():
        out = model(Tensor(points))
    return numpy.asarray(out.numpy() if hasattr(out, "numpy") else out)


def is_classification(y) -> bool:
    """Class ids (integers, at most 20 of them) or one-hot rows, rather than real targets."""
    y = numpy.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return True
    y = y.reshape(-1)
    return bool(numpy.all(y == numpy.round(y))) and len(numpy.unique(y)) <= 20


def plot_decision_boundary(model, x, y, resolution: int = 200, margin: float = 0.1, ax=None):
    """What a model with two inputs answers at every point of the plane, with the data on top.

    Classification (``y`` holds class ids or one-hot rows): the regions the model assigns to each
    class are filled, and for one sigmoid output the 0.5 contour — the decision boundary — is
    drawn. Regression: the predicted value as filled contours with a colour bar. A straight
    boundary is all a perceptron can learn; hidden layers bend it.

    >>> model.fit(x, y, epochs=200)                       # x of shape (n, 2)  # doctest: +SKIP
    >>> pf.viz.plot_decision_boundary(model, x, y)  # doctest: +SKIP

    ``model``: anything with ``predict`` (a profundo or Keras model) or a function of a tensor.
    """
    x = numpy.asarray(x, dtype=numpy.float64)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: x must have shape (n, 2), got {x.shape}")
    lo, hi = x.min(0), x.max(0)
    pad = margin * (hi - lo) + 1e-9
    g0, g1 = numpy.meshgrid(
        numpy.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
        numpy.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution),
    )
    grid = numpy.stack([g0.ravel(), g1.ravel()], 1).astype("float32")
    out = _predict(model, grid).reshape(len(grid), -1)
    fig, ax = single_axes(ax, figsize=(5.5, 4.5))
    classify = is_classification(y)
    labels = numpy.asarray(y)
    if classify and labels.ndim == 2 and labels.shape[1] > 1:
        labels = labels.argmax(1)
    labels = labels.reshape(-1)
    if classify and out.shape[1] > 1:
        regions = out.argmax(1).reshape(g0.shape)
        k = out.shape[1]
        ax.contourf(
            g0, g1, regions, levels=numpy.arange(-0.5, k), cmap="tab10", vmin=0, vmax=9, alpha=0.35
        )
    else:
        surface = out[:, 0].reshape(g0.shape)
        filled = ax.contourf(g0, g1, surface, levels=20, cmap="RdBu_r", alpha=0.6)
        fig.colorbar(filled, ax=ax, label="model output")
        if classify:
            ax.contour(g0, g1, surface, levels=[0.5], colors="k", linewidths=1.5)
    if classify:
        ax.scatter(
            x[:, 0],
            x[:, 1],
            c=labels,
            cmap="tab10",
            vmin=0,
            vmax=9,
            s=12,
            edgecolors="k",
            linewidths=0.3,
        )
    else:
        ax.scatter(x[:, 0], x[:, 1], c=labels, cmap="RdBu_r", s=12, edgecolors="k", linewidths=0.3)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    return fig
