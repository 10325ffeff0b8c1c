"""Sequence to sequence: an encoder-decoder learns to reverse a sequence of digits (many-to-many).

    encoder:  h = BiLSTM(x_1, …, x_T)          reads the input both ways into one vector
    bridge:   RepeatVector(T): h, h, …, h       one copy per output step (one-to-many)
    decoder:  s_1 … s_T = LSTM(h, …, h)         unrolls the vector into a sequence
    output:   p(y_t) = softmax(s_t V + b)       the same Dense at every step (TimeDistributed)

The target is the input read backwards, y_t = x_{T+1−t}: the first output needs the last
input, so the whole sequence has to pass through the encoder's vector.

Run:  python examples/seq2seq_reverse.py [--epochs 12]      (20–70 s per epoch on two cores)
"""

import argparse

import numpy as np

import profundo as pf
from profundo import layers, optimizers

DIGITS, LENGTH = 10, 8


def digit_sequences(n, seed):
    x = np.random.default_rng(seed).integers(0, DIGITS, (n, LENGTH))
    return x, x[:, ::-1].copy()


def build_model(units=128):
    model = pf.Sequential(
        [
            layers.Input((LENGTH,)),
            layers.Embedding(DIGITS, 16),
            layers.Bidirectional(layers.LSTM(units // 2)),  # (batch, units): the summary
            layers.RepeatVector(LENGTH),  # (batch, LENGTH, units)
            layers.LSTM(units, return_sequences=True),  # (batch, LENGTH, units)
            layers.TimeDistributed(layers.Dense(DIGITS, activation="softmax")),
        ]
    )
    model.compile(
        optimizer=optimizers.Adam(3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def main(epochs=12, n_train=20_000, verbose=2):
    pf.manual_seed(0)
    x_train, y_train = digit_sequences(n_train, seed=0)
    x_test, y_test = digit_sequences(1000, seed=1)
    model = build_model()
    model.summary()
    model.fit(
        x_train,
        y_train,
        batch_size=128,
        epochs=epochs,
        verbose=verbose,
        validation_data=(x_test, y_test),
    )
    predicted = model.predict(x_test, batch_size=256).argmax(axis=-1)
    digit_accuracy = float(np.mean(predicted == y_test))
    sequence_accuracy = float(np.mean(np.all(predicted == y_test, axis=1)))
    print(
        f"test: {digit_accuracy:.1%} of the digits, {sequence_accuracy:.1%} of the whole "
        f"sequences reversed right"
    )
    for x, p in zip(x_test[:3], predicted[:3]):
        print(f"  {''.join(map(str, x))} -> {''.join(map(str, p))}")
    return digit_accuracy, sequence_accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    main(epochs=parser.parse_args().epochs)
