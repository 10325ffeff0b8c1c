"""Metrics against scikit-learn: every metric on random data, streamed over uneven batches,
weighted, reset, serialized; plus the name lookup the training loop uses."""

import os

import numpy as np
import pytest

import profundo as pf
from profundo import metrics

skm = pytest.importorskip("sklearn.metrics")

N, C = 300, 4
SPLITS = (0, 7, 100, 101, 250, N)  # uneven batches, one of a single sample


def batches(*arrays):
    for a, b in zip(SPLITS[:-1], SPLITS[1:]):
        yield tuple(None if x is None else x[a:b] for x in arrays)


def streamed(metric, y_true, y_pred, sample_weight=None):
    """The metric's result after the data went through in uneven batches."""
    metric.reset_state()
    for t, p, w in batches(y_true, y_pred, sample_weight):
        metric.update_state(t, p, sample_weight=w)
    return metric.result()


def check(metric, y_true, y_pred, expected, sample_weight=None, tol=1e-9):
    """One batch, streamed batches, a reset and a second pass all give ``expected``."""
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    np.testing.assert_allclose(metric.result(), expected, rtol=tol, atol=tol)
    np.testing.assert_allclose(
        streamed(metric, y_true, y_pred, sample_weight), expected, rtol=tol, atol=tol
    )


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def data(rng):
    labels = rng.integers(0, C, N)
    scores = rng.random((N, C)).astype(np.float32)
    probs = scores / scores.sum(axis=1, keepdims=True)
    return {
        "labels": labels,
        "onehot": np.eye(C, dtype=np.float32)[labels],
        "probs": probs,
        "predicted": probs.argmax(axis=1),
        "binary": rng.integers(0, 2, N),
        "prob1": rng.random(N).astype(np.float32),
        "multihot": rng.integers(0, 2, (N, C)),
        "weights": rng.random(N) * 3,
    }


# --- accuracy ----------------------------------------------------------------------------------
@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_family_matches_sklearn(data, weighted):
    d = data
    w = d["weights"] if weighted else None
    top2 = skm.top_k_accuracy_score(d["labels"], d["probs"], k=2, labels=range(C), sample_weight=w)
    cases = [
        (
            metrics.Accuracy(),
            d["labels"],
            d["predicted"],
            skm.accuracy_score(d["labels"], d["predicted"], sample_weight=w),
        ),
        (
            metrics.BinaryAccuracy(),
            d["binary"],
            d["prob1"],
            skm.accuracy_score(d["binary"], d["prob1"] > 0.5, sample_weight=w),
        ),
        (
            metrics.BinaryAccuracy(threshold=0.8),
            d["binary"],
            d["prob1"][:, None],
            skm.accuracy_score(d["binary"], d["prob1"] > 0.8, sample_weight=w),
        ),
        (
            metrics.CategoricalAccuracy(),
            d["onehot"],
            d["probs"],
            skm.accuracy_score(d["labels"], d["predicted"], sample_weight=w),
        ),
        (
            metrics.SparseCategoricalAccuracy(),
            d["labels"],
            d["probs"],
            skm.accuracy_score(d["labels"], d["predicted"], sample_weight=w),
        ),
        (
            metrics.SparseCategoricalAccuracy(),
            d["labels"][:, None],
            d["probs"],
            skm.accuracy_score(d["labels"], d["predicted"], sample_weight=w),
        ),
        (metrics.TopKCategoricalAccuracy(k=2), d["onehot"], d["probs"], top2),
        (metrics.SparseTopKCategoricalAccuracy(k=2), d["labels"], d["probs"], top2),
    ]
    for metric, t, p, expected in cases:
        check(metric, t, p, expected, sample_weight=w)


def test_accuracy_functions_give_one_value_per_sample(data):
    assert metrics.sparse_categorical_accuracy(
        [2, 0], [[0.1, 0.2, 0.7], [0.3, 0.6, 0.1]]
    ).tolist() == [1, 0]
    assert metrics.categorical_accuracy(data["onehot"], data["probs"]).shape == (N,)
    assert metrics.binary_accuracy([[1], [0]], [[0.7], [0.7]]).tolist() == [[1], [0]]
    # the default k = 5 with 4 classes: always right
    assert metrics.sparse_top_k_categorical_accuracy(data["labels"], data["probs"]).mean() == 1
    # ties at the top-k boundary count as in the top k
    assert metrics.sparse_top_k_categorical_accuracy([2], [[0.5, 0.5, 0.5, 0.1]], k=1).tolist() == [
        1
    ]


