"""plot_history, plot_confusion_matrix, plot_embedding, plot_weights, plot_gradients: the figures
hold the data they claim to show."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import profundo as pf
from profundo import layers


def test_plot_history_one_panel_per_quantity_with_training_and_validation():
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    y = (x[:, 0] > 0).astype(int)
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)
    fig = pf.viz.plot_history(history)
    titles = [a.get_title() for a in fig.axes]
    assert titles == ["loss", "accuracy"]
    for a, name in zip(fig.axes, titles):
        train, val = a.get_lines()
        assert [t.get_text() for t in a.get_legend().get_texts()] == ["training", "validation"]
        np.testing.assert_allclose(train.get_ydata(), history.history[name])
        np.testing.assert_allclose(val.get_ydata(), history.history[f"val_{name}"])
        np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
        assert a.get_xlabel() == "epoch"
    only_train = pf.viz.plot_history({"loss": [3.0, 2.0]})
    assert len(only_train.axes[0].get_lines()) == 1
    with pytest.raises(ValueError, match="no values"):
        pf.viz.plot_history({})


def test_plot_history_draws_into_given_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert pf.viz.plot_history({"loss": [1.0, 0.5], "mae": [2.0, 1.0]}, ax=right) is fig
    assert left in fig.axes and right not in fig.axes and len(fig.axes) == 3


def test_confusion_matrix_equals_scikit_learn():
    from sklearn.metrics import confusion_matrix

    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 4, 100)
    scores = rng.normal(size=(100, 4))
    fig = pf.viz.plot_confusion_matrix(y_true, scores, labels=["a", "b", "c", "d"])
    ax = fig.axes[0]
    shown = ax.get_images()[0].get_array()
    np.testing.assert_array_equal(shown, confusion_matrix(y_true, scores.argmax(1)))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c", "d"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted", "true")
    assert len(ax.texts) == 16
    normalized = pf.viz.plot_confusion_matrix(y_true, scores.argmax(1), normalize=True)
    np.testing.assert_allclose(normalized.axes[0].get_images()[0].get_array().sum(1), 1.0)
    with pytest.raises(ValueError, match="class ids"):
        pf.viz.plot_confusion_matrix([0.5, 1], [0, 1])


def test_embedding_is_the_pca_projection():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(60, 5)) * [5, 3, 1, 0.5, 0.1]
    labels = np.repeat([0, 1, 2], 20)
    fig = pf.viz.plot_embedding(vectors, labels)
    ax = fig.axes[0]
    points = np.concatenate([c.get_offsets() for c in ax.collections])
    want = PCA(2).fit_transform(vectors)
    order = np.argsort(labels, kind="stable")
    np.testing.assert_allclose(np.abs(points), np.abs(want[order]), atol=1e-8)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1", "2"]


def _small_model():
    model = pf.Sequential([layers.Input((4,)), layers.Dense(3, activation="tanh"), layers.Dense(2)])
    model.compile("sgd", "mse")
    return model


def test_weight_histograms_hold_every_weight():
    model = _small_model()
    fig = pf.viz.plot_weights(model)
    assert len(fig.axes) == 4
    for a, w in zip(fig.axes, model.weights):
        counts = [p.get_height() for p in a.patches]
        np.testing.assert_array_equal(counts, np.histogram(w.numpy().ravel(), bins=40)[0])
        assert a.get_title().startswith(w.name)


def test_gradient_histograms_equal_a_backward_by_hand_and_leave_grads_alone():
    model = _small_model()
    x = np.random.default_rng(3).normal(size=(8, 4)).astype("float32")
    y = np.random.default_rng(4).normal(size=(8, 2)).astype("float32")
    fig = pf.viz.plot_gradients(model, x, y)
    assert all(w.grad is None for w in model.weights)
    pf.losses.get("mse")(y, model(x)).backward()
    for a, w in zip(fig.axes, model.weights):
        counts = [p.get_height() for p in a.patches]
        np.testing.assert_array_equal(
            counts, np.histogram(np.asarray(w.grad, "float64").ravel(), bins=40)[0]
        )
    with pytest.raises(ValueError, match="compile"):
        pf.viz.plot_gradients(pf.Sequential([layers.Input((4,)), layers.Dense(1)]), x, y)
