"""pf.tune: the search space, the three strategies, pruning, failures, results, resuming a killed
search from its SQLite study, and trials in processes."""

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")

import profundo as pf
from profundo import layers, optimizers
from profundo.tune import HyperParameters, SpaceError, Tuner

ROOT = Path(__file__).resolve().parents[2]


def data(n=240, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, 0] - x[:, 1] > 0).astype("int64")
    return x, y


def build(hp):
    model = pf.Sequential(
        [layers.Input((6,)), layers.Dense(hp.Int("units", 4, 16, step=4), activation="relu")]
    )
    if hp.Boolean("extra"):
        model.add(layers.Dense(hp.Choice("units2", [4, 8]), activation="relu"))
    model.add(layers.Dense(2, activation="softmax"))
    model.compile(
        optimizers.Adam(hp.Float("lr", 1e-3, 1e-1, log=True)),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def states(tuner):
    return [t.state.name for t in tuner.trials()]


# --- the space ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "ask, words",
    [
        (lambda hp: hp.Choice("act", []), "empty"),
        (lambda hp: hp.Int("units", 64, 8), "64 > 8"),
        (lambda hp: hp.Float("lr", 0.0, 1e-2, log=True), "positive bounds"),
        (lambda hp: hp.Float("lr", 1e-4, 1e-2, step=-1.0), "step must be positive"),
        (lambda hp: hp.Int("n", 1, 8, sampling="cubic"), "'linear' or 'log'"),
        (lambda hp: hp.Choice("opt", [optimizers.Adam]), "numbers, strings"),
        (lambda hp: hp.Choice("act", ["relu", "relu"]), "repeat"),
        (lambda hp: hp.conditional_scope("missing", [1]).__enter__(), "define 'missing'"),
    ],
)
def test_bad_spaces_get_clear_errors(ask, words):
    with pytest.raises(SpaceError, match=words) as info:
        ask(HyperParameters())
    assert "hp." in str(info.value) or "conditional_scope" in str(info.value)


def test_fixed_values_defaults_and_conditional_scope():
    hp = HyperParameters(values={"units": 32})
    assert hp.Int("units", 8, 64) == 32  # the given value
    assert hp.Float("lr", 1e-4, 1e-2, log=True) == 1e-4  # no value: the default (min)
    assert hp.Choice("act", ["relu", "tanh"], default="tanh") == "tanh"
    assert hp.Int("units", 8, 64) == 32  # asked again: the same
    with hp.conditional_scope("act", ["relu"]):
        assert hp.Float("alpha", 0.1, 0.3) == 0.1  # parent missed: default, not recorded
    assert "alpha" not in hp.values
    with hp.conditional_scope("act", "tanh"):
        hp.Boolean("deep", default=True)
    assert hp.values["deep"] is True
    assert hp["units"] == 32
    with pytest.raises(KeyError, match="no value named 'nope'"):
        hp.get("nope")


def test_log_steps_multiply():
    hp = HyperParameters(trial=optuna.trial.FixedTrial({"lr": 1e-3}))
    assert hp.Float("lr", 1e-4, 1e-1, step=10, log=True) == 1e-3
    with pytest.raises(ValueError):  # 2e-3 is not on the grid 1e-4, 1e-3, 1e-2, 1e-1
        HyperParameters(trial=optuna.trial.FixedTrial({"lr": 2e-3})).Float(
            "lr", 1e-4, 1e-1, step=10, log=True
        )


def test_tuner_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="strategy must be one of"):
        Tuner(build, strategy="evolution", directory=tmp_path)
    with pytest.raises(ValueError, match="pruner must be one of"):
        Tuner(build, pruner="asha", directory=tmp_path)
    with pytest.raises(ValueError, match="max_trials must be a positive int"):
        Tuner(build, max_trials=0, directory=tmp_path)
    with pytest.raises(ValueError, match="objective must be"):
        Tuner(build, objective=("val_loss", "lowest"), directory=tmp_path)
    with pytest.raises(TypeError, match="build must be a function"):
        Tuner("model", directory=tmp_path)


# --- searching ------------------------------------------------------------------------------------
def test_random_search_results_and_best_model(tmp_path, capsys):
    x, y = data()
    tuner = Tuner(
        build, strategy="random", max_trials=4, directory=tmp_path, project_name="r", seed=0
    )
    tuner.search(x[:180], y[:180], validation_data=(x[180:], y[180:]), epochs=3, batch_size=32)
    out = capsys.readouterr().out
    assert out.count("Trial ") == 4 and "val_accuracy" in out
    results = tuner.results()
    assert len(results) == 4 and [r["state"] for r in results] == ["complete"] * 4
    values = [r["val_accuracy"] for r in results]
    assert values == sorted(values, reverse=True)  # best first
    assert {"units", "extra", "lr", "epochs", "seconds"} <= set(results[0])
    assert "val_accuracy" in str(results).splitlines()[0]
    # the best model is the best trial's model at its best epoch: evaluating it gives its value
    best = tuner.best_model()
    logs = best.evaluate(x[180:], y[180:], verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(results[0]["val_accuracy"], abs=1e-6)
    # the best hyperparameters rebuild the same architecture
    rebuilt = build(tuner.best_hyperparameters())
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in best.get_weights()]
    assert (tmp_path / "r" / "study.db").is_file()


