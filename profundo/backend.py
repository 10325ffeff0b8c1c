"""The array backend: which array module runs the math, the default dtype, the random generator.

Every op is written against ``backend.xp`` — NumPy on the CPU, CuPy on an NVIDIA GPU — so the same
forward and backward code runs on both::

    from profundo import backend as B
    y = B.xp.exp(x)

Choose the backend with ``pf.set_backend("cupy")`` or the environment variable
``PROFUNDO_BACKEND=cupy``. ``pf.manual_seed(n)`` makes every random draw (initializers, dropout,
shuffling) reproducible.

BLAS threads: NumPy's OpenBLAS starts one thread per core it *sees*, which on a shared or
containerized machine can be many more than the cores it *gets*; the threads then fight and a
128×784 @ 784×256 product becomes 10-80× slower. profundo caps BLAS threads at the number of
cores this process may run on (``os.sched_getaffinity`` and the cgroup CPU quota), minus the
cores other processes keep busy (the load average; at least one: ``threads_for_load``), when it
is imported and whenever ``fit`` starts. ``pf.set_num_threads(n)`` fixes the count;
``PROFUNDO_NUM_THREADS`` (or ``OMP_NUM_THREADS``) set before import wins.
"""

from __future__ import annotations

import math
import os
import threading
import time
from typing import Any

import numpy

#: the array module of the active backend: numpy or cupy (so typed Any, as either may be here)
xp: Any = numpy
name = "numpy"  #: "numpy" or "cupy"
default_dtype = numpy.float32  #: dtype of new floating tensors and parameters
_rng = numpy.random.default_rng()
_thread_limiter = None
_threads = None  #: BLAS threads in use
_auto_threads = True  #: False once threads were fixed by the user
_clock = (time.monotonic(), time.process_time())  # (wall, CPU) at the last look at the load


def set_backend(backend: str) -> None:
    """Select the array module: ``"numpy"`` (CPU) or ``"cupy"`` (NVIDIA GPU)."""
    global xp, name, _rng
    if backend == "numpy":
        xp = numpy
    elif backend == "cupy":
        try:
            import cupy
        except ImportError as err:  # pragma: no cover - depends on the machine
            raise ImportError(
                "set_backend('cupy') needs CuPy and an NVIDIA GPU: pip install 'profundo[gpu]'"
            ) from err
        xp = cupy
    else:
        raise ValueError(f"set_backend: expected 'numpy' or 'cupy', got {backend!r}")
    name = backend
    _rng = xp.random.default_rng()


def get_backend() -> str:
    """Name of the active backend, ``"numpy"`` or ``"cupy"``."""
    return name


def set_default_dtype(dtype) -> None:
    """Set the floating dtype of new tensors
    (``"float32"`` by default, ``"float64"`` on request)."""
    global default_dtype
    dt = numpy.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dt}")
    default_dtype = dt.type


def get_default_dtype():
    return default_dtype


def manual_seed(seed: int) -> None:
    """Seed profundo's random generator: initializers, dropout and shuffling become reproducible."""
    global _rng
    _rng = xp.random.default_rng(seed)


def rng():
    """The random generator of the active backend (a ``Generator``)."""
    return _rng


def permutation(n: int, generator=None) -> numpy.ndarray:
    """A random order of ``range(n)`` as a NumPy array, drawn from ``generator`` (profundo's by
    default). CuPy's generators have no ``permutation``: there the order sorts random keys."""
    gen = _rng if generator is None else generator
    if hasattr(gen, "permutation"):
        return to_numpy(gen.permutation(n))
    return to_numpy(gen.random(n).argsort())


def get_rng_state() -> dict:
    """The generator's state, as plain data (to save with a checkpoint).

    NumPy: the bit generator's exact state. CuPy's generators cannot report theirs, so there the
    generator is re-seeded with a seed drawn from itself and the state is that seed: restoring it
    continues exactly as the run that saved it went on.
    """
    if name == "numpy":
        return dict(_rng.bit_generator.state)
    seed = int(_rng.integers(0, 2**62))
    manual_seed(seed)
    return {"bit_generator": "reseeded", "seed": seed}


