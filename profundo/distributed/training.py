"""Data-parallel ``fit`` and ``evaluate``: every rank holds the whole model and a shard of the data.

``model.fit(x, y, batch_size=b, distributed=True)`` on N ranks:

1. at the start, rank 0's weights are broadcast, so all ranks start equal;
2. every epoch all ranks draw the same shuffled order (a seed from rank 0) and cut it into global
   batches of N·b samples; rank r trains on the r-th part of each — so one step of N ranks is one
   step of a single process with batch N·b (a last global batch with fewer than N samples is
   skipped);
3. after backward, the gradients are averaged over the ranks (one Allreduce, ``optimizer.py``) and
   every rank applies the same update: the weights stay identical without being sent again;
4. at the end of each epoch the metrics' states are summed over the ranks, so the logs — and the
   callbacks that read them (EarlyStopping...) — are those of the whole epoch, equal on all ranks;
5. only rank 0 prints and writes files (ModelCheckpoint, CSVLogger, TensorBoard run there only).

Validation data in ``fit`` are evaluated whole on every rank (same weights, same numbers); use
``distributed.evaluate`` to split an evaluation over the ranks.
"""

from __future__ import annotations

from typing import Any

import numpy

from .. import backend as B
from .. import callbacks as callbacks_mod
from ..autograd import no_grad
from ..layers.base import learning_phase
from ..layers.nest import flatten, map_structure
from ..models import data_adapters, training
from . import comm
from .optimizer import GradientAverager, average_in

#: callbacks that write files: on ranks other than 0 they are left out
RANK_ZERO_ONLY = ("ModelCheckpoint", "CSVLogger", "TensorBoard")


def _take(x, index):
    return map_structure(lambda v: v[index], x)


