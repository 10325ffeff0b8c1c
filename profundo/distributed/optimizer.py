"""Averaging gradients over the ranks: one Allreduce per step over one flat, preallocated buffer.

Rank r computed gᵣ, the mean gradient over its nᵣ samples. The gradient of the mean loss over all
the samples of the step is their weighted mean

    g = Σᵣ nᵣ gᵣ / Σᵣ nᵣ

so each rank writes nᵣ·gᵣ for every parameter into one buffer, followed by nᵣ and, per parameter,
a 1 if it has a gradient; a single Allreduce (sum) of the buffer gives every rank Σ nᵣ gᵣ, Σ nᵣ and
which parameters got a gradient anywhere. With equal shards this is the plain mean. One call for
all the weights, not one per weight: each call costs a network latency.

On CuPy the gradients travel through a host buffer (an MPI that is CUDA-aware could take device
memory directly; this one path works with any MPI).
"""

from __future__ import annotations

import numpy

from .. import backend as B
from ..autograd import Tensor
from . import comm


class GradientAverager:
    def __init__(self):
        self.buffer, self.layout = None, None
        self.weight = 1.0  # nᵣ: the samples behind this rank's gradients (set per batch)

    def _build(self, params):
        layout = [(id(p), p.data.shape) for p in params]
        if layout != self.layout:
            dtype = numpy.result_type(*[p.data.dtype for p in params])
            total = sum(int(numpy.prod(shape)) for _, shape in layout)
            self.buffer = numpy.empty(total + 1 + len(params), dtype=dtype)
            self.views, offset = [], 0
            for _, shape in layout:
                n = int(numpy.prod(shape))
                self.views.append(self.buffer[offset : offset + n])
                offset += n
            self.layout = layout

    def __call__(self, grads, params) -> list:
        """The weighted mean over ranks of each gradient (None where no rank had one)."""
        params = list(params)
        self._build(params)
        buf, k, w = self.buffer, len(params), self.weight
        flags = buf[len(buf) - k :]
        for i, (view, g) in enumerate(zip(self.views, grads)):
            if g is None:
                view[:] = 0
                flags[i] = 0
            else:
                numpy.multiply(
                    B.to_numpy(g.data if isinstance(g, Tensor) else g).reshape(-1), w, out=view
                )
                flags[i] = 1
        buf[len(buf) - k - 1] = w
        comm.allreduce_(buf, "the gradients' allreduce")
        total = buf[len(buf) - k - 1]
        if total <= 0:
            raise comm.DistributedError(
                "the gradients' allreduce: no rank had samples in this step"
            )
        out = []
        for view, p, flag in zip(self.views, params, flags):
            if flag:
                view /= total
                out.append(B.xp.asarray(view.reshape(p.data.shape)))
            else:
                out.append(None)
        return out


class DistributedOptimizer:
    """An optimizer whose every step first averages the gradients over all ranks (Horovod's
    pattern) — for hand-written training loops; ``fit(distributed=True)`` does it by itself.

    >>> opt = pf.distributed.DistributedOptimizer(optimizers.SGD(0.01 * pf.distributed.size()))
    >>> loss.backward(); opt.apply([p.grad for p in params], params, weight=len(x_batch))
    ... # doctest: +SKIP

    ``weight`` is the number of samples behind this rank's gradients (it matters when the ranks'
    batches differ in size). Everything else is the wrapped optimizer's.
    """

    def __init__(self, optimizer):
        self.optimizer, self.averager = optimizer, GradientAverager()

    def apply(self, grads, params=None, weight=1.0) -> None:
        params = self.optimizer.params if params is None else list(params)
        self.averager.weight = float(weight)
        self.optimizer.apply(self.averager(list(grads), params), params)

    def apply_gradients(self, grads_and_params, weight=1.0) -> None:
        pairs = list(grads_and_params)
        self.apply([g for g, _ in pairs], [p for _, p in pairs], weight)

    def step(self, weight=1.0) -> None:
        """PyTorch style: update ``params`` given to the wrapped optimizer from their ``.grad``."""
        self.apply([p.grad for p in self.optimizer.params], weight=weight)

    def __getattr__(self, name):
        return getattr(self.optimizer, name)


def average_in(optimizer, averager: GradientAverager):
    """Make ``optimizer.apply`` average over the ranks first (for ``fit``); returns the undo.
    The optimizer keeps its class, so saving the model during training still names it."""
    inner = type(optimizer).apply

    def apply(grads, params=None):
        params = optimizer.params if params is None else list(params)
        inner(optimizer, averager(list(grads), params), params)

    optimizer.apply = apply
    return lambda: optimizer.__dict__.pop("apply", None)
