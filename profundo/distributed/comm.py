"""The MPI processes ("ranks") of one training job, and the few collective operations it needs.

Launch N copies of the same script: ``mpiexec -n 4 python train.py`` (on a cluster, the site's MPI
launcher or Slurm's ``srun``). Each copy calls ``init()`` and learns its ``rank()`` (0 ... N-1) and
the ``size()`` N. Every collective here waits at most ``timeout`` seconds: a rank that died or
hung makes the others stop with ``DistributedError`` instead of waiting forever, and an uncaught
error in any rank ends the whole job (``MPI_Abort``) rather than leaving the rest blocked.
"""

from __future__ import annotations

import os
import sys
import time
import traceback

import numpy

_comm = None
_timeout = 300.0


class DistributedError(RuntimeError):
    """A collective operation could not complete (a rank died, hung, or disagrees)."""


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError as e:  # pragma: no cover - the extra is missing
        raise ImportError(
            "profundo.distributed needs mpi4py and an MPI library: pip install 'profundo[mpi]'"
        ) from e
    return MPI


def init(timeout=None) -> None:
    """Join the job's ranks (MPI's COMM_WORLD). ``timeout``: seconds any collective may wait for
    the other ranks (default 300, or ``PROFUNDO_DISTRIBUTED_TIMEOUT``)."""
    global _comm, _timeout
    seconds = float(
        timeout if timeout is not None else os.environ.get("PROFUNDO_DISTRIBUTED_TIMEOUT", _timeout)
    )
    if not seconds > 0:  # refused before anything is changed
        raise ValueError(f"distributed.init: timeout must be positive, got {seconds}")
    _timeout = seconds
    if _comm is None:
        _comm = _mpi().COMM_WORLD
        if _comm.Get_size() > 1:
            _abort_on_uncaught_errors()


def is_initialized() -> bool:
    return _comm is not None


def comm():
    if _comm is None:
        raise RuntimeError(
            "profundo.distributed: call pf.distributed.init() first (and launch the "
            "script with mpiexec -n N python script.py)"
        )
    return _comm


def rank() -> int:
    """This process's number, 0 ... size()-1 (0 when not initialized: a single process)."""
    return 0 if _comm is None else _comm.Get_rank()


def size() -> int:
    """How many processes train together (1 when not initialized)."""
    return 1 if _comm is None else _comm.Get_size()


def _abort_on_uncaught_errors() -> None:
    """An uncaught error in one rank prints its traceback and ends every rank (``MPI_Abort``)."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        if issubclass(kind, KeyboardInterrupt):
            return previous(kind, value, tb)
        sys.stderr.write(f"[rank {rank()}] " + "".join(traceback.format_exception(kind, value, tb)))
        sys.stderr.flush()
        _comm.Abort(1)

    sys.excepthook = hook


def wait(request, what: str) -> None:
    """Wait for a nonblocking operation, at most the timeout; short sleeps once it is not quick."""
    deadline, spins = time.monotonic() + _timeout, 0
    while not request.Test():
        spins += 1
        if spins > 200:
            time.sleep(5e-5)
        if time.monotonic() > deadline:
            raise DistributedError(
                f"rank {rank()}: {what} waited {_timeout:.0f} s for the other ranks; "
                "one of them has probably died or hung (see its output). Stopping."
            )


def allreduce_(buffer: numpy.ndarray, what: str = "allreduce") -> numpy.ndarray:
    """Sum ``buffer`` over all ranks, in place: one MPI Allreduce."""
    if size() > 1:
        wait(comm().Iallreduce(_mpi().IN_PLACE, buffer, op=_mpi().SUM), what)
    return buffer


def broadcast_(buffer: numpy.ndarray, root: int = 0, what: str = "broadcast") -> numpy.ndarray:
    """Overwrite ``buffer`` on every rank with rank ``root``'s, in place."""
    if size() > 1:
        wait(comm().Ibcast(buffer, root=root), what)
    return buffer


def allgather_rows(array: numpy.ndarray, what: str = "allgather") -> list:
    """Every rank's 2-D float64 ``array`` (rows may differ in number, columns may not), in rank
    order."""
    array = numpy.ascontiguousarray(array, dtype=numpy.float64)
    if size() == 1:
        return [array]
    rows = numpy.zeros(size(), dtype=numpy.int64)
    rows[rank()] = len(array)
    allreduce_(rows, what)
    width = array.shape[1]
    out = numpy.empty((int(rows.sum()), width))
    wait(comm().Iallgatherv(array, [out, rows * width]), what)
    return numpy.split(out, numpy.cumsum(rows)[:-1])


def barrier(what: str = "barrier") -> None:
    if size() > 1:
        wait(comm().Ibarrier(), what)
