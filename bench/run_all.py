"""Rerun every speed benchmark of this folder at one thread and rewrite its table in RESULTS.md.

Each row runs one workload of one benchmark script (its own functions: the same code the script
runs alone), profundo and PyTorch interleaved (``harness.interleaved``), and reports the medians
of ``--repeats`` rounds: wall time, CPU time, profundo / PyTorch throughput by wall and by CPU
time (above 1: profundo faster) with the range of the per-round wall ratios, and the load
average before and after the row. On a shared machine the CPU-time ratio is the steadier one.

The table replaces what lies between the ``run_all`` markers in RESULTS.md (with ``--write``);
without it the table is printed only.

    .venv/bin/python bench/run_all.py [--repeats 7] [--threads 1] [--only cnn lstm] [--write]
"""

from __future__ import annotations

import argparse
import datetime
import os
import pathlib

import numpy as np
from harness import add_arguments, interleaved, load_average, set_threads

import profundo as pf

HERE = pathlib.Path(__file__).resolve().parent
BEGIN, END = "<!-- run_all: begin -->", "<!-- run_all: end -->"


def ops_rows(torch):
    import ops

    n = 1000
    yield (
        "ops.py",
        "per-op overhead, 1,000-op chain fwd+bwd",
        (lambda: ops.chain_profundo(n), lambda: ops.chain_torch(torch, n)),
    )
    x, y, w = ops.mlp_data()
    pw = [pf.tensor(a, requires_grad=True) for a in w]
    tw = [torch.tensor(a, requires_grad=True) for a in w]
    tx, ty = torch.tensor(x), torch.tensor(y)
    yield (
        "ops.py",
        "MLP 784-256-128-10 fwd+bwd, batch 128",
        (lambda: ops.mlp_profundo(x, y, pw), lambda: ops.mlp_torch(torch, tx, ty, tw)),
    )


def mlp_grid_rows(torch):
    """The MLP cells of issue 16: width w (input w, two hidden layers of w, 10 classes) × batch."""
    import ops

    for width in (64, 256, 1024, 2048):
        for batch in (32, 128, 512):
            x, y, w = ops.mlp_data(batch, (width, width, width, 10))
            pw = [pf.tensor(a, requires_grad=True) for a in w]
            tw = [torch.tensor(a, requires_grad=True) for a in w]
            tx, ty = torch.tensor(x), torch.tensor(y)
            yield (
                "ops.py",
                f"MLP {width}-{width}-{width}-10 fwd+bwd, batch {batch}",
                (
                    lambda x=x, y=y, pw=pw: ops.mlp_profundo(x, y, pw),
                    lambda tx=tx, ty=ty, tw=tw: ops.mlp_torch(torch, tx, ty, tw),
                ),
            )


def mlp_rows(torch):
    import mlp_train

    yield (
        "mlp_train.py",
        "MLP 784-256-128-10, one `fit` epoch of 60,000, batch 128, Adam",
        (mlp_train.profundo_epoch(), mlp_train.torch_epoch()),
    )


def tiny_rows(torch):
    import tiny_fit

    yield (
        "tiny_fit.py",
        "MLP 2-16-16-1 through `fit`, 25 steps of 10",
        (tiny_fit.profundo_fit(), tiny_fit.torch_loop(torch)),
    )


def cnn_rows(torch):
    import cnn

    for name in cnn.WORKLOADS:
        ours, theirs = cnn.profundo_steps(name), cnn.torch_steps(torch, name)
        batch = cnn.WORKLOADS[name][-1]
        for k, what in enumerate(("training step", "inference")):
            yield "cnn.py", f"{name} {what}, batch {batch}", (ours[k], theirs[k])


def conv_rows(torch):
    import conv_ops

    for side, batch in conv_ops.LAYER_SIZES:
        parts = conv_ops.layer_parts(torch, side, batch)
        yield (
            "conv_ops.py",
            f"one 3×3 conv 32→32 fwd+bwd, {side}², batch {batch}",
            (parts["profundo"], parts["torch"]),
        )
    side, batch, channels = conv_ops.WIDE_LAYER
    parts = conv_ops.layer_parts(torch, side, batch, channels)
    yield (
        "conv_ops.py",
        f"one 3×3 conv {channels}→{channels} fwd+bwd (Winograd), {side}², batch {batch}",
        (parts["profundo"], parts["torch"]),
    )


