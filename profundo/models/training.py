"""Training, evaluation and prediction: ``compile``, ``fit``, ``evaluate``, ``predict``.

One training step on a batch (x, y) is the whole of backpropagation learning:

    ŷ = model(x, training=True)                      forward pass
    L = Σₖ wₖ · lossₖ(yₖ, ŷₖ) + Σ regularization       one loss per output, weighted
    ∂L/∂θ = L.backward()                             backward pass
    θ ← optimizer(θ, ∂L/∂θ)                          update

``fit`` repeats it over mini-batches for a number of epochs. ``batch_size`` chooses the flavour of
gradient descent the course teaches: ``None`` — the whole set in one batch (batch gradient
descent); ``1`` — one sample at a time (stochastic); anything between — mini-batch.
"""
from __future__ import annotations

import math
import sys
import warnings

import numpy

from .. import backend as B
from .. import callbacks as callbacks_mod
from .. import losses as losses_mod
from .. import metrics as metrics_mod
from .. import optimizers as optimizers_mod
from ..autograd import Tensor, no_grad
from ..layers.base import learning_phase
from ..layers.nest import flatten, map_structure


# --- compile ---------------------------------------------------------------------------------------
class Compiled:
    """What ``compile`` chose: per output a loss, its weight and its metrics."""

    def __init__(self, output_names, losses, loss_weights, metrics, config):
        self.output_names = output_names
        self.losses, self.loss_weights, self.metric_specs = losses, loss_weights, metrics
        self.config = config            # the arguments as JSON data, for saving
        self.metrics = None             # metric objects, made on the first batch (they need y)
        self.loss_tracker = metrics_mod.Mean(name="loss")

    def build_metrics(self, y_true, y_pred) -> None:
        multi = len(self.output_names) > 1
        self.metrics = []
        for k, (specs, yt, yp) in enumerate(zip(self.metric_specs, y_true, y_pred)):
            for spec in specs:
                m = metrics_mod.get(spec, loss=self.losses[k], y_true=yt, y_pred=yp)
                if multi:
                    m.name = f"{self.output_names[k]}_{m.name}"
                self.metrics.append((k, m))

    def reset(self) -> None:
        self.loss_tracker.reset_state()
        for _, m in self.metrics or []:
            m.reset_state()

    def logs(self) -> dict:
        """Loss and metric values; metrics whose result is an array (a confusion matrix, per-class
        scores) are left out of the logs — read them from the metric object."""
        results = {m.name: m.result() for _, m in self.metrics or []}
        return {"loss": float(self.loss_tracker.result()),
                **{k: float(v) for k, v in results.items() if numpy.ndim(v) == 0}}


def _per_output(value, names, what):
    """Expand a compile argument to one entry per output (a single value, list, or dict by name)."""
    if isinstance(value, dict) and "class_name" not in value:     # {output name: value}
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(f"compile: {what} names unknown outputs {sorted(unknown)}; outputs: {names}")
        return [value.get(n) for n in names]
    if isinstance(value, (list, tuple)) and len(names) > 1:
        if len(value) != len(names):
            raise ValueError(f"compile: {what} has {len(value)} entries for {len(names)} outputs")
        return list(value)
    if isinstance(value, (list, tuple)) and len(value) == 1:
        return list(value)
    return [value] * len(names)


def _output_names(model) -> list:
    outputs = getattr(model, "outputs", None)
    if outputs is None:
        return ["output"]
    return [t.node.layer.name for t in flatten(outputs)]


def compile(model, optimizer, loss, metrics, loss_weights) -> None:
    names = _output_names(model)
    if loss is None:
        raise ValueError("compile: give a loss, e.g. loss='sparse_categorical_crossentropy'")
    losses = [losses_mod.get(spec) for spec in _per_output(loss, names, "loss")]
    weights = [1.0 if w is None else float(w)
               for w in _per_output(loss_weights if loss_weights is not None else 1.0, names,
                                    "loss_weights")]
    if isinstance(metrics, dict):
        metric_specs = [list(m) if isinstance(m, (list, tuple)) else ([m] if m else [])
                        for m in _per_output(metrics, names, "metrics")]
    elif metrics and len(names) > 1 and all(isinstance(m, (list, tuple)) for m in metrics):
        metric_specs = [list(m) for m in _per_output(metrics, names, "metrics")]
    else:
        metric_specs = [list(metrics or [])] * len(names)
    model.optimizer = optimizers_mod.get(optimizer)
    config = {"optimizer": optimizers_mod.serialize(model.optimizer),
              "loss": [losses_mod.serialize(f) for f in losses],
              "loss_weights": weights,
              "metrics": [[m if isinstance(m, str) else metrics_mod.serialize(m) for m in specs]
                          for specs in metric_specs]}
    model.compiled = Compiled(names, losses, weights, metric_specs, config)


