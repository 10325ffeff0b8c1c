"""Figures for ``pf.viz``: a new matplotlib ``Figure`` (no pyplot, so nothing is shown twice and no
window opens), or the figure of the axes the caller gave with ``ax=``."""

from __future__ import annotations

import math


def _new_figure(figsize):
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            "profundo.viz draws with matplotlib: pip install 'profundo[viz]'"
        ) from None
    return Figure(figsize=figsize, layout="constrained")


def single_axes(ax=None, figsize=(6.0, 4.0)):
    """(figure, axes): ``ax`` and its figure, or a new figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    fig = _new_figure(figsize)
    return fig, fig.add_subplot()


def axes_grid(n: int, ax=None, ncols: int | None = None, cell=(3.0, 2.6)):
    """(figure, list of ``n`` axes) in a grid of ``ncols`` columns (near square by default); with
    ``ax``, the grid takes that axes' place in its figure."""
    ncols = ncols or math.ceil(math.sqrt(n))
    nrows = math.ceil(n / ncols)
    if ax is None:
        fig = _new_figure((cell[0] * ncols, cell[1] * nrows))
        spec = fig.add_gridspec(nrows, ncols)
    else:
        fig = ax.figure
        spec = ax.get_subplotspec().subgridspec(nrows, ncols)
        ax.remove()
    return fig, [fig.add_subplot(spec[i // ncols, i % ncols]) for i in range(n)]


def image_axes(axes) -> None:
    """Hide ticks on axes that show images."""
    for a in axes:
        a.set_xticks([])
        a.set_yticks([])