class ShardedBatches:
    """This rank's part of every global batch of ``size() · batch_size`` samples."""

    def __init__(self, batches: data_adapters.ArrayBatches, averager: GradientAverager, seed: int):
        self.inner, self.averager = batches, averager
        self.global_batch = batches.batch_size * comm.size()
        self.generator = numpy.random.default_rng(seed)

    def __len__(self):
        full, rest = divmod(self.inner.n, self.global_batch)
        return full + (rest >= comm.size())

    def __iter__(self):
        b, n, ranks, r = self.inner, self.inner.n, comm.size(), comm.rank()
        order = B.permutation(n, generator=self.generator) if b.shuffle else numpy.arange(n)
        for start in range(0, n, self.global_batch):
            part = order[start : start + self.global_batch]
            if len(part) < ranks:
                return
            index = part[r * len(part) // ranks : (r + 1) * len(part) // ranks]
            self.averager.weight = float(len(index))
            yield (
                _take(b.x, index),
                None if b.y is None else _take(b.y, index),
                None if b.sw is None else b.sw[index],
            )


class DistributedTraining(callbacks_mod.Callback):
    """Broadcasts the initial weights, averages the gradients during the fit, reduces each epoch's
    metrics; it runs before the user's callbacks so that they see the reduced logs."""

    def __init__(self, averager):
        super().__init__()
        self.averager, self.undo = averager, None

    def on_train_begin(self, logs=None):
        broadcast_weights(self.model)
        self.undo = average_in(self.model.optimizer, self.averager)

    def on_epoch_end(self, epoch, logs=None):
        reduce_metrics(training.leaf_metrics(self.model))
        if logs is not None:
            logs.update(training._logs(self.model.get_metrics_result()))

    def on_train_end(self, logs=None):
        if self.undo is not None:
            self.undo()
            self.undo = None


def prepare_fit(model, train, callbacks, verbose):
    """What ``fit(distributed=True)`` changes: the batches, the callbacks, the verbosity."""
    comm.comm()
    if not isinstance(train, data_adapters.ArrayBatches):
        raise TypeError(
            "fit(distributed=True) shards arrays (x, y); for a loader or generator, "
            "give each rank its own part of the data and use DistributedOptimizer "
            "in a training loop"
        )
    callbacks = list(callbacks or [])
    if any(isinstance(cb, callbacks_mod.BackupAndRestore) for cb in callbacks):
        raise ValueError(
            "fit(distributed=True): BackupAndRestore is not supported yet (a restored "
            "epoch would have to reach every rank); use ModelCheckpoint on rank 0"
        )
    if comm.rank() != 0:
        callbacks = [cb for cb in callbacks if type(cb).__name__ not in RANK_ZERO_ONLY]
        verbose = 0
    seed = numpy.array([B.rng().integers(2**31)], dtype=numpy.int64)
    comm.broadcast_(seed, what="the shuffling seed's broadcast")
    averager = GradientAverager()
    return (
        ShardedBatches(train, averager, int(seed[0])),
        [DistributedTraining(averager), *callbacks],
        verbose,
    )


def broadcast_weights(model, root: int = 0) -> None:
    """Every rank gets rank ``root``'s weights (all of them: trainable and not), in one call."""
    weights = model.weights
    arrays = [B.to_numpy(w.data) for w in weights]
    if not arrays:
        return
    flat = numpy.concatenate([a.reshape(-1).astype(numpy.float64) for a in arrays])
    comm.broadcast_(flat, root, "the weights' broadcast")
    offset = 0
    for w, a in zip(weights, arrays):
        w.data[...] = B.xp.asarray(flat[offset : offset + a.size].reshape(a.shape).astype(a.dtype))
        offset += a.size


# --- metrics -------------------------------------------------------------------------------------
def _state_names(metric) -> list:
    """The attributes ``reset_state`` sets: the metric's running state (not its settings)."""
    names = []

    def record(self, name, value):
        names.append(name)
        object.__setattr__(self, name, value)

    Recorder = type("Recorder", (type(metric),), {"__setattr__": record})
    probe: Any = object.__new__(Recorder)
    probe.__dict__.update(vars(metric))
    probe.reset_state()
    return list(dict.fromkeys(names))


def reduce_metrics(metrics) -> None:
    """Combine each metric's state over the ranks, in place, so that ``result()`` is that of all
    the ranks' samples. Most states are sums (totals, counts, confusion matrices: added, all in
    one Allreduce) or lists of per-batch arrays (AUC: joined); R2Score's running means and spreads
    merge by the parallel formula in its docstring."""
    if comm.size() == 1:
        return
    sums = []
    for m in metrics:
        if type(m).__name__ == "R2Score":
            _merge_r2(m)
            continue
        for name in _state_names(m):
            value = getattr(m, name)
            if isinstance(value, list):
                setattr(m, name, _join_lists(value))
            elif isinstance(value, (int, float, numpy.ndarray, numpy.number)):
                sums.append((m, name, value))
            else:
                raise comm.DistributedError(
                    f"distributed: rank {comm.rank()} cannot combine {m.name}'s state {name!r} "
                    f"({type(value).__name__}) over the ranks (a rank without samples?)"
                )
    _reduce_sums(sums)


def _reduce_sums(sums) -> None:
    if not sums:
        return
    flat = numpy.concatenate(
        [numpy.asarray(v, dtype=numpy.float64).reshape(-1) for _, _, v in sums]
    )
    total = comm.allreduce_(numpy.array([flat.size], dtype=numpy.int64), "the metrics' allreduce")
    if total[0] != flat.size * comm.size():
        raise comm.DistributedError(
            f"rank {comm.rank()}: the metrics' states differ in size between "
            f"ranks ({flat.size} here)"
        )
    comm.allreduce_(flat, "the metrics' allreduce")
    offset = 0
    for m, name, value in sums:
        n = numpy.size(value)
        part = flat[offset : offset + n]
        offset += n
        if isinstance(value, numpy.ndarray):
            setattr(m, name, part.reshape(value.shape).astype(value.dtype))
        else:
            setattr(m, name, type(value)(part[0]))


def _merge_r2(m) -> None:
    """Per output: W = Σ Wᵣ, ȳ = Σ Wᵣ ȳᵣ / W, M₂ = Σ M₂ᵣ + Σ Wᵣ (ȳᵣ − ȳ)²,
    residual = Σ residualᵣ."""
    rows = numpy.stack([m.weight, m.mean, m.m2, m.residual]).reshape(1, -1)
    states = [r.reshape(4, -1) for r in comm.allgather_rows(rows, "R2Score's allgather")]
    w = sum(s[0] for s in states)
    mean = numpy.divide(sum(s[0] * s[1] for s in states), w, out=numpy.zeros_like(w), where=w != 0)
    m.m2 = sum(s[2] + s[0] * (s[1] - mean) ** 2 for s in states)
    m.weight, m.mean, m.residual = w, mean, sum(s[3] for s in states)


def _join_lists(items: list) -> list:
    """Every rank's per-batch arrays, in rank order (each rank's joined into one block)."""
    if not items:
        raise comm.DistributedError(f"distributed: rank {comm.rank()} has no batches to combine")
    width = items[0].reshape(len(items[0]), -1).shape[1]
    block = numpy.concatenate(
        [numpy.asarray(a, dtype=numpy.float64).reshape(-1, width) for a in items]
    )
    return comm.allgather_rows(block, "the metrics' allgather")


# --- evaluate ------------------------------------------------------------------------------------
def evaluate(model, x, y=None, batch_size=32, sample_weight=None, return_dict=False):
    """``model.evaluate`` split over the ranks: rank r evaluates the r-th contiguous part of the
    samples, then the loss and metric states are combined; every rank gets the same result."""
    if model.compiled is None:
        raise RuntimeError(f"{model.name}: call model.compile(...) before distributed.evaluate()")
    x = data_adapters.to_arrays(x)
    y = None if y is None else data_adapters.to_arrays(y)
    n = len(flatten(x)[0])
    part = slice(comm.rank() * n // comm.size(), (comm.rank() + 1) * n // comm.size())
    xs, ys = _take(x, part), None if y is None else _take(y, part)
    sw = None if sample_weight is None else numpy.asarray(sample_weight)[part]
    count = part.stop - part.start
    if count == 0:
        raise comm.DistributedError(
            f"distributed.evaluate: rank {comm.rank()} got no samples "
            f"({n} samples for {comm.size()} ranks)"
        )
    model.reset_metrics()
    for start in range(0, count, batch_size):
        sl = slice(start, start + batch_size)
        with no_grad(), learning_phase(False):
            model.test_step(
                training.pack_x_y_sample_weight(
                    _take(xs, sl),
                    None if ys is None else _take(ys, sl),
                    None if sw is None else sw[sl],
                )
            )
    reduce_metrics(training.leaf_metrics(model))
    logs = training._logs(model.get_metrics_result())
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
