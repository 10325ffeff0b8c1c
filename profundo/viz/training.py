"""Pictures of training and evaluation: learning curves, confusion matrices, embeddings, and the
distribution of weights and gradients per layer."""

from __future__ import annotations

import numpy

from ._figure import axes_grid, single_axes


def plot_history(history, ax=None):
    """Learning curves: one panel per quantity (loss, each metric, the learning rate), the training
    value per epoch and, where ``fit`` validated, the validation value beside it.

    Reading it: both losses falling — still learning; training loss falling while validation
    loss rises — overfitting (stop earlier, regularize, get more data); both flat and high —
    underfitting (a bigger model, a higher learning rate, more epochs).

    >>> history = model.fit(x, y, epochs=20, validation_split=0.2)  # doctest: +SKIP
    >>> pf.viz.plot_history(history).savefig("history.png")  # doctest: +SKIP

    ``history``: what ``fit`` returns, or its ``.history`` dict (e.g. loaded from a CSVLogger file).
    """
    logs = history.history if hasattr(history, "history") else dict(history)
    names = [k for k in logs if not k.startswith("val_")]
    if not names:
        raise ValueError("plot_history: the history holds no values (did fit run an epoch?)")
    fig, axes = axes_grid(len(names), ax=ax, ncols=min(len(names), 3), cell=(4.0, 3.0))
    for a, name in zip(axes, names):
        epochs = numpy.arange(1, len(logs[name]) + 1)
        a.plot(epochs, logs[name], marker=".", label="training")
        if f"val_{name}" in logs:
            a.plot(epochs, logs[f"val_{name}"], marker=".", label="validation")
        a.set_title(name)
        a.set_xlabel("epoch")
        a.legend()
    return fig


def plot_confusion_matrix(y_true, y_pred, labels=None, normalize: bool = False, ax=None):
    """The confusion matrix: row = true class, column = predicted class, each cell the count
    (or, with ``normalize``, the fraction of its row). The diagonal holds the correct answers;
    a bright cell off it names two classes the model confuses.

    >>> pf.viz.plot_confusion_matrix(y_test, model.predict(x_test).argmax(-1))  # doctest: +SKIP

    ``y_pred`` may also be scores or probabilities of shape (n, classes): the argmax is taken.
    """
    y_true = _class_ids(y_true, "y_true")
    y_pred = _class_ids(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"plot_confusion_matrix: y_true has {len(y_true)} labels, y_pred {len(y_pred)}"
        )
    n = int(max(y_true.max(), y_pred.max())) + 1 if labels is None else len(labels)
    matrix = numpy.zeros((n, n), dtype=numpy.int64)
    numpy.add.at(matrix, (y_true, y_pred), 1)
    shown = matrix / numpy.maximum(matrix.sum(1, keepdims=True), 1) if normalize else matrix
    fig, ax = single_axes(ax, figsize=(1.0 + 0.5 * n, 0.6 + 0.5 * n))
    image = ax.imshow(shown, cmap="Blues")
    fig.colorbar(image, ax=ax)
    for i in range(n):
        for j in range(n):
            text = f"{shown[i, j]:.2f}" if normalize else str(matrix[i, j])
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if shown[i, j] > 0.5 * shown.max() else "black",
            )
    names = [str(label) for label in labels] if labels is not None else [str(i) for i in range(n)]
    ax.set_xticks(range(n), names)
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return fig


def _class_ids(y, what):
    y = numpy.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(-1)
    y = y.reshape(-1)
    if y.size and (y.min() < 0 or not numpy.all(y == numpy.round(y))):
        raise ValueError(
            f"plot_confusion_matrix: {what} must hold class ids 0, 1, ... or one score "
            f"per class, got values such as {y[:3]}"
        )
    return y.astype(numpy.int64)


def pca_2d(vectors) -> numpy.ndarray:
    """The ``vectors`` (n, d) projected on their two principal axes (the directions of largest
    variance): centre, then the first two right singular vectors."""
    vectors = numpy.asarray(vectors, dtype=numpy.float64)
    if vectors.ndim != 2 or vectors.shape[1] < 2:
        raise ValueError(
            f"plot_embedding: vectors must have shape (n, d) with d ≥ 2, got {vectors.shape}"
        )
    centred = vectors - vectors.mean(0)
    _, _, vt = numpy.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T


def plot_embedding(vectors, labels=None, ax=None):
    """Vectors (word embeddings, a layer's outputs, ...) seen from the two directions in which they
    vary most (PCA), one dot per vector, coloured by label: points of one class that gather show
    what the representation has learned to separate.

    >>> probe = pf.Model(model.inputs, model.layers[-2].output)  # doctest: +SKIP
    >>> pf.viz.plot_embedding(probe.predict(x_test), y_test)  # doctest: +SKIP
    """
    points = pca_2d(vectors)
    fig, ax = single_axes(ax, figsize=(5.0, 4.5))
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=8)
    else:
        labels = numpy.asarray(labels).reshape(-1)
        for label in numpy.unique(labels):
            chosen = labels == label
            ax.scatter(points[chosen, 0], points[chosen, 1], s=8, label=str(label))
        ax.legend(markerscale=2, fontsize=8)
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    return fig


def _histograms(named_arrays, title, ax):
    if not named_arrays:
        raise ValueError(f"{title}: the model has no weights (build it first)")
    fig, axes = axes_grid(len(named_arrays), ax=ax, ncols=min(len(named_arrays), 4))
    for a, (name, values) in zip(axes, named_arrays):
        values = numpy.asarray(values, dtype=numpy.float64).reshape(-1)
        a.hist(values, bins=40)
        a.set_title(f"{name}\nstd {values.std():.2g}", fontsize=8)
    return fig


def plot_weights(model, ax=None):
    """A histogram of every weight array of the model (kernels and biases, layer by layer).

    Reading it: kernels start spread as their initializer sets them (Glorot, He); weights that
    grow ever wider or collapse to zero across training show an unstable or dying layer.

    >>> pf.viz.plot_weights(model)  # doctest: +SKIP
    """
    return _histograms([(w.name, w.numpy()) for w in model.weights], "plot_weights", ax)


def plot_gradients(model, x, y, ax=None):
    """A histogram of the gradient ∂L/∂w of the compiled loss on (``x``, ``y``) for every trainable
    weight array, layer by layer, with its standard deviation in the title.

    Reading it: gradients whose spread shrinks by orders of magnitude towards the first layers
    are *vanishing* (sigmoid/tanh stacks); spreads that grow are *exploding*.

    >>> model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")  # doctest: +SKIP
    >>> pf.viz.plot_gradients(model, x[:256], y[:256])  # doctest: +SKIP
    """
    return _histograms(list(weight_gradients(model, x, y).items()), "plot_gradients", ax)


def weight_gradients(model, x, y) -> dict:
    """``{weight name: ∂L/∂w}`` for the compiled loss on one batch, leaving the weights' ``grad``
    as it was."""
    from ..autograd import Tensor
    from ..layers.base import learning_phase

    if getattr(model, "compiled", None) is None:
        raise ValueError(
            f"plot_gradients: compile {model.name} first (the gradients are of its loss)"
        )
    weights = model.trainable_weights
    kept = [w.grad for w in weights]
    try:
        for w in weights:
            w.grad = None
        with learning_phase(False):
            out = model(Tensor(numpy.asarray(x)), training=False)
            loss = model.compute_loss(x=x, y=y, y_pred=out, training=False)
        loss.backward()
        return {w.name: (w.grad if w.grad is not None else numpy.zeros(w.shape)) for w in weights}
    finally:
        for w, g in zip(weights, kept):
            w.grad = g