def test_labels_n_against_outputs_n1_do_not_broadcast():
    acc = metrics.BinaryAccuracy()
    acc.update_state(np.array([1, 0, 1]), np.array([[0.9], [0.1], [0.2]]))
    assert acc.result() == pytest.approx(2 / 3)
    assert metrics.mean_squared_error([[1.0], [2.0]], [1.0, 4.0]).tolist() == [0.0, 4.0]


def test_metrics_take_tensors(data):
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(pf.tensor(data["labels"]), pf.tensor(data["probs"]), pf.tensor(data["weights"]))
    expected = skm.accuracy_score(data["labels"], data["predicted"], sample_weight=data["weights"])
    assert m.result() == pytest.approx(expected)


# --- precision, recall, F-scores ----------------------------------------------------------------
SCORERS = {
    "precision": (metrics.Precision, skm.precision_score),
    "recall": (metrics.Recall, skm.recall_score),
    "f1": (metrics.F1Score, skm.f1_score),
}


@pytest.mark.parametrize("kind", SCORERS)
@pytest.mark.parametrize("average", ["micro", "macro", "weighted"])
@pytest.mark.parametrize("weighted", [False, True])
def test_multiclass_labels_sklearn_style(data, kind, average, weighted):
    ours, theirs = SCORERS[kind]
    w = data["weights"] if weighted else None
    t, p = data["labels"], data["predicted"]
    expected = theirs(t, p, average=average, labels=range(C), sample_weight=w, zero_division=0)
    check(ours(average=average, num_classes=C), t, p, expected, sample_weight=w)


@pytest.mark.parametrize("average", ["micro", "macro", "weighted"])
def test_f1_keras_style_onehot_and_scores_take_the_argmax(data, average):
    expected = skm.f1_score(data["labels"], data["predicted"], average=average, labels=range(C))
    check(metrics.F1Score(average=average), data["onehot"], data["probs"], expected)
    check(metrics.F1Score(average=average), data["labels"], data["probs"], expected)


def test_num_classes_with_keras_style_inputs(data):
    # one-hot labels and scores of num_classes columns are not mistaken for label maps
    expected = skm.f1_score(data["labels"], data["predicted"], average="macro")
    check(metrics.F1Score(num_classes=C), data["onehot"], data["probs"], expected)
    check(metrics.F1Score(num_classes=C), data["labels"], data["probs"], expected)


def test_per_class_scores_and_class_id(data):
    t, p = data["labels"], data["predicted"]
    per_class = skm.precision_score(t, p, average=None, labels=range(C))
    check(metrics.Precision(average=None, num_classes=C), t, p, per_class)
    check(metrics.Precision(class_id=2, num_classes=C), t, p, per_class[2])
    check(
        metrics.F1Score(average=None),
        data["onehot"],
        data["probs"],
        skm.f1_score(t, p, average=None),
    )


