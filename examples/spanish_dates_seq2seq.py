"""Sequence to sequence with attention: Spanish dates, written any way, to ISO 8601.

    "tres de marzo de dos mil veinticuatro", "3/03/24", "03 MAR 2024", "domingo, 3 de marzo
    del 2024" …  →  "2024-03-03"

The dates come from a generator in this file (no download): every day from 1950 to 2049, each in
one of many formats; a tenth of the days never appear in training and are the test set.

Two encoder-decoders read the characters and write the ISO date one character at a time
(trained with teacher forcing: the decoder sees the right previous characters; tested greedily:
it sees its own):

- ``additive``: a bidirectional GRU encoder; a GRU decoder whose state s_t asks, with Bahdanau's
  additive attention, where to look:  a_tj = softmax_j(Σ v · tanh(s_t + h_j)),
  c_t = Σ_j a_tj h_j,  p(y_t) = softmax([s_t, c_t] W + b);
- ``transformer``: TransformerEncoder blocks over the characters, TransformerDecoder blocks
  (causal self-attention, then cross-attention to the encoder) over the output so far.

Goal: ≥ 99% of the held-out dates exactly right. ``--plot`` draws the additive model's attention
matrices for three dates: which characters it read while writing each output character.

Run:  python examples/spanish_dates_seq2seq.py [--model additive|transformer] [--epochs 8]
      [--plot docs/attention_dates.png]
"""

import argparse
import datetime

import numpy as np

import profundo as pf
from profundo import layers, optimizers

MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
WEEKDAYS = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
UNITS = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
]
TENS = {
    3: "treinta",
    4: "cuarenta",
    5: "cincuenta",
    6: "sesenta",
    7: "setenta",
    8: "ochenta",
    9: "noventa",
}
FIRST, LAST = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)
SOURCE_LENGTH, TARGET_LENGTH = 60, 10
START = "^"
TARGET_CHARS = START + "0123456789-"


def number_words(n: int) -> str:
    """0 … 99 in Spanish words: 'veintidós', 'cuarenta y siete'."""
    if n < 30:
        return UNITS[n]
    tens, units = divmod(n, 10)
    return TENS[tens] + (f" y {UNITS[units]}" if units else "")


def year_words(y: int) -> str:
    """1950 … 2049 in words: 'mil novecientos ochenta y cuatro', 'dos mil siete'."""
    if y < 2000:
        return "mil novecientos " + number_words(y - 1900)
    return "dos mil" + (" " + number_words(y - 2000) if y > 2000 else "")


def of(date) -> str:
    """'del 2024' but 'de 1984': Spanish says "del" mostly for the years from 2000."""
    return "del" if date.year >= 2000 else "de"


def day_words(d: int, rng) -> str:
    return "primero" if d == 1 and rng.random() < 0.5 else number_words(d)


FORMATS = [
    lambda t, r: f"{day_words(t.day, r)} de {MONTHS[t.month - 1]} de {year_words(t.year)}",
    lambda t, r: f"{day_words(t.day, r)} de {MONTHS[t.month - 1]} {of(t)} {year_words(t.year)}",
    lambda t, r: f"{t.day} de {MONTHS[t.month - 1]} de {t.year}",
    lambda t, r: f"{WEEKDAYS[t.weekday()]}, {t.day} de {MONTHS[t.month - 1]} de {t.year}",
    lambda t, r: f"el {t.day} de {MONTHS[t.month - 1]} {of(t)} {t.year}",
    lambda t, r: f"{t.day}/{t.month:02d}/{t.year % 100:02d}",
    lambda t, r: f"{t.day:02d}/{t.month:02d}/{t.year}",
    lambda t, r: f"{t.day}-{t.month}-{t.year}",
    lambda t, r: f"{t.day}.{t.month}.{t.year}",
    lambda t, r: f"{t.day:02d} {MONTHS[t.month - 1][:3]} {t.year}",
    lambda t, r: f"{t.day} {MONTHS[t.month - 1][:3].upper()}. {t.year}",
    lambda t, r: f"{MONTHS[t.month - 1]} {t.day}, {t.year}",
]


def write(date, rng) -> str:
    """The date in a random format, sometimes in capitals."""
    text = FORMATS[rng.integers(len(FORMATS))](date, rng)
    return text.upper() if rng.random() < 0.15 else text


def dates(seed=0, test_fraction=0.1):
    """Every day of 1950–2049, shuffled and split: (train days, test days)."""
    days = np.arange(FIRST.toordinal(), LAST.toordinal() + 1)
    np.random.default_rng(seed).shuffle(days)
    n_test = int(len(days) * test_fraction)
    return days[n_test:], days[:n_test]


class Chars:
    """Characters ↔ ids; 0 is padding."""

    def __init__(self, chars):
        self.chars = ["\0"] + sorted(set(chars))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def encode(self, texts, length):
        out = np.zeros((len(texts), length), "int32")
        for i, text in enumerate(texts):
            ids = [self.index[c] for c in text[:length]]
            out[i, : len(ids)] = ids
        return out

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids if i)


