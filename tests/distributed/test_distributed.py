"""pf.distributed under ``mpiexec -n 2``: 2 ranks with batch b end with the weights, logs and
evaluation of 1 process with batch 2b; weights identical on both ranks; a hung or dead rank stops
the job with an error instead of a hang. Plus the errors a single process can meet."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("mpi4py")

import profundo as pf
from profundo import layers, optimizers

HERE = Path(__file__).resolve().parent
WORKER = HERE / "mpi_worker.py"
MPIEXEC = shutil.which(
    "mpiexec", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
)
needs_mpiexec = pytest.mark.skipif(
    MPIEXEC is None, reason="no mpiexec (pip install 'profundo[mpi]')"
)


def launch(ranks, mode, out, timeout=120, **env):
    start = time.monotonic()
    proc = subprocess.run(
        [MPIEXEC, "-n", str(ranks), sys.executable, str(WORKER), mode, str(out)],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PROFUNDO_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **env},
    )
    return proc, time.monotonic() - start


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The worker's ``train`` mode on 2 ranks and on 1, each rank's results."""
    if MPIEXEC is None:
        pytest.skip("no mpiexec")
    results = {}
    for ranks in (2, 1):
        out = tmp_path_factory.mktemp(f"ranks{ranks}")
        proc, _ = launch(ranks, "train", out)
        assert proc.returncode == 0, proc.stderr[-3000:]
        results[ranks] = [json.loads((out / f"rank{r}.json").read_text()) for r in range(ranks)]
    return results


def arrays(ws):
    return [np.array(w, dtype=np.float32) for w in ws]


@needs_mpiexec
@pytest.mark.parametrize("case", ["shuffle=False", "shuffle=True", "loop"])
def test_two_ranks_with_batch_b_equal_one_process_with_batch_2b(runs, case):
    def weights(r):
        return arrays(r[case] if case == "loop" else r[case]["weights"])

    rank0, rank1 = (weights(r) for r in runs[2])
    single = weights(runs[1][0])
    for a, b, c in zip(rank0, rank1, single):
        np.testing.assert_array_equal(a, b)  # the ranks never drift apart
        np.testing.assert_allclose(a, c, rtol=1e-4, atol=1e-5)  # = one process, batch 2b


@needs_mpiexec
def test_epoch_logs_are_reduced_over_the_ranks(runs):
    for case in ("shuffle=False", "shuffle=True"):
        two, one = runs[2][0][case]["history"], runs[1][0][case]["history"]
        assert runs[2][1][case]["history"] == two  # every rank sees the same logs
        assert set(two) == {"loss", "accuracy", "auc", "precision", "r2_score"}
        for name in two:
            np.testing.assert_allclose(two[name], one[name], rtol=1e-4, atol=1e-5, err_msg=name)


@needs_mpiexec
def test_sharded_evaluate_equals_evaluate_on_the_whole_set(runs):
    for result in runs[2]:
        for name, value in result["evaluate_whole"].items():
            assert result["evaluate"][name] == pytest.approx(value, rel=1e-5, abs=1e-6), name


def test_the_plain_fit_matches_the_single_rank_run(runs):
    """The reference itself: fit without distributed on the same data and order."""
    sys.path.insert(0, str(HERE))
    import mpi_worker

    x, y = mpi_worker.data()
    model = mpi_worker.model(1)
    history = model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), arrays(runs[1][0]["shuffle=False"]["weights"])):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        history.history["loss"], runs[1][0]["shuffle=False"]["history"]["loss"], rtol=1e-5
    )


@needs_mpiexec
def test_a_rank_that_hangs_makes_the_others_stop_with_an_error(tmp_path):
    proc, seconds = launch(2, "hang", tmp_path, WORKER_TIMEOUT="3")
    assert proc.returncode != 0
    assert "probably died or hung" in proc.stderr and "rank 0" in proc.stderr
    assert seconds < 60


@needs_mpiexec
def test_a_rank_that_dies_ends_the_job(tmp_path):
    proc, seconds = launch(2, "die", tmp_path, WORKER_TIMEOUT="10")
    assert "rank 1 exits" in proc.stdout
    assert proc.returncode != 0 and seconds < 60


# --- one process ----------------------------------------------------------------------------------
def small_model():
    model = pf.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizers.SGD(0.1), "mse")
    return model


def test_fit_distributed_without_init_says_what_to_do(monkeypatch):
    monkeypatch.setattr(pf.distributed.comm, "_comm", None)
    with pytest.raises(RuntimeError, match=r"call pf.distributed.init\(\) first"):
        small_model().fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0, distributed=True)


def test_fit_distributed_needs_arrays_and_no_backup():
    pf.distributed.init()
    model = small_model()
    batches = [(np.zeros((2, 3), "float32"), np.zeros((2, 1), "float32"))]
    with pytest.raises(TypeError, match="shards arrays"):
        model.fit(iter(batches), verbose=0, distributed=True)
    with pytest.raises(ValueError, match="BackupAndRestore is not supported"):
        model.fit(
            np.zeros((4, 3)),
            np.zeros((4, 1)),
            verbose=0,
            distributed=True,
            callbacks=[pf.callbacks.BackupAndRestore("unused")],
        )


def test_one_rank_fit_and_optimizer_are_plain_training():
    pf.distributed.init()
    assert (pf.distributed.rank(), pf.distributed.size()) == (0, 1)
    x = np.random.default_rng(0).normal(size=(10, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    a, b = small_model(), small_model()
    b.set_weights(a.get_weights())
    a.fit(x, y, batch_size=4, shuffle=False, epochs=2, verbose=0, distributed=True)
    b.fit(x, y, batch_size=4, shuffle=False, epochs=2, verbose=0)
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-6)
    assert "apply" not in vars(a.optimizer)  # the averaging hook is gone after fit
    with pytest.raises(ValueError, match="timeout must be positive"):
        pf.distributed.init(timeout=0)
    pf.distributed.init()  # the refused timeout changed nothing
