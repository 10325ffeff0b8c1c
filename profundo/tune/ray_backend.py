"""``Tuner(..., backend="ray")``: the same search, its trials run as Ray Tune trials on a cluster.

The driver (the process that calls ``search``) keeps the Optuna study, in the same storage as the
local backend: Ray's ``OptunaSearch`` asks it for each trial's hyperparameters (running
``build(hp)`` once to discover them) and tells it the results; Ray's ASHA scheduler stops trials
that are behind at an epoch (the pruner). Each trial is a Ray task with the resources it asks
(``resources_per_trial``, one CPU by default) and BLAS threads to match; the training data go once
into Ray's object store and every trial reads them from there, not a copy of its own. Each trial
saves its model whenever its objective improves (the scheduler may stop it at any epoch), to
``directory/project_name/ray_<trial id>.profundo``: on several machines, ``directory`` must be on a
file system they share.

On a cluster: ``ray start --head`` on one machine, ``ray start --address=<head>:6379`` on the
others, and run the search on any of them with ``RAY_ADDRESS=auto`` (or call ``ray.init(address=
"auto")`` first). Without a cluster, a local Ray instance is started.
"""

from __future__ import annotations

import math

from .. import backend as B
from .hyperparameters import HyperParameters
from .study import mark_owner, sampler, storage
from .trial import TrialReporter


def _ray():
    try:
        import ray
        from ray import tune
    except ImportError as e:  # pragma: no cover - the extra is missing
        raise ImportError("Tuner(backend='ray') needs Ray Tune: pip install 'profundo[ray]'") from e
    return ray, tune


class RayReporter(TrialReporter):
    """Saves the model when the objective improves, then reports the epoch to Ray Tune."""

    def __init__(self, tune, objective, direction, path):
        super().__init__(None, objective, direction, report=False)
        self.tune, self.path = tune, path

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        if self.diverged_at is not None:
            raise FloatingPointError(f"the loss became non-finite in epoch {epoch + 1}")
        if self.best_epoch == epoch:
            self.model.save(self.path, include_optimizer=False)
        if self.best is not None:
            self.tune.report(
                {
                    self.monitor: self.best,
                    "epochs": epoch + 1,
                    "model": str(self.path),
                    "curve": list(self.curve),
                }
            )


def _trainable(config, fit_args=None, callbacks=(), tuner=None, threads=1):
    """One trial in a Ray worker. An error ends it with a last report (objective NaN, the error's
    message), which the searcher records as a failed trial."""
    import copy

    _, tune = _ray()
    B.set_num_threads(threads)
    path = tuner.folder.resolve() / f"ray_{tune.get_context().get_trial_id()}.profundo"
    reporter = RayReporter(tune, tuner.objective, tuner.direction, path)
    try:
        model = tuner.build(HyperParameters(values=config))
        model.fit(**fit_args, callbacks=[*copy.deepcopy(list(callbacks)), reporter])
        if reporter.best is None:
            raise FloatingPointError(f"no epoch gave a finite {tuner.objective} ({reporter.curve})")
    except Exception as e:  # noqa: BLE001 - any error of the user's code fails the trial, recorded
        tune.report(
            {
                tuner.objective: math.nan,
                "epochs": len(reporter.curve),
                "error": f"{type(e).__name__}: {e}",
            }
        )


def _searcher_class():
    """Ray's OptunaSearch, which also writes what the trial reported last (model file, epochs,
    curve, error, seconds) onto the Optuna trial before telling its result."""
    from ray.tune.search.optuna import OptunaSearch

    class Search(OptunaSearch):
        def on_trial_complete(self, trial_id, result=None, error=False):
            trial = self._ot_trials.get(trial_id)
            if trial is not None and result:
                for key in ("model", "epochs", "curve", "error"):
                    if result.get(key) is not None:
                        trial.set_user_attr(key, result[key])
                trial.set_user_attr("seconds", round(result.get("time_total_s", 0.0), 3))
            if result and result.get("error"):  # told as failed, not as a NaN value
                result, error = None, True
            super().on_trial_complete(trial_id, result, error)

    return Search


class _Space:
    """The define-by-run space for Ray's OptunaSearch: build the model once to see what it asks
    (a class, not a closure, since Ray pickles its searcher)."""

    def __init__(self, build):
        self.build = build

    def __call__(self, trial):
        mark_owner(trial)
        try:
            self.build(HyperParameters(trial=trial))
        except Exception:  # noqa: BLE001, S110 - it raises again in its worker, recorded as failed
            pass


def search(tuner, study, remaining: int, fit_args: dict, callbacks, verbose) -> None:
    ray, tune = _ray()
    from ray.tune.schedulers import ASHAScheduler

    if not ray.is_initialized():
        ray.init(log_to_driver=bool(verbose))
    mode = "min" if tuner.direction == "minimize" else "max"

    searcher = _searcher_class()(
        space=_Space(tuner.build),
        metric=tuner.objective,
        mode=mode,
        sampler=sampler(tuner.strategy, tuner.seed),
        study_name=tuner.project_name,
        storage=storage(tuner.storage),
    )
    scheduler = None
    if tuner.pruner is not None:
        scheduler = ASHAScheduler(
            time_attr="epochs", max_t=fit_args.get("epochs", 1), grace_period=1
        )
    cpus = tuner.resources_per_trial.get("cpu", 1)
    trainable = tune.with_resources(
        tune.with_parameters(
            _trainable,
            fit_args=fit_args,
            callbacks=list(callbacks),
            tuner=tuner,
            threads=max(1, int(cpus)),
        ),
        tuner.resources_per_trial,
    )
    ray_tuner = tune.Tuner(
        trainable,
        tune_config=tune.TuneConfig(
            search_alg=searcher,
            scheduler=scheduler,
            num_samples=remaining,
            metric=tuner.objective,
            mode=mode,
        ),
        run_config=tune.RunConfig(
            name=tuner.project_name,
            verbose=1 if verbose else 0,
            storage_path=str((tuner.folder / "ray").resolve()),
        ),
    )
    ray_tuner.fit()
