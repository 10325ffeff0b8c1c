"""Who wrote this passage, Shakespeare or Milton? An Embedding + LSTM classifier (many-to-one).

The course's spam filter has the same shape: a sequence of words in, one probability out.

    ids = TextVectorization(passage)      64 word ids, most frequent words first (0 = padding)
    e_t = E[id_t]                         Embedding: a learned vector for each word
    h_T = LSTM(e_1, …, e_T)               reads the passage, keeps what tells the authors apart
    p = σ(h_T w + b)                      P(Milton | passage)

The passages are 64 consecutive words; 20% of each author's passages, whole blocks spread over
the texts, are held out for the test (``datasets.text_tasks.authorship``).

Run:  PROFUNDO_DATASETS_MIRROR=../shared/data python examples/authorship_lstm.py [--epochs 3]
      (a few minutes per epoch on two cores)
"""

import argparse

import numpy as np

import profundo as pf
from profundo import layers, optimizers
from profundo.datasets import text_tasks
from profundo.layers import TextVectorization


def build_model(vocabulary_size, length=64, embedding_dim=64, units=64):
    model = pf.Sequential(
        [
            layers.Input((length,)),
            layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True),
            layers.LSTM(units),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main(epochs=3, max_tokens=20_000, batch_size=64, verbose=2, build=build_model):
    """Train ``build(vocabulary_size)`` on the passages; returns the test accuracy."""
    pf.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = text_tasks.authorship(words=64)
    print(
        f"{len(x_train)} training and {len(x_test)} test passages; "
        f"{y_train.mean():.1%} of the training ones are Milton's"
    )
    vectorize = TextVectorization(max_tokens=max_tokens, output_sequence_length=64)
    vectorize.adapt(x_train)
    ids_train, ids_test = vectorize(x_train).numpy(), vectorize(x_test).numpy()

    model = build(vectorize.vocabulary_size())
    model.summary()
    model.fit(
        ids_train,
        y_train[:, None].astype("float32"),
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(ids_test, y_test[:, None].astype("float32")),
        verbose=verbose,
    )
    p = model.predict(ids_test, batch_size=256)[:, 0]
    accuracy = float(np.mean((p > 0.5) == y_test))
    print(f"test accuracy: {accuracy:.2%}")
    for k in np.random.default_rng(1).choice(len(x_test), 3, replace=False):
        author = text_tasks.AUTHORS[int(p[k] > 0.5)]
        print(
            f"\n{x_test[k][:160]}...\n  -> {author} (P(Milton) = {p[k]:.3f}; "
            f"truly {text_tasks.AUTHORS[y_test[k]]})"
        )
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    main(epochs=parser.parse_args().epochs)
