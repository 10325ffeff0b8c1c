"""Feature scaling fitted on training data: ``Standardizer`` (z-scores), ``Normalizer`` (min-max).

Fit on the training set only, then apply the same statistics to validation and test data::

    scaler = Standardizer(axis=-1)             # one mean/std per feature (or per channel in NHWC)
    x_train = scaler.fit_transform(x_train)
    x_test = scaler.transform(x_test)
    config = scaler.get_config()              # plain lists: save as JSON
    scaler = Standardizer.from_config(config)

``axis`` names the axes that keep *separate* statistics, as in Keras' ``Normalization``:
``-1`` gives one per feature of ``(N, F)`` data or one per channel of ``(N, H, W, C)`` images,
``(1, 2)`` one per pixel of ``(N, H, W)`` images, and ``None`` a single one for everything.
"""

from __future__ import annotations

import numpy as np

from .. import backend as B
from .dataset import as_numpy


class _Scaler:
    """What both scalers share: the axes, fitting, shape checks, and the config round trip.

    A subclass names its statistics in ``_stat_names`` and implements ``_compute`` (statistics
    with the reduced axes kept as size 1), ``_forward`` and ``_inverse``.
    """

    _stat_names: tuple[str, ...] = ()

    def __init__(self, axis: int | tuple[int, ...] | None = -1):
        self.axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
        for name in self._stat_names:
            setattr(self, name, None)

    def fit(self, x):
        """Learn the statistics of ``x`` (the training data); returns the scaler."""
        x = as_numpy(x).astype(np.float64)
        kept = self._kept_axes(x.ndim)
        reduced = tuple(a for a in range(x.ndim) if a not in kept)
        stats = self._compute(x, reduced)
        for name, value in zip(self._stat_names, stats):
            setattr(self, name, value if kept else value.reshape(()))
        return self

    def transform(self, x) -> np.ndarray:
        """Scale ``x`` with the fitted statistics; float results (float32 for integer input)."""
        x, stats = self._prepare(x)
        return self._forward(x, *stats)

    def inverse_transform(self, x) -> np.ndarray:
        """Undo ``transform``: back to the original units."""
        x, stats = self._prepare(x)
        return self._inverse(x, *stats)

    def fit_transform(self, x) -> np.ndarray:
        """``fit(x)`` then ``transform(x)``."""
        return self.fit(x).transform(x)

    def get_config(self) -> dict:
        """Settings and fitted statistics as plain Python values (JSON-ready); None before fit."""
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        stats = {
            name: None if getattr(self, name) is None else getattr(self, name).tolist()
            for name in self._stat_names
        }
        return {"axis": axis, **self._settings(), **stats}

    @classmethod
    def from_config(cls, config: dict):
        """A scaler from ``get_config()``'s output, fitted if the config holds statistics."""
        names = set(cls._stat_names)
        scaler = cls(**{key: value for key, value in config.items() if key not in names})
        for name in cls._stat_names:
            if config.get(name) is not None:
                setattr(scaler, name, np.asarray(config[name], dtype=np.float64))
        return scaler

    def _settings(self) -> dict:
        """Constructor arguments other than ``axis`` (for the config)."""
        return {}

    def _kept_axes(self, ndim: int) -> tuple[int, ...]:
        if self.axis is None:
            return ()
        axes = self.axis if isinstance(self.axis, tuple) else (self.axis,)
        for a in axes:
            if not -ndim <= a < ndim:
                raise ValueError(
                    f"{type(self).__name__}: axis {a} is out of range for data "
                    f"with {ndim} dimensions"
                )
        return tuple(sorted(a % ndim for a in axes))

    def _prepare(self, x):
        """``x`` as floats, and the statistics in its dtype, after checking the shapes fit."""
        name = type(self).__name__
        stats = [getattr(self, s) for s in self._stat_names]
        if stats[0] is None:
            raise RuntimeError(f"{name}: call fit(x_train) (or fit_transform) before transform")
        x = as_numpy(x)
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(B.default_dtype)
        x = x.astype(dtype, copy=False)
        shape = stats[0].shape
        if shape and (
            x.ndim != len(shape) or any(s != 1 and s != d for s, d in zip(shape, x.shape))
        ):
            raise ValueError(
                f"{name}: fitted with statistics of shape {shape} (axis={self.axis}); "
                f"data of shape {x.shape} does not match them"
            )
        return x, [s.astype(dtype) for s in stats]

    def _compute(self, x, axes):
        raise NotImplementedError

    def _forward(self, x, *stats):
        raise NotImplementedError

    def _inverse(self, x, *stats):
        raise NotImplementedError

    def __repr__(self) -> str:
        fitted = "fitted" if getattr(self, self._stat_names[0]) is not None else "not fitted"
        return f"{type(self).__name__}(axis={self.axis}, {fitted})"


class Standardizer(_Scaler):
    """Zero mean and unit variance:  x' = (x − μ) / σ,  with μ, σ from the training data.

    A constant feature (σ = 0) is only centred (its σ is taken as 1).
    Fitted statistics: ``mean``, ``std``.
    """

    _stat_names = ("mean", "std")

    def _compute(self, x, axes):
        std = x.std(axis=axes, keepdims=True)
        return x.mean(axis=axes, keepdims=True), np.where(std == 0, 1.0, std)

    def _forward(self, x, mean, std):
        return (x - mean) / std

    def _inverse(self, x, mean, std):
        return x * std + mean


class Normalizer(_Scaler):
    """Min-max scaling into ``feature_range`` (lo, hi):  x' = lo + (x − min)·(hi − lo)/(max − min)

    A constant feature (max = min) maps to ``lo``. Fitted statistics: ``data_min``, ``data_max``.
    """

    _stat_names = ("data_min", "data_max")

    def __init__(self, feature_range=(0.0, 1.0), axis: int | tuple[int, ...] | None = -1):
        lo, hi = (float(v) for v in feature_range)
        if not lo < hi:
            raise ValueError(
                f"Normalizer: feature_range must be (lo, hi) with lo < hi, "
                f"got {tuple(feature_range)}"
            )
        self.feature_range = (lo, hi)
        super().__init__(axis)

    def _settings(self) -> dict:
        return {"feature_range": list(self.feature_range)}

    def _compute(self, x, axes):
        return x.min(axis=axes, keepdims=True), x.max(axis=axes, keepdims=True)

    def _scale(self, data_min, data_max):
        lo, hi = self.feature_range
        span = data_max - data_min
        return (hi - lo) / np.where(span == 0, 1, span)

    def _forward(self, x, data_min, data_max):
        return (x - data_min) * self._scale(data_min, data_max) + self.feature_range[0]

    def _inverse(self, x, data_min, data_max):
        return (x - self.feature_range[0]) / self._scale(data_min, data_max) + data_min
