"""Run by tests/distributed/test_distributed.py under ``mpiexec -n N``; not a test itself.

python mpi_worker.py train OUT    fit (ordered and shuffled), evaluate, a hand-written loop
python mpi_worker.py hang OUT     rank 1 stops answering; the others must time out
python mpi_worker.py die OUT      rank 1 exits in the middle of fit
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import profundo as pf
from profundo import layers, optimizers

N, FEATURES, GLOBAL_BATCH = (
    249,
    8,
    32,
)  # 249 = 7 global batches of 32 and one of 25 (2 ranks: 12 + 13)


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, FEATURES)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] - x[:, 2] > 0).astype("float32")[:, None]
    return x, y


def model(seed):
    pf.manual_seed(seed + pf.distributed.rank())  # different on each rank: the broadcast fixes it
    m = pf.Sequential(
        [
            layers.Input((FEATURES,)),
            layers.Dense(16, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    m.compile(
        optimizers.Adam(0.01),
        "binary_crossentropy",
        metrics=["accuracy", pf.metrics.AUC(), pf.metrics.Precision(), pf.metrics.R2Score()],
    )
    return m


def train(out: Path):
    x, y = data()
    results, batch = {}, GLOBAL_BATCH // pf.distributed.size()
    for shuffle in (False, True):
        m = model(1)
        pf.manual_seed(7)
        history = m.fit(
            x, y, batch_size=batch, epochs=2, shuffle=shuffle, verbose=0, distributed=True
        )
        results[f"shuffle={shuffle}"] = {
            "history": history.history,
            "weights": [w.tolist() for w in m.get_weights()],
        }
    results["evaluate"] = pf.distributed.evaluate(m, x, y, batch_size=20, return_dict=True)
    results["evaluate_whole"] = m.evaluate(x, y, batch_size=20, verbose=0, return_dict=True)
    # a hand-written loop with DistributedOptimizer: rank r takes its part of each batch of 32
    m = model(2)
    pf.distributed.broadcast_weights(m)
    opt = pf.distributed.DistributedOptimizer(optimizers.SGD(0.1))
    loss_fn = pf.losses.get("binary_crossentropy")
    ranks, r = pf.distributed.size(), pf.distributed.rank()
    for start in range(0, N, GLOBAL_BATCH):
        part = np.arange(start, min(start + GLOBAL_BATCH, N))
        index = part[r * len(part) // ranks : (r + 1) * len(part) // ranks]
        loss = loss_fn(y[index], m(x[index], training=True)).mean()
        for p in m.trainable_weights:
            p.grad = None
        loss.backward()
        opt.apply([p.grad for p in m.trainable_weights], m.trainable_weights, weight=len(index))
    results["loop"] = [w.tolist() for w in m.get_weights()]
    (out / f"rank{r}.json").write_text(json.dumps(results))


def hang(out: Path):
    x, y = data()
    m = model(1)
    if pf.distributed.rank() == 1:
        time.sleep(120)  # alive but silent: never joins the allreduce
    m.fit(x, y, batch_size=16, epochs=1, verbose=0, distributed=True)


def die(out: Path):
    x, y = data()
    m = model(1)

    class Die(pf.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if pf.distributed.rank() == 1 and batch == 2:
                print("rank 1 exits", flush=True)
                os._exit(3)

    m.fit(x, y, batch_size=16, epochs=1, verbose=0, distributed=True, callbacks=[Die()])


if __name__ == "__main__":
    mode, out = sys.argv[1], Path(sys.argv[2])
    pf.distributed.init(timeout=float(os.environ.get("WORKER_TIMEOUT", "60")))
    {"train": train, "hang": hang, "die": die}[mode](out)
