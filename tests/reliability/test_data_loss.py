"""Issue 10, items 1-4: profundo never loses a user's work nor leaves litter behind."""

import math
import os
import signal
import subprocess
import sys
import warnings

import numpy as np
import pytest

import profundo as pf
from profundo import callbacks, layers, optimizers
from profundo.files import atomic_write, remove_stale_temps, temp_path


def data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)


def model(lr=0.05):
    m = pf.Sequential(
        [
            layers.Input((4,)),
            layers.Dense(6, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    m.compile(optimizer=optimizers.Adam(lr), loss="binary_crossentropy")
    return m


# --- 1. BackupAndRestore deletes only what it wrote ------------------------------------------
def test_backup_refuses_a_folder_that_holds_other_files(tmp_path):
    (tmp_path / "thesis.tex").write_text("years of work")
    x, y = data()
    with pytest.raises(ValueError, match="thesis.tex.*allow_other_files"):
        model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.BackupAndRestore(tmp_path)])
    assert (tmp_path / "thesis.tex").read_text() == "years of work"


def test_backup_in_a_shared_folder_deletes_only_its_own_file(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    (tmp_path / "sub").mkdir()
    x, y = data()
    backup = callbacks.BackupAndRestore(tmp_path, allow_other_files=True)
    model().fit(x, y, epochs=2, verbose=0, callbacks=[backup])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "sub"]


def test_backup_in_the_working_directory_leaves_it_as_it_was(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text("print(1)")
    x, y = data()
    model().fit(
        x,
        y,
        epochs=1,
        verbose=0,
        callbacks=[callbacks.BackupAndRestore(".", allow_other_files=True)],
    )
    assert [p.name for p in tmp_path.iterdir()] == ["train.py"]


def test_backup_removes_the_folder_it_created_but_not_one_that_gained_files(tmp_path):
    x, y = data()
    created = tmp_path / "a" / "backup"
    model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.BackupAndRestore(created)])
    assert not created.exists() and (tmp_path / "a").exists()

    class AddFile(callbacks.Callback):  # the user drops a file in during training
        def on_epoch_end(self, epoch, logs=None):
            (created / "mine.txt").write_text("x")

    backup = callbacks.BackupAndRestore(created)
    model().fit(x, y, epochs=1, verbose=0, callbacks=[backup, AddFile()])
    assert [p.name for p in created.iterdir()] == ["mine.txt"]


# --- 2. a diverged epoch is never "best" ---------------------------------------------------------
def test_nan_inputs_log_a_nan_loss_not_zero():
    x, y = data()
    x[3, 0] = np.nan
    with pytest.warns(RuntimeWarning, match="loss became nan"):
        h = model().fit(x, y, epochs=2, batch_size=64, verbose=0)
    assert len(h.history["loss"]) == 1 and math.isnan(h.history["loss"][0])


def test_diverged_epoch_does_not_overwrite_the_best_checkpoint_nor_get_restored(tmp_path):
    x, y = data()
    m = model()
    best = tmp_path / "best.profundo"

    class Poison(callbacks.Callback):  # epoch 3's data turn to NaN
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                x[:] = np.nan

    stop = callbacks.EarlyStopping(monitor="loss", restore_best_weights=True, patience=5)
    ckpt = callbacks.ModelCheckpoint(best, monitor="loss", save_best_only=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        h = m.fit(
            x,
            y,
            epochs=5,
            batch_size=16,
            shuffle=False,
            verbose=0,
            callbacks=[Poison(), stop, ckpt],
        )
    assert math.isnan(h.history["loss"][-1]) and all(map(math.isfinite, h.history["loss"][:-1]))
    assert stop.best == min(h.history["loss"][:-1])
    saved = pf.models.load_model(best)
    assert all(np.isfinite(w).all() for w in saved.get_weights())
    assert all(np.isfinite(w).all() for w in m.get_weights())  # restored: the last finite best


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_value_never_improves(value):
    for mode in ("min", "max"):
        cb = callbacks.EarlyStopping(monitor="loss", mode=mode)
        cb.best = 1.0
        assert not cb.improved(value)
        cb.best = None
        assert not cb.improved(value)


# --- 3. temporary files of killed writers are recognised and removed ------------------------
def test_a_killed_writers_temp_file_is_removed_on_the_next_save(tmp_path):
    target = tmp_path / "m.profundo"
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # a pid that is surely gone now
    stale = target.with_name(f".{target.name}.{child.pid}.0123456789ab.profundo-tmp")
    stale.write_bytes(b"half a model")
    live = temp_path(target)  # this process' own: alive, kept
    live.write_bytes(b"being written")
    other = tmp_path / ".other.profundo.1.0123456789ab.profundo-tmp"
    other.write_bytes(b"another target's")
    model().save(target)
    assert not stale.exists() and live.exists() and other.exists()
    live.unlink()
    stale.write_bytes(b"again")
    pf.models.load_model(target)  # loading cleans too
    assert not stale.exists()


def test_sigkill_during_saves_leaves_the_last_file_loadable_and_no_litter(tmp_path):
    target = tmp_path / "m.profundo"
    script = (
        f"import profundo as pf, numpy as np\n"
        f"from profundo import layers\n"
        f"m = pf.Sequential([layers.Input((64,)), layers.Dense(512), layers.Dense(512)])\n"
        f"print('ready', flush=True)\n"
        f"while True: m.save({str(target)!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    for kill in range(3):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env)
        proc.stdout.readline()
        while not target.exists():
            pass
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        pf.models.load_model(target)  # the last complete save, and the litter goes
        assert [p.name for p in tmp_path.iterdir()] == ["m.profundo"]


# --- 4. the umask is honoured ----------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_honour_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        with atomic_write(tmp_path / "f.bin") as f:
            f.write(b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "f.bin").stat().st_mode & 0o777 == mode


def test_remove_stale_temps_leaves_other_files_alone(tmp_path):
    target = tmp_path / "x.profundo"
    for name in (
        ".x.profundo.tmp",
        ".x.profundo.12.abc.profundo-tmp",
        "x.profundo.999999999.0123456789ab.profundo-tmp",
    ):
        (tmp_path / name).write_bytes(b"not ours")
    assert remove_stale_temps(target) == []
    assert len(list(tmp_path.iterdir())) == 3
