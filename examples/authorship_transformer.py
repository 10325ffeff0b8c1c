"""Who wrote this passage, Shakespeare or Milton? The same task as ``authorship_lstm.py``, read by
a Transformer encoder instead of an LSTM.

    ids = TextVectorization(passage)                 64 word ids (0 = padding)
    h⁰_t = E[id_t] + P[t]                            word + learned position embeddings
    h¹ = TransformerEncoder(h⁰)                      every word attends to every other word
    p = σ(mean_t(h¹_t) w + b)                        P(Milton | passage)

Attention sees the whole passage at once: no recurrence, so all 64 positions train in parallel.

Run:  PROFUNDO_DATASETS_MIRROR=../shared/data python examples/authorship_transformer.py [--epochs 3]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from authorship_lstm import main as train_and_test

import profundo as pf
from profundo import layers, optimizers


def build_model(vocabulary_size, length=64, d=64, heads=4):
    model = pf.Sequential(
        [
            layers.Input((length,)),
            layers.TokenAndPositionEmbedding(vocabulary_size, length, d, mask_zero=True),
            layers.TransformerEncoder(2 * d, heads, dropout=0.1),
            layers.GlobalAveragePooling1D(),
            layers.Dropout(0.2),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main(epochs=3, verbose=2):
    return train_and_test(epochs=epochs, verbose=verbose, build=build_model)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    main(epochs=parser.parse_args().epochs)
