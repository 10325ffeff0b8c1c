"""Callbacks: code that ``fit``, ``evaluate`` and ``predict`` run at Keras' hooks.

>>> model.fit(x, y, epochs=50, validation_split=0.1, callbacks=[
...     callbacks.EarlyStopping(patience=3, restore_best_weights=True),
...     callbacks.ModelCheckpoint("best.profundo", save_best_only=True),
...     callbacks.BackupAndRestore("backup/"),      # an interrupted fit resumes where it stopped
... ])
... # doctest: +SKIP

A callback overrides any of the hooks, called where Keras 3 calls them:

- ``fit``: ``on_train_begin``; per epoch ``on_epoch_begin(epoch)``, per batch
  ``on_train_batch_begin/end(batch, logs)`` (``on_batch_begin/end`` are aliases for them), then the
  validation as an ``evaluate`` with the same callbacks, then ``on_epoch_end(epoch, logs)``;
  ``on_train_end(logs)`` with the last epoch's logs;
- ``evaluate`` (and ``fit``'s validation): ``on_test_begin``, ``on_test_batch_begin/end(batch,
  logs)``, ``on_test_end(logs)``;
- ``predict``: ``on_predict_begin``, ``on_predict_batch_begin/end(batch, logs)`` — there ``logs``
  is ``{"outputs": the batch's outputs}`` —, ``on_predict_end``.

``logs`` is always a dict (empty at the ``begin`` hooks) mapping names such as ``"loss"``,
``"accuracy"`` and ``"val_loss"`` to numbers. ``self.model`` is the model and ``self.params`` holds
``epochs``, ``steps`` and ``verbose``. Setting ``self.model.stop_training = True`` ends training
after the current batch (``stop_evaluating`` and ``stop_predicting`` do the same for ``evaluate``
and ``predict``).
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy

from . import backend as B
from .files import remove_stale_temps


class Callback:
    """Base class: every hook does nothing until overridden."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...
    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)  # the older name, as Keras keeps it

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)


#: every hook a callback may override (``on_batch_begin/end`` are reached through the train ones)
HOOKS = tuple(name for name in vars(Callback) if name.startswith("on_"))


class CallbackList:
    """The callbacks of one ``fit``, ``evaluate`` or ``predict``: the user's, then the progress bar
    (``verbose`` ≠ 0), then the History of a ``fit`` (so that what the others add to the logs is
    shown and recorded). Each hook is called on all of them with one dict of logs (``{}`` when
    the loop has none), so that what one callback adds the next ones see."""

    def __init__(
        self, callbacks, model, verbose: int, epochs: int, steps, history=None, what: str = "fit"
    ):
        callbacks = [*(callbacks or [])]
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"{what}: callbacks must be Callback objects, got {type(cb).__name__}"
                )
        self.callbacks = (
            callbacks
            + ([ProgbarLogger(verbose)] if verbose else [])
            + ([history] if history is not None else [])
        )
        params = {"epochs": epochs, "steps": steps, "verbose": verbose}
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)

    def resume_epoch(self, initial_epoch: int) -> int:
        """The epoch to start from: later than ``initial_epoch`` when a backup was restored."""
        return max(
            [initial_epoch]
            + [
                cb.restored_epoch
                for cb in self.callbacks
                if getattr(cb, "restored_epoch", None) is not None
            ]
        )

    def __getattr__(self, hook):
        if hook not in HOOKS:
            raise AttributeError(hook)

        indexed = "batch" in hook or "epoch" in hook  # (batch or epoch, logs) or (logs)

        def call_all(*args):
            index, logs = args[:indexed], args[indexed:]
            logs = logs[0] if logs and logs[0] is not None else {}
            for cb in self.callbacks:
                getattr(cb, hook)(*index, logs)

        return call_all


class History(Callback):
    """Records the logs of every epoch: ``history.history["loss"]`` is the list of epoch losses."""

    def __init__(self):
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


def _format_logs(logs) -> str:
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items() if isinstance(v, (int, float)))