def _require_compiled(model, what: str) -> Compiled:
    if model.compiled is None:
        raise RuntimeError(f"{model.name}: call model.compile(optimizer=..., loss=...) before {what}()")
    return model.compiled


# --- data ------------------------------------------------------------------------------------------
def _plain_lists_as_array(x):
    """Nested Python lists of numbers are one array; a list of arrays is several inputs/outputs."""
    if isinstance(x, (list, tuple)) and x and not isinstance(
            x[0], (numpy.ndarray, Tensor, B.xp.ndarray, dict)):
        return numpy.asarray(x)
    return x


def _is_array_data(x) -> bool:
    leaves = flatten(x)
    return bool(leaves) and all(isinstance(v, (numpy.ndarray, Tensor, B.xp.ndarray)) or
                                (isinstance(v, (list, float, int)) and not callable(v))
                                for v in leaves)


def _to_arrays(x):
    x = _plain_lists_as_array(x)
    return map_structure(lambda v: v.numpy() if isinstance(v, Tensor) else numpy.asarray(v), x)


def _num_samples(x) -> int:
    sizes = {len(v) for v in flatten(x)}
    if len(sizes) != 1:
        raise ValueError(f"all inputs and targets must have the same number of samples, got {sorted(sizes)}")
    return sizes.pop()


def _take(x, index):
    return map_structure(lambda v: v[index], x)


def _unpack(batch):
    """A batch from an iterable: ``(x, y)``, ``(x, y, sample_weight)`` or ``x`` alone."""
    if isinstance(batch, tuple) and len(batch) in (2, 3):
        return batch if len(batch) == 3 else (batch[0], batch[1], None)
    return batch, None, None


def _class_weights(y, class_weight, sample_weight):
    """Multiply the sample weights by the weight of each sample's class."""
    labels = numpy.asarray(y)
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(axis=-1)
    labels = labels.reshape(len(labels), -1)[:, 0].astype(int)
    weights = numpy.array([class_weight.get(int(c), 1.0) for c in range(labels.max() + 1)],
                          dtype=numpy.float32)
    w = weights[labels]
    return w if sample_weight is None else w * numpy.asarray(sample_weight, dtype=numpy.float32)


class ArrayBatches:
    """Mini-batches over arrays (x, y, sample weights), reshuffled each epoch."""

    def __init__(self, x, y, sample_weight, batch_size, shuffle):
        self.x, self.y, self.sw = x, y, sample_weight
        self.n = _num_samples([x] + ([y] if y is not None else []))
        self.batch_size = self.n if batch_size is None else int(batch_size)
        if self.batch_size < 1:
            raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size}")
        self.shuffle = shuffle

    def __len__(self) -> int:
        return math.ceil(self.n / self.batch_size)

    def __iter__(self):
        order = B.permutation(self.n) if self.shuffle else None
        for start in range(0, self.n, self.batch_size):
            stop = start + self.batch_size
            index = slice(start, stop) if order is None else order[start:stop]
            yield (_take(self.x, index), None if self.y is None else _take(self.y, index),
                   None if self.sw is None else self.sw[index])


class IterableBatches:
    """Batches from a loader or generator; ``steps`` limits each epoch (needed for endless ones)."""

    def __init__(self, data, steps=None):
        self.data, self.steps = data, steps
        self._iterator = None

    def __len__(self):
        if self.steps is not None:
            return self.steps
        return len(self.data) if hasattr(self.data, "__len__") else None

    def __iter__(self):
        if self.steps is None:
            yield from map(_unpack, self.data)
            return
        for _ in range(self.steps):      # continue one iterator across epochs
            if self._iterator is None:
                self._iterator = iter(self.data)
            try:
                yield _unpack(next(self._iterator))
            except StopIteration:
                self._iterator = None
                return


def _batches(x, y, sample_weight, batch_size, shuffle, steps=None, class_weight=None):
    if x is None:
        raise ValueError("fit/evaluate: x is required")
    if _is_array_data(x):
        x = _to_arrays(x)
        y = None if y is None else _to_arrays(y)
        if class_weight:
            if y is None or len(flatten(y)) != 1:
                raise ValueError("class_weight needs a single target array y")
            sample_weight = _class_weights(flatten(y)[0], class_weight, sample_weight)
        elif sample_weight is not None:
            sample_weight = numpy.asarray(sample_weight, dtype=numpy.float32)
        return ArrayBatches(x, y, sample_weight, batch_size, shuffle)
    if y is not None:
        raise ValueError("when x is a loader or generator of (x, y) batches, do not pass y")
    return IterableBatches(x, steps)


