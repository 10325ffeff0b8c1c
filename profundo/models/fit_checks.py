"""``fit``'s arguments checked before the first step: a wrong value is a clear error that names
``fit``, the argument, what it must be and what came — never a silent truncation (``batch_size=2.5``
trained in batches of 2), a silent no-op (``epochs=-1``, 0 samples) or a raw NumPy error later.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy

from ..layers.nest import flatten
from . import data_adapters as adapters


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(name: str, value, minimum: int, none_means: str | None = None) -> None:
    if value is None and none_means is not None:
        return
    if not _is_int(value) or value < minimum:
        also = f" or None ({none_means})" if none_means else ""
        raise ValueError(f"fit: {name} must be an integer ≥ {minimum}{also}, got {value!r}")


def check_arguments(
    x,
    y,
    batch_size,
    epochs,
    initial_epoch,
    steps_per_epoch,
    sample_weight,
    class_weight,
    validation_data=None,
) -> None:
    """The counts are whole numbers in range (``None`` where fit gives it a meaning); arrays have
    samples, one weight per sample and class weights for y's classes; a loader or generator brings
    its own weights; validation data is (x, y), (x, y, sample_weight) or a loader."""
    if isinstance(validation_data, (tuple, list)) and len(validation_data) not in (2, 3):
        raise ValueError(
            f"fit: validation_data must be (x_val, y_val), (x_val, y_val, "
            f"sample_weight) or a loader, got a {type(validation_data).__name__} of "
            f"{len(validation_data)} items"
        )
    _check_int("batch_size", batch_size, 1, none_means="the whole set in one batch")
    _check_int("epochs", epochs, 0)
    _check_int("initial_epoch", initial_epoch, 0)
    _check_int("steps_per_epoch", steps_per_epoch, 1, none_means="until the data ends")
    if adapters.is_array_data(x):
        _check_arrays(
            adapters.to_arrays(x),
            None if y is None else adapters.to_arrays(y),
            sample_weight,
            class_weight,
        )
    elif class_weight:
        raise ValueError(
            "fit: class_weight needs arrays x and y; with a loader or generator, "
            "yield (x, y, sample_weight) batches with the weights in them"
        )


def _check_arrays(x, y, sample_weight, class_weight) -> None:
    sizes = sorted({len(v) for v in flatten(x) + (flatten(y) if y is not None else [])})
    if len(sizes) > 1:
        raise ValueError(f"fit: x and y must have the same number of samples, got {sizes}")
    n = sizes[0]
    if n == 0:
        raise ValueError("fit: x has 0 samples; there is nothing to train on")
    if sample_weight is not None:
        sw = numpy.asarray(sample_weight)
        if sw.ndim == 0 or len(sw) != n:
            raise ValueError(
                f"fit: sample_weight must have one weight per sample ({n}), got shape {sw.shape}"
            )
        if sw.dtype.kind not in "biuf" or not numpy.isfinite(sw).all():
            raise ValueError("fit: sample_weight must hold finite numbers")
    if class_weight:
        _check_class_weight(class_weight, y)


def _check_class_weight(class_weight, y) -> None:
    if not isinstance(class_weight, dict):
        raise TypeError(
            f"fit: class_weight must be a dict {{class index: weight}}, got "
            f"{type(class_weight).__name__}"
        )
    if y is None or len(flatten(y)) != 1:
        raise ValueError("fit: class_weight needs a single target array y")
    for key, weight in class_weight.items():
        if not _is_int(key):
            raise ValueError(f"fit: class_weight keys are class indices (int), got {key!r}")
        if not isinstance(weight, numbers.Real) or not math.isfinite(weight) or weight < 0:
            raise ValueError(
                f"fit: class_weight[{key}] must be a finite number ≥ 0, got {weight!r}"
            )
    labels = numpy.asarray(flatten(y)[0])
    if labels.ndim > 1 and labels.shape[-1] > 1:  # one-hot: the classes are the columns
        classes = set(range(labels.shape[-1]))
    else:
        if labels.dtype.kind not in "biuf" or not numpy.all(numpy.mod(labels, 1) == 0):
            raise ValueError(
                "fit: class_weight needs class labels in y (integers or one-hot), "
                f"got values of dtype {labels.dtype}"
            )
        classes = set(numpy.unique(labels).astype(int).tolist())
    unknown = sorted(set(class_weight) - classes)
    if unknown:
        shown = sorted(classes)[:20]
        raise ValueError(
            f"fit: class_weight names classes {unknown} that are not in y; "
            f"y's classes are {shown}{' …' if len(classes) > 20 else ''}"
        )


def no_batches(model, epoch: int, first: bool) -> None:
    """An epoch of a loader or generator gave no batch: an error on the first epoch, else (a
    generator that has ended) a warning, and training stops — as Keras does."""
    if first:
        raise ValueError(
            f"fit: the data gave no batches in epoch {epoch + 1}; there is nothing to train on"
        )
    model.stop_training = True
    warnings.warn(
        f"{model.name}: the data ran out in epoch {epoch + 1}; training stopped. A "
        f"generator runs once: pass steps_per_epoch and make it yield at least "
        f"steps_per_epoch × epochs batches, or pass a loader, which restarts each epoch",
        UserWarning,
        stacklevel=4,
    )
