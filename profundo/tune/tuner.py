"""``Tuner``: hyperparameter search over models built by ``build(hp)``, on Optuna.

>>> tuner = pf.tune.Tuner(build, objective="val_accuracy", strategy="bayesian", max_trials=20,
...                       pruner="median", directory="tuning", project_name="mnist_mlp")
... # doctest: +SKIP
>>> tuner.search(x_train, y_train, validation_split=0.1, epochs=5, batch_size=128)  # doctest: +SKIP
>>> print(tuner.results())                 # one row per trial, best first  # doctest: +SKIP
>>> model = tuner.best_model()             # the best trial's model, reloaded from its file
... # doctest: +SKIP
>>> tuner.best_hyperparameters().values    # {"units": 192, "lr": 0.0021, ...}  # doctest: +SKIP

Everything lives in ``directory/project_name``: the Optuna study (``study.db``, SQLite) and one
``trial_NNNN.profundo`` per finished trial. Run the same code again and the search resumes: the
trials done are kept, a trial cut short by a crash is run again, and only the missing trials run
(raise ``max_trials`` to search further). ``storage=`` takes any Optuna storage URL instead (e.g. a
PostgreSQL or MySQL server that machines share; then give ``directory`` on a shared file system).

``n_jobs=k`` runs trials in ``k`` processes on this machine, each with ``cores // k`` BLAS threads;
the processes are forked, so they read the training arrays in place instead of copying them.
``backend="ray"`` runs the trials on a Ray cluster instead (``ray_backend.py``), each with
``resources_per_trial`` (``{"cpu": 1}`` by default).
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

from .. import backend as B
from .. import callbacks as callbacks_mod
from . import study as study_mod
from .hyperparameters import HyperParameters
from .results import Results
from .trial import ObjectiveMissing, run_trial


class Tuner:
    def __init__(
        self,
        build,
        objective="val_accuracy",
        strategy="random",
        max_trials=10,
        executions_per_trial=1,
        pruner=None,
        directory="tuning",
        project_name="search",
        storage=None,
        n_jobs=1,
        seed=None,
        backend="local",
        resources_per_trial=None,
    ):
        if not callable(build):
            raise TypeError(
                f"Tuner: build must be a function build(hp) -> model, got {type(build).__name__}"
            )
        if strategy not in study_mod.STRATEGIES:
            raise ValueError(
                f"Tuner: strategy must be one of {study_mod.STRATEGIES}, got {strategy!r}"
            )
        if pruner not in study_mod.PRUNERS:
            raise ValueError(f"Tuner: pruner must be one of {study_mod.PRUNERS}, got {pruner!r}")
        for name, value in (
            ("max_trials", max_trials),
            ("executions_per_trial", executions_per_trial),
            ("n_jobs", n_jobs),
        ):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"Tuner: {name} must be a positive int, got {value!r}")
        if backend not in ("local", "ray"):
            raise ValueError(f"Tuner: backend must be 'local' or 'ray', got {backend!r}")
        if backend == "ray" and (strategy == "grid" or executions_per_trial != 1):
            raise ValueError(
                "Tuner(backend='ray'): strategy 'random' or 'bayesian' with "
                "executions_per_trial=1 (use the local backend for grid search)"
            )
        self.backend, self.resources_per_trial = backend, dict(resources_per_trial or {"cpu": 1})
        self.build, self.strategy, self.pruner, self.seed = build, strategy, pruner, seed
        self.objective, self.direction = _objective(objective)
        self.max_trials, self.executions_per_trial, self.n_jobs = (
            max_trials,
            executions_per_trial,
            n_jobs,
        )
        self.folder = Path(directory) / project_name
        self.project_name = project_name
        self.storage = study_mod.storage_url(self.folder, storage)

    # --- searching --------------------------------------------------------------------------------
    def search(self, x=None, y=None, verbose=1, callbacks=None, **fit_kwargs):
        """Run trials until ``max_trials`` count (finished, pruned or failed); takes ``fit``'s
        arguments (``epochs``, ``batch_size``, ``validation_split``, ``validation_data``...)."""
        if "verbose" in fit_kwargs:
            raise TypeError(
                "Tuner.search: verbose= is the search's (one line per trial); fit runs quietly"
            )
        for cb in callbacks or []:
            if not isinstance(cb, callbacks_mod.Callback):
                raise TypeError(
                    f"Tuner.search: callbacks must be Callback objects, got {type(cb).__name__}"
                )
        study = self._study(fit_kwargs.get("epochs"))
        recovered = study_mod.recover_interrupted(study)
        trials = study.get_trials(deepcopy=False)
        remaining = self.max_trials - len(study_mod.counted(trials))
        grid_complete = study.user_attrs.get("grid_complete", False)
        if verbose:
            done = self.max_trials - max(remaining, 0)
            print(
                f"Search {self.project_name!r}: {done} of {self.max_trials} trials done"
                + (" (every combination of the grid was tried)" if grid_complete else "")
                + (f", {recovered} interrupted trial(s) queued again" if recovered else ""),
                flush=True,
            )
        if remaining <= 0 or grid_complete:
            return self
        fit_args = {"x": x, "y": y, "verbose": 0, **fit_kwargs}
        jobs = min(self.n_jobs, remaining)
        if self.backend == "ray":
            from . import ray_backend

            ray_backend.search(self, study, remaining, fit_args, callbacks or [], verbose)
        elif jobs == 1:
            self._optimize(study, remaining, fit_args, callbacks or [], verbose)
        else:
            self._optimize_in_processes(jobs, remaining, fit_args, callbacks or [], verbose)
        errors = [
            t.user_attrs["error"]
            for t in study.get_trials(deepcopy=False)[len(trials) :]
            if t.user_attrs.get("error", "").startswith(ObjectiveMissing.__name__)
        ]
        if errors:
            raise ValueError(errors[-1].split(": ", 1)[1])
        return self

    def _study(self, max_epochs=None, seed=None):
        return study_mod.open_study(
            self.storage,
            self.project_name,
            self.direction,
            self.strategy,
            self.pruner,
            self.seed if seed is None else seed,
            max_epochs,
        )

    def _optimize(self, study, n_trials, fit_args, callbacks, verbose):
        before = len(study.get_trials(deepcopy=False))
        study.optimize(
            lambda trial: run_trial(trial, self, fit_args, callbacks),
            n_trials=n_trials,
            catch=(Exception,),
            callbacks=[_Printer(self)] if verbose else [],
        )
        if self.strategy == "grid" and len(study.get_trials(deepcopy=False)) - before < n_trials:
            study.set_user_attr("grid_complete", True)  # the sampler stopped: nothing left to try

    def _optimize_in_processes(self, jobs, n_trials, fit_args, callbacks, verbose):
        threads = max(1, B.available_cores() // jobs)
        context = multiprocessing.get_context("fork")  # the data are shared, not pickled
        shares = [n_trials // jobs + (k < n_trials % jobs) for k in range(jobs)]
        processes = [
            context.Process(
                target=self._worker, args=(n, threads, fit_args, callbacks, verbose, k), daemon=True
            )
            for k, n in enumerate(shares)
        ]
        for p in processes:
            p.start()
        for p in processes:
            p.join()
        failed = [p.exitcode for p in processes if p.exitcode != 0]
        if failed:
            raise RuntimeError(
                f"Tuner.search: {len(failed)} of {jobs} worker processes ended with "
                f"exit codes {failed}; the trials they finished are kept in the study"
            )

    def _worker(self, n_trials, threads, fit_args, callbacks, verbose, k):
        B.set_num_threads(threads)
        seed = None if self.seed is None else self.seed + 1 + k  # each process its own draws
        if seed is not None:
            B.manual_seed(seed)
        self._optimize(
            self._study(fit_args.get("epochs"), seed), n_trials, fit_args, callbacks, verbose
        )

    # --- what the search found --------------------------------------------------------------------
    def trials(self):
        """Optuna's record of every trial (``optuna.trial.FrozenTrial``), in order."""
        return self._study().get_trials()

    def results(self) -> Results:
        """One row per trial, best first: its number, state, value, hyperparameters, epochs run and
        seconds; printable as a table, ``.to_pandas()`` with pandas installed."""
        return Results(self.trials(), self.objective, self.direction)

    def _best_trial(self):
        study = self._study()
        try:
            return study.best_trial
        except ValueError:
            raise RuntimeError(
                f"Tuner: no trial of {self.project_name!r} has finished yet; run search() first"
            ) from None

    def best_hyperparameters(self) -> HyperParameters:
        """The best trial's values; ``build(tuner.best_hyperparameters())`` rebuilds its model."""
        return HyperParameters(values=self._best_trial().params)

    def best_model(self):
        """The best trial's model (at its best epoch), reloaded from the file saved after it."""
        from ..io.saving import load_model

        trial = self._best_trial()
        return load_model(trial.user_attrs.get("model") or self.model_path(trial.number))

    def model_path(self, number: int) -> Path:
        return self.folder / f"trial_{number:04d}.profundo"

    def plot(self, path=None):
        """The optimization history (each trial's value and the best so far) and the parameters'
        importances (Optuna's evaluator); a matplotlib figure, saved to ``path`` if given."""
        return self.results().plot(path, study=self._study())


