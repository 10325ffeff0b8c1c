"""Training, evaluation and prediction: ``compile``, ``fit``, ``evaluate``, ``predict``.

One training step on a batch (x, y) is the whole of backpropagation learning:

    ŷ = model(x, training=True)                      forward pass
    L = Σₖ wₖ · lossₖ(yₖ, ŷₖ) + Σ regularization       one loss per output, weighted
    ∂L/∂θ = L.backward()                             backward pass
    θ ← optimizer(θ, ∂L/∂θ)                          update

``fit`` repeats it over mini-batches for a number of epochs. ``batch_size`` chooses the flavour of
gradient descent the course teaches: ``None`` — the whole set in one batch (batch gradient
descent); ``1`` — one sample at a time (stochastic); anything between — mini-batch.

The step itself is a method of the model, as in Keras 3: ``fit`` calls ``model.train_step(data)``
on each batch, ``evaluate`` calls ``model.test_step(data)`` and ``predict`` calls
``model.predict_step(data)``. Override them to train in your own way (a GAN's two optimizers, a
VAE's extra loss) and keep ``fit``'s loop, callbacks, progress bar and metrics. ``data`` is what
Keras passes: ``x`` alone, ``(x, y)`` or ``(x, y, sample_weight)``; ``unpack_x_y_sample_weight``
takes it apart. The functions below are the default steps.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable

import numpy

from .. import backend
from .. import callbacks as callbacks_mod
from .. import losses as losses_mod
from .. import metrics as metrics_mod
from .. import optimizers as optimizers_mod
from ..autograd import Tensor, no_grad
from ..layers.base import learning_phase
from ..layers.nest import flatten, map_structure
from . import data_adapters as adapters
from . import fit_checks


# --- compile --------------------------------------------------------------------------------------
class CompileMetrics(metrics_mod.Metric):
    """The metrics given to ``compile``, as one metric (Keras' ``compile_metrics``): per output
    its metrics, made on the first batch (they need to see y), updated together; ``result`` is a
    dict {name: value}."""

    def __init__(self, output_names, metric_specs, losses, weighted_specs=None):
        self.output_names, self.metric_specs, self.losses = output_names, metric_specs, losses
        self.weighted_specs = weighted_specs or [[] for _ in output_names]
        self.metrics = None
        self.weighted: set = set()  # ids of the metrics that take the sample weights
        super().__init__("compile_metrics")

    def reset_state(self) -> None:
        for _, m in self.metrics or []:
            m.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        ys, preds = (
            _per_output_values(y_true, self.output_names),
            _per_output_values(y_pred, self.output_names),
        )
        if self.metrics is None:
            self.metrics = self._build(ys, preds)
        for k, m in self.metrics:  # Keras' rule: only weighted_metrics see sample_weight
            m.update_state(
                ys[k],
                preds[k].numpy() if isinstance(preds[k], Tensor) else preds[k],
                sample_weight=sample_weight if id(m) in self.weighted else None,
            )

    def _build(self, ys, preds) -> list:
        multi = len(self.output_names) > 1
        built: list = []
        for weighted, all_specs in ((False, self.metric_specs), (True, self.weighted_specs)):
            for k, (specs, yt, yp) in enumerate(zip(all_specs, ys, preds)):
                for spec in specs:
                    m = metrics_mod.get(
                        spec, loss=self.losses[k] if self.losses else None, y_true=yt, y_pred=yp
                    )
                    if weighted:
                        self.weighted.add(id(m))
                        if any(m.name == other.name for _, other in built):
                            m.name = f"weighted_{m.name}"
                    if multi:
                        m.name = f"{self.output_names[k]}_{m.name}"
                    built.append((k, m))
        return built

    def result(self) -> dict:
        return {m.name: m.result() for _, m in self.metrics or []}


class Compiled:
    """What ``compile`` chose: per output a loss and its weight (no losses: ``loss=None``, for
    models whose loss comes from ``add_loss`` or a custom ``train_step``), and the metrics."""

    def __init__(self, output_names, losses, loss_weights, metrics, config, weighted_metrics=None):
        self.output_names = output_names
        self.losses, self.loss_weights, self.metric_specs = losses, loss_weights, metrics
        self.weighted_specs = weighted_metrics or [[] for _ in output_names]
        self.config = config  # the arguments as JSON data, for saving
        self.loss_tracker = metrics_mod.Mean(name="loss")
        self.compile_metrics = CompileMetrics(output_names, metrics, losses, self.weighted_specs)
        self.trainable_flags = {}  # each layer's trainable flag at compile time (fit warns)
        # looked up once an epoch by fit, not once a batch: the trainable weights, and whether
        # any weight has a regularization penalty (None outside fit: look them up each step)
        self.epoch_params, self.epoch_regularize = None, None


def _per_output(value, names, what):
    """Expand a compile argument to one entry per output (a single value, list, or dict by name)."""
    if isinstance(value, dict) and "class_name" not in value:  # {output name: value}
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(
                f"compile: {what} names unknown outputs {sorted(unknown)}; outputs: {names}"
            )
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


def _metric_specs(metrics, names, what) -> list:
    """Per output, the list of metrics (a list for all outputs, a list of lists, or a dict)."""
    if isinstance(metrics, dict):
        return [
            list(m) if isinstance(m, (list, tuple)) else ([m] if m else [])
            for m in _per_output(metrics, names, what)
        ]
    if metrics and len(names) > 1 and all(isinstance(m, (list, tuple)) for m in metrics):
        return [list(m) for m in _per_output(metrics, names, what)]
    return [list(metrics or [])] * len(names)


def compile(model, optimizer, loss, metrics, loss_weights, weighted_metrics=None) -> None:
    names = _output_names(model)
    if isinstance(loss, (list, tuple)) and len(names) > 1:  # loss=[None, "mse"]: no loss
        loss = list(loss)  # for the first output
    losses = (
        []
        if loss is None
        else [
            None if spec is None else losses_mod.get(spec)
            for spec in _per_output(loss, names, "loss")
        ]
    )
    weights = [
        1.0 if w is None else float(w)
        for w in _per_output(
            loss_weights if loss_weights is not None else 1.0, names, "loss_weights"
        )
    ]
    metric_specs = _metric_specs(metrics, names, "metrics")
    weighted_specs = _metric_specs(weighted_metrics, names, "weighted_metrics")
    model.optimizer = optimizers_mod.get(optimizer)
    policy = getattr(model, "dtype_policy", None)
    if (
        policy is not None
        and policy.name == "mixed_float16"
        and not isinstance(model.optimizer, optimizers_mod.LossScaleOptimizer)
    ):  # float16 gradients need loss scaling, as Keras wraps the optimizer on its own
        model.optimizer = optimizers_mod.LossScaleOptimizer(model.optimizer)

    def specs_config(all_specs):
        return [
            [m if isinstance(m, str) else metrics_mod.serialize(m) for m in specs]
            for specs in all_specs
        ]

    config = {
        "optimizer": optimizers_mod.serialize(model.optimizer),
        "loss": [None if f is None else losses_mod.serialize(f) for f in losses],
        "loss_weights": weights,
        "metrics": specs_config(metric_specs),
    }
    if weighted_metrics:
        config["weighted_metrics"] = specs_config(weighted_specs)
    model.compiled = Compiled(names, losses, weights, metric_specs, config, weighted_specs)
    model.compiled.trainable_flags = _trainable_flags(model)


def _require_compiled(model, what: str) -> Compiled:
    if model.compiled is None:
        raise RuntimeError(
            f"{model.name}: call model.compile(optimizer=..., loss=...) before {what}()"
        )
    return model.compiled


# --- one step (the defaults of Model.train_step / test_step / predict_step) -----------------------
def unpack_x_y_sample_weight(data):
    """Keras' rule: ``x`` alone, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` → (x, y, sw)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return tuple(data) + (None,) * (3 - len(data))
    raise ValueError(
        f"a batch is x, (x,), (x, y) or (x, y, sample_weight); got a tuple of {len(data)}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """What ``train_step`` receives: ``x`` alone when there is no y (``(x,)`` if x is a list of
    inputs), else ``(x, y)`` or ``(x, y, sample_weight)``."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def _per_output_values(value, names):
    """Targets or outputs as a list with one entry per output (from one value, a list or a dict)."""
    if isinstance(value, dict):
        return [value[name] for name in names]
    if len(names) == 1:
        return [value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value]
    return list(value)


def _compiled_loss(compiled, y, y_pred, sample_weight):
    """Σₖ wₖ lossₖ(yₖ, ŷₖ) over the outputs."""
    names, total = compiled.output_names, None
    ys, preds = _per_output_values(y, names), _per_output_values(y_pred, names)
    for loss_fn, weight, yt, yp in zip(compiled.losses, compiled.loss_weights, ys, preds):
        if loss_fn is None:  # loss=[None, ...]: this output is not trained on
            continue
        term = (
            loss_fn(yt, yp, sample_weight=sample_weight)
            if sample_weight is not None
            else loss_fn(yt, yp)
        )
        term = term * weight if weight != 1.0 else term
        total = term if total is None else total + term
    return total


def compute_loss(model, x=None, y=None, y_pred=None, sample_weight=None, training=True):
    """The compiled loss of (y, ŷ), plus the sum of each ``add_loss`` term of the last call, plus
    the weights' regularization penalties (Keras' ``Model.compute_loss``)."""
    compiled = model.compiled
    terms = []
    if compiled is not None and compiled.losses:
        if y is None:
            raise ValueError(
                f"{model.name}: the compiled loss needs targets y; pass y to fit/evaluate "
                f"(or compile with loss=None when the loss comes from add_loss)"
            )
        if y_pred is not None:  # losses in float32 even when the model computes in float16
            y_pred = map_structure(_float32_if_half, y_pred)
        terms.append(_compiled_loss(compiled, y, y_pred, sample_weight))
    terms += [t.sum() if isinstance(t, Tensor) and t.ndim else t for t in model._added_losses()]
    if compiled is None or compiled.epoch_regularize is not False:
        reg = model.regularization_loss()
        if reg is not None:
            terms.append(reg)
    if not terms:
        raise ValueError(
            f"{model.name}: no loss to compute; give compile a loss= or add one with "
            f"self.add_loss(...) in call"
        )
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def _float32_if_half(t):
    return t.astype("float32") if isinstance(t, Tensor) and t.dtype == "float16" else t


def compute_metrics(model, x, y, y_pred, sample_weight=None) -> dict:
    """Update the compiled metrics with the batch (when there are targets); return the results."""
    if y is not None and model.compiled.metric_specs and any(model.compiled.metric_specs):
        model.compiled.compile_metrics.update_state(y, y_pred, sample_weight)
    return model.get_metrics_result()


def train_step(model, data) -> dict:
    """Forward, loss, backward, update on one batch; returns the logs (loss and metrics so far)."""
    x, y, sample_weight = unpack_x_y_sample_weight(data)
    compiled = _require_compiled(model, "fit")
    with learning_phase(True):
        y_pred = model(x, training=True)
    params = model.trainable_weights if compiled.epoch_params is None else compiled.epoch_params
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
    value = float(loss.item())
    if not math.isfinite(value):
        return {"loss": value}
    for p in params:
        p.grad = None
    scale = getattr(model.optimizer, "scale_loss", None)  # LossScaleOptimizer: loss · S
    if scale is None:
        loss.backward()
    else:  # an overflow to inf is expected now and then: the step is skipped and S halves
        with numpy.errstate(over="ignore", invalid="ignore"):
            scale(loss).backward()
    model.optimizer.apply([p.grad for p in params], params)
    compiled.loss_tracker.update_state(value, sample_weight=adapters.num_samples(x))
    return model.compute_metrics(x, y, y_pred, sample_weight)


def test_step(model, data) -> dict:
    """Forward and loss on one batch in inference mode; returns the logs so far."""
    x, y, sample_weight = unpack_x_y_sample_weight(data)
    compiled = _require_compiled(model, "evaluate")
    with no_grad(), learning_phase(False):
        y_pred = model(x, training=False)
        loss = model.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
    compiled.loss_tracker.update_state(float(loss.item()), sample_weight=adapters.num_samples(x))
    return model.compute_metrics(x, y, y_pred, sample_weight)


def predict_step(model, data):
    """The model's outputs for one batch, in inference mode."""
    x, _, _ = unpack_x_y_sample_weight(data)
    with no_grad(), learning_phase(False):
        return model(x, training=False)


def metrics_result(model) -> dict:
    """{name: result} of ``model.metrics``; a metric whose result is a dict adds its entries."""
    logs = {}
    for m in model.metrics:
        r = m.result()
        logs.update(r) if isinstance(r, dict) else logs.__setitem__(m.name, r)
    return logs


def leaf_metrics(model) -> list:
    """``model.metrics`` with the compiled metrics' container replaced by the metrics it holds."""
    out = []
    for m in model.metrics:
        out += [leaf for _, leaf in m.metrics or []] if isinstance(m, CompileMetrics) else [m]
    return out


def _logs(values: dict) -> dict:
    """What callbacks see: the scalar entries as floats, a nested dict's entries in its place
    (Keras' ``compile_metrics``); arrays (a confusion matrix, per-class scores) are left out —
    read them from the metric object."""
    out = {}
    for k, v in values.items():
        if isinstance(v, dict):
            out.update(_logs(v))
            continue
        v = v.numpy() if isinstance(v, Tensor) else v
        if numpy.ndim(v) == 0:
            out[k] = float(v)
    return out


def _non_finite_loss(logs: dict):
    """The first loss entry (a key ending in 'loss') that is NaN or infinite, else None."""
    for k, v in logs.items():
        if k.endswith("loss") and not math.isfinite(v):
            return k, v
    return None


# --- the loops ------------------------------------------------------------------------------------
#: ``fit(distributed=True)``'s hook, set by ``profundo.distributed`` (a higher layer): it shards the
#: batches, averages gradients over the ranks and reduces the logs (see distributed/training.py)
distributed_fit: Callable | None = None


def _verbosity(verbose) -> int:
    if verbose == "auto":
        return 1 if sys.stdout.isatty() else 2
    return int(verbose)


def _trainable_flags(layer, flags=None) -> dict:
    """{id(layer): layer.trainable} for a layer and all its sublayers."""
    flags = {} if flags is None else flags
    flags[id(layer)] = layer.trainable
    for sub in layer._sublayers():
        _trainable_flags(sub, flags)
    return flags


def _warn_if_trainable_changed(model, compiled) -> None:
    now = _trainable_flags(model)
    changed = any(now.get(k, v) != v for k, v in compiled.trainable_flags.items())
    compiled.trainable_flags = now
    if changed:
        warnings.warn(
            f"{model.name}: layers were frozen or unfrozen (trainable) after compile(); "
            f"call model.compile(...) again after changing trainable, as Keras requires "
            f"(profundo trains the weights that are trainable now)",
            UserWarning,
            stacklevel=4,
        )


def fit(
    model,
    x,
    y,
    batch_size,
    epochs,
    verbose,
    callbacks,
    validation_split,
    validation_data,
    shuffle,
    class_weight,
    sample_weight,
    initial_epoch,
    steps_per_epoch,
    validation_batch_size,
    distributed=False,
    validation_steps=None,
    validation_freq=1,
):
    compiled = _require_compiled(model, "fit")
    _warn_if_trainable_changed(model, compiled)
    backend.refresh_threads()  # the thread policy, with the load of now (backend.py)
    fit_checks.check_arguments(
        x,
        y,
        batch_size,
        epochs,
        initial_epoch,
        steps_per_epoch,
        sample_weight,
        class_weight,
        validation_data,
    )
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = adapters.split_validation(
            x, y, sample_weight, validation_split
        )
    train = adapters.batches(
        x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight
    )
    if distributed:
        if distributed_fit is None:
            raise RuntimeError("fit(distributed=True): import profundo.distributed and call init()")
        train, callbacks, verbose = distributed_fit(model, train, callbacks, verbose)
    verbose = _verbosity(verbose)
    history = callbacks_mod.History()
    cbs = callbacks_mod.CallbackList(
        callbacks,
        model=model,
        verbose=verbose,
        epochs=epochs,
        steps=adapters.num_batches(train),
        history=history,
    )
    model.stop_training = False
    cbs.on_train_begin()
    epoch = initial_epoch = cbs.resume_epoch(initial_epoch)
    training_logs = {}
    try:
        for epoch in range(initial_epoch, epochs):
            model.reset_metrics()
            cbs.on_epoch_begin(epoch)
            if model.built:  # (a model built by its first batch looks them up each step)
                compiled.epoch_params = model.trainable_weights
                with no_grad():
                    compiled.epoch_regularize = model.regularization_loss() is not None
            logs, step = {}, -1  # a diverged epoch keeps its NaN/inf loss, never 0.0
            for step, (xb, yb, swb) in enumerate(train):
                cbs.on_train_batch_begin(step)
                logs = _logs(model.train_step(pack_x_y_sample_weight(xb, yb, swb)))
                bad = _non_finite_loss(logs)
                if bad is not None:
                    model.stop_training = True
                    warnings.warn(
                        f"{model.name}: the {bad[0]} became {bad[1]} at epoch {epoch + 1}, "
                        f"batch {step + 1}; training stopped (try a lower learning rate, or "
                        f"check the inputs for NaN/inf)",
                        RuntimeWarning,
                        stacklevel=3,
                    )
                    cbs.on_train_batch_end(step, logs)
                    break
                cbs.on_train_batch_end(step, logs)
                if model.stop_training:
                    break
            if step < 0:
                fit_checks.no_batches(model, epoch, first=epoch == initial_epoch)
                break
            logs = dict(logs)
            if (
                validation_data is not None
                and not model.stop_training
                and _validates(validation_freq, epoch)
            ):
                vx, vy, vsw = (
                    adapters.unpack_batch(tuple(validation_data))
                    if isinstance(validation_data, (tuple, list))
                    else (validation_data, None, None)
                )
                val = _test_loop(
                    model,
                    adapters.batches(
                        vx,
                        vy,
                        vsw,
                        validation_batch_size or batch_size,
                        shuffle=False,
                        steps=validation_steps,
                    ),
                    cbs,
                )
                logs.update({f"val_{k}": v for k, v in val.items()})
            cbs.on_epoch_end(epoch, logs)
            training_logs = logs
            if model.stop_training:
                break
    finally:
        compiled.epoch_params = compiled.epoch_regularize = None
    if epochs > 0:  # with use_ema the model ends with the moving averages (Keras' rule)
        model.optimizer.finalize_variable_values(model.trainable_weights)
    cbs.on_train_end(training_logs)
    model.history = history
    return history


def _validates(validation_freq, epoch) -> bool:
    """Keras' ``validation_freq``: every n-th epoch (an int), or the epochs listed (1-based)."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _test_loop(model, batches, cbs) -> dict:
    """``test_step`` over the batches with fresh metrics, calling the test hooks of ``cbs``
    (``evaluate``'s own callbacks, or ``fit``'s during validation); the last step's logs."""
    model.stop_evaluating = False
    cbs.on_test_begin()
    model.reset_metrics()
    logs = {}
    for step, (xb, yb, swb) in enumerate(batches):
        cbs.on_test_batch_begin(step)
        with no_grad(), learning_phase(False):
            logs = _logs(model.test_step(pack_x_y_sample_weight(xb, yb, swb)))
        cbs.on_test_batch_end(step, logs)
        if model.stop_evaluating:
            break
    logs = dict(logs)
    cbs.on_test_end(logs)
    return logs


def evaluate(model, x, y, batch_size, verbose, sample_weight, return_dict, callbacks):
    _require_compiled(model, "evaluate")
    batches = adapters.batches(x, y, sample_weight, batch_size, shuffle=False)
    cbs = callbacks_mod.CallbackList(
        callbacks,
        model=model,
        verbose=_verbosity(verbose),
        epochs=1,
        steps=adapters.num_batches(batches),
        what="evaluate",
    )
    return _result(_test_loop(model, batches, cbs), return_dict)


def predict(model, x, batch_size, verbose, callbacks=None, steps=None):
    batches = adapters.batches(x, None, None, batch_size, shuffle=False, steps=steps)
    cbs = callbacks_mod.CallbackList(
        callbacks,
        model=model,
        verbose=_verbosity(verbose),
        epochs=1,
        steps=adapters.num_batches(batches),
        what="predict",
    )
    model.stop_predicting = False
    cbs.on_predict_begin()
    outputs = []
    for step, (xb, _, _) in enumerate(batches):
        cbs.on_predict_batch_begin(step)
        with no_grad(), learning_phase(False):
            out = model.predict_step(pack_x_y_sample_weight(xb))
        outputs.append(
            map_structure(lambda t: t.numpy() if isinstance(t, Tensor) else numpy.asarray(t), out)
        )
        cbs.on_predict_batch_end(step, {"outputs": outputs[-1]})
        if model.stop_predicting:
            break
    cbs.on_predict_end()
    if not outputs:
        raise ValueError(f"{model.name}: predict got no data")
    first = outputs[0]
    if isinstance(first, numpy.ndarray):
        return numpy.concatenate(outputs)
    return type(first)(numpy.concatenate([o[k] for o in outputs]) for k in range(len(first)))


def train_on_batch(model, x, y, sample_weight, class_weight, return_dict):
    _require_compiled(model, "train_on_batch")
    x, y = adapters.to_arrays(x), None if y is None else adapters.to_arrays(y)
    if class_weight:
        sample_weight = adapters.class_weights(flatten(y)[0], class_weight, sample_weight)
    model.reset_metrics()
    return _result(
        _logs(model.train_step(pack_x_y_sample_weight(x, y, sample_weight))), return_dict
    )


def test_on_batch(model, x, y, sample_weight, return_dict):
    _require_compiled(model, "test_on_batch")
    model.reset_metrics()
    with no_grad(), learning_phase(False):
        logs = model.test_step(
            pack_x_y_sample_weight(
                adapters.to_arrays(x), None if y is None else adapters.to_arrays(y), sample_weight
            )
        )
    return _result(_logs(logs), return_dict)


def _result(logs, return_dict):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
