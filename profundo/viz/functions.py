"""Pictures of functions: activations beside their derivatives, and optimizers racing down a
loss surface."""

from __future__ import annotations

import numpy

from ._figure import axes_grid, single_axes

DEFAULT_ACTIVATIONS = (
    "step",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "softplus",
    "gelu",
    "silu",
)


def activation_and_derivative(activation, x) -> tuple:
    """(f(x), f'(x)) on the points ``x``; f' by profundo's autodiff (∂Σf(xᵢ)/∂xᵢ = f'(xᵢ) for an
    elementwise f), zero where the op has no gradient (the step)."""
    from .. import activations
    from ..autograd import Tensor

    fn = activations.get(activation)
    t = Tensor(numpy.asarray(x), dtype="float64", requires_grad=True)
    y = fn(t)
    if y.shape != t.shape:
        raise ValueError(
            f"plot_activations: {activation!r} is not elementwise (output {y.shape} "
            f"for input {t.shape})"
        )
    if y.requires_grad:
        y.sum().backward()
    grad = t.grad if t.grad is not None else numpy.zeros_like(t.numpy())
    return y.numpy(), numpy.asarray(grad)


def plot_activations(
    activations=DEFAULT_ACTIVATIONS, x_range=(-4.0, 4.0), points: int = 401, ax=None
):
    """Each activation function f (solid) and its derivative f' (dashed) on ``x_range``, one panel
    each. The derivative is what backpropagation multiplies by: where it is near 0 (sigmoid and
    tanh far from 0, ReLU for x < 0) the gradient vanishes.

    >>> pf.viz.plot_activations(["sigmoid", "tanh", "relu", "elu"])
    <Figure size 1120x240 with 4 Axes>

    ``activations``: names (as ``Dense(activation=...)`` takes them) or elementwise functions of
    a tensor.
    """
    low, high = x_range
    x = numpy.linspace(low, high, points)
    fig, axes = axes_grid(len(activations), ax=ax, ncols=min(len(activations), 5), cell=(2.8, 2.4))
    for a, activation in zip(axes, activations):
        y, dy = activation_and_derivative(activation, x)
        a.plot(x, y, label="f(x)")
        a.plot(x, dy, "--", label="f'(x)")
        a.axhline(0, color="grey", lw=0.5)
        a.axvline(0, color="grey", lw=0.5)
        a.set_title(activation if isinstance(activation, str) else activation.__name__)
        a.legend(fontsize=7)
    return fig


# --- loss surfaces of two parameters -----------------------------------------------------------
def rosenbrock(x, y):
    """(1 − x)² + 100 (y − x²)²: a curved narrow valley, minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def beale(x, y):
    """(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: flat plateaus and sharp ridges,
    minimum 0 at (3, 0.5)."""
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y * y * y) ** 2


def saddle(x, y):
    """x² − y²: a saddle point at (0, 0), a minimum along x and a maximum along y."""
    return x * x - y * y


def quadratic(x, y):
    """(x² + 10 y²) / 2: an elongated bowl (condition number 10), minimum 0 at (0, 0)."""
    return 0.5 * (x * x + 10 * y * y)


#: name → (function, default start, plotting bounds (xmin, xmax, ymin, ymax))
SURFACES = {
    "rosenbrock": (rosenbrock, (-1.5, 2.0), (-2.0, 2.0, -1.0, 3.0)),
    "beale": (beale, (1.0, 1.5), (-1.0, 4.5, -1.5, 2.0)),
    "saddle": (saddle, (-1.5, 0.01), (-2.0, 2.0, -2.0, 2.0)),
    "quadratic": (quadratic, (-1.8, 0.9), (-2.0, 2.0, -1.0, 1.0)),
}


def _surface(function):
    if isinstance(function, str):
        if function not in SURFACES:
            raise ValueError(
                f"plot_optimizer_paths: unknown surface {function!r}; built in: "
                f"{', '.join(SURFACES)}, or give a function f(x, y) of two tensors"
            )
        return SURFACES[function]
    if not callable(function):
        raise TypeError(
            f"plot_optimizer_paths: function must be a name or a callable f(x, y), "
            f"got {type(function).__name__}"
        )
    return function, None, None


def optimizer_path(function, optimizer, start, steps: int) -> numpy.ndarray:
    """The points (steps + 1, 2) that ``optimizer`` visits minimizing ``function(x, y)`` from
    ``start``, each step on the exact gradient (float64)."""
    from ..autograd import Tensor

    fn = _surface(function)[0]
    point = Tensor(numpy.asarray(start), dtype="float64", requires_grad=True)
    path = [point.numpy().copy()]
    for _ in range(steps):
        point.grad = None
        fn(point[0], point[1]).backward()
        optimizer.apply([point.grad], [point])
        path.append(point.numpy().copy())
    return numpy.array(path)


def plot_optimizer_paths(
    function="rosenbrock", optimizers=None, start=None, steps: int = 200, bounds=None, ax=None
):
    """The trajectories of several optimizers on a surface of two parameters, over its contour
    lines (log-spaced levels): plain SGD crawls along a narrow valley, momentum overshoots and
    swings, Adam moves in nearly equal steps in every direction.

    >>> from profundo import optimizers as O
    >>> pf.viz.plot_optimizer_paths("rosenbrock", {"SGD": O.SGD(1e-3),
    ...     "momentum": O.SGD(1e-3, momentum=0.9), "Adam": O.Adam(0.05)}, steps=300)
    <Figure size 650x500 with 1 Axes>

    ``function``: "rosenbrock", "beale", "saddle", "quadratic", or any f(x, y) of two tensors
    (then give ``start`` and ``bounds``). ``optimizers``: a dict label → optimizer, or a list.
    """
    from .. import optimizers as optimizers_mod
    from ..autograd import Tensor

    fn, default_start, default_bounds = _surface(function)
    start = default_start if start is None else start
    bounds = default_bounds if bounds is None else bounds
    if start is None or bounds is None:
        raise ValueError(
            "plot_optimizer_paths: give start=(x, y) and bounds=(xmin, xmax, ymin, ymax) "
            "for your own function"
        )
    if optimizers is None:
        optimizers = {
            "SGD": optimizers_mod.SGD(1e-3),
            "momentum": optimizers_mod.SGD(1e-3, momentum=0.9),
            "Adam": optimizers_mod.Adam(0.05),
        }
    if not isinstance(optimizers, dict):
        optimizers = {getattr(o, "name", type(o).__name__): o for o in optimizers}
    fig, ax = single_axes(ax, figsize=(6.5, 5.0))
    xs = numpy.linspace(bounds[0], bounds[1], 200)
    ys = numpy.linspace(bounds[2], bounds[3], 200)
    gx, gy = numpy.meshgrid(xs, ys)
    z = fn(Tensor(gx, dtype="float64"), Tensor(gy, dtype="float64")).numpy()
    shifted = z - z.min() + 1e-3
    ax.contour(
        gx,
        gy,
        shifted,
        levels=numpy.geomspace(shifted.min(), shifted.max(), 25),
        cmap="viridis",
        linewidths=0.6,
    )
    for label, opt in optimizers.items():
        path = optimizer_path(fn, opt, start, steps)
        ax.plot(path[:, 0], path[:, 1], marker=".", markersize=2, lw=1, label=label)
    ax.plot(*start, "k*", markersize=10)
    ax.set_xlim(bounds[0], bounds[1])
    ax.set_ylim(bounds[2], bounds[3])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(getattr(fn, "__name__", "loss surface"))
    ax.legend()
    return fig
