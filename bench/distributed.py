"""Data-parallel training over MPI: throughput with 1 and 2 ranks, and the time in Allreduce.

Workloads: the MNIST MLP (784-256-128-10, 235,146 weights) and LeNet-5 (``zoo.lenet5``, 61,706
weights), Adam, one epoch over the first ``--samples`` MNIST training images (MNIST from
``PROFUNDO_DATASETS_MIRROR``, default ``../shared/data``). Configurations, run interleaved, each in
fresh processes launched by ``mpiexec``:

    1 rank,  1 thread,  batch b         the baseline (plain fit)
    1 rank,  2 threads, batch b         the same two cores used by BLAS threads instead
    1 rank,  1 thread,  batch 2b        what 2 ranks compute per step, on one core
    2 ranks, 1 thread each, batch b     fit(distributed=True): global batch 2b

Reported: median samples/s (wall), CPU seconds summed over ranks, and for 2 ranks the time per
step inside the gradients' Allreduce as fit sees it (the wait for the slower rank included) and
of a bare Allreduce of the same buffer (communication only, median of 50).

    .venv/bin/python bench/distributed.py [--repeats 3] [--models mlp lenet]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = [(1, 1, 1), (1, 2, 1), (1, 1, 2), (2, 1, 1)]  # (ranks, threads per rank, batch factor)
MODELS = {"mlp": (64, 12_000), "lenet": (64, 3_000)}  # per-rank batch b, samples per epoch


def worker(model_name, batch, samples, distributed):
    import numpy as np

    import profundo as pf
    from profundo import datasets, layers, optimizers
    from profundo.distributed import comm

    pf.distributed.init()
    pf.manual_seed(0)
    (x, y), _ = datasets.mnist.load_data()
    x = (x[:samples] / 255).astype("float32")
    y = y[:samples]
    if model_name == "mlp":
        x = x.reshape(len(x), -1)
        model = pf.Sequential(
            [
                layers.Input((784,)),
                layers.Dense(256, activation="relu"),
                layers.Dense(128, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
    else:
        x = x[..., None]
        model = pf.models.zoo.lenet5()
    model.compile(optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    spent = {"seconds": 0.0, "calls": 0}
    allreduce = comm.allreduce_

    def timed(buffer, what="allreduce"):
        start = time.perf_counter()
        out = allreduce(buffer, what)
        if what.startswith("the gradients"):
            spent["seconds"] += time.perf_counter() - start
            spent["calls"] += 1
        return out

    comm.allreduce_ = timed
    fit = dict(batch_size=batch, epochs=1, verbose=0, distributed=distributed)
    model.fit(x[: batch * 4 * pf.distributed.size()], y[: batch * 4 * pf.distributed.size()], **fit)
    spent.update(seconds=0.0, calls=0)
    pf.distributed.barrier()
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, **fit)
    pf.distributed.barrier()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    cpu_all = comm.allreduce_(np.array([cpu]))[0] if distributed else cpu
    bare = []
    if distributed:
        buffer = np.zeros(
            sum(w.data.size for w in model.trainable_weights) + 1 + len(model.trainable_weights),
            dtype="float32",
        )
        for _ in range(50):
            pf.distributed.barrier()
            start = time.perf_counter()
            allreduce(buffer)
            bare.append(time.perf_counter() - start)
    if pf.distributed.rank() == 0:
        print(
            json.dumps(
                {
                    "samples_per_s": len(x) / wall,
                    "wall": wall,
                    "cpu": cpu_all,
                    "allreduce_ms": 1e3 * spent["seconds"] / max(spent["calls"], 1),
                    "bare_allreduce_ms": 1e3 * statistics.median(bare) if bare else None,
                    "steps": spent["calls"],
                }
            )
        )


def run(model_name, ranks, threads, factor):
    batch, samples = MODELS[model_name]
    env = {
        **os.environ,
        "PROFUNDO_NUM_THREADS": str(threads),
        "OMP_NUM_THREADS": str(threads),
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("PROFUNDO_DATASETS_MIRROR", str(ROOT.parent / "shared" / "data"))
    mpiexec = str(Path(sys.executable).parent / "mpiexec")
    cmd = [
        mpiexec,
        "-n",
        str(ranks),
        sys.executable,
        __file__,
        "--worker",
        model_name,
        str(batch * factor),
        str(samples),
        str(int(ranks > 1)),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    args = parser.parse_args()
    results = {}
    load = os.getloadavg()
    for _ in range(args.repeats):
        for model_name in args.models:
            for config in CONFIGS:
                results.setdefault((model_name, config), []).append(run(model_name, *config))
    print(
        f"load average at start {load[0]:.2f}, at end {os.getloadavg()[0]:.2f}; "
        f"median of {args.repeats}"
    )
    print(
        "| model | ranks × threads | batch per rank | samples/s | CPU s (all ranks) | "
        "Allreduce ms/step in fit | bare Allreduce ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for (model_name, (ranks, threads, factor)), rows in results.items():

        def med(key):
            values = [r[key] for r in rows if r[key] is not None]
            return statistics.median(values) if values else None

        b = MODELS[model_name][0] * factor
        reduce_fit, bare = med("allreduce_ms"), med("bare_allreduce_ms")
        print(
            f"| {model_name} | {ranks} × {threads} | {b} | {med('samples_per_s'):.0f} | "
            f"{med('cpu'):.2f} | {'-' if ranks == 1 else f'{reduce_fit:.2f}'} | "
            f"{'-' if bare is None else f'{bare:.3f}'} |"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        name, batch, samples, distributed = sys.argv[2:6]
        worker(name, int(batch), int(samples), bool(int(distributed)))
    else:
        main()
