"""Tuner(backend="ray"): the same search on a local Ray instance started by the test (2 CPUs),
with results equal in form to the local backend's."""

import sys

import numpy as np
import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.tune")
pytest.importorskip("optuna")

import profundo as pf
from profundo import layers, optimizers
from profundo.tune import Tuner


def build(hp):
    if hp.Choice("kind", ["dense", "broken"]) == "broken":
        raise RuntimeError("this architecture cannot be built")
    model = pf.Sequential(
        [
            layers.Input((6,)),
            layers.Dense(hp.Int("units", 4, 16, step=4), activation="relu"),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizers.Adam(hp.Float("lr", 1e-3, 1e-1, log=True)),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


@pytest.fixture(scope="module")
def local_ray():
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests/
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_arguments_ray_does_not_take(tmp_path):
    with pytest.raises(ValueError, match="use the local backend for grid search"):
        Tuner(build, strategy="grid", backend="ray", directory=tmp_path)
    with pytest.raises(ValueError, match="backend must be 'local' or 'ray'"):
        Tuner(build, backend="dask", directory=tmp_path)


def test_ray_search_records_trials_like_the_local_backend(local_ray, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(240, 6)).astype("float32")
    y = (x[:, 0] - x[:, 1] > 0).astype("int64")
    fit = {"validation_data": (x[180:], y[180:]), "epochs": 2, "batch_size": 32, "verbose": 0}
    ray_tuner = Tuner(
        build,
        max_trials=4,
        backend="ray",
        pruner="median",
        seed=1,
        directory=tmp_path,
        project_name="ray",
    )
    ray_tuner.search(x[:180], y[:180], **fit)
    local = Tuner(build, max_trials=1, seed=1, directory=tmp_path, project_name="local")
    local.search(x[:180], y[:180], **fit)
    rows = ray_tuner.results().rows
    assert len(rows) == 4
    common = {"trial", "state", "val_accuracy", "kind", "epochs", "seconds"}
    assert common <= set(rows[0]) and common <= set(local.results().rows[0])
    assert set(rows[0]) <= common | {"units", "lr", "error"}
    states = {r["kind"]: r["state"] for r in rows}
    assert states.get("dense") == "complete"
    failed = [r for r in rows if r["kind"] == "broken"]
    assert all(r["state"] == "fail" and "cannot be built" in r["error"] for r in failed)
    best = ray_tuner.best_model()  # saved at its best epoch by the Ray worker
    accuracy = best.evaluate(x[180:], y[180:], verbose=0, return_dict=True)["accuracy"]
    assert accuracy == pytest.approx(rows[0]["val_accuracy"], abs=1e-6)