def batchnorm_rows(torch):
    import batchnorm

    for shape in batchnorm.SHAPES:
        parts = batchnorm.parts(torch, shape)
        yield (
            "batchnorm.py",
            f"BatchNormalization fwd+bwd {shape}",
            (parts["profundo"], parts["torch"]),
        )


def lstm_rows(torch):
    import lstm

    for length in (25, 100):
        yield (
            "lstm.py",
            f"Embedding + LSTM(128) + Dense training step, T = {length}, batch 64",
            (lstm.profundo_trainer(length), lstm.torch_trainer(length)),
        )
    yield (
        "lstm.py --cell gru",
        "Embedding + GRU(128) + Dense training step, T = 100, batch 64",
        (lstm.profundo_trainer(100, "gru"), lstm.torch_trainer(100, "gru")),
    )


GROUPS = {
    "ops": ops_rows,
    "mlp_grid": mlp_grid_rows,
    "mlp": mlp_rows,
    "tiny": tiny_rows,
    "cnn": cnn_rows,
    "conv": conv_rows,
    "batchnorm": batchnorm_rows,
    "lstm": lstm_rows,
}


def measure(rows, repeats):
    for script, what, (ours, theirs) in rows:
        before = load_average().split()[0]
        t = interleaved({"profundo": ours, "torch": theirs}, repeats)
        p, q = t["profundo"], t["torch"]
        per_round = sorted(b / a for a, b in zip(p.wall, q.wall))
        yield {
            "script": script,
            "what": what,
            "load": f"{before}–{load_average().split()[0]}",
            "ours": p,
            "theirs": q,
            "wall": q.median / p.median,
            "cpu": q.cpu_median / p.cpu_median,
            "range": (per_round[0], per_round[-1]),
        }


def table(results, threads, repeats) -> str:
    lines = [
        f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by "
        f"`bench/run_all.py`: {threads} thread(s) for both frameworks, median of {repeats} "
        f"interleaved rounds, on {os.cpu_count()} cores (shared); load average (1 min) "
        f"before–after each row. Throughput ratio profundo / PyTorch: above 1 is profundo "
        f"faster; the CPU-time ratio is the figure to trust on a loaded machine.",
        "",
        "| benchmark (script) | profundo: wall, CPU | PyTorch: wall, CPU | ratio (wall) "
        "| ratio (CPU) | range of the round ratios (wall) | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ms = lambda s: f"{s.median * 1e3:.2f} ms, {s.cpu_median * 1e3:.2f} ms"  # noqa: E731
        lines.append(
            f"| {r['what']} (`{r['script']}`) | {ms(r['ours'])} | {ms(r['theirs'])} | "
            f"{r['wall']:.2f} | **{r['cpu']:.2f}** | {r['range'][0]:.2f}–"
            f"{r['range'][1]:.2f} | {r['load']} |"
        )
    return "\n".join(lines)


def write(text: str) -> None:
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8")
    if BEGIN not in old or END not in old:
        raise SystemExit(f"{path} has no {BEGIN} … {END} markers to replace")
    head, rest = old.split(BEGIN, 1)
    new = f"{head}{BEGIN}\n{text}\n{END}{rest.split(END, 1)[1]}"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)


def main() -> None:
    parser = add_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]), repeats=7)
    parser.add_argument("--only", nargs="+", choices=list(GROUPS), default=list(GROUPS))
    parser.add_argument("--write", action="store_true", help="rewrite the table in RESULTS.md")
    args = parser.parse_args()
    import torch

    threads = set_threads(args.threads, torch)
    pf.manual_seed(0)
    torch.manual_seed(0)
    np.random.seed(0)
    results = []
    for group in args.only:
        for result in measure(GROUPS[group](torch), args.repeats):
            print(
                f"{result['what']:<70} wall {result['wall']:.2f}  CPU {result['cpu']:.2f}  "
                f"load {result['load']}",
                flush=True,
            )
            results.append(result)
    text = table(results, threads, args.repeats)
    print(text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
