"""Character-level Shakespeare with a small decoder-only Transformer (a tiny GPT).

The same task and split as ``shakespeare_char_lstm.py``: from c_1 … c_T predict c_2 … c_{T+1}.
Instead of carrying a state from step to step, every position looks back at all earlier ones
with causal self-attention:

    h⁰ = E[c_t] + P[t]                                   token + learned position embeddings
    hˡ = TransformerDecoder(hˡ⁻¹)    l = 1 … 4           causal self-attention + feed-forward
    p(c_{t+1}) = softmax(LayerNorm(h⁴_t) V + b)          (pre-norm blocks, as GPT-2)

All T predictions of a window are trained in one pass (no recurrence to wait for). Generation
feeds back the sampled character and reruns the window of the last ``context`` characters.

Run:  PROFUNDO_DATASETS_MIRROR=../shared/data python examples/shakespeare_char_transformer.py
      [--minutes 30]
"""

import argparse
import time

import numpy as np

import profundo as pf
from profundo import layers, optimizers
from profundo.datasets import text_tasks


def build_model(vocabulary_size, context=128, d=128, depth=4, heads=4):
    ids = layers.Input((context,), dtype="int32")
    h = layers.TokenAndPositionEmbedding(vocabulary_size, context, d)(ids)
    for _ in range(depth):
        h = layers.TransformerDecoder(4 * d, heads, normalize_first=True)(h)
    h = layers.LayerNormalization(epsilon=1e-5)(h)
    return pf.Model(ids, layers.Dense(vocabulary_size)(h))


def generate(model, vocab, prompt="ROMEO.\n", length=400, temperature=0.8, context=128, seed=0):
    """``prompt`` continued by ``length`` characters sampled at ``temperature``."""
    rng = np.random.default_rng(seed)
    ids = list(vocab.encode(prompt))
    with pf.no_grad():
        for _ in range(length):
            window = np.array([ids[-context:]])
            z = model(window).numpy()[0, -1].astype(np.float64) / temperature
            p = np.exp(z - z.max())
            ids.append(int(rng.choice(len(p), p=p / p.sum())))
    return "".join(vocab.chars[i] for i in ids)


def train(
    minutes=30.0,
    context=128,
    d=128,
    depth=4,
    batch_size=32,
    chunk=50,
    learning_rate=1e-3,
    validation_windows=512,
    clock="wall",
    verbose=0,
):
    """Train for about ``minutes`` of the ``clock`` ("wall", or "cpu": this process's CPU time,
    fairer on a shared machine); returns the model, the vocabulary and the curve
    [(seconds, CPU seconds, training batches, validation loss), ...] every ``chunk`` batches."""
    pf.manual_seed(0)
    vocab, (x, y), (x_val, y_val) = text_tasks.shakespeare_chars(length=context)
    x_val, y_val = x_val[:validation_windows], y_val[:validation_windows]
    model = build_model(len(vocab), context, d, depth)
    model.compile(
        optimizer=optimizers.Adam(learning_rate, clipnorm=1.0),
        loss=pf.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    rng, curve, seen = np.random.default_rng(0), [], 0
    start, cpu = time.perf_counter(), time.process_time()

    def elapsed():
        return time.perf_counter() - start if clock == "wall" else time.process_time() - cpu

    try:
        while elapsed() < 60 * minutes:
            pick = rng.choice(len(x), chunk * batch_size)
            model.fit(x[pick], y[pick], batch_size=batch_size, epochs=1, verbose=verbose)
            seen += chunk
            loss = model.evaluate(x_val, y_val, batch_size=128, verbose=0)
            curve.append((time.perf_counter() - start, time.process_time() - cpu, seen, loss))
            print(
                f"{curve[-1][0] / 60:5.1f} min (CPU {curve[-1][1] / 60:5.1f} min)  {seen:6d} "
                f"batches  validation loss {loss:.3f} nats/char",
                flush=True,
            )
    except KeyboardInterrupt:  # Ctrl-C: stop training, still write the samples
        print("training interrupted", flush=True)
    return model, vocab, curve


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--d", type=int, default=128)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args()
    model, vocab, _ = train(args.minutes, d=args.d, depth=args.depth, clock=args.clock)
    for temperature in (0.5, 0.8):
        print(
            f"\n--- temperature {temperature} ---\n"
            f"{generate(model, vocab, temperature=temperature)}"
        )