def test_grid_search_covers_a_conditional_space_once(tmp_path):
    x, y = data(120)

    def small(hp):
        model = pf.Sequential([layers.Input((6,))])
        if hp.Boolean("hidden"):
            model.add(layers.Dense(hp.Choice("units", [2, 4]), activation="relu"))
        model.add(layers.Dense(2, activation="softmax"))
        model.compile(
            optimizers.SGD(hp.Float("lr", 0.01, 0.1, step=10, log=True)),
            "sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    tuner = Tuner(small, strategy="grid", max_trials=50, directory=tmp_path, seed=0)
    tuner.search(x, y, validation_split=0.25, epochs=1, verbose=0)
    seen = [tuple(sorted(t.params.items())) for t in tuner.trials()]
    # (hidden=False) x 2 learning rates + (hidden=True) x 2 units x 2 learning rates
    assert len(seen) == 6 and len(set(seen)) == 6
    again = Tuner(small, strategy="grid", max_trials=50, directory=tmp_path, seed=0)
    again.search(x, y, validation_split=0.25, epochs=1, verbose=0)  # complete: nothing runs
    assert len(again.trials()) == 6


def test_grid_search_needs_a_step_for_floats(tmp_path):
    def build_lr(hp):
        hp.Float("lr", 1e-3, 1e-1)
        return build(hp)

    tuner = Tuner(build_lr, strategy="grid", max_trials=2, directory=tmp_path)
    tuner.search(*data(60), validation_split=0.5, epochs=1, verbose=0)
    assert "a grid search needs step=" in tuner.results()[0]["error"]


def test_bayesian_search_with_a_pruner_stops_bad_trials_early(tmp_path):
    x, y = data()

    def build_lr(hp):  # lr spans 1e-6 (learns nothing in 4 epochs) to 0.1 (learns at once)
        model = pf.Sequential([layers.Input((6,)), layers.Dense(2, activation="softmax")])
        model.compile(
            optimizers.SGD(hp.Float("lr", 1e-6, 0.3, log=True)),
            "sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    tuner = Tuner(
        build_lr,
        objective=("val_loss", "min"),
        strategy="bayesian",
        max_trials=10,
        pruner="median",
        directory=tmp_path,
        seed=3,
    )
    tuner.search(x, y, validation_split=0.25, epochs=4, batch_size=16, verbose=0)
    rows = tuner.results().rows
    pruned = [r for r in rows if r["state"] == "pruned"]
    assert pruned and all(r["epochs"] < 4 for r in pruned)
    assert rows[0]["state"] == "complete" and rows[0]["epochs"] == 4
    assert rows[0]["val_loss"] == min(r["val_loss"] for r in rows if r["state"] == "complete")


def test_hyperband_pruner_runs(tmp_path):
    tuner = Tuner(build, strategy="random", max_trials=3, pruner="hyperband", directory=tmp_path)
    tuner.search(*data(120), validation_split=0.25, epochs=3, verbose=0)
    assert len(tuner.results()) == 3


def test_failing_and_diverging_trials_are_recorded_and_the_search_goes_on(tmp_path):
    def fragile(hp):
        kind = hp.Choice("kind", ["ok", "raises", "nan"])
        if kind == "raises":
            raise RuntimeError("this architecture cannot be built")
        model = pf.Sequential([layers.Input((6,)), layers.Dense(2)])
        model.compile(optimizers.SGD(1e30 if kind == "nan" else 0.1), "mse", metrics=["mae"])
        return model

    x, y = data(120)
    tuner = Tuner(fragile, objective="val_mae", strategy="grid", max_trials=3, directory=tmp_path)
    with pytest.warns(RuntimeWarning, match="loss became"):
        tuner.search(x, np.eye(2, dtype="float32")[y], validation_split=0.25, epochs=2, verbose=0)
    by_kind = {r["kind"]: r for r in tuner.results()}
    assert by_kind["ok"]["state"] == "complete"
    assert by_kind["raises"]["state"] == "fail" and "cannot be built" in by_kind["raises"]["error"]
    assert by_kind["nan"]["state"] == "fail" and "non-finite" in by_kind["nan"]["error"]


def test_a_missing_objective_stops_the_search_with_a_clear_error(tmp_path):
    tuner = Tuner(build, objective="val_auc", max_trials=5, directory=tmp_path)
    with pytest.raises(ValueError, match="'val_auc' is not in the logs of fit"):
        tuner.search(*data(60), validation_split=0.5, epochs=1, verbose=0)
    assert len(tuner.trials()) == 1


def test_plot_draws_history_and_importances(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    tuner = Tuner(build, max_trials=3, directory=tmp_path, seed=1)
    tuner.search(*data(120), validation_split=0.25, epochs=1, verbose=0)
    fig = tuner.plot(tmp_path / "search.png")
    assert len(fig.axes) == 2 and (tmp_path / "search.png").stat().st_size > 1000
    best = tuner.results().best_so_far()
    assert len(best) == 3 and all(b >= a for a, b in itertools.pairwise(best))


def test_results_as_a_dataframe(tmp_path):
    pytest.importorskip("pandas")
    tuner = Tuner(build, max_trials=2, directory=tmp_path)
    tuner.search(*data(60), validation_split=0.5, epochs=1, verbose=0)
    frame = tuner.results().to_pandas()
    assert len(frame) == 2 and "val_accuracy" in frame.columns


# --- resuming and processes -----------------------------------------------------------------------
SCRIPT = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
import profundo as pf
from test_tune import build, data
built = []
def build_then_hang_in_trial_2(hp):
    model = build(hp)
    built.append(1)
    if len(built) == 3:                    # trial 2 has drawn its values: say so, then hang
        Path({flag!r}).touch()
        time.sleep(120)
    return model
tuner = pf.tune.Tuner(build_then_hang_in_trial_2, max_trials={trials}, directory={folder!r}, seed=0)
tuner.search(*data(120), validation_split=0.25, epochs=2)
"""


def test_a_killed_search_resumes_without_losing_or_repeating_trials(tmp_path):
    script, flag = tmp_path / "search.py", tmp_path / "trial2.running"
    script.write_text(
        SCRIPT.format(
            root=str(ROOT),
            here=str(Path(__file__).parent),
            trials=5,
            folder=str(tmp_path),
            flag=str(flag),
        )
    )
    env = {**os.environ, "PROFUNDO_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    while not flag.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)  # killed while trial 2 runs, after trials 0 and 1
    proc.wait(timeout=30)
    assert flag.exists()
    tuner = Tuner(build, max_trials=5, directory=tmp_path, seed=0)
    before = {t.number: (t.state.name, t.params) for t in tuner.trials()}
    assert [before[n][0] for n in (0, 1)] == ["COMPLETE", "COMPLETE"] and before[2][0] == "RUNNING"
    tuner.search(*data(120), validation_split=0.25, epochs=2, verbose=0)
    trials = tuner.trials()
    # trials 0 and 1 are kept as they were; trial 2 was run again with its values; 5 count in all
    assert [(t.state.name, t.params) for t in trials[:2]] == [before[0], before[1]]
    assert trials[2].user_attrs["interrupted"] and trials[2].state.name == "FAIL"
    retry = [t for t in trials if t.user_attrs.get("retry_of") == 2]
    assert len(retry) == 1 and retry[0].params == before[2][1] and retry[0].state.name == "COMPLETE"
    counted = [t for t in trials if not t.user_attrs.get("interrupted")]
    assert len(counted) == 5 and all(t.state.name == "COMPLETE" for t in counted)
    # built again with a larger budget, it runs only the new trials
    Tuner(build, max_trials=6, directory=tmp_path, seed=0).search(
        *data(120), validation_split=0.25, epochs=1, verbose=0
    )
    assert len([t for t in tuner.trials() if not t.user_attrs.get("interrupted")]) == 6


def test_trials_in_two_processes_share_the_study(tmp_path):
    tuner = Tuner(build, max_trials=4, n_jobs=2, directory=tmp_path, seed=0)
    tuner.search(*data(120), validation_split=0.25, epochs=1, verbose=0)
    trials = tuner.trials()
    assert len(trials) == 4 and all(t.state.name == "COMPLETE" for t in trials)
    assert len({t.user_attrs["pid"] for t in trials}) == 2 and os.getpid() not in {
        t.user_attrs["pid"] for t in trials
    }
    assert (
        len({tuple(sorted(t.params.items())) for t in trials}) == 4
    )  # different seeds per process


def test_executions_per_trial_build_fresh_models_and_storage_can_be_elsewhere(tmp_path):
    built = []

    def counting(hp):
        model = build(hp)
        built.append(hp.values.copy())
        return model

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    tuner = Tuner(
        counting,
        max_trials=2,
        executions_per_trial=2,
        storage=url,
        directory=tmp_path / "models",
        seed=0,
    )
    tuner.search(*data(120), validation_split=0.25, epochs=1, verbose=0)
    assert len(built) == 4 and built[0] == built[1] and built[2] == built[3]
    assert (tmp_path / "shared.db").is_file() and not (
        tmp_path / "models" / "search" / "study.db"
    ).exists()
    assert all(t.user_attrs["model"].startswith(str(tmp_path / "models")) for t in tuner.trials())
