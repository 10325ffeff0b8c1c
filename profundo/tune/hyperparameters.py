"""The search space, written where the model is built: ``build(hp)`` asks ``hp`` for each value.

>>> def build(hp):
...     model = pf.Sequential([layers.Input((784,))])
...     for i in range(hp.Int("layers", 1, 3)):
...         model.add(layers.Dense(hp.Int(f"units_{i}", 32, 256, step=32), activation="relu"))
...     if hp.Boolean("dropout"):
...         model.add(layers.Dropout(hp.Float("rate", 0.1, 0.5)))  # only asked when dropout is on
...     model.add(layers.Dense(10, activation="softmax"))
...     model.compile(optimizers.Adam(hp.Float("lr", 1e-4, 1e-2, log=True)), ...)
...     return model

The space is defined by running the code (Optuna's "define by run"): a value asked for only inside
an ``if`` belongs to the trials that take that branch — that is a conditional space.
``hp.conditional_scope(parent, values)`` says the same in KerasTuner's words.

During a search each call draws a value from the trial (``optuna.Trial``); outside one,
``HyperParameters(values)`` answers from fixed values (the best trial's, to rebuild its model) and
falls back on each parameter's default.
"""

from __future__ import annotations

import contextlib
import math


class SpaceError(ValueError):
    """A search space that cannot be searched: empty choice, low > high, log with a bound <= 0."""


def _check_range(kind, name, low, high, step, log):
    if not low <= high:
        raise SpaceError(f"hp.{kind}({name!r}): min_value must be <= max_value, got {low} > {high}")
    if step is not None and not step > 0:
        raise SpaceError(f"hp.{kind}({name!r}): step must be positive, got {step}")
    if log and not low > 0:
        raise SpaceError(
            f"hp.{kind}({name!r}): a log scale needs positive bounds, got min_value={low}"
        )
    if log and step is not None and not step > 1:
        raise SpaceError(
            f"hp.{kind}({name!r}): on a log scale step is a factor > 1 "
            f"(values min, min·step, min·step², ...), got {step}"
        )


def _grid(low, high, step, log):
    """The values from low to high by ``step`` (added, or on a log scale multiplied)."""
    values, v, k = [], low, 0
    while v <= high * (1 + 1e-9):
        values.append(v)
        k += 1
        v = low * step**k if log else low + k * step
    return values


class HyperParameters:
    """The values of one trial. ``hp.values`` maps each name asked for so far to its value."""

    def __init__(self, values=None, trial=None, grid=False):
        self.values = dict(values or {})
        self._trial, self._grid = trial, grid
        self._active = [True]  # False inside a conditional scope whose parent missed

    # --- the kinds of hyperparameters -------------------------------------------------------------
    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None):
        """An integer in [min_value, max_value]; ``step`` spaces the values (``sampling="log"``:
        uniform in log(value))."""
        log = _sampling(name, "Int", sampling)
        min_value, max_value = int(min_value), int(max_value)
        _check_range("Int", name, min_value, max_value, step, log)
        default = min_value if default is None else default
        if log and step is not None:
            return self._categorical(
                name, [round(v) for v in _grid(min_value, max_value, step, True)], default
            )
        return self._draw(
            name,
            default,
            lambda t: t.suggest_int(name, min_value, max_value, step=step or 1, log=log),
        )

    def Float(
        self, name, min_value, max_value, step=None, sampling="linear", log=False, default=None
    ):
        """A float in [min_value, max_value]; ``log=True`` (or ``sampling="log"``) draws
        uniformly in log(value) — right for learning rates. A grid search needs ``step``."""
        log = log or _sampling(name, "Float", sampling)
        min_value, max_value = float(min_value), float(max_value)
        _check_range("Float", name, min_value, max_value, step, log)
        default = min_value if default is None else default
        if log and step is not None:
            return self._categorical(name, _grid(min_value, max_value, step, True), default)
        if self._grid and step is None and self._trial is not None:
            raise SpaceError(
                f"hp.Float({name!r}): a grid search needs step= (the grid's spacing; "
                f"on a log scale a factor such as 10)"
            )
        return self._draw(
            name, default, lambda t: t.suggest_float(name, min_value, max_value, step=step, log=log)
        )

    def Choice(self, name, values, default=None):
        """One of ``values`` (numbers, strings, booleans; Optuna stores them as they are)."""
        values = list(values)
        if not values:
            raise SpaceError(f"hp.Choice({name!r}): values is empty; give at least one value")
        if not all(v is None or isinstance(v, (bool, int, float, str)) for v in values):
            raise SpaceError(
                f"hp.Choice({name!r}): values must be numbers, strings, booleans or "
                f"None (pick objects by name inside build), got {values}"
            )
        if len(set(map(repr, values))) != len(values):
            raise SpaceError(f"hp.Choice({name!r}): values repeat: {values}")
        if default is not None and default not in values:
            raise SpaceError(f"hp.Choice({name!r}): default {default!r} is not among {values}")
        return self._categorical(name, values, values[0] if default is None else default)

    def Boolean(self, name, default=False):
        """True or False."""
        return self._categorical(name, [False, True], bool(default))

    def Fixed(self, name, value):
        """A value that is not searched but recorded with the trial."""
        self.values.setdefault(name, value)
        return self.values[name]

    @contextlib.contextmanager
    def conditional_scope(self, parent_name, parent_values):
        """The hyperparameters asked for inside are searched only when ``parent_name`` took one of
        ``parent_values``; otherwise they take their defaults and are not recorded."""
        if parent_name not in self.values:
            raise SpaceError(
                f"conditional_scope: define {parent_name!r} before using it as a parent"
            )
        values = parent_values if isinstance(parent_values, (list, tuple, set)) else [parent_values]
        self._active.append(self._active[-1] and self.values[parent_name] in values)
        try:
            yield
        finally:
            self._active.pop()

    def get(self, name):
        if name not in self.values:
            raise KeyError(
                f"HyperParameters: no value named {name!r}; known: {sorted(self.values)}"
            )
        return self.values[name]

    def __getitem__(self, name):
        return self.get(name)

    def __repr__(self):
        return f"HyperParameters({self.values})"

    # --- drawing ----------------------------------------------------------------------------------
    def _categorical(self, name, values, default):
        return self._draw(name, default, lambda t: t.suggest_categorical(name, values))

    def _draw(self, name, default, suggest):
        if name in self.values:  # asked twice (e.g. in a loop): the same value
            return self.values[name]
        if not self._active[-1]:
            return default
        value = default if self._trial is None else suggest(self._trial)
        if isinstance(value, float) and not math.isfinite(value):
            raise SpaceError(f"hp: {name!r} drew {value}")
        self.values[name] = value
        return value


def _sampling(name, kind, sampling) -> bool:
    if sampling not in ("linear", "log"):
        raise SpaceError(
            f"hp.{kind}({name!r}): sampling must be 'linear' or 'log', got {sampling!r}"
        )
    return sampling == "log"