def _split_validation(x, y, sample_weight, validation_split):
    """Keras' rule: the last ``validation_split`` fraction of the samples, before shuffling."""
    if not 0 < validation_split < 1:
        raise ValueError(f"fit: validation_split must be in (0, 1), got {validation_split}")
    if not _is_array_data(x):
        raise ValueError("fit: validation_split needs arrays; for loaders pass validation_data")
    x, y = _to_arrays(x), _to_arrays(y)
    n = _num_samples(x)
    cut = n - int(round(n * validation_split))
    if cut <= 0 or cut >= n:
        raise ValueError(f"fit: validation_split={validation_split} of {n} samples leaves an empty set")
    head, tail = slice(0, cut), slice(cut, n)
    sw = None if sample_weight is None else numpy.asarray(sample_weight)
    return ((_take(x, head), _take(y, head), None if sw is None else sw[head]),
            (_take(x, tail), _take(y, tail), None if sw is None else sw[tail]))


# --- one step -------------------------------------------------------------------------------------
def _as_list(value, n):
    """Targets or outputs as a list with one entry per output."""
    if n == 1:
        return [value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value]
    if isinstance(value, dict):
        return list(value.values())
    return list(value)


def _total_loss(model, compiled, y, y_pred, sample_weight, regularize=True):
    """Σₖ wₖ lossₖ(yₖ, ŷₖ) over the outputs, plus the weights' regularization penalties."""
    n = len(compiled.output_names)
    if isinstance(y, dict):
        y = [y[name] for name in compiled.output_names]
    ys, preds = _as_list(y, n), _as_list(y_pred, n)
    total = None
    for loss_fn, weight, yt, yp in zip(compiled.losses, compiled.loss_weights, ys, preds):
        term = loss_fn(yt, yp, sample_weight=sample_weight) if sample_weight is not None \
            else loss_fn(yt, yp)
        term = term * weight if weight != 1.0 else term
        total = term if total is None else total + term
    reg = model.regularization_loss() if regularize else None
    return (total if reg is None else total + reg), ys, preds


def _update_metrics(compiled, loss_value, ys, preds, sample_weight, batch_n):
    if compiled.metrics is None:
        compiled.build_metrics(ys, preds)
    compiled.loss_tracker.update_state(loss_value, sample_weight=batch_n)
    for k, m in compiled.metrics:
        m.update_state(ys[k], preds[k].numpy() if isinstance(preds[k], Tensor) else preds[k],
                       sample_weight=sample_weight)


def train_step(model, x, y, sample_weight=None, params=None, regularize=True):
    """Forward, loss, backward, update on one batch; returns the batch loss (a float).

    ``params`` (the trainable weights) and ``regularize`` (whether any weight has a penalty) may
    be given by a caller that looked them up once for many steps, as ``fit`` does each epoch."""
    compiled = model.compiled
    params = model.trainable_weights if params is None else params
    with learning_phase(True):
        y_pred = model(x, training=True)
    loss, ys, preds = _total_loss(model, compiled, y, y_pred, sample_weight, regularize)
    value = float(loss.item())
    if not math.isfinite(value):
        return value
    for p in params:
        p.grad = None
    loss.backward()
    model.optimizer.apply([p.grad for p in params], params)
    _update_metrics(compiled, value, ys, preds, sample_weight, _num_samples(x))
    return value


def test_step(model, x, y, sample_weight=None) -> float:
    compiled = model.compiled
    with no_grad(), learning_phase(False):
        y_pred = model(x, training=False)
        loss, ys, preds = _total_loss(model, compiled, y, y_pred, sample_weight)
    value = float(loss.item())
    _update_metrics(compiled, value, ys, preds, sample_weight, _num_samples(x))
    return value


# --- the loops ---------------------------------------------------------------------------------------
#: ``fit(distributed=True)``'s hook, set by ``profundo.distributed`` (a higher layer): it shards the
#: batches, averages gradients over the ranks and reduces the logs (see distributed/training.py)
distributed_fit = None


def _verbosity(verbose) -> int:
    if verbose == "auto":
        return 1 if sys.stdout.isatty() else 2
    return int(verbose)


