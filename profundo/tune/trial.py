"""One trial: build the model from the trial's hyperparameters, ``fit`` it, report each epoch's
objective to Optuna (which may prune the trial), keep the best epoch's weights and save the model.

The trial's value is its best epoch's objective (averaged over ``executions_per_trial`` fits of
fresh models, which smooths out the luck of initialization).
"""

from __future__ import annotations

import copy
import math
import time

from .. import callbacks as callbacks_mod
from .hyperparameters import HyperParameters
from .study import mark_owner, optuna


class ObjectiveMissing(KeyError):
    """The objective is not among the logs ``fit`` produced."""


class TrialReporter(callbacks_mod._Monitor):
    """Reports the objective after each epoch to the trial; keeps the best epoch's weights."""

    def __init__(self, trial, objective: str, direction: str, report: bool):
        super().__init__(objective, "min" if direction == "minimize" else "max", 0.0)
        self.trial, self.report = trial, report
        self.curve: list = []
        self.best_weights, self.pruned_at, self.diverged_at = None, None, None
        self.best_epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if not math.isfinite((logs or {}).get("loss", 0.0)):  # fit stops: the loss is NaN or inf
            self.diverged_at = self.epoch

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.diverged_at is not None:
            return
        if self.monitor not in logs:
            self.model.stop_training = True
            raise ObjectiveMissing(
                f"Tuner: the objective {self.monitor!r} is not in the logs of fit "
                f"({', '.join(logs)}); compile with that metric and give validation data "
                f"(validation_split= or validation_data=) for a val_ objective"
            )
        value = float(logs[self.monitor])
        self.curve.append(value)
        if math.isfinite(value) and self.improved(value):
            self.best, self.best_epoch, self.best_weights = value, epoch, self.model.get_weights()
        if self.report and math.isfinite(value):
            self.trial.report(value, epoch)
            if self.trial.should_prune():
                self.pruned_at, self.model.stop_training = epoch, True


def _better(a, b, direction) -> bool:
    return a < b if direction == "minimize" else a > b


def run_trial(trial, tuner, fit_args: dict, callbacks) -> float:
    """The objective function handed to ``study.optimize``."""
    mark_owner(trial)
    start = time.perf_counter()
    hp = HyperParameters(trial=trial, grid=tuner.strategy == "grid")
    values: list = []
    best_value = None
    try:
        for execution in range(tuner.executions_per_trial):
            model = tuner.build(hp)
            if getattr(model, "compiled", None) is None:
                raise TypeError(
                    "Tuner: build(hp) must return a compiled model (call model.compile "
                    f"inside build), got {type(model).__name__}"
                )
            reporter = TrialReporter(trial, tuner.objective, tuner.direction, report=execution == 0)
            model.fit(**fit_args, callbacks=[*copy.deepcopy(callbacks), reporter])
            if execution == 0:
                trial.set_user_attr("curve", reporter.curve)
            if reporter.pruned_at is not None:
                trial.set_user_attr("epochs", reporter.pruned_at + 1)
                raise optuna().TrialPruned(f"pruned after epoch {reporter.pruned_at + 1}")
            if reporter.diverged_at is not None:
                raise FloatingPointError(
                    f"the loss became non-finite in epoch {reporter.diverged_at + 1}"
                )
            if reporter.best is None:
                raise FloatingPointError(
                    f"Tuner: no epoch gave a finite {tuner.objective} "
                    f"({reporter.curve}); the trial failed"
                )
            values.append(reporter.best)
            if best_value is None or _better(reporter.best, best_value, tuner.direction):
                best_value = reporter.best
                model.set_weights(reporter.best_weights)
                path = tuner.model_path(trial.number)
                model.save(path, include_optimizer=False)
                trial.set_user_attr("model", str(path))
        trial.set_user_attr("epochs", len(reporter.curve))
        return sum(values) / len(values)
    except optuna().TrialPruned:
        raise
    except ObjectiveMissing as e:
        trial.study.stop()  # every trial would fail the same way
        trial.set_user_attr("error", f"{ObjectiveMissing.__name__}: {e.args[0]}")
        raise
    except Exception as e:
        trial.set_user_attr("error", f"{type(e).__name__}: {e}")
        raise
    finally:
        trial.set_user_attr("seconds", round(time.perf_counter() - start, 3))