@pytest.mark.parametrize("kind", SCORERS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_probabilities_with_threshold(data, kind, weighted):
    ours, theirs = SCORERS[kind]
    w = data["weights"] if weighted else None
    t, prob = data["binary"], data["prob1"]
    check(ours(), t, prob, theirs(t, prob > 0.5, sample_weight=w), sample_weight=w)
    check(
        ours(), t[:, None], prob[:, None], theirs(t, prob > 0.5, sample_weight=w), sample_weight=w
    )
    threshold = {"threshold": 0.3} if kind == "f1" else {"thresholds": 0.3}
    check(ours(**threshold), t, prob, theirs(t, prob > 0.3, sample_weight=w), sample_weight=w)


@pytest.mark.parametrize("kind", SCORERS)
@pytest.mark.parametrize("average", ["micro", "macro", "weighted"])
def test_multi_label_thresholded(data, kind, average):
    ours, theirs = SCORERS[kind]
    t, p = data["multihot"], data["probs"] * 2
    threshold = {"threshold": 0.5} if kind == "f1" else {}
    expected = theirs(t, p > 0.5, average=average, zero_division=0)
    check(ours(average=average, **threshold), t, p, expected)


def test_precision_default_is_keras_elementwise_micro(data):
    # Keras' Precision on one-hot labels and softmax outputs: every entry > 0.5 is a positive
    t, p = data["onehot"], data["probs"] * 2
    expected = skm.precision_score(t.ravel(), (p > 0.5).ravel())
    check(metrics.Precision(), t, p, expected)


def test_fbeta_score(data):
    t, p = data["labels"], data["predicted"]
    for beta in (0.5, 2.0):
        expected = skm.fbeta_score(t, p, beta=beta, average="macro")
        check(metrics.FBetaScore(beta=beta, num_classes=C), t, p, expected)


# --- AUC -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ties", [False, True])
def test_auc_roc_and_pr_match_sklearn_exactly(data, weighted, ties):
    t = data["binary"]
    s = np.round(data["prob1"], 1) if ties else data["prob1"]
    w = data["weights"] if weighted else None
    check(metrics.AUC(), t, s, skm.roc_auc_score(t, s, sample_weight=w), sample_weight=w)
    check(
        metrics.AUC(curve="PR"),
        t,
        s,
        skm.average_precision_score(t, s, sample_weight=w),
        sample_weight=w,
    )
    assert metrics.roc_auc_score(t, s, w) == pytest.approx(
        skm.roc_auc_score(t, s, sample_weight=w), abs=1e-12
    )


@pytest.mark.parametrize(
    "curve, reference", [("ROC", "roc_auc_score"), ("PR", "average_precision_score")]
)
def test_auc_multi_label_macro_and_micro(data, curve, reference):
    t, s = data["multihot"], data["probs"]
    ref = getattr(skm, reference)
    check(metrics.AUC(curve, multi_label=True), t, s, ref(t, s, average="macro"))
    check(metrics.AUC(curve), t, s, ref(t, s, average="micro"))


def test_auc_is_nan_until_both_classes_are_seen():
    auc = metrics.AUC()
    assert np.isnan(auc.result())
    auc.update_state([1, 1], [0.2, 0.3])
    assert np.isnan(auc.result())
    auc.update_state([0], [0.25])
    assert auc.result() == 0.5


# --- regression ----------------------------------------------------------------------------------
@pytest.mark.parametrize("outputs", [None, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_regression_metrics_match_sklearn(rng, outputs, weighted):
    shape = (N,) if outputs is None else (N, outputs)
    y = rng.normal(2.0, 3.0, shape)
    p = (y + rng.normal(0, 1.5, shape)).astype(np.float32)
    w = rng.random(N) * 3 if weighted else None
    mse = skm.mean_squared_error(y, p, sample_weight=w)
    check(metrics.MeanSquaredError(), y, p, mse, sample_weight=w, tol=1e-7)
    check(metrics.RootMeanSquaredError(), y, p, np.sqrt(mse), sample_weight=w, tol=1e-7)
    check(
        metrics.MeanAbsoluteError(),
        y,
        p,
        skm.mean_absolute_error(y, p, sample_weight=w),
        sample_weight=w,
        tol=1e-7,
    )
    for aggregation, multioutput in [
        ("uniform_average", "uniform_average"),
        ("variance_weighted", "variance_weighted"),
        (None, "raw_values"),
    ]:
        expected = skm.r2_score(y, p, sample_weight=w, multioutput=multioutput)
        if outputs is None and aggregation is None:
            expected = np.atleast_1d(expected)
        check(
            metrics.R2Score(class_aggregation=aggregation),
            y,
            p,
            expected,
            sample_weight=w,
            tol=1e-7,
        )


def test_r2_keeps_its_digits_on_large_and_constant_targets(rng):
    y = 1e6 + rng.normal(0, 1e-2, (N, 2))
    y[:, 1] = 5.0  # a constant output
    p = y + rng.normal(0, 1e-3, y.shape)
    p[:, 1] = 5.0
    expected = skm.r2_score(y, p, multioutput="raw_values")
    r2 = metrics.R2Score(class_aggregation=None)
    np.testing.assert_allclose(streamed(r2, y, p), expected, rtol=1e-9)


def test_kl_divergence(rng):
    t = rng.dirichlet(np.ones(C), N)
    p = rng.dirichlet(np.ones(C), N)
    t[0] = [1, 0, 0, 0]  # zeros are clipped, not log 0
    expected = (np.clip(t, 1e-7, 1) * np.log(np.clip(t, 1e-7, 1) / p)).sum(axis=1)
    np.testing.assert_allclose(metrics.kl_divergence(t, p), expected)
    check(metrics.KLDivergence(), t, p, expected.mean())
    scipy = pytest.importorskip("scipy.special")
    np.testing.assert_allclose(
        metrics.kl_divergence(t[1:], p[1:]), scipy.rel_entr(t[1:], p[1:]).sum(axis=1)
    )


# --- confusion matrix and IoU --------------------------------------------------------------------
def test_confusion_matrix(data):
    t, p, w = data["labels"], data["predicted"], data["weights"]
    np.testing.assert_array_equal(metrics.confusion_matrix(t, p), skm.confusion_matrix(t, p))
    np.testing.assert_allclose(
        metrics.confusion_matrix(t, p, C, sample_weight=w),
        skm.confusion_matrix(t, p, sample_weight=w),
    )
    assert metrics.confusion_matrix([0, 1], [1, 1], num_classes=3).shape == (3, 3)
    check(
        metrics.ConfusionMatrix(C),
        t,
        p,
        skm.confusion_matrix(t, p, sample_weight=w),
        sample_weight=w,
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_iou_matches_jaccard(data, weighted):
    t, p = data["labels"], data["predicted"]
    w = data["weights"] if weighted else None
    per_class = skm.jaccard_score(t, p, average=None, sample_weight=w)
    check(metrics.MeanIoU(C), t, p, per_class.mean(), sample_weight=w)
    check(metrics.IoU(C, target_class_ids=[1, 3]), t, p, per_class[[1, 3]].mean(), sample_weight=w)
    check(
        metrics.MeanIoU(C, sparse_y_true=False, sparse_y_pred=False),
        data["onehot"],
        data["probs"],
        per_class.mean(),
        sample_weight=w,
    )


def test_iou_on_segmentation_maps_with_an_ignored_class(rng):
    t = rng.integers(0, 3, (4, 8, 8))
    p = rng.integers(0, 3, (4, 8, 8))
    t[:, :2] = 255  # "void" pixels
    keep = t != 255
    expected = skm.jaccard_score(t[keep], p[keep], average="macro")
    check(metrics.MeanIoU(3, ignore_class=255), t, p, expected)
    # classes 2, 3, 4 never occur: left out of the mean (not counted as 0)
    assert metrics.MeanIoU(5)([0, 1, 1], [0, 1, 0]) == pytest.approx((1 / 2 + 1 / 2) / 2)


# --- Mean, wrappers, state, configs ---------------------------------------------------------------
def test_mean_is_the_weighted_running_mean():
    m = metrics.Mean(name="loss")
    m.update_state(0.5, sample_weight=32)
    m.update_state(0.2, sample_weight=8)
    assert m.result() == pytest.approx((32 * 0.5 + 8 * 0.2) / 40)
    m.update_state(pf.tensor([[1.0, 3.0]]))  # one sample of two values
    assert m.result() == pytest.approx((16 + 1.6 + 2.0) / 41)
    m.reset_state()
    assert m.result() == 0.0


def test_wrapper_of_a_users_function(data):
    def mistakes(y_true, y_pred):
        return (y_pred.argmax(axis=-1) != y_true).astype(float)

    m = metrics.get(mistakes)
    assert m.name == "mistakes"
    check(
        m, data["labels"], data["probs"], 1 - skm.accuracy_score(data["labels"], data["predicted"])
    )


EVERY_METRIC = [
    metrics.Mean(),
    metrics.Accuracy(),
    metrics.BinaryAccuracy(threshold=0.3),
    metrics.CategoricalAccuracy(),
    metrics.SparseCategoricalAccuracy(),
    metrics.TopKCategoricalAccuracy(k=3),
    metrics.SparseTopKCategoricalAccuracy(k=2),
    metrics.Precision(thresholds=0.4, class_id=1),
    metrics.Recall(average="macro", num_classes=3),
    metrics.F1Score(average="weighted", threshold=0.2),
    metrics.FBetaScore(beta=2.0),
    metrics.AUC(curve="PR", multi_label=True),
    metrics.MeanSquaredError(name="mse"),
    metrics.RootMeanSquaredError(),
    metrics.MeanAbsoluteError(),
    metrics.KLDivergence(),
    metrics.R2Score(class_aggregation=None),
    metrics.ConfusionMatrix(3),
    metrics.IoU(3, [0, 2], ignore_class=1),
    metrics.MeanIoU(4, sparse_y_pred=False),
]


@pytest.mark.parametrize("metric", EVERY_METRIC, ids=lambda m: type(m).__name__)
def test_config_round_trip(metric):
    again = metrics.deserialize(metrics.serialize(metric))
    assert type(again) is type(metric)
    assert again.get_config() == metric.get_config()
    assert type(metric).from_config(metric.get_config()).get_config() == metric.get_config()


def test_call_updates_and_returns_the_result():
    acc = metrics.BinaryAccuracy()
    assert acc([1, 0], [0.9, 0.9]) == 0.5
    assert acc([1, 1], [0.9, 0.9]) == 0.75


# --- names and the choice of accuracy -------------------------------------------------------------
def test_get_by_name():
    for name, cls in [
        ("mse", metrics.MeanSquaredError),
        ("mae", metrics.MeanAbsoluteError),
        ("auc", metrics.AUC),
        ("precision", metrics.Precision),
        ("recall", metrics.Recall),
        ("acc", metrics.Accuracy),
        ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
        ("rmse", metrics.RootMeanSquaredError),
        ("f1_score", metrics.F1Score),
    ]:
        m = metrics.get(name)
        assert type(m) is cls and m.name == name
    m = metrics.get("MeanSquaredError")
    assert type(m) is metrics.MeanSquaredError and m.name == "mean_squared_error"
    assert metrics.get("mse") is not metrics.get("mse")  # fresh state each time
    auc = metrics.AUC()
    assert metrics.get(auc) is auc
    assert (
        type(metrics.get({"class_name": "MeanIoU", "config": {"num_classes": 3}}))
        is metrics.MeanIoU
    )


def test_get_explains_what_it_cannot_find():
    with pytest.raises(ValueError, match="unknown metric 'acuracy'.*accuracy"):
        metrics.get("acuracy")
    with pytest.raises(ValueError, match="MeanIoU"):
        metrics.get("MeanIoU")
    with pytest.raises(TypeError, match="got int"):
        metrics.get(3)


@pytest.mark.parametrize(
    "loss, y_true, y_pred, expected",
    [
        ("sparse_categorical_crossentropy", None, None, metrics.SparseCategoricalAccuracy),
        ("categorical_crossentropy", None, None, metrics.CategoricalAccuracy),
        ("binary_crossentropy", None, None, metrics.BinaryAccuracy),
        ("BinaryFocalCrossentropy", None, None, metrics.BinaryAccuracy),
        ("mse", (32, 1), (32, 1), metrics.BinaryAccuracy),
        (None, (32,), (32,), metrics.BinaryAccuracy),
        (None, (32,), (32, 10), metrics.SparseCategoricalAccuracy),
        (None, (32, 1), (32, 10), metrics.SparseCategoricalAccuracy),
        (None, (32, 10), (32, 10), metrics.CategoricalAccuracy),
        (None, np.zeros(8), np.zeros((8, 3)), metrics.SparseCategoricalAccuracy),
    ],
)
def test_resolve_accuracy(loss, y_true, y_pred, expected):
    assert type(metrics.resolve_accuracy(loss, y_true, y_pred)) is expected
    m = metrics.get("acc", loss=loss, y_true=y_true, y_pred=y_pred)
    assert type(m) is expected and m.name == "acc"


def test_resolve_accuracy_from_a_loss_object_or_function():
    class SparseCategoricalCrossentropy:
        name = "sparse_categorical_crossentropy"

    def categorical_crossentropy(y_true, y_pred):
        return y_pred

    loss = SparseCategoricalCrossentropy()
    assert type(metrics.resolve_accuracy(loss)) is metrics.SparseCategoricalAccuracy
    assert type(metrics.resolve_accuracy(categorical_crossentropy)) is metrics.CategoricalAccuracy
    with pytest.raises(ValueError, match="give y_true and y_pred"):
        metrics.resolve_accuracy("hinge")


# --- errors a user can hit ------------------------------------------------------------------------
def test_error_messages_name_the_metric_and_the_shapes(data):
    shapes = r"categorical_accuracy: y_true has shape \(300,\) and y_pred has shape \(300, 4\)"
    with pytest.raises(ValueError, match=shapes):
        metrics.categorical_accuracy(data["labels"], data["probs"])
    with pytest.raises(ValueError, match="class indices 0..3"):
        metrics.sparse_categorical_accuracy(data["labels"] + 1, data["probs"])
    with pytest.raises(ValueError, match=r"sample_weight has shape \(3,\).*one weight per sample"):
        metrics.MeanSquaredError().update_state(np.zeros(4), np.zeros(4), sample_weight=np.ones(3))
    with pytest.raises(
        ValueError, match="my_iou: y_pred must hold integer class labels from 0 up to 2"
    ):
        metrics.MeanIoU(3, name="my_iou").update_state([0, 1], [0, 3])
    with pytest.raises(ValueError, match="this batch has 3 classes, expected 4"):
        f1 = metrics.F1Score()
        f1.update_state(data["onehot"], data["probs"])
        f1.update_state(data["onehot"][:, :3], data["probs"][:, :3])
    with pytest.raises(ValueError, match="average must be"):
        metrics.Precision(average="samples")
    with pytest.raises(ValueError, match="curve must be 'ROC' or 'PR'"):
        metrics.AUC(curve="roc-pr")


# --- AUC counted at fixed thresholds, as Keras' ---------------------------------------------------
@pytest.mark.parametrize("curve", ["ROC", "PR"])
@pytest.mark.parametrize("summation_method", ["interpolation", "minoring", "majoring"])
@pytest.mark.parametrize("multi_label", [False, True])
def test_auc_with_thresholds_equals_keras(curve, summation_method, multi_label):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(3)
    t = (rng.random((50, 3)) > 0.6).astype("float32")
    s = rng.random((50, 3)).astype("float32")
    w = rng.random(50).astype("float32")
    for k in (200, 7):
        settings = dict(curve=curve, summation_method=summation_method, multi_label=multi_label)
        ours = pf.metrics.AUC(num_thresholds=k, **settings)
        theirs = keras.metrics.AUC(num_thresholds=k, **settings)
        for i in range(0, 50, 20):  # batches: the counts accumulate
            ours.update_state(t[i : i + 20], s[i : i + 20], w[i : i + 20])
            theirs.update_state(t[i : i + 20], s[i : i + 20], w[i : i + 20])
        assert ours.result() == pytest.approx(float(theirs.result()), abs=5e-7)


def test_auc_with_many_thresholds_approaches_the_exact_area_and_keeps_no_samples():
    rng = np.random.default_rng(4)
    t, s = (rng.random(2000) > 0.5).astype("float32"), rng.random(2000)
    s = np.clip(s + 0.3 * t, 0, 1)
    exact, counted = pf.metrics.AUC(), pf.metrics.AUC(num_thresholds=2000)
    for m in (exact, counted):
        m.update_state(t, s)
    assert counted.result() == pytest.approx(exact.result(), abs=1e-3)
    assert counted.labels == [] and counted.counts.shape == (4, 2000, 1)  # bounded memory
    assert pf.metrics.AUC.from_config(counted.get_config()).num_thresholds == 2000


def test_auc_settings_are_checked():
    with pytest.raises(ValueError, match="num_thresholds must be None"):
        pf.metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="summation_method must be one of"):
        pf.metrics.AUC(num_thresholds=10, summation_method="trapezoid")
