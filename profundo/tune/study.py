"""The Optuna study behind a ``Tuner``: sampler, pruner, storage, and what a resumed search finds.

The study lives in a storage that outlives the process — by default the SQLite file
``directory/project_name/study.db`` — so that a search that was killed, or the same search started
again with a larger ``max_trials``, continues where it stopped. A trial that was running in a
process that no longer exists (same machine) is marked failed with ``interrupted`` set and its
hyperparameters are queued again, so that no trial is lost and none is counted twice.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

STRATEGIES = ("random", "grid", "bayesian")
PRUNERS = ("median", "hyperband", None)


def optuna():
    try:
        import optuna as module
    except ImportError as e:  # pragma: no cover - the extra is missing
        raise ImportError("profundo.tune needs Optuna: pip install 'profundo[tune]'") from e
    module.logging.set_verbosity(module.logging.WARNING)
    return module


def sampler(strategy: str, seed):
    """random: independent uniform draws; grid: every combination once (conditional spaces too);
    bayesian: the Tree-structured Parzen Estimator (TPE), which models good vs bad trials."""
    o = optuna()
    if strategy == "random":
        return o.samplers.RandomSampler(seed=seed)
    if strategy == "grid":
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", o.exceptions.ExperimentalWarning)
            return o.samplers.BruteForceSampler(seed=seed)
    if strategy == "bayesian":
        return o.samplers.TPESampler(seed=seed, n_startup_trials=5)
    raise ValueError(f"Tuner: strategy must be one of {STRATEGIES}, got {strategy!r}")


def pruner(name, max_epochs=None):
    """median: stop a trial whose objective at an epoch is worse than the median of earlier trials
    at that epoch; hyperband: successive halving over brackets of epoch budgets."""
    o = optuna()
    if name is None:
        return o.pruners.NopPruner()
    if name == "median":
        return o.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1)
    if name == "hyperband":
        return o.pruners.HyperbandPruner(min_resource=1, max_resource=max_epochs or "auto")
    raise ValueError(f"Tuner: pruner must be one of {PRUNERS}, got {name!r}")


def storage_url(folder: Path, storage) -> str:
    if storage is not None:
        return storage
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / 'study.db').resolve()}"


def storage(url):
    """Optuna's storage for ``url``; an SQLite file is shared by processes, each waiting for its
    lock rather than failing."""
    o = optuna()
    if url.startswith("sqlite:"):
        return o.storages.RDBStorage(url, engine_kwargs={"connect_args": {"timeout": 60}})
    return o.storages.get_storage(url)


def open_study(url, name, direction, strategy, pruner_name, seed, max_epochs=None):
    o = optuna()
    return o.create_study(
        storage=storage(url),
        study_name=name,
        direction=direction,
        sampler=sampler(strategy, seed),
        pruner=pruner(pruner_name, max_epochs),
        load_if_exists=True,
    )


def mark_owner(trial) -> None:
    """Record which process runs the trial, so a later search can tell whether it still runs."""
    trial.set_user_attr("host", socket.gethostname())
    trial.set_user_attr("pid", os.getpid())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted(study) -> int:
    """Fail the trials left running by dead processes of this machine and queue their values
    again; returns how many."""
    o = optuna()
    host, count = socket.gethostname(), 0
    for t in study.get_trials(deepcopy=False, states=(o.trial.TrialState.RUNNING,)):
        pid = t.user_attrs.get("pid")
        if t.user_attrs.get("host") != host or pid is None or _alive(pid):
            continue
        study._storage.set_trial_user_attr(t._trial_id, "interrupted", True)
        study._storage.set_trial_state_values(t._trial_id, o.trial.TrialState.FAIL)
        if t.params:
            study.enqueue_trial(t.params, user_attrs={"retry_of": t.number})
        count += 1
    return count


def counted(trials) -> list:
    """The finished trials that count toward ``max_trials`` (an interrupted one is run again)."""
    return [t for t in trials if t.state.is_finished() and not t.user_attrs.get("interrupted")]
