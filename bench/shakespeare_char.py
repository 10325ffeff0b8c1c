"""Character-level Shakespeare: does the 2-layer LSTM reach 1.8 nats/char within 30 minutes?

Trains examples/shakespeare_char_lstm.py's model for ``--minutes`` of wall-clock time, measuring
the validation cross-entropy (nats per character, 1,024 held-out windows of 100 characters)
every 50 batches of 64 windows; then writes a sample at a few temperatures. The curve and the
samples go to ``--out`` as JSON.

``--threads`` defaults to 1: on a machine whose two cores are shared with other work, two BLAS
threads per process wait on each other (measured: 3.9 s per batch with 2 threads, 0.57 s with 1,
for the 128-unit model under a load average of 8).

Run:  PROFUNDO_DATASETS_MIRROR=../shared/data .venv/bin/python bench/shakespeare_char.py
      [--minutes 30 --units 128 --threads 1 --out /tmp/shakespeare_char.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

import profundo as pf

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shakespeare_char_lstm.py"


def example():
    spec = importlib.util.spec_from_file_location("shakespeare_char_lstm", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="/tmp/shakespeare_char.json")
    args = parser.parse_args()
    pf.set_num_threads(args.threads)
    char_lstm = example()
    model, vocab, curve = char_lstm.train(args.minutes, args.units)
    best = min(loss for _, _, loss in curve)
    reached = next((seconds for seconds, _, loss in curve if loss <= 1.8), None)
    print(
        f"best validation loss {best:.3f} nats/char; "
        + (f"1.8 reached after {reached / 60:.1f} min" if reached else "1.8 not reached")
    )
    samples = {t: char_lstm.generate(model, vocab, temperature=t) for t in (0.5, 0.8, 1.0)}
    for t, text in samples.items():
        print(f"\n--- temperature {t} ---\n{text}")
    Path(args.out).write_text(
        json.dumps(
            {"units": args.units, "minutes": args.minutes, "curve": curve, "samples": samples},
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
