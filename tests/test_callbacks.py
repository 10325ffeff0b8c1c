"""Callbacks: each one's documented behaviour."""

import csv

import numpy as np
import pytest

import profundo as pf
from profundo import callbacks, layers, optimizers


def data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype(np.float32)
    y = (x @ rng.normal(size=5) > 0).astype(int)
    return x, y


def make_model(lr=0.05):
    model = pf.Sequential(
        [
            layers.Input((5,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(lr), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_history_records_every_epoch():
    x, y = data()
    h = make_model().fit(x, y, epochs=3, verbose=0, validation_split=0.25)
    assert h.epoch == [0, 1, 2]
    assert set(h.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_early_stopping_restores_the_best_weights():
    x, y = data()
    model = make_model()
    snapshots, val = [], iter([0.9, 0.5, 0.6, 0.7, 0.8, 0.9])

    class FakeVal(callbacks.Callback):  # a validation curve with its best at epoch 2
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = next(val)
            snapshots.append(self.model.get_weights())

    stop = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    h = model.fit(x, y, epochs=6, verbose=0, callbacks=[FakeVal(), stop])
    assert len(h.epoch) == 4 and stop.stopped_epoch == 3
    for a, b in zip(model.get_weights(), snapshots[1]):
        assert np.array_equal(a, b)


def test_model_checkpoint_writes_only_improvements(tmp_path):
    x, y = data()
    values = iter([0.5, 0.7, 0.4, 0.45])

    class FakeVal(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = next(values)

    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.profundo")
    make_model().fit(
        x,
        y,
        epochs=4,
        verbose=0,
        callbacks=[FakeVal(), callbacks.ModelCheckpoint(pattern, save_best_only=True)],
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ckpt-01-0.50.profundo",
        "ckpt-03-0.40.profundo",
    ]
    loaded = pf.models.load_model(tmp_path / "ckpt-03-0.40.profundo")
    assert loaded.predict(x).shape == (96, 1)
    make_model().fit(
        x,
        y,
        epochs=1,
        verbose=0,
        callbacks=[
            callbacks.ModelCheckpoint(
                tmp_path / "w.safetensors", save_weights_only=True, monitor="loss"
            )
        ],
    )
    assert (tmp_path / "w.safetensors").exists()


def test_model_checkpoint_save_freq_counts_batches_across_epochs_as_keras(tmp_path):
    """96 samples in batches of 40: 3 batches an epoch; save_freq=2 saves after the 2nd batch of
    epoch 1 and the 1st and 3rd of epoch 2 (the names real Keras 3 writes for the same run), each
    file holding the weights of that moment."""
    x, y = data()
    model = make_model()
    seen = {}
    snapshot = callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.setdefault(len(seen) + 1, model.get_weights())
    )
    model.fit(
        x,
        y,
        batch_size=40,
        epochs=2,
        verbose=0,
        shuffle=False,
        callbacks=[
            callbacks.ModelCheckpoint(str(tmp_path / "c-{epoch}-{batch}.profundo"), save_freq=2),
            snapshot,
        ],
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "c-1-2.profundo",
        "c-2-1.profundo",
        "c-2-3.profundo",
    ]
    for name, step in (("c-1-2", 2), ("c-2-1", 4), ("c-2-3", 6)):
        saved = pf.models.load_model(tmp_path / f"{name}.profundo").get_weights()
        for a, b in zip(saved, seen[step]):
            np.testing.assert_array_equal(a, b)
    for bad in (0, -1, 1.5, True, "batch"):
        with pytest.raises(
            ValueError, match="ModelCheckpoint: save_freq must be 'epoch' or a positive int"
        ):
            callbacks.ModelCheckpoint("x.profundo", save_freq=bad)


def test_learning_rate_scheduler_and_reduce_on_plateau():
    x, y = data()
    model = make_model(0.1)
    h = model.fit(
        x,
        y,
        epochs=3,
        verbose=0,
        callbacks=[callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 * 0.5**epoch)],
    )
    assert h.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.025])
    model = make_model(0.1)
    flat = iter([1.0, 1.0, 1.0, 1.0, 1.0])

    class Flat(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = next(flat)

    model.fit(
        x,
        y,
        epochs=5,
        verbose=0,
        callbacks=[Flat(), callbacks.ReduceLROnPlateau(factor=0.5, patience=2, min_lr=0.02)],
    )
    assert model.optimizer.learning_rate == pytest.approx(0.025)


def test_csv_logger_appends_when_resuming(tmp_path):
    x, y = data()
    path = tmp_path / "log.csv"
    model = make_model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    model.fit(
        x,
        y,
        epochs=4,
        initial_epoch=2,
        verbose=0,
        callbacks=[callbacks.CSVLogger(path, append=True)],
    )
    rows = list(csv.reader(open(path)))
    assert rows[0] == ["epoch", "accuracy", "loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2", "3"]


def test_terminate_on_nan_says_where(capsys):
    x, y = data()
    x[40] = np.nan
    model = make_model()
    with pytest.warns(RuntimeWarning):
        h = model.fit(
            x,
            y,
            epochs=3,
            batch_size=32,
            shuffle=False,
            verbose=0,
            callbacks=[callbacks.TerminateOnNaN()],
        )
    assert "invalid loss nan at epoch 1, batch 2" in capsys.readouterr().out
    assert len(h.epoch) == 1


def test_lambda_callback_and_bad_hooks():
    x, y = data()
    seen = []
    make_model().fit(
        x,
        y,
        epochs=2,
        verbose=0,
        callbacks=[callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))],
    )
    assert seen == [0, 1]
    with pytest.raises(TypeError, match="unknown hooks"):
        callbacks.LambdaCallback(on_epoch_finish=print)


class Crash(callbacks.Callback):
    """Raises once, mid-epoch, to simulate an interrupted run."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise KeyboardInterrupt("simulated crash")


def test_backup_and_restore_resumes_to_the_same_weights(tmp_path):
    x, y = data()
    layers_dropout = lambda: pf.Sequential(
        [
            layers.Input((5,)),
            layers.Dense(8, activation="relu"),
            layers.Dropout(0.3),
            layers.Dense(1, activation="sigmoid"),
        ]
    )

    def fresh():
        pf.manual_seed(7)
        model = layers_dropout()
        model.compile(optimizer=optimizers.Adam(0.05), loss="binary_crossentropy")
        return model

    reference = fresh()
    reference.fit(x, y, epochs=4, batch_size=16, verbose=0)

    backup = tmp_path / "backup"
    model = fresh()
    with pytest.raises(KeyboardInterrupt):
        model.fit(
            x,
            y,
            epochs=4,
            batch_size=16,
            verbose=0,
            callbacks=[callbacks.BackupAndRestore(backup), Crash(epoch=2, batch=3)],
        )
    assert (backup / "latest.profundo").exists()
    resumed = fresh()  # a new process would start like this
    h = resumed.fit(
        x, y, epochs=4, batch_size=16, verbose=0, callbacks=[callbacks.BackupAndRestore(backup)]
    )
    assert h.epoch == [2, 3]
    for a, b in zip(reference.get_weights(), resumed.get_weights()):
        assert np.array_equal(a, b)
    assert not backup.exists()


@pytest.mark.parametrize("send_as_json", [False, True])
def test_remote_monitor_posts_each_epoch_as_keras_does(send_as_json):
    import http.server
    import json
    import threading
    import urllib.parse

    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append(
                (self.path, self.headers["Content-Type"], self.headers.get("X-Run"), body)
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        x, y = data()
        monitor = callbacks.RemoteMonitor(
            f"http://127.0.0.1:{server.server_port}",
            headers={"X-Run": "r1"},
            send_as_json=send_as_json,
        )
        history = make_model().fit(x, y, epochs=2, verbose=0, callbacks=[monitor])
    finally:
        server.shutdown()
        server.server_close()
    assert [r[0] for r in received] == ["/publish/epoch/end/"] * 2
    assert {r[2] for r in received} == {"r1"}
    for epoch, (_, kind, _, body) in enumerate(received):
        if send_as_json:
            assert kind == "application/json"
            sent = json.loads(body)
        else:
            assert kind == "application/x-www-form-urlencoded"
            sent = json.loads(urllib.parse.parse_qs(body)["data"][0])
        assert sent["epoch"] == epoch
        assert sent["loss"] == pytest.approx(history.history["loss"][epoch])


def test_remote_monitor_warns_when_the_server_is_away():
    x, y = data()
    monitor = callbacks.RemoteMonitor("http://127.0.0.1:9", timeout=2)  # the discard port: closed
    with pytest.warns(RuntimeWarning, match="RemoteMonitor: could not reach the server"):
        make_model().fit(x, y, epochs=1, verbose=0, callbacks=[monitor])
    with pytest.raises(ValueError, match="RemoteMonitor: root must be an http"):
        callbacks.RemoteMonitor("localhost:9000")
