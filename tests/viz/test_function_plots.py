"""plot_activations (derivatives from autodiff), plot_optimizer_paths, plot_decision_boundary."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import profundo as pf
from profundo import layers, optimizers


def test_activations_and_their_autodiff_derivatives_match_pytorch():
    torch = pytest.importorskip("torch")
    names = ["sigmoid", "tanh", "relu", "elu", "softplus", "silu"]
    fig = pf.viz.plot_activations(names, x_range=(-3, 3), points=61)
    assert [a.get_title() for a in fig.axes] == names
    reference = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "elu": torch.nn.functional.elu,
        "softplus": torch.nn.functional.softplus,
        "silu": torch.nn.functional.silu,
    }
    for a, name in zip(fig.axes, names):
        f_line, df_line = a.get_lines()[:2]
        x = torch.tensor(f_line.get_xdata(), requires_grad=True)
        y = reference[name](x)
        y.sum().backward()
        np.testing.assert_allclose(f_line.get_ydata(), y.detach().numpy(), rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(df_line.get_ydata(), x.grad.numpy(), rtol=1e-6, atol=1e-7)
        assert [t.get_text() for t in a.get_legend().get_texts()] == ["f(x)", "f'(x)"]


def test_step_has_zero_derivative_and_softmax_is_refused():
    y, dy = pf.viz.functions.activation_and_derivative("step", np.array([-1.0, 2.0]))
    np.testing.assert_array_equal(y, [0, 1])
    np.testing.assert_array_equal(dy, [0, 0])
    with pytest.raises(ValueError, match="not elementwise"):
        pf.viz.functions.activation_and_derivative(lambda t: t.sum(), np.ones(3))


def test_sgd_path_on_the_quadratic_bowl_is_the_closed_form():
    lr, steps = 0.05, 20
    fig = pf.viz.plot_optimizer_paths(
        "quadratic", {"SGD": optimizers.SGD(lr)}, start=(1.5, 0.8), steps=steps
    )
    ax = fig.axes[0]
    path = [line for line in ax.get_lines() if line.get_label() == "SGD"][0]
    k = np.arange(steps + 1)
    np.testing.assert_allclose(path.get_xdata(), 1.5 * (1 - lr) ** k, rtol=1e-12)
    np.testing.assert_allclose(path.get_ydata(), 0.8 * (1 - 10 * lr) ** k, rtol=1e-10, atol=1e-15)
    assert ax.collections, "contour lines of the surface"
    assert ax.get_title() == "quadratic"


def test_every_builtin_surface_and_a_custom_function():
    for name, (fn, start, _) in pf.viz.SURFACES.items():
        fig = pf.viz.plot_optimizer_paths(name, steps=30)
        assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
            "SGD",
            "momentum",
            "Adam",
        ]
        if name != "saddle":  # descending: the loss after 30 Adam steps is lower than at the start
            end = pf.viz.optimizer_path(name, optimizers.Adam(0.05), start, 30)[-1]
            assert fn(*end) < fn(*start)
    path = pf.viz.optimizer_path(
        lambda x, y: (x - 2) ** 2 + (y + 1) ** 2, optimizers.Adam(0.1), (0.0, 0.0), 400
    )
    np.testing.assert_allclose(path[-1], [2, -1], atol=0.05)
    with pytest.raises(ValueError, match="start"):
        pf.viz.plot_optimizer_paths(lambda x, y: x * y)
    with pytest.raises(ValueError, match="unknown surface"):
        pf.viz.plot_optimizer_paths("himmelblau")


def _fixed_logistic():
    model = pf.Sequential([layers.Input((2,)), layers.Dense(1, activation="sigmoid")])
    model.layers[0].set_weights([np.array([[4.0], [0.0]]), np.array([-2.0])])  # boundary x₁ = 0.5
    return model


def test_decision_boundary_of_a_sigmoid_unit_is_its_half_contour():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 2, size=(50, 2))
    y = (x[:, 0] > 0.5).astype(int)
    fig = pf.viz.plot_decision_boundary(_fixed_logistic(), x, y)
    ax = fig.axes[0]
    boundary = [
        c
        for c in ax.collections
        if getattr(c, "levels", None) is not None and list(c.levels) == [0.5]
    ][0]
    vertices = np.concatenate([p.vertices for p in boundary.get_paths()])
    np.testing.assert_allclose(vertices[:, 0], 0.5, atol=0.02)
    points = [c for c in ax.collections if hasattr(c, "get_offsets") and len(c.get_offsets()) == 50]
    np.testing.assert_allclose(points[0].get_offsets(), x)


def test_decision_boundary_for_several_classes_and_for_regression():
    x = np.random.default_rng(1).normal(size=(30, 2))
    three = pf.Sequential([layers.Input((2,)), layers.Dense(3, activation="softmax")])
    fig = pf.viz.plot_decision_boundary(three, x, np.arange(30) % 3, resolution=50)
    regions = fig.axes[0].collections[0]
    assert list(regions.levels) == [-0.5, 0.5, 1.5, 2.5]
    regression = pf.viz.plot_decision_boundary(
        lambda t: (t * t).sum(axis=1), x, x[:, 0] * 0.3, resolution=40
    )
    assert len(regression.axes) == 2  # the surface and its colour bar
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        pf.viz.plot_decision_boundary(three, np.ones((4, 3)), np.zeros(4))
