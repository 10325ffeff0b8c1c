"""Seeing inside: pictures of learning and of what a network learned (``pip install
'profundo[viz]'``: matplotlib, and Graphviz for the graph drawings).

Every plotting function returns a matplotlib ``Figure`` (shown inline in Jupyter, saved with
``fig.savefig("x.png")``) and takes ``ax=`` to draw into an axes of your own figure instead.
matplotlib is imported only when a picture is drawn, never by ``import profundo``.

>>> pf.viz.plot_history(model.fit(x, y, epochs=10, validation_split=0.2))  # doctest: +SKIP
>>> pf.viz.plot_decision_boundary(model, x, y)  # doctest: +SKIP
>>> pf.viz.plot_heatmap(image, pf.viz.grad_cam(model, image, class_index=3))  # doctest: +SKIP
"""

from .attribution import grad_cam, integrated_gradients, plot_heatmap, saliency
from .boundary import plot_decision_boundary
from .cnn import feature_maps, plot_feature_maps, plot_filters
from .graph import draw_graph, plot_model
from .netron import stop_view, view
from .functions import SURFACES, optimizer_path, plot_activations, plot_optimizer_paths
from .training import (
    plot_confusion_matrix,
    plot_embedding,
    plot_gradients,
    plot_history,
    plot_weights,
)

__all__ = [
    "plot_history",
    "plot_decision_boundary",
    "plot_activations",
    "plot_optimizer_paths",
    "optimizer_path",
    "SURFACES",
    "plot_filters",
    "plot_feature_maps",
    "feature_maps",
    "saliency",
    "integrated_gradients",
    "grad_cam",
    "plot_heatmap",
    "plot_weights",
    "plot_gradients",
    "plot_confusion_matrix",
    "plot_embedding",
    "view",
    "stop_view",
    "draw_graph",
    "plot_model",
]
