"""Spam or ham? A filter for real e-mail, from the raw messages of the SpamAssassin corpus.

    raw message ──email──▶ subject + sender + body text      (the standard library's parser)
                ──TextVectorization──▶ x ∈ {0,1}^V          (which of the V words occur)
                ──Dense + dropout──▶ p = σ(w·h + b)          (P(spam | message))

The messages are split by group and time (``datasets.spamassassin.load_data``): the latest
fifth of every group is held out, ``hard_ham`` — ham that looks like spam — included. The
same text goes to a scikit-learn baseline (TF-IDF + logistic regression) for comparison, and the
hard case is measured on its own: how much of ``hard_ham`` each filter lets through as ham, and
the spam precision and recall on ``hard_ham`` + spam.

Run:  PROFUNDO_DATASETS_MIRROR=../shared/data python examples/spam_detection.py [--epochs 8]
      (about a minute on one core; add --no-baseline without scikit-learn)
"""

import argparse
import email
import email.policy
import html
import re

import numpy as np

import profundo as pf
from profundo import layers, optimizers
from profundo.datasets import spamassassin
from profundo.layers import TextVectorization

MAX_CHARS = 20_000  # of each message's text: enough to tell, bounded for the odd huge one
_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_ADDRESS = re.compile(r"\S+@\S+\.\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def message_text(raw: bytes) -> str:
    """The words a reader sees: the subject, the sender, the text of every text part (HTML
    without its tags), with links, addresses and numbers replaced by one word each."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    parts = [f"subject {message.get('Subject', '')}", f"from {message.get('From', '')}"]
    for part in message.walk():
        if part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True) or b""
        try:
            text = payload.decode(part.get_content_charset() or "latin-1", errors="replace")
        except LookupError:  # a charset Python does not know
            text = payload.decode("latin-1")
        if part.get_content_subtype() == "html":
            text = "htmlpart " + html.unescape(_TAG.sub(" ", text))
        parts.append(text)
    text = " ".join(parts)[:MAX_CHARS]
    text = _URL.sub(" urladdress ", text)
    text = _ADDRESS.sub(" mailaddress ", text)
    return _NUMBER.sub(" numbertoken ", text)


def build_model(vocabulary_size: int, units: int = 32, dropout: float = 0.5):
    model = pf.Sequential(
        [
            layers.Input((vocabulary_size,)),
            layers.Dropout(dropout),
            layers.Dense(units, activation="relu"),
            layers.Dropout(dropout),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def scores(y_true, y_pred, groups) -> dict:
    """Accuracy and spam F1 on the whole test set; on the hard case: the share of ``hard_ham``
    kept as ham, and spam precision and recall over ``hard_ham`` + spam."""
    y_true, y_pred = np.asarray(y_true).astype(bool), np.asarray(y_pred).astype(bool)

    def precision_recall_f1(t, p):
        tp = np.sum(t & p)
        precision, recall = tp / max(np.sum(p), 1), tp / max(np.sum(t), 1)
        return precision, recall, 2 * precision * recall / max(precision + recall, 1e-12)

    hard = groups == "hard_ham"
    hard_or_spam = hard | y_true
    precision, recall, f1 = precision_recall_f1(y_true, y_pred)
    hard_precision, hard_recall, _ = precision_recall_f1(y_true[hard_or_spam], y_pred[hard_or_spam])
    return {
        "accuracy": float(np.mean(y_true == y_pred)),
        "spam_precision": float(precision),
        "spam_recall": float(recall),
        "spam_f1": float(f1),
        "hard_ham_kept": float(np.mean(~y_pred[hard])),
        "hard_spam_precision": float(hard_precision),
        "hard_spam_recall": float(hard_recall),
    }


def baseline(text_train, y_train, text_test):
    """scikit-learn: TF-IDF of words (and word pairs) + logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    tfidf = TfidfVectorizer(max_features=20_000, ngram_range=(1, 2), sublinear_tf=True)
    classifier = LogisticRegression(C=10.0, max_iter=2000)
    classifier.fit(tfidf.fit_transform(text_train), y_train)
    return classifier.predict(tfidf.transform(text_test))


def main(
    epochs=8, max_tokens=20_000, batch_size=64, limit=None, with_baseline=True, verbose=2, seed=0
):
    """Train and report; ``limit`` keeps that many training and test messages (the short form).
    Returns ``{"profundo": scores, "baseline": scores}``."""
    pf.manual_seed(seed)
    (x_train, y_train, _), (x_test, y_test, g_test) = spamassassin.load_data(with_groups=True)
    if limit:
        rng = np.random.default_rng(0)
        keep_train = rng.permutation(len(x_train))[:limit]
        keep_test = rng.permutation(len(x_test))[:limit]
        x_train, y_train = x_train[keep_train], y_train[keep_train]
        x_test, y_test, g_test = x_test[keep_test], y_test[keep_test], g_test[keep_test]
    text_train = [message_text(m) for m in x_train]
    text_test = [message_text(m) for m in x_test]
    print(
        f"{len(x_train)} training messages ({y_train.mean():.1%} spam), {len(x_test)} held out "
        f"({np.sum(g_test == 'hard_ham')} of them hard_ham)"
    )

    vectorize = TextVectorization(max_tokens=max_tokens, output_mode="multi_hot")
    vectorize.adapt(text_train)
    h_train, h_test = vectorize(text_train).numpy(), vectorize(text_test).numpy()
    model = build_model(vectorize.vocabulary_size())
    model.fit(
        h_train,
        y_train[:, None].astype("float32"),
        batch_size=batch_size,
        epochs=epochs,
        verbose=verbose,
    )
    results = {
        "profundo": scores(y_test, model.predict(h_test, batch_size=256)[:, 0] > 0.5, g_test)
    }
    if with_baseline:
        results["baseline"] = scores(y_test, baseline(text_train, y_train, text_test), g_test)
    for name, s in results.items():
        print(
            f"{name:>9}: accuracy {s['accuracy']:.2%}, spam F1 {s['spam_f1']:.3f} "
            f"(precision {s['spam_precision']:.3f}, recall {s['spam_recall']:.3f}); hard_ham "
            f"kept as ham {s['hard_ham_kept']:.1%}, spam precision/recall on hard_ham + spam "
            f"{s['hard_spam_precision']:.3f}/{s['hard_spam_recall']:.3f}"
        )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    main(epochs=args.epochs, with_baseline=not args.no_baseline)
