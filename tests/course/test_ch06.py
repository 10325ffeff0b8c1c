"""Chapter 6's checkers, each with a right and a wrong answer; the early-stopping rule against
profundo's callback."""

import numpy as np

import profundo as pf
from profundo import callbacks, layers
from profundo.course import ch06


def test_l2_penalty():
    assert ch06.check_l2_penalty(lambda ws, l2: l2 * sum(np.sum(w**2) for w in ws))
    assert not ch06.check_l2_penalty(lambda ws, l2: l2 * sum(np.sum(np.abs(w)) for w in ws))


def inverted(x, rate, training):
    if not training:
        return x
    return x * (np.random.rand(*x.shape) >= rate) / (1 - rate)


def test_dropout():
    assert ch06.check_dropout(inverted)
    unscaled = ch06.check_dropout(lambda x, r, t: x * (np.random.rand(*x.shape) >= r) if t else x)
    assert not unscaled and "1/(1 − rate)" in unscaled.message
    assert not ch06.check_dropout(lambda x, r, t: inverted(x, r, True))  # drops at inference
    assert not ch06.check_dropout(lambda x, r, t: inverted(x, 1 - r, t))


def test_early_stopping_rule():
    assert ch06.check_early_stopping(ch06.early_stopping)
    assert not ch06.check_early_stopping(
        lambda losses, p: (len(losses) - 1, int(np.argmin(losses)))
    )


def test_the_rule_is_the_callbacks():
    """The reference rule stops where pf.callbacks.EarlyStopping stops, on a real fit whose
    validation losses are then replayed through the rule."""
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = (x.sum(1, keepdims=True) > 0).astype("float32")
    model = pf.Sequential(
        [
            layers.Input((3,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=pf.optimizers.Adam(0.05), loss="binary_crossentropy")
    history = model.fit(
        x[:16],
        y[:16],
        epochs=60,
        verbose=0,
        validation_data=(x[16:], y[16:]),
        callbacks=[callbacks.EarlyStopping(patience=3)],
    )
    losses = history.history["val_loss"]
    assert ch06.early_stopping(losses, 3)[0] == len(losses) - 1 < 59
