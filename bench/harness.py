"""How every benchmark here measures, in one place: profundo and PyTorch in one process, at the same
thread count (one by default: the headline on shared machines), interleaved call by call after a
warm-up, the median of the repeats with their range, CPU time beside wall time, and the load
average of the machine printed with the results (a busy machine slows both, not equally).

    from harness import add_arguments, interleaved, header, set_threads
    args = add_arguments(argparse.ArgumentParser()).parse_args()
    threads = set_threads(args.threads, torch)
    print(header("MLP step", threads, torch))
    t = interleaved({"profundo": ours, "torch": theirs}, repeats=args.repeats)
    print(t["profundo"], t["torch"], ratio(t))
"""

from __future__ import annotations

import dataclasses
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

import profundo as pf


def add_arguments(parser, repeats: int = 20):
    """``--repeats`` and ``--threads`` (1 unless told: both frameworks get the same count)."""
    parser.add_argument("--repeats", type=int, default=repeats, help="timed calls of each")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads for both frameworks (default 1; on a shared 2-core machine "
        "2-thread figures swing 3-4x with any other process)",
    )
    return parser


def set_threads(threads: int, torch=None) -> int:
    """The same number of BLAS/intra-op threads for profundo (and PyTorch when given)."""
    pf.set_num_threads(threads)
    if torch is not None:
        torch.set_num_threads(threads)
    return threads


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def header(title: str, threads: int, torch=None) -> str:
    """One line saying what ran, where, with which versions, at which load."""
    versions = f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else "")
    return (
        f"{title} — {threads} thread(s), {platform.machine()} with "
        f"{pf.backend.available_cores()} usable cores, {versions}, load average "
        f"{load_average()}"
    )


@dataclasses.dataclass
class Timing:
    """Seconds per call of one workload: the median (and range) of wall and CPU time."""

    wall: list
    cpu: list

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def __str__(self) -> str:
        return (
            f"{self.median * 1e3:.2f} ms (range {min(self.wall) * 1e3:.2f}-"
            f"{max(self.wall) * 1e3:.2f}, CPU {self.cpu_median * 1e3:.2f} ms)"
        )


def interleaved(workloads: dict, repeats: int, inner: int = 1, warmup: int = 2) -> dict:
    """``{name: Timing}``: each function called ``inner`` times per measurement, the workloads
    taking turns ``repeats`` times after ``warmup`` calls each (so a change of machine load hits
    them alike)."""
    for fn in workloads.values():
        for _ in range(warmup):
            fn()
    times = {name: Timing([], []) for name in workloads}
    for _ in range(repeats):
        for name, fn in workloads.items():
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(inner):
                fn()
            times[name].wall.append((time.perf_counter() - wall) / inner)
            times[name].cpu.append((time.process_time() - cpu) / inner)
    return times


def ratio(times: dict, ours: str = "profundo", theirs: str = "torch") -> float:
    """profundo's median time over PyTorch's (below 1: profundo is faster)."""
    return times[ours].median / times[theirs].median


def peak_rss_mb(code: str) -> float:
    """Peak resident set size (MB) of a fresh Python process running ``code`` (with this folder
    importable): the whole process, interpreter and libraries included."""
    here = os.path.dirname(os.path.abspath(__file__))
    script = (
        f"import sys; sys.path.insert(0, {here!r})\n{code}\n"
        f"print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024
