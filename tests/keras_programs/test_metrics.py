"""Item 9 of issue 15 (metrics): the loss-based metrics and the confusion counts, each compared
with real Keras 3 batch by batch with sample weights."""

import numpy as np
import pytest

import profundo as keras

RNG = np.random.default_rng(0)
Y01 = (RNG.random((12, 1)) > 0.5).astype("float32")
P01 = RNG.uniform(0.02, 0.98, (12, 1)).astype("float32")
ONEHOT = np.eye(4, dtype="float32")[RNG.integers(0, 4, 12)]
PROBS = RNG.dirichlet(np.ones(4), 12).astype("float32")
POS = RNG.uniform(0.5, 2, (12, 3)).astype("float32")
POS2 = RNG.uniform(0.5, 2, (12, 3)).astype("float32")
W = RNG.uniform(0, 2, 12).astype("float32")

CASES = [
    ("BinaryCrossentropy", {}, Y01, P01),
    ("CategoricalCrossentropy", {}, ONEHOT, PROBS),
    ("SparseCategoricalCrossentropy", {}, ONEHOT.argmax(1), PROBS),
    ("Hinge", {}, Y01, P01),
    ("SquaredHinge", {}, Y01, P01),
    ("CategoricalHinge", {}, ONEHOT, PROBS),
    ("LogCoshError", {}, POS, POS2),
    ("Poisson", {}, POS, POS2),
    ("MeanAbsolutePercentageError", {}, POS, POS2),
    ("MeanSquaredLogarithmicError", {}, POS, POS2),
    ("CosineSimilarity", {}, POS, POS2),
    ("TruePositives", {}, Y01, P01),
    ("FalsePositives", {"thresholds": 0.3}, Y01, P01),
    ("TrueNegatives", {}, Y01, P01),
    ("FalseNegatives", {"thresholds": [0.3, 0.7]}, Y01, P01),
]


@pytest.mark.parametrize("name, kwargs, y, p", CASES, ids=[c[0] for c in CASES])
def test_metric_matches_keras(real_keras, name, kwargs, y, p):
    ours, theirs = (
        getattr(keras.metrics, name)(**kwargs),
        getattr(real_keras.metrics, name)(**kwargs),
    )
    for part in (slice(0, 5), slice(5, 12)):
        ours.update_state(y[part], p[part], sample_weight=W[part])
        theirs.update_state(y[part], p[part], sample_weight=W[part])
    np.testing.assert_allclose(
        np.asarray(ours.result()), real_keras.ops.convert_to_numpy(theirs.result()), rtol=1e-5
    )
    assert ours.name == theirs.name


def test_metrics_by_name_in_compile():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        "adam",
        "binary_crossentropy",
        metrics=["binary_crossentropy", "mape", keras.metrics.TruePositives()],
    )
    history = model.fit(np.ones((8, 3)), np.ones((8, 1)), verbose=0)
    assert {"binary_crossentropy", "mape", "true_positives"} <= set(history.history)
    with pytest.raises(TypeError, match="unknown argument"):
        keras.metrics.Hinge(from_logits=True)
    assert keras.metrics.deserialize(keras.metrics.serialize(keras.metrics.Sum())).name == "sum"
