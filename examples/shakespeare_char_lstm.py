"""Character-level Shakespeare: a 2-layer LSTM learns to predict the next character, then writes.

Training is many-to-many: for a window of characters c_1 … c_T the model predicts c_2 … c_{T+1},

    e_t = E[c_t],   h¹_t = LSTM₁(e_≤t),   h²_t = LSTM₂(h¹_≤t),   p(c_{t+1}) = softmax(h²_t V + b)
    L = −(1/T) Σ_t log p(c_{t+1})                         cross-entropy in nats per character

Generation is one-to-many: feed a prompt, then again and again sample a character from
softmax(logits / temperature) and feed it back, carrying the LSTMs' states (h, c) from step to
step. Low temperatures pick the likeliest characters (safe, repetitive), high ones take risks.

Run:  PROFUNDO_DATASETS_MIRROR=../shared/data python examples/shakespeare_char_lstm.py
      [--minutes 10 --units 256]
"""

import argparse
import time

import numpy as np

import profundo as pf
from profundo import layers, optimizers
from profundo.datasets import text_tasks


class CharLSTM(pf.Model):
    """ids (batch, time) → logits of the next character (batch, time, vocabulary)."""

    def __init__(self, vocabulary_size, embedding_dim=32, units=256, depth=2, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(vocabulary_size, embedding_dim)
        self.lstms = [
            layers.LSTM(units, return_sequences=True, return_state=True) for _ in range(depth)
        ]
        self.head = layers.Dense(vocabulary_size)

    def call(self, ids, training=None):
        return self.run(ids, training=training)[0]

    def run(self, ids, states=None, training=None):
        """(logits, the LSTMs' final states [[h, c], ...]), starting from ``states``."""
        x, new_states = self.embedding(ids), []
        for k, lstm in enumerate(self.lstms):
            x, h, c = lstm(
                x, initial_state=None if states is None else states[k], training=training
            )
            new_states.append([h, c])
        return self.head(x), new_states


def generate(model, vocab, prompt="ROMEO.\n", length=400, temperature=0.8, seed=0):
    """``prompt`` continued by ``length`` characters sampled at ``temperature``."""
    rng = np.random.default_rng(seed)
    out = list(prompt)
    with pf.no_grad():
        logits, states = model.run(vocab.encode(prompt)[None])
        for _ in range(length):
            z = logits.numpy()[0, -1].astype(np.float64) / temperature
            p = np.exp(z - z.max())
            nxt = rng.choice(len(p), p=p / p.sum())
            out.append(vocab.chars[nxt])
            logits, states = model.run(np.array([[nxt]]), states)
    return "".join(out)


def validation_loss(model, x_val, y_val, batch_size=256):
    """Mean cross-entropy per character, in nats, on the held-out windows."""
    return model.evaluate(x_val, y_val, batch_size=batch_size, verbose=0)


def train(
    minutes=10.0, units=256, length=100, batch_size=64, chunk=50, learning_rate=2e-3, verbose=0
):
    """Train for about ``minutes``; returns the model, the vocabulary and the curve
    [(seconds, training batches, validation loss), ...] measured every ``chunk`` batches."""
    pf.manual_seed(0)
    vocab, (x, y), (x_val, y_val) = text_tasks.shakespeare_chars(length=length)
    x_val, y_val = x_val[:1024], y_val[:1024]
    model = CharLSTM(len(vocab), units=units)
    model.compile(
        optimizer=optimizers.Adam(learning_rate, clipnorm=1.0),
        loss=pf.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    rng, curve, start, seen = np.random.default_rng(0), [], time.perf_counter(), 0
    while time.perf_counter() - start < 60 * minutes:
        pick = rng.choice(len(x), chunk * batch_size, replace=False)
        model.fit(x[pick], y[pick], batch_size=batch_size, epochs=1, verbose=verbose)
        seen += chunk
        curve.append((time.perf_counter() - start, seen, validation_loss(model, x_val, y_val)))
        print(
            f"{curve[-1][0] / 60:5.1f} min  {seen:6d} batches  validation loss "
            f"{curve[-1][2]:.3f} nats/char",
            flush=True,
        )
    return model, vocab, curve


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--units", type=int, default=256)
    args = parser.parse_args()
    model, vocab, _ = train(args.minutes, args.units)
    for temperature in (0.5, 0.8, 1.0):
        sample = generate(model, vocab, temperature=temperature)
        print(f"\n--- temperature {temperature} ---\n{sample}")
