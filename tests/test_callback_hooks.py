"""Callbacks see the hooks Keras 3 calls, in Keras' order, with a dict of logs at every hook: the
same recorder runs through ``fit`` (with validation), ``evaluate`` and ``predict`` in real Keras
(torch backend) and in profundo, and the two call sequences must be equal."""

import numpy as np
import pytest

import profundo as pf
from profundo import callbacks, layers

INDEXED = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)
PLAIN = (
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
)


def recorders(base):
    """A callback class recording every hook (name, index, sorted log keys), and one that
    overrides only the ``on_batch_begin/end`` aliases."""

    def indexed(name):
        def hook(self, index, logs=None):
            self.calls.append((name, index, sorted(logs) if isinstance(logs, dict) else logs))

        return hook

    def plain(name):
        def hook(self, logs=None):
            self.calls.append((name, sorted(logs) if isinstance(logs, dict) else logs))

        return hook

    body = {name: indexed(name) for name in INDEXED} | {name: plain(name) for name in PLAIN}
    Recorder = type("Recorder", (base,), body)
    Aliases = type("Aliases", (base,), {n: indexed(n) for n in ("on_batch_begin", "on_batch_end")})
    return Recorder, Aliases


def run(lib, x, y, build):
    Recorder, Aliases = recorders(lib.callbacks.Callback)
    rec, alias = Recorder(), Aliases()
    for cb in (rec, alias):
        cb.calls = []
    model = build()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(
        x,
        y,
        batch_size=4,
        epochs=2,
        validation_data=(x[:6], y[:6]),
        callbacks=[rec, alias],
        verbose=0,
    )
    model.evaluate(x, y, batch_size=4, callbacks=[rec, alias], verbose=0)
    model.predict(x, batch_size=4, callbacks=[rec, alias], verbose=0)
    return rec.calls, alias.calls


def data():
    x = np.random.default_rng(0).random((10, 3)).astype("float32")
    return x, (x.sum(1) > 1.5).astype("float32")[:, None]


def test_hook_sequence_and_logs_equal_keras():
    keras = pytest.importorskip("keras")
    x, y = data()
    ours = run(
        pf, x, y, lambda: pf.Sequential([layers.Input((3,)), layers.Dense(1, activation="sigmoid")])
    )
    theirs = run(
        keras,
        x,
        y,
        lambda: keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")]),
    )
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]


def test_hook_sequence_without_keras():
    """The same promise written out, for machines without Keras: 10 samples in batches of 4."""
    x, y = data()
    calls, aliases = run(pf, x, y, lambda: pf.Sequential([layers.Input((3,)), layers.Dense(1)]))
    keys = ["accuracy", "loss"]
    train = [
        c
        for b in range(3)
        for c in (("on_train_batch_begin", b, []), ("on_train_batch_end", b, keys))
    ]
    test = lambda n: (
        [("on_test_begin", [])]
        + [
            c
            for b in range(n)
            for c in (  # noqa: E731
                ("on_test_batch_begin", b, []),
                ("on_test_batch_end", b, keys),
            )
        ]
        + [("on_test_end", keys)]
    )
    epoch = lambda e: (
        [("on_epoch_begin", e, [])]
        + train
        + test(2)
        + [  # noqa: E731
            ("on_epoch_end", e, keys + ["val_accuracy", "val_loss"])
        ]
    )
    predict = (
        [("on_predict_begin", [])]
        + [
            c
            for b in range(3)
            for c in (("on_predict_batch_begin", b, []), ("on_predict_batch_end", b, ["outputs"]))
        ]
        + [("on_predict_end", [])]
    )
    assert calls == (
        [("on_train_begin", [])]
        + epoch(0)
        + epoch(1)
        + [("on_train_end", keys + ["val_accuracy", "val_loss"])]
        + test(3)
        + predict
    )
    assert aliases == [
        c
        for _ in range(2)
        for b in range(3)
        for c in (("on_batch_begin", b, []), ("on_batch_end", b, keys))
    ]


def test_predict_batch_end_gets_the_outputs_and_stop_predicting_stops():
    x, _ = data()
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2)])
    seen = []

    class StopAfterOne(callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            seen.append(logs["outputs"])
            self.model.stop_predicting = True

    out = model.predict(x, batch_size=4, callbacks=[StopAfterOne()])
    assert len(seen) == 1 and out.shape == (4, 2)
    np.testing.assert_allclose(seen[0], model.predict(x[:4]))


def test_evaluate_runs_its_callbacks_and_stop_evaluating_stops():
    x, y = data()
    model = pf.Sequential([layers.Input((3,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    batches = []

    class StopAfterTwo(callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            batches.append(batch)
            self.model.stop_evaluating = batch == 1

    model.evaluate(x, y, batch_size=2, callbacks=[StopAfterTwo()], verbose=0)
    assert batches == [0, 1]
    with pytest.raises(TypeError, match="evaluate: callbacks must be Callback objects"):
        model.evaluate(x, y, callbacks=[print], verbose=0)
    with pytest.raises(TypeError, match="predict: callbacks must be Callback objects"):
        model.predict(x, callbacks=[print])


@pytest.mark.parametrize("verbose", [1, 2])
def test_evaluate_and_predict_show_progress(capsys, verbose):
    x, y = data()
    model = pf.Sequential([layers.Input((3,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    loss, acc = model.evaluate(x, y, batch_size=4, verbose=verbose)
    out = capsys.readouterr().out
    assert f"loss: {loss:.4f}" in out and f"accuracy: {acc:.4f}" in out
    if verbose == 1:
        assert "3/3" in out
    model.predict(x, batch_size=4, verbose=verbose)
    out = capsys.readouterr().out
    assert ("3/3" if verbose == 1 else "3 steps") in out
    model.predict(x, batch_size=4, verbose=0)
    assert capsys.readouterr().out == ""