class ProgbarLogger(Callback):
    """Keras' progress display, for ``fit`` (one bar per epoch), ``evaluate`` and ``predict``
    (one bar): ``verbose=1`` a live bar (tqdm) with ETA and running metrics, then every number;
    ``verbose=2`` one line at the end of each."""

    def __init__(self, verbose: int = 1):
        super().__init__()
        self.verbose = verbose
        self.bar = None
        self.in_fit = False  # fit's validation runs the test hooks: no bar of its own

    def _begin(self, title=None):
        self.start = time.perf_counter()
        if self.verbose == 1:
            from tqdm.auto import tqdm  # a widget in notebooks, text in terminals

            if title:
                print(title, flush=True)
            # a terminal that reports no size (0 × 0) would hide the bar: assume 100 × 24 there
            size = shutil.get_terminal_size((100, 24))
            self.bar = tqdm(
                total=self.params.get("steps"),
                file=sys.stdout,
                ascii=".=",
                unit="step",
                ncols=size.columns,
                nrows=size.lines,
                mininterval=0.2,
                bar_format="{n_fmt}/{total_fmt} [{bar:30}] {elapsed}<{remaining} "
                "{rate_fmt}{postfix}",
            )

    def _advance(self, logs):
        if self.bar is not None:
            self.bar.set_postfix_str(_format_logs(logs), refresh=False)
            self.bar.update(1)

    def _end(self, logs, title):
        seconds = time.perf_counter() - self.start
        numbers = _format_logs(logs)
        if self.bar is not None:
            self.bar.set_postfix_str("", refresh=False)
            self.bar.close()  # the bar's line keeps counts and time; then every number:
            self.bar = None
            if numbers:
                print(f"  {numbers}", flush=True)
        elif self.verbose == 2:
            print(" - ".join(filter(None, (title, f"{seconds:.1f}s", numbers))), flush=True)

    def on_train_begin(self, logs=None):
        self.in_fit = True

    def on_train_end(self, logs=None):
        self.in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._begin(f"Epoch {epoch + 1}/{self.params['epochs']}")

    def on_train_batch_end(self, batch, logs=None):
        self._advance(logs or {})

    def on_epoch_end(self, epoch, logs=None):
        self._end(logs or {}, f"Epoch {epoch + 1}/{self.params['epochs']}")

    def on_test_begin(self, logs=None):
        if not self.in_fit:
            self._begin()

    def on_test_batch_end(self, batch, logs=None):
        if not self.in_fit:
            self._advance(logs or {})

    def on_test_end(self, logs=None):
        if not self.in_fit:
            self._end(logs or {}, f"{self.params.get('steps')} steps")

    def on_predict_begin(self, logs=None):
        self._begin()

    def on_predict_batch_end(self, batch, logs=None):
        self._advance({})

    def on_predict_end(self, logs=None):
        self._end({}, f"{self.params.get('steps')} steps")


class _Monitor(Callback):
    """Shared by the callbacks that watch a metric for improvement (EarlyStopping and friends)."""

    def __init__(self, monitor: str, mode: str, min_delta: float, baseline=None):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(
                f"{type(self).__name__}: mode must be 'auto', 'min' or 'max', got {mode!r}"
            )
        if mode == "auto":
            higher = ("acc", "auc", "precision", "recall", "f1", "iou", "r2")
            mode = "max" if any(h in monitor.lower() for h in higher) else "min"
        self.monitor, self.mode, self.min_delta = monitor, mode, abs(min_delta)
        self.baseline = baseline
        self.best = None

    def current(self, logs):
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"{type(self).__name__}: '{self.monitor}' is not in the logs "
                f"(available: {', '.join(logs or {})}); skipping",
                RuntimeWarning,
            )
        return value

    def improved(self, value) -> bool:
        """Whether ``value`` beats the best so far; NaN and ±inf (a diverged epoch) never do."""
        if not math.isfinite(value):
            return False
        reference = self.best if self.best is not None else self.baseline
        if reference is None:
            return True
        if self.mode == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta


class EarlyStopping(_Monitor):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs; with
    ``restore_best_weights`` the model ends with the weights of its best epoch."""

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0.0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta, baseline)
        self.patience, self.verbose = patience, verbose
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best, self.best_weights, self.best_epoch = (
            0,
            None,
            None,
            None,
            None,
        )

    def on_epoch_end(self, epoch, logs=None):
        value = self.current(logs)
        if value is None or epoch < self.start_from_epoch:
            return
        if self.improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch is not None and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(
                    f"Restoring the weights from the end of the best epoch: {self.best_epoch + 1}"
                )
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(_Monitor):
    """Save the model (or only its weights) after each epoch — or, with ``save_freq=N``, after
    every N training batches (counted across epochs, as in Keras); with ``save_best_only`` only
    when ``monitor`` improved. ``filepath`` may contain ``{epoch}``, ``{batch}`` (when saving by
    batch) and log names: ``"ckpt-{epoch:02d}-{val_loss:.3f}.profundo"``. Every write is atomic."""

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__(monitor, mode, 0.0, initial_value_threshold)
        if save_freq != "epoch" and not (
            isinstance(save_freq, int) and not isinstance(save_freq, bool) and save_freq > 0
        ):
            raise ValueError(
                f"ModelCheckpoint: save_freq must be 'epoch' or a positive int (a "
                f"number of batches), got {save_freq!r}"
            )
        self.filepath, self.verbose, self.save_freq = str(filepath), verbose, save_freq
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.epoch, self.batches_since_save = 0, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self.batches_since_save += 1
        if self.batches_since_save >= self.save_freq:
            self.batches_since_save = 0
            self._save(self.epoch, batch, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs or {})

    def _save(self, epoch, batch, logs):
        if self.save_best_only:
            value = self.current(logs)
            if value is None or not self.improved(value):
                return
            if self.verbose:
                print(f"Epoch {epoch + 1}: {self.monitor} improved to {value:.5f}, saving")
            self.best = value
        where = {} if batch is None else {"batch": batch + 1}
        path = self.filepath.format(**{"epoch": epoch + 1, **where, **logs})
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class LearningRateScheduler(Callback):
    """At each epoch's start set the learning rate to ``schedule(epoch, lr)``."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(self.schedule(epoch, float(self.model.optimizer.learning_rate)))
        if not math.isfinite(lr):
            raise ValueError(f"LearningRateScheduler: the schedule returned {lr} at epoch {epoch}")
        self.model.optimizer.learning_rate = lr
        if self.verbose:
            print(f"Epoch {epoch + 1}: learning rate set to {lr:.6g}")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class ReduceLROnPlateau(_Monitor):
    """Multiply the learning rate by ``factor`` when ``monitor`` stalls for ``patience`` epochs."""

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
    ):
        super().__init__(monitor, mode, min_delta)
        if not 0 < factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in (0, 1), got {factor}")
        self.factor, self.patience, self.verbose = factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr

    def on_train_begin(self, logs=None):
        self.wait, self.cooldown_left, self.best = 0, 0, None

    def on_epoch_end(self, epoch, logs=None):
        value = self.current(logs)
        if value is None:
            return
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.wait = 0
        if self.improved(value):
            self.best, self.wait = value, 0
            return
        self.wait += 1
        if self.wait >= self.patience and self.cooldown_left == 0:
            old = float(self.model.optimizer.learning_rate)
            new = max(old * self.factor, self.min_lr)
            if new < old:
                self.model.optimizer.learning_rate = new
                if self.verbose:
                    print(
                        f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new:.6g}"
                    )
            self.cooldown_left, self.wait = self.cooldown, 0


class CSVLogger(Callback):
    """Append each epoch's logs as a row of a CSV file (``append=True`` continues an old file,
    so a resumed run keeps one log)."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.separator, self.append = str(filename), separator, append
        self.keys = None

    def on_train_begin(self, logs=None):
        path = Path(self.filename)
        resuming = self.append and path.exists() and path.stat().st_size > 0
        self.keys = None
        if resuming:
            with open(path, newline="") as f:
                header = next(csv.reader(f, delimiter=self.separator), None)
            self.keys = header[1:] if header else None
        self.file = open(path, "a" if resuming else "w", newline="")
        self.writer = csv.writer(self.file, delimiter=self.separator)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            self.writer.writerow(["epoch", *self.keys])
        self.writer.writerow([epoch, *(logs.get(k, "") for k in self.keys)])
        self.file.flush()

    def on_train_end(self, logs=None):
        self.file.close()


class TerminateOnNaN(Callback):
    """Stop training as soon as the loss is NaN or infinite, saying at which epoch and batch."""

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(
                f"TerminateOnNaN: invalid loss {loss} at epoch {self.epoch + 1}, "
                f"batch {batch + 1}; terminating training"
            )
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback from plain functions, for any hook: ``LambdaCallback(on_epoch_end=lambda epoch,
    logs: ...)``."""

    def __init__(self, **hooks):
        super().__init__()
        unknown = set(hooks) - set(HOOKS)
        if unknown:
            raise TypeError(f"LambdaCallback: unknown hooks {sorted(unknown)}; known: {HOOKS}")
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)