LETTERS = "abcdefghijklmnopqrstuvwxyzáéíóúñ"
SOURCE = Chars(LETTERS + LETTERS.upper() + "0123456789/-., ")
TARGET = Chars(TARGET_CHARS)


def examples(days, seed):
    """(source ids, decoder input ids, target ids, source texts) for the given days."""
    rng = np.random.default_rng(seed)
    texts = [write(datetime.date.fromordinal(int(d)), rng) for d in days]
    iso = [datetime.date.fromordinal(int(d)).isoformat() for d in days]
    target = TARGET.encode(iso, TARGET_LENGTH)
    decoder_in = TARGET.encode([START + s[:-1] for s in iso], TARGET_LENGTH)
    return SOURCE.encode(texts, SOURCE_LENGTH), decoder_in, target, texts


def additive_model(units=64):
    """Bidirectional-GRU encoder, GRU decoder, AdditiveAttention; also returns the scores."""
    source, decoder_in = layers.Input((SOURCE_LENGTH,)), layers.Input((TARGET_LENGTH,))
    h = layers.Embedding(len(SOURCE.chars), 32, mask_zero=True)(source)
    h = layers.Bidirectional(layers.GRU(units, return_sequences=True))(h)  # (B, S, 2u)
    s = layers.Embedding(len(TARGET.chars), 32)(decoder_in)
    s = layers.GRU(2 * units, return_sequences=True)(s)  # (B, T, 2u)
    context, scores = layers.AdditiveAttention()([s, h], return_attention_scores=True)
    logits = layers.Dense(len(TARGET.chars))(layers.Concatenate()([s, context]))
    return pf.Model([source, decoder_in], logits), pf.Model([source, decoder_in], scores)


def transformer_model(d=64, depth=2, heads=4):
    source, decoder_in = layers.Input((SOURCE_LENGTH,)), layers.Input((TARGET_LENGTH,))
    h = layers.TokenAndPositionEmbedding(len(SOURCE.chars), SOURCE_LENGTH, d, mask_zero=True)(
        source
    )
    for _ in range(depth):
        h = layers.TransformerEncoder(2 * d, heads)(h)
    s = layers.TokenAndPositionEmbedding(len(TARGET.chars), TARGET_LENGTH, d)(decoder_in)
    for _ in range(depth):
        s = layers.TransformerDecoder(2 * d, heads)(s, h)
    return pf.Model([source, decoder_in], layers.Dense(len(TARGET.chars))(s)), None


def translate(model, source):
    """Greedy decoding: write one character at a time, feeding back the likeliest."""
    decoder_in = np.zeros((len(source), TARGET_LENGTH), "int32")
    decoder_in[:, 0] = TARGET.index[START]
    for t in range(TARGET_LENGTH):
        logits = model.predict([source, decoder_in], batch_size=512)
        if t + 1 < TARGET_LENGTH:
            decoder_in[:, t + 1] = logits[:, t].argmax(-1)
    return np.concatenate([decoder_in[:, 1:], logits[:, -1:].argmax(-1)], axis=1), decoder_in


def plot_attention(scores_model, source, decoder_in, predicted, texts, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = scores_model.predict([source, decoder_in])
    fig, axes = plt.subplots(1, len(texts), figsize=(5.5 * len(texts), 3.2))
    for ax, a, text, out in zip(axes, scores, texts, predicted):
        n = len(text)
        ax.imshow(a[:, :n], cmap="viridis", aspect="auto")
        ax.set_xticks(range(n), list(text), fontsize=7)
        written = TARGET.decode(out)
        ax.set_yticks(range(len(written)), list(written), fontsize=8)
        ax.set_title(text, fontsize=8)
    fig.suptitle("AdditiveAttention: which input characters each output character reads")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"attention matrices drawn to {path}")


def main(model_name="additive", epochs=8, n_train=None, n_test=None, plot=None, verbose=2):
    pf.manual_seed(0)
    train_days, test_days = dates()
    x, x_dec, y, _ = examples(train_days[:n_train], seed=1)
    xt, _, yt, test_texts = examples(test_days[:n_test], seed=2)
    model, scores_model = (additive_model if model_name == "additive" else transformer_model)()
    model.compile(
        optimizer=optimizers.Adam(2e-3, clipnorm=1.0),
        loss=pf.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    model.fit([x, x_dec], y, batch_size=64, epochs=epochs, verbose=verbose)
    predicted, decoder_in = translate(model, xt)
    exact = float(np.mean(np.all(predicted == yt, axis=1)))
    print(f"{model_name}: {exact:.2%} of {len(yt)} held-out dates exactly right")
    for k in range(3):
        print(f"  {test_texts[k]!r:60} -> {TARGET.decode(predicted[k])}")
    if plot and scores_model is not None:
        plot_attention(scores_model, xt[:3], decoder_in[:3], predicted[:3], test_texts[:3], plot)
    return exact


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["additive", "transformer"], default="additive")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--plot", default=None)
    args = parser.parse_args()
    main(args.model, args.epochs, plot=args.plot)