def fit(model, x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data,
        shuffle, class_weight, sample_weight, initial_epoch, steps_per_epoch, validation_batch_size,
        distributed=False):
    compiled = _require_compiled(model, "fit")
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = _split_validation(x, y, sample_weight, validation_split)
    train = _batches(x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight)
    if distributed:
        if distributed_fit is None:
            raise RuntimeError("fit(distributed=True): import profundo.distributed and call init()")
        train, callbacks, verbose = distributed_fit(model, train, callbacks, verbose)
    verbose = _verbosity(verbose)
    history = callbacks_mod.History()
    cbs = callbacks_mod.CallbackList(callbacks, model=model, verbose=verbose, epochs=epochs,
                                     steps=len(train), history=history)
    model.stop_training = False
    cbs.on_train_begin()
    epoch = initial_epoch = cbs.resume_epoch(initial_epoch)
    diverged = None                                # the non-finite loss that stopped training
    for epoch in range(initial_epoch, epochs):
        compiled.reset()
        cbs.on_epoch_begin(epoch)
        params = model.trainable_weights          # looked up once an epoch, not once a batch
        with no_grad():
            regularize = model.regularization_loss() is not None
        for step, (xb, yb, swb) in enumerate(train):
            cbs.on_train_batch_begin(step)
            value = train_step(model, xb, yb, swb, params, regularize)
            if not math.isfinite(value):
                diverged = value
                model.stop_training = True
                warnings.warn(f"{model.name}: the loss became {value} at epoch {epoch + 1}, batch "
                              f"{step + 1}; training stopped (try a lower learning rate, or check "
                              f"the inputs for NaN/inf)", RuntimeWarning, stacklevel=3)
                cbs.on_train_batch_end(step, {"loss": value})
                break
            cbs.on_train_batch_end(step, compiled.logs())
            if model.stop_training:
                break
        logs = compiled.logs()
        if diverged is not None:           # a diverged epoch is logged as such, never as 0.0
            logs["loss"] = diverged
        if validation_data is not None and not model.stop_training:
            vx, vy, vsw = _unpack(tuple(validation_data)) if isinstance(validation_data, (tuple, list)) \
                else (validation_data, None, None)
            val = _evaluate_logs(model, vx, vy, vsw, validation_batch_size or batch_size)
            logs.update({f"val_{k}": v for k, v in val.items()})
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end()
    model.history = history
    return history


def _evaluate_logs(model, x, y, sample_weight, batch_size) -> dict:
    compiled = model.compiled
    saved = (compiled.loss_tracker, compiled.metrics)
    compiled.loss_tracker = metrics_mod.Mean(name="loss")
    compiled.metrics = None if saved[1] is None else [(k, type(m).from_config(m.get_config()))
                                                     for k, m in saved[1]]
    try:
        for xb, yb, swb in _batches(x, y, sample_weight, batch_size, shuffle=False):
            test_step(model, xb, yb, swb)
        return compiled.logs()
    finally:
        compiled.loss_tracker, compiled.metrics = saved


def evaluate(model, x, y, batch_size, verbose, sample_weight, return_dict, callbacks):
    _require_compiled(model, "evaluate")
    logs = _evaluate_logs(model, x, y, sample_weight, batch_size)
    if _verbosity(verbose):
        print(" - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def predict(model, x, batch_size, verbose):
    outputs = []
    for xb, _, _ in _batches(x, None, None, batch_size, shuffle=False):
        with no_grad(), learning_phase(False):
            out = model(xb, training=False)
        outputs.append(map_structure(lambda t: t.numpy(), out))
    if not outputs:
        raise ValueError(f"{model.name}: predict got no data")
    first = outputs[0]
    if isinstance(first, numpy.ndarray):
        return numpy.concatenate(outputs)
    return type(first)(numpy.concatenate([o[k] for o in outputs]) for k in range(len(first)))


def train_on_batch(model, x, y, sample_weight, class_weight, return_dict):
    compiled = _require_compiled(model, "train_on_batch")
    x, y = _to_arrays(x), None if y is None else _to_arrays(y)
    if class_weight:
        sample_weight = _class_weights(flatten(y)[0], class_weight, sample_weight)
    compiled.reset()
    train_step(model, x, y, sample_weight)
    return _result(compiled.logs(), return_dict)


def test_on_batch(model, x, y, sample_weight, return_dict):
    compiled = _require_compiled(model, "test_on_batch")
    compiled.reset()
    test_step(model, _to_arrays(x), None if y is None else _to_arrays(y), sample_weight)
    return _result(compiled.logs(), return_dict)


def _result(logs, return_dict):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