class SwapEMAWeights(Callback):
    """Evaluate and predict with the moving averages of the weights that an optimizer built with
    ``use_ema=True`` keeps: before ``evaluate``/``predict`` (and ``fit``'s validation) the model's
    trainable weights and their averages trade places, after it they trade back. With
    ``swap_on_epoch=True`` the averages are also in the model from each epoch's end to the next
    epoch's start, so that callbacks after this one (``ModelCheckpoint``) save them.

    >>> model.compile(optimizer=optimizers.SGD(0.1, use_ema=True), loss="mse")  # doctest: +SKIP
    >>> model.fit(x, y, validation_data=(vx, vy), callbacks=[callbacks.SwapEMAWeights()])
    ... # doctest: +SKIP
    """

    def __init__(self, swap_on_epoch: bool = False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self.averages_in_model = False

    def _pairs(self) -> list:
        optimizer = self.model.optimizer
        if not getattr(optimizer, "use_ema", False):
            raise ValueError(
                f"SwapEMAWeights: the model's optimizer "
                f"({type(optimizer).__name__}) keeps no moving averages of the "
                f"weights; build it with use_ema=True, e.g. "
                f"optimizers.Adam(1e-3, use_ema=True)"
            )
        return optimizer.moving_averages()

    def _swap(self, to_averages: bool) -> None:
        if self.averages_in_model == to_averages:
            return
        for param, average in self._pairs():
            kept = param.data.copy()
            param.data[...] = average
            average[...] = kept
        self.averages_in_model = to_averages

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._swap(False)

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._swap(True)
            if epoch == self.params["epochs"] - 1:
                # fit ends by putting the averages in the model: let them be what is there now
                for param, average in self._pairs():
                    average[...] = param.data

    def on_test_begin(self, logs=None):
        self._swap(True)

    def on_test_end(self, logs=None):
        self._swap(False)

    def on_predict_begin(self, logs=None):
        self._swap(True)

    def on_predict_end(self, logs=None):
        self._swap(False)


class RemoteMonitor(Callback):
    """Send each epoch's logs to a server, as Keras does: an HTTP POST to ``root + path`` of
    ``{"epoch": epoch, **logs}`` as JSON — in the form field ``field`` (``data=<json>``), or as
    the request body with ``send_as_json=True``. A server that cannot be reached gets a warning,
    never a failed fit; each POST waits at most ``timeout`` seconds (profundo's addition).
    Standard library only (``urllib``)."""

    def __init__(
        self,
        root="http://localhost:9000",
        path="/publish/epoch/end/",
        field="data",
        headers=None,
        send_as_json=False,
        timeout: float = 5.0,
    ):
        super().__init__()
        if not str(root).startswith(("http://", "https://")):
            raise ValueError(
                f"RemoteMonitor: root must be an http:// or https:// URL, got {root!r}"
            )
        self.root, self.path, self.field = str(root), path, field
        self.headers, self.send_as_json, self.timeout = dict(headers or {}), send_as_json, timeout

    def on_epoch_end(self, epoch, logs=None):
        import urllib.error
        import urllib.parse
        import urllib.request

        send = {
            "epoch": epoch,
            **{
                k: v.item() if isinstance(v, (numpy.ndarray, numpy.generic)) else v
                for k, v in (logs or {}).items()
            },
        }
        if self.send_as_json:
            body, kind = json.dumps(send).encode(), "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode()
            kind = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.root + self.path,
            data=body,
            method="POST",
            headers={"Content-Type": kind, **self.headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):
                pass
        except (urllib.error.URLError, OSError) as err:
            warnings.warn(
                f"RemoteMonitor: could not reach the server at {self.root} ({err})",
                RuntimeWarning,
                stacklevel=2,
            )


class BackupAndRestore(Callback):
    """Survive interruptions: at each epoch's end save model, optimizer state, random generator
    state and epoch number to ``backup_dir``; a later ``fit`` with the same callback restores them
    and continues from the next epoch, ending with the same weights as an uninterrupted run.

    When training completes the backup is deleted (``delete_checkpoint=True``): only the files
    this callback wrote, and the folder only if this callback created it (a marker file inside
    records that) and nothing else is left in it. A folder that already holds other files is
    refused unless ``allow_other_files=True`` — those files are never touched."""

    ARCHIVE = "latest.profundo"  # one atomic file holds everything
    MARKER = ".profundo-backup"  # present when this callback created the folder

    def __init__(self, backup_dir, delete_checkpoint=True, allow_other_files=False):
        super().__init__()
        self.backup_dir = Path(backup_dir)
        self.delete_checkpoint, self.allow_other_files = delete_checkpoint, allow_other_files
        self.restored_epoch = None
        self.archive = self.backup_dir / self.ARCHIVE
        self.marker = self.backup_dir / self.MARKER

    def _check_folder(self) -> None:
        if self.allow_other_files or not self.backup_dir.is_dir():
            return
        ours = (self.ARCHIVE, self.MARKER)
        others = sorted(
            p.name
            for p in self.backup_dir.iterdir()
            if p.name not in ours and not p.name.startswith(f".{self.ARCHIVE}.")
        )
        if others:
            listed = ", ".join(others[:5]) + (
                f" and {len(others) - 5} more" if len(others) > 5 else ""
            )
            raise ValueError(
                f"BackupAndRestore: the folder {self.backup_dir} already holds files "
                f"it did not write ({listed}); give it a folder of its own, e.g. "
                f"'{self.backup_dir / 'backup'}', or pass allow_other_files=True "
                f"(they are never deleted)"
            )

    def set_model(self, model) -> None:
        super().set_model(model)
        self._check_folder()
        self.restored_epoch = None
        if self.archive.exists():
            progress = self.model.load_state(self.archive)
            B.set_rng_state(progress["rng_state"])
            self.restored_epoch = progress["epoch"] + 1

    def on_epoch_end(self, epoch, logs=None):
        if not self.backup_dir.exists():
            self.backup_dir.mkdir(parents=True)
            self.marker.touch()
        self.model.save(
            self.archive, training_state={"epoch": epoch, "rng_state": B.get_rng_state()}
        )

    def on_train_end(self, logs=None):
        if not self.delete_checkpoint:
            return
        self.archive.unlink(missing_ok=True)
        remove_stale_temps(self.archive)
        if self.marker.is_file():
            self.marker.unlink()
            with contextlib.suppress(OSError):  # not empty: someone else's files stay
                self.backup_dir.rmdir()


class TensorBoard(Callback):
    """Logs for TensorBoard (``tensorboard --logdir logs``), as Keras writes them: in
    ``log_dir/train`` the training loss and metrics (``epoch_loss``, ``epoch_accuracy``...) and the
    learning rate after every epoch, in ``log_dir/validation`` the validation ones; every
    ``update_freq`` batches (an int, or "batch" for each) also ``batch_loss``... at the global
    step; with ``histogram_freq`` = n, a histogram of every weight every n epochs
    (``dense/kernel/histogram``), with ``write_images`` each weight as an image (a convolution's
    kernels one image per filter); with ``write_graph`` the model's layers as a graph (one node
    per layer, with its type and output shape, edges along the data); with
    ``write_steps_per_second`` the training speed per epoch; ``hparams`` (a dict: hyperparameters
    of the run, profundo's addition) with the final metrics in the HPARAMS tab. Keras'
    ``profile_batch`` and ``embeddings_freq`` must stay 0.

    >>> model.fit(x, y, epochs=10, validation_split=0.1,
    ...           callbacks=[callbacks.TensorBoard("logs/run1", histogram_freq=1)])
    ... # doctest: +SKIP

    Written by tensorboardX (``pip install 'profundo[viz]'``).
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq: int = 0,
        embeddings_metadata=None,
        hparams=None,
    ):
        super().__init__()
        if profile_batch or embeddings_freq:
            raise NotImplementedError(
                "TensorBoard: profile_batch and embeddings_freq are not "
                "supported; leave them at 0 (profile with py-spy or "
                "pyinstrument; see pf.viz.plot_embedding for embeddings)"
            )
        if update_freq not in ("epoch", "batch") and not (
            isinstance(update_freq, int) and update_freq > 0
        ):
            raise ValueError(
                f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive int, "
                f"got {update_freq!r}"
            )
        if not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(
                f"TensorBoard: histogram_freq must be an int ≥ 0, got {histogram_freq!r}"
            )
        self.log_dir = Path(log_dir)
        self.histogram_freq, self.write_graph, self.write_images = (
            histogram_freq,
            write_graph,
            write_images,
        )
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.hparams = dict(hparams or {})
        self.write_steps_per_second = write_steps_per_second
        self.step = 0
        self.writers: dict = {}

    def writer(self, run: str):
        if run not in self.writers:
            try:
                from tensorboardX import SummaryWriter
            except ImportError:  # pragma: no cover - depends on the installation
                raise ImportError(
                    "TensorBoard writes with tensorboardX: pip install 'profundo[viz]'"
                ) from None
            self.writers[run] = SummaryWriter(str(self.log_dir / run))
        return self.writers[run]

    def on_train_begin(self, logs=None):
        if self.write_graph:
            self.writer("train").file_writer.add_onnx_graph(_layer_graph(self.model))

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.update_freq != "epoch" and self.step % self.update_freq == 0:
            for k, v in (logs or {}).items():
                self.writer("train").add_scalar(f"batch_{k}", v, self.step)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_start, self.epoch_first_step = time.perf_counter(), self.step

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        if self.write_steps_per_second:
            seconds = time.perf_counter() - self.epoch_start
            logs["steps_per_second"] = (self.step - self.epoch_first_step) / max(seconds, 1e-9)
        if "learning_rate" not in logs and self.model.optimizer is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        for k, v in logs.items():
            run, name = ("validation", k[4:]) if k.startswith("val_") else ("train", k)
            self.writer(run).add_scalar(f"epoch_{name}", v, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        self.final = logs
        for writer in self.writers.values():
            writer.flush()

    def _log_weights(self, epoch):
        train = self.writer("train")
        for w in self.model.weights:
            values = w.numpy()
            train.add_histogram(f"{w.name}/histogram", values, epoch)
            if self.write_images and values.ndim in (2, 4):
                train.add_images(
                    f"{w.name}/image", _weight_images(values), epoch, dataformats="NHWC"
                )

    def on_train_end(self, logs=None):
        if self.hparams:
            metrics = {f"hparam/{k}": float(v) for k, v in getattr(self, "final", {}).items()}
            self.writer("train").add_hparams(self.hparams, metrics, name="hparams")
        for writer in self.writers.values():
            writer.close()
        self.writers = {}


def _weight_images(values):
    """A weight matrix as one grey image, a kernel (kh, kw, in, out) as one image per filter
    (colour for 3 input channels, else the mean over them); scaled to [0, 1]."""
    if values.ndim == 2:
        images = values[None, :, :, None]
    else:
        kernels = values if values.shape[2] == 3 else values.mean(2, keepdims=True)
        images = kernels.transpose(3, 0, 1, 2)
    span = images.max() - images.min()
    return (images - images.min()) / span if span > 0 else numpy.zeros_like(images)


def _layer_graph(model):
    """The model's layers as a TensorBoard graph: one node per layer call (op: the layer's type,
    its output shape), its inputs the layers that feed it."""
    from tensorboardX.proto.attr_value_pb2 import AttrValue
    from tensorboardX.proto.graph_pb2 import GraphDef
    from tensorboardX.proto.node_def_pb2 import NodeDef
    from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboardX.proto.versions_pb2 import VersionDef

    from .layers.nest import flatten
    from .models.model import Model

    def shape_attr(outputs):
        shapes = [
            TensorShapeProto(
                dim=[TensorShapeProto.Dim(size=-1 if n is None else n) for n in t.shape]
            )
            for t in flatten(outputs)
        ]
        return {"_output_shapes": AttrValue(list=AttrValue.ListValue(shape=shapes))}

    inputs = getattr(model, "inputs", None)
    if not inputs:  # a subclassed model: its layers, unconnected
        nodes = [NodeDef(name=layer.name, op=type(layer).__name__) for layer in model.layers]
    else:
        names, nodes = {}, []
        for node in Model(inputs, model.outputs)._nodes:
            name = (
                node.layer.name
                if node.layer.name not in {n.name for n in nodes}
                else f"{node.layer.name}_{len(nodes)}"
            )
            for t in flatten(node.outputs):
                names[id(t)] = name
            parents = (
                [names[id(t)] for t in flatten(node.inputs)] if node.inputs is not None else []
            )
            nodes.append(
                NodeDef(
                    name=name,
                    op=type(node.layer).__name__,
                    input=parents,
                    attr=shape_attr(node.outputs),
                )
            )
    return GraphDef(node=nodes, versions=VersionDef(producer=22))


__all__ = [
    "Callback",
    "CallbackList",
    "History",
    "ProgbarLogger",
    "EarlyStopping",
    "ModelCheckpoint",
    "LearningRateScheduler",
    "ReduceLROnPlateau",
    "CSVLogger",
    "TerminateOnNaN",
    "LambdaCallback",
    "BackupAndRestore",
    "TensorBoard",
    "SwapEMAWeights",
    "RemoteMonitor",
]