def set_rng_state(state: dict) -> None:
    """Restore what ``get_rng_state`` returned."""
    if state.get("bit_generator") == "reseeded":
        manual_seed(state["seed"])
    else:
        _rng.bit_generator.state = state


def to_numpy(array):
    """A NumPy array from a backend array (a copy from the GPU, the same array on the CPU)."""
    if name == "cupy" and not isinstance(array, numpy.ndarray):
        return xp.asnumpy(array)
    return numpy.asarray(array)


#: the buffers of ``scratch``, per thread: {(purpose, dtype, backend): flat array}
_scratch = threading.local()


def scratch(purpose: str, shape, dtype):
    """A reused buffer of ``shape`` and ``dtype`` for a temporary that never leaves the op that
    asked for it (contents undefined). Large fresh arrays cost page faults on every call (the
    kernel zeroes each new page); one buffer per purpose, reused call after call and by every
    layer (grown to the largest request), does not, and holds memory for one layer at a time.
    The buffer is valid until the next ``scratch`` call with the same purpose in this thread.
    """
    buffers = getattr(_scratch, "buffers", None)
    if buffers is None:
        buffers = _scratch.buffers = {}
    key, size = (purpose, numpy.dtype(dtype).str, name), math.prod(shape)
    buffer = buffers.get(key)
    if buffer is None or buffer.size < size:
        buffer = buffers[key] = xp.empty(size, dtype)
    return buffer[:size].reshape(shape)


def available_cores() -> int:
    """Cores this process may actually use: CPU affinity, capped by a cgroup CPU quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores)


def set_num_threads(n: int) -> None:
    """Limit the BLAS library's threads (the matrix products) to ``n``; this turns the load-based
    thread policy (``threads_for_load``) off for the rest of the process."""
    global _auto_threads
    if int(n) < 1:
        raise ValueError(f"set_num_threads: expected a positive thread count, got {n}")
    _auto_threads = False
    _limit_threads(int(n))


def _limit_threads(n: int) -> None:
    global _thread_limiter, _threads
    from threadpoolctl import threadpool_limits

    _thread_limiter, _threads = threadpool_limits(limits=n, user_api="blas"), n


def threads_for_load(cores: int, load: float, own: float) -> int:
    """The thread policy: as many BLAS threads as the cores that other processes leave free, and
    at least one. ``load``: the 1-minute load average; ``own``: the cores this process itself
    kept busy lately (part of that load).

        threads = max(1, min(cores, round(cores − max(load − own, 0))))

    Why: a BLAS thread waits, spinning, for its partners at every product; when another process
    holds their core, a product takes 10-50× longer (measured on a 2-core machine at load 8: an
    MLP step 134 ms with 2 threads, 8.9 ms with 1). One thread is never slower than that.

    >>> threads_for_load(cores=2, load=0.2, own=0.0), threads_for_load(2, load=8.0, own=1.0)
    (2, 1)
    """
    return max(1, min(cores, round(cores - max(load - own, 0.0))))


def refresh_threads() -> None:
    """Apply the thread policy again with the present load (``fit`` calls this as it starts),
    unless the threads were fixed by ``set_num_threads`` or ``PROFUNDO_NUM_THREADS``."""
    global _clock
    if not _auto_threads or not hasattr(os, "getloadavg"):
        return
    wall, cpu = time.monotonic(), time.process_time()
    elapsed = wall - _clock[0]
    own = (cpu - _clock[1]) / elapsed if elapsed >= 1 else 0.0  # our busy cores lately
    _clock = wall, cpu
    # applied even when the count is unchanged: a BLAS library loaded since (PyTorch's, say)
    # starts with its own count
    _limit_threads(threads_for_load(available_cores(), os.getloadavg()[0], own))


def _init_threads() -> None:
    global _auto_threads
    requested = os.environ.get("PROFUNDO_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    if requested:
        set_num_threads(int(requested))
    else:
        _auto_threads = True
        _limit_threads(available_cores())
        refresh_threads()


if os.environ.get("PROFUNDO_BACKEND", "numpy") != "numpy":
    set_backend(os.environ["PROFUNDO_BACKEND"])
_init_threads()
