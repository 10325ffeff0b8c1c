"""Authorship accuracy: Embedding + LSTM against a bag-of-words logistic regression.

The task of examples/authorship_lstm.py — is a 64-word passage Shakespeare's or Milton's? — with
20% of each author's passages held out by position (``datasets.text_tasks.authorship``). Goal:
the LSTM at 97% test accuracy or more. The baseline is scikit-learn's LogisticRegression on word
counts (CountVectorizer, the same 20,000 most frequent words).

profundo trains with one BLAS thread by default (``--threads``): see bench/shakespeare_char.py.

Run:  PROFUNDO_DATASETS_MIRROR=../shared/data .venv/bin/python bench/authorship.py [--epochs 4]
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

import profundo as pf
from profundo.datasets import text_tasks
from profundo.layers import TextVectorization

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "authorship_lstm.py"


def example():
    spec = importlib.util.spec_from_file_location("authorship_lstm", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--max-tokens", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    pf.set_num_threads(args.threads)
    pf.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = text_tasks.authorship(words=64)
    print(
        f"{len(x_train)} training passages, {len(x_test)} test passages "
        f"({np.mean(y_test):.1%} of the test ones Milton's: a constant guess scores "
        f"{max(np.mean(y_test), 1 - np.mean(y_test)):.1%})",
        flush=True,
    )

    start = time.perf_counter()
    counts = CountVectorizer(max_features=args.max_tokens)
    baseline = LogisticRegression(max_iter=2000).fit(counts.fit_transform(x_train), y_train)
    base_acc = baseline.score(counts.transform(x_test), y_test)
    print(
        f"bag-of-words logistic regression: test accuracy {base_acc:.2%} "
        f"({time.perf_counter() - start:.0f} s)",
        flush=True,
    )

    vectorize = TextVectorization(max_tokens=args.max_tokens, output_sequence_length=64)
    vectorize.adapt(x_train)
    ids_train, ids_test = vectorize(x_train).numpy(), vectorize(x_test).numpy()
    model = example().build_model(vectorize.vocabulary_size())
    start = time.perf_counter()
    for epoch in range(args.epochs):
        model.fit(ids_train, y_train[:, None].astype("float32"), batch_size=64, epochs=1, verbose=0)
        p = model.predict(ids_test, batch_size=256)[:, 0]
        acc = float(np.mean((p > 0.5) == y_test))
        print(
            f"Embedding + LSTM, epoch {epoch + 1}: test accuracy {acc:.2%} "
            f"({(time.perf_counter() - start) / 60:.1f} min)",
            flush=True,
        )
    print(f"result: LSTM {acc:.2%} (goal 97%), bag-of-words logistic regression {base_acc:.2%}")


if __name__ == "__main__":
    main()
