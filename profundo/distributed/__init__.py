"""Data-parallel training over MPI (Horovod's pattern): N processes, each with the whole model and
a shard of every batch, averaging their gradients with one Allreduce per step.

>>> import profundo as pf
>>> pf.distributed.init()                       # launched as: mpiexec -n 4 python train.py
>>> model.compile(optimizers.Adam(1e-3 * pf.distributed.size()), ...)   # the scaling rule
... # doctest: +SKIP
>>> model.fit(x, y, batch_size=64, epochs=5, distributed=True)          # 64 per rank
... # doctest: +SKIP
>>> if pf.distributed.rank() == 0:
...     model.save("model.profundo")            # one rank writes
... # doctest: +SKIP

Needs the ``mpi`` extra: ``pip install 'profundo[mpi]'`` (mpi4py and MPICH from PyPI).
See docs/distributed.md for the learning-rate rule, warm-up and what scaling to expect.
"""

from ..models import training as _training
from .comm import DistributedError, barrier, init, is_initialized, rank, size
from .optimizer import DistributedOptimizer
from .training import broadcast_weights, evaluate, prepare_fit, reduce_metrics

_training.distributed_fit = prepare_fit  # what fit(distributed=True) calls (models sit below)

__all__ = [
    "DistributedError",
    "DistributedOptimizer",
    "barrier",
    "broadcast_weights",
    "evaluate",
    "init",
    "is_initialized",
    "rank",
    "reduce_metrics",
    "size",
]