def _objective(objective):
    """``"val_accuracy"`` (direction guessed as ``EarlyStopping(mode="auto")`` does) or
    ``("val_loss", "min")``."""
    if isinstance(objective, str):
        mode = callbacks_mod._Monitor(objective, "auto", 0.0).mode
        return objective, "minimize" if mode == "min" else "maximize"
    if (
        isinstance(objective, (tuple, list))
        and len(objective) == 2
        and objective[1] in ("min", "max")
    ):
        return objective[0], "minimize" if objective[1] == "min" else "maximize"
    raise ValueError(
        f"Tuner: objective must be a metric name such as 'val_accuracy' or a pair "
        f"('val_loss', 'min'), got {objective!r}"
    )


class _Printer:
    """One line per finished trial."""

    def __init__(self, tuner):
        self.tuner = tuner

    def __call__(self, study, trial):
        values = ", ".join(f"{k}={_short(v)}" for k, v in trial.params.items())
        state = trial.state.name.lower()
        if state == "complete":
            what = f"{self.tuner.objective} {trial.value:.4f}"
        elif state == "pruned":
            what = f"pruned after epoch {trial.user_attrs.get('epochs', '?')}"
        else:
            what = f"failed: {trial.user_attrs.get('error', 'no value')}"
        try:
            best = f" (best {study.best_value:.4f})"
        except ValueError:
            best = ""
        print(f"Trial {trial.number}: {values} -> {what}{best}", file=sys.stdout, flush=True)


def _short(v):
    return f"{v:.3g}" if isinstance(v, float) else repr(v) if isinstance(v, str) else str(v)
