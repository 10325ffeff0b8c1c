"""Losses: values and gradients against PyTorch (float32) or a NumPy formula (Keras-only losses),
gradcheck of every loss (float64), reductions and sample weights, extreme inputs, dtypes, names
and configs, loss arithmetic, error messages."""

import json
import math

import numpy as np
import pytest

import profundo as pf
from profundo import losses
from profundo.testing import assert_close

rng = np.random.default_rng(0)


def probabilities(*shape):
    """Random probabilities in (0.05, 0.95), float32."""
    return rng.uniform(0.05, 0.95, shape).astype(np.float32)


def distributions(n, k):
    """n random probability rows over k classes, float32."""
    p = rng.uniform(0.1, 1.0, (n, k))
    return (p / p.sum(-1, keepdims=True)).astype(np.float32)


def one_hot(labels, k):
    return np.eye(k, dtype=np.float32)[labels]


# --- parity with PyTorch ------------------------------------------------------------------------
def torch_parity(ours, theirs, y_true, y_pred, rtol=1e-5, atol=1e-6):
    """``ours(y_true, tensor)`` and ``theirs(torch, F, y_true, y_pred)`` give the same per-sample
    values and the same gradient of their sum with respect to ``y_pred``."""
    torch = pytest.importorskip("torch")
    p = pf.tensor(y_pred, requires_grad=True)
    tp = torch.tensor(y_pred, requires_grad=True)
    out = ours(y_true, p)
    expected = theirs(torch, torch.nn.functional, torch.tensor(y_true), tp)
    assert out.dtype == np.float32
    assert_close(out, expected, rtol, atol, what="loss")
    out.sum().backward()
    expected.sum().backward()
    assert_close(p.grad, tp.grad, rtol, atol, what="gradient")


def test_mean_squared_and_absolute_error_match_pytorch():
    t, p = rng.standard_normal((4, 3), np.float32), rng.standard_normal((4, 3), np.float32)
    torch_parity(
        losses.mean_squared_error,
        lambda torch, F, t, p: F.mse_loss(p, t, reduction="none").mean(-1),
        t,
        p,
    )
    torch_parity(
        losses.mean_absolute_error,
        lambda torch, F, t, p: F.l1_loss(p, t, reduction="none").mean(-1),
        t,
        p,
    )


@pytest.mark.parametrize("delta", [1.0, 0.3])
def test_huber_matches_pytorch(delta):
    t, p = rng.standard_normal((4, 5), np.float32), rng.standard_normal((4, 5), np.float32)
    torch_parity(
        lambda t, p: losses.huber(t, p, delta=delta),
        lambda torch, F, t, p: F.huber_loss(p, t, reduction="none", delta=delta).mean(-1),
        t,
        p,
    )


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_binary_crossentropy_matches_pytorch(smoothing):
    t = rng.integers(0, 2, (4, 3)).astype(np.float32)
    smoothed = lambda t: t * (1 - smoothing) + smoothing / 2  # noqa: E731
    torch_parity(
        lambda t, p: losses.binary_crossentropy(t, p, label_smoothing=smoothing),
        lambda torch, F, t, p: F.binary_cross_entropy(p, smoothed(t), reduction="none").mean(-1),
        t,
        probabilities(4, 3),
    )
    torch_parity(
        lambda t, p: losses.binary_crossentropy(t, p, from_logits=True, label_smoothing=smoothing),
        lambda torch, F, t, p: F.binary_cross_entropy_with_logits(
            p, smoothed(t), reduction="none"
        ).mean(-1),
        t,
        3 * rng.standard_normal((4, 3), np.float32),
    )


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_categorical_crossentropy_matches_pytorch_with_probability_targets(smoothing):
    t = distributions(5, 4)  # soft targets, not just one-hot
    torch_parity(
        lambda t, p: losses.categorical_crossentropy(
            t, p, from_logits=True, label_smoothing=smoothing
        ),
        lambda torch, F, t, p: F.cross_entropy(p, t, reduction="none", label_smoothing=smoothing),
        t,
        rng.standard_normal((5, 4), np.float32),
    )
    # probabilities: CrossEntropyLoss of log p is −Σ t log(p / Σp), the same function
    torch_parity(
        lambda t, p: losses.categorical_crossentropy(t, p, label_smoothing=smoothing),
        lambda torch, F, t, p: F.cross_entropy(
            torch.log(p), t, reduction="none", label_smoothing=smoothing
        ),
        t,
        distributions(5, 4),
    )


def test_categorical_crossentropy_over_another_axis_matches_pytorch():
    t = one_hot(rng.integers(0, 3, (2, 4)), 3).transpose(0, 2, 1).copy()  # classes on axis 1
    torch_parity(
        lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True, axis=1),
        lambda torch, F, t, p: F.cross_entropy(p, t, reduction="none"),
        t,
        rng.standard_normal((2, 3, 4), np.float32),
    )


@pytest.mark.parametrize("label_shape", [(6,), (6, 1)])
def test_sparse_categorical_crossentropy_matches_pytorch_cross_entropy_and_nll(label_shape):
    labels = rng.integers(0, 4, 6)
    y = labels.reshape(label_shape)
    torch_parity(
        lambda t, p: losses.sparse_categorical_crossentropy(y, p, from_logits=True),
        lambda torch, F, t, p: F.cross_entropy(p, torch.tensor(labels), reduction="none"),
        labels,
        rng.standard_normal((6, 4), np.float32),
    )
    torch_parity(
        lambda t, p: losses.sparse_categorical_crossentropy(y, p),
        lambda torch, F, t, p: F.nll_loss(
            torch.log(p / p.sum(-1, keepdim=True)), torch.tensor(labels), reduction="none"
        ),
        labels,
        distributions(6, 4),
    )


def test_kl_divergence_and_poisson_match_pytorch():
    t, p = distributions(4, 5), distributions(4, 5)
    torch_parity(
        losses.kl_divergence,
        lambda torch, F, t, p: F.kl_div(torch.log(p), t, reduction="none").sum(-1),
        t,
        p,
    )
    counts = rng.poisson(3.0, (4, 5)).astype(np.float32)
    rates = rng.uniform(0.5, 5.0, (4, 5)).astype(np.float32)
    torch_parity(
        losses.poisson,
        lambda torch, F, t, p: F.poisson_nll_loss(
            p, t, log_input=False, eps=1e-7, reduction="none"
        ).mean(-1),
        counts,
        rates,
    )


@pytest.mark.parametrize("axis", [-1, 0])
def test_cosine_similarity_is_minus_pytorch_cosine_similarity(axis):
    t, p = rng.standard_normal((4, 3), np.float32), rng.standard_normal((4, 3), np.float32)
    torch_parity(
        lambda t, p: losses.cosine_similarity(t, p, axis=axis),
        lambda torch, F, t, p: -F.cosine_similarity(p, t, dim=axis),
        t,
        p,
    )
    # CosineEmbeddingLoss with y = 1 is 1 − cos
    torch_parity(
        lambda t, p: 1 + losses.cosine_similarity(t, p),
        lambda torch, F, t, p: F.cosine_embedding_loss(p, t, torch.ones(4), reduction="none"),
        t,
        p,
    )


@pytest.mark.parametrize("balance", [False, True])
@pytest.mark.parametrize("gamma", [2.0, 0.5])
def test_binary_focal_crossentropy_matches_sigmoid_focal_loss_written_in_pytorch(balance, gamma):
    t = rng.integers(0, 2, (4, 3)).astype(np.float32)

    def sigmoid_focal_loss(torch, F, t, x):  # torchvision.ops.sigmoid_focal_loss, written out
        p = torch.sigmoid(x)
        ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
        p_t = p * t + (1 - p) * (1 - t)
        loss = ce * (1 - p_t) ** gamma
        if balance:
            loss = (0.25 * t + 0.75 * (1 - t)) * loss
        return loss.mean(-1)

    torch_parity(
        lambda t, p: losses.binary_focal_crossentropy(
            t, p, apply_class_balancing=balance, gamma=gamma, from_logits=True
        ),
        sigmoid_focal_loss,
        t,
        2 * rng.standard_normal((4, 3), np.float32),
    )


# --- NumPy references for the Keras-specific losses ---------------------------------------------
def numpy_check(ours, reference, y_true, y_pred, rtol=1e-5, atol=1e-6):
    """``ours`` in float32 matches ``reference`` (NumPy, float64); its gradient passes gradcheck."""
    out = ours(y_true, pf.tensor(y_pred))
    assert out.dtype == np.float32
    assert_close(out, reference(y_true.astype(np.float64), y_pred.astype(np.float64)), rtol, atol)
    pf.gradcheck(lambda p: ours(y_true, p), [y_pred.astype(np.float64)])


def test_mean_squared_logarithmic_error():
    numpy_check(
        losses.mean_squared_logarithmic_error,
        lambda t, p: ((np.log1p(p) - np.log1p(t)) ** 2).mean(-1),
        rng.uniform(0, 3, (4, 3)).astype(np.float32),
        rng.uniform(0, 3, (4, 3)).astype(np.float32),
    )


def test_mean_absolute_percentage_error():
    numpy_check(
        losses.mean_absolute_percentage_error,
        lambda t, p: 100 * (np.abs(t - p) / np.abs(t)).mean(-1),
        rng.uniform(1, 3, (4, 3)).astype(np.float32),
        rng.standard_normal((4, 3)).astype(np.float32),
    )


def test_log_cosh():
    numpy_check(
        losses.log_cosh,
        lambda t, p: np.log(np.cosh(p - t)).mean(-1),
        rng.standard_normal((4, 3)).astype(np.float32),
        3 * rng.standard_normal((4, 3)).astype(np.float32),
    )


@pytest.mark.parametrize("labels", ["0/1", "-1/1"])
def test_hinge_and_squared_hinge(labels):
    signs = rng.choice([-1.0, 1.0], (4, 3)).astype(np.float32)
    t = signs if labels == "-1/1" else (signs + 1) / 2  # 0/1 labels are converted
    p = rng.standard_normal((4, 3)).astype(np.float32)
    numpy_check(losses.hinge, lambda _, p: np.maximum(1 - signs * p, 0).mean(-1), t, p)
    numpy_check(
        losses.squared_hinge, lambda _, p: (np.maximum(1 - signs * p, 0) ** 2).mean(-1), t, p
    )


def test_categorical_hinge():
    t = one_hot(rng.integers(0, 4, 5), 4)
    numpy_check(
        losses.categorical_hinge,
        lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0),
        t,
        rng.standard_normal((5, 4)).astype(np.float32),
    )


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_focal_crossentropy_with_smoothing_and_balancing(from_logits):
    t = rng.integers(0, 2, (4, 3)).astype(np.float32)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    y_pred = x if from_logits else 1 / (1 + np.exp(-x))

    def reference(t, y_pred):  # Keras' formula
        p = 1 / (1 + np.exp(-y_pred)) if from_logits else y_pred
        t = t * 0.9 + 0.05
        bce = -(t * np.log(p) + (1 - t) * np.log(1 - p))
        p_t = t * p + (1 - t) * (1 - p)
        return ((0.4 * t + 0.6 * (1 - t)) * (1 - p_t) ** 3.0 * bce).mean(-1)

    numpy_check(
        lambda t, p: losses.binary_focal_crossentropy(
            t,
            p,
            apply_class_balancing=True,
            alpha=0.4,
            gamma=3.0,
            from_logits=from_logits,
            label_smoothing=0.1,
        ),
        reference,
        t,
        y_pred.astype(np.float32),
    )


@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_focal_crossentropy(from_logits):
    t = one_hot(rng.integers(0, 4, 5), 4)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    y_pred = x if from_logits else np.exp(x) / np.exp(x).sum(-1, keepdims=True)

    def reference(t, y_pred):  # Keras' formula
        p = np.exp(y_pred) / np.exp(y_pred).sum(-1, keepdims=True) if from_logits else y_pred
        t = t * 0.8 + 0.2 / 4
        return -(0.5 * (1 - p) ** 1.5 * t * np.log(p)).sum(-1)

    numpy_check(
        lambda t, p: losses.categorical_focal_crossentropy(
            t, p, alpha=0.5, gamma=1.5, from_logits=from_logits, label_smoothing=0.2
        ),
        reference,
        t,
        y_pred.astype(np.float32),
    )


def test_focal_losses_without_focusing_are_cross_entropies():
    t, p = rng.integers(0, 2, (4, 3)).astype(np.float32), probabilities(4, 3)
    assert_close(
        losses.binary_focal_crossentropy(t, p, gamma=0.0), losses.binary_crossentropy(t, p)
    )
    t, p = one_hot(rng.integers(0, 3, 4), 3), distributions(4, 3)
    assert_close(
        losses.categorical_focal_crossentropy(t, p, alpha=1.0, gamma=0.0),
        losses.categorical_crossentropy(t, p),
    )


@pytest.mark.parametrize("smooth", [1.0, 1e-3])
def test_iou_and_dice_over_the_non_batch_axes(smooth):
    masks = rng.integers(0, 2, (3, 4, 4, 1)).astype(np.float32)
    p = probabilities(3, 4, 4, 1)

    def parts(t, p):
        axes = (1, 2, 3)
        return (t * p).sum(axes), t.sum(axes) + p.sum(axes)

    def iou_ref(t, p):
        inter, total = parts(t, p)
        return 1 - (inter + smooth) / (total - inter + smooth)

    def dice_ref(t, p):
        inter, total = parts(t, p)
        return 1 - (2 * inter + smooth) / (total + smooth)

    numpy_check(lambda t, p: losses.iou(t, p, smooth=smooth), iou_ref, masks, p)
    numpy_check(lambda t, p: losses.dice(t, p, smooth=smooth), dice_ref, masks, p)


def test_iou_and_dice_of_perfect_and_empty_masks():
    mask = np.zeros((2, 3, 3), np.float32)
    mask[0, 1:, 1:] = 1
    assert_close(losses.iou(mask, mask), [0.0, 0.0])  # the empty mask too: (0+s)/(0+s)
    assert_close(losses.dice(mask, mask), [0.0, 0.0])
    assert_close(losses.iou(mask, 1 - mask, smooth=1e-7), [1.0, 1.0], atol=1e-5)


def test_iou_and_dice_take_an_axis():
    t, p = rng.integers(0, 2, (2, 5, 3)).astype(np.float32), probabilities(2, 5, 3)
    assert losses.iou(t, p, axis=1).shape == (2, 3)
    assert_close(losses.dice(t, p, axis=(1, 2)), losses.dice(t, p))


# --- gradcheck of every loss (float64) ----------------------------------------------------------
GRADCHECK_CASES = {
    "mse": (losses.mean_squared_error, "real"),
    "mae": (losses.mean_absolute_error, "real"),
    "huber": (lambda t, p: losses.huber(t, p, delta=0.7), "real"),
    "cosine": (lambda t, p: losses.cosine_similarity(t, p, axis=0), "real"),
    "bce": (lambda t, p: losses.binary_crossentropy(t, p, label_smoothing=0.1), "binary"),
    "bce_logits": (
        lambda t, p: losses.binary_crossentropy(t, p, from_logits=True),
        "binary_logits",
    ),
    "cce": (lambda t, p: losses.categorical_crossentropy(t, p, label_smoothing=0.1), "onehot"),
    "cce_logits": (
        lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True),
        "onehot_logits",
    ),
    "scce": (lambda t, p: losses.sparse_categorical_crossentropy(t.argmax(-1), p), "onehot"),
    "kld": (losses.kl_divergence, "onehot"),
    "poisson": (losses.poisson, "onehot"),
}


@pytest.mark.parametrize("case", GRADCHECK_CASES)
def test_gradcheck(case):
    fn, kind = GRADCHECK_CASES[case]
    gen = np.random.default_rng(1)
    if kind in ("onehot", "onehot_logits"):
        t = np.eye(4)[gen.integers(0, 4, 3)]
        p = gen.standard_normal((3, 4)) if kind == "onehot_logits" else gen.uniform(0.1, 1, (3, 4))
    elif kind in ("binary", "binary_logits"):
        t = gen.integers(0, 2, (3, 4)).astype(float)
        p = (
            gen.standard_normal((3, 4))
            if kind == "binary_logits"
            else gen.uniform(0.05, 0.95, (3, 4))
        )
    else:
        t, p = gen.standard_normal((3, 4)), gen.standard_normal((3, 4))
    pf.gradcheck(lambda p: fn(t, p), [p])


def test_gradient_flows_into_a_y_true_tensor_that_requires_it():
    a, b = pf.randn(3, 4, dtype="float64"), pf.randn(3, 4, dtype="float64")
    pf.gradcheck(lambda a, b: losses.cosine_similarity(a, b), [a, b])
    pf.gradcheck(
        lambda t, x: losses.categorical_crossentropy(t, x, from_logits=True),
        [pf.softmax(pf.randn(3, 4, dtype="float64")), a],
    )


# --- reductions and sample weights --------------------------------------------------------------
def test_every_reduction_with_and_without_sample_weight():
    t, p = rng.standard_normal((4, 3), np.float32), rng.standard_normal((4, 3), np.float32)
    per_sample = ((p - t) ** 2).mean(-1)
    w = np.array([1.0, 0.0, 2.0, 0.5], np.float32)
    expected = {
        "sum_over_batch_size": ((per_sample.mean(), (w * per_sample).sum() / 4)),  # ÷ n, not Σw
        "sum": (per_sample.sum(), (w * per_sample).sum()),
        "mean_with_sample_weight": (per_sample.mean(), (w * per_sample).sum() / w.sum()),
        "none": (per_sample, w * per_sample),
    }
    for reduction, (plain, weighted) in expected.items():
        loss = losses.MeanSquaredError(reduction=reduction)
        assert_close(loss(t, p), plain, what=reduction)
        assert_close(loss(t, p, sample_weight=w), weighted, what=reduction)
        assert_close(loss(t, p, sample_weight=w[:, None]), weighted, what=reduction)  # (N, 1)
        assert_close(loss(t, p, sample_weight=pf.tensor(w)), weighted, what=reduction)
        assert loss(t, p, sample_weight=w).dtype == np.float32
    assert_close(losses.MeanSquaredError()(t, p, sample_weight=3.0), 3 * per_sample.mean())


def test_sample_weight_spreads_over_timesteps_and_the_gradient_follows():
    t, p = rng.standard_normal((2, 5, 3), np.float32), rng.standard_normal((2, 5, 3), np.float32)
    w = np.array([2.0, 0.0], np.float32)
    x = pf.tensor(p, requires_grad=True)
    loss = losses.MeanAbsoluteError()(t, x, sample_weight=w)  # per-sample losses (2, 5)
    assert_close(loss, (w[:, None] * np.abs(p - t).mean(-1)).sum() / 10)
    loss.backward()
    assert not x.grad[1].any() and x.grad[0].all()


def test_empty_batch_gives_zero_not_nan():
    loss = losses.MeanSquaredError()(np.zeros((0, 3)), np.zeros((0, 3), np.float32))
    assert float(loss) == 0.0


# --- extreme inputs, shapes and dtypes ----------------------------------------------------------
EXTREME_PROBABILITIES = np.array([[0.0, 1.0, 1.0, 0.0, 1e-30, 1 - 1e-9]], np.float32)
EXTREME_LABELS = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 0.0]], np.float32)
EXTREME_LOGITS = np.array([[-100.0, 100.0, 100.0, -100.0, -1000.0, 1000.0]], np.float32)
EXTREME_CASES = {
    "bce": (losses.BinaryCrossentropy(), EXTREME_PROBABILITIES),
    "bce_logits": (
        losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        EXTREME_LOGITS,
    ),
    "binary_focal": (
        losses.BinaryFocalCrossentropy(apply_class_balancing=True),
        EXTREME_PROBABILITIES,
    ),
    "binary_focal_logits": (losses.BinaryFocalCrossentropy(from_logits=True), EXTREME_LOGITS),
    "cce": (losses.CategoricalCrossentropy(label_smoothing=0.1), EXTREME_PROBABILITIES),
    "cce_logits": (losses.CategoricalCrossentropy(from_logits=True), EXTREME_LOGITS),
    "categorical_focal": (losses.CategoricalFocalCrossentropy(), EXTREME_PROBABILITIES),
    "categorical_focal_logits": (
        losses.CategoricalFocalCrossentropy(from_logits=True),
        EXTREME_LOGITS,
    ),
    "kld": (losses.KLDivergence(), EXTREME_PROBABILITIES),
    "poisson": (losses.Poisson(), EXTREME_PROBABILITIES),
    "msle": (losses.MeanSquaredLogarithmicError(), EXTREME_PROBABILITIES),
    "log_cosh": (losses.LogCosh(), EXTREME_LOGITS),
    "cosine": (losses.CosineSimilarity(), np.zeros((1, 6), np.float32)),  # a zero vector
    "iou": (losses.IoU(), EXTREME_PROBABILITIES),
    "dice": (losses.Dice(), EXTREME_PROBABILITIES),
}


@pytest.mark.parametrize("case", EXTREME_CASES)
def test_extreme_predictions_give_finite_losses_and_gradients(case):
    loss, y_pred = EXTREME_CASES[case]
    x = pf.tensor(y_pred, requires_grad=True)
    value = loss(EXTREME_LABELS, x)
    value.backward()
    assert np.isfinite(float(value)), f"{case}: loss {float(value)}"
    assert np.isfinite(x.grad).all(), f"{case}: gradient {x.grad}"


def test_confident_wrong_predictions_cost_a_lot_but_finitely():
    assert 15 < float(losses.binary_crossentropy([[1.0]], pf.tensor([[0.0]]))[0]) < 17  # −log ε
    assert_close(
        losses.binary_crossentropy([[1.0]], pf.tensor([[-100.0]]), from_logits=True), [100.0]
    )
    assert_close(
        losses.sparse_categorical_crossentropy([0], pf.tensor([[-100.0, 100.0]]), from_logits=True),
        [200.0],
    )


ALL_FUNCTIONS = [
    losses.mean_squared_error,
    losses.mean_absolute_error,
    losses.mean_absolute_percentage_error,
    losses.mean_squared_logarithmic_error,
    losses.huber,
    losses.log_cosh,
    losses.cosine_similarity,
    losses.binary_crossentropy,
    losses.binary_focal_crossentropy,
    losses.categorical_crossentropy,
    losses.categorical_focal_crossentropy,
    losses.kl_divergence,
    losses.poisson,
    losses.hinge,
    losses.squared_hinge,
    losses.categorical_hinge,
    losses.iou,
    losses.dice,
]


@pytest.mark.parametrize("fn", ALL_FUNCTIONS, ids=lambda f: f.__name__)
def test_per_sample_shape_and_dtype(fn):
    t = one_hot(rng.integers(0, 3, 4), 3).astype(np.float64)  # float64 labels never promote
    p = distributions(4, 3)
    out = fn(t, p)  # y_pred as an array
    assert out.shape == (4,) and out.dtype == np.float32
    assert fn(t, pf.tensor(p, dtype="float64")).dtype == np.float64
    assert fn(t.tolist(), pf.tensor(p)).dtype == np.float32  # y_true as a list


def test_sparse_labels_as_floats_tensors_and_over_pixels():
    p = distributions(4, 3)
    labels = np.array([0, 2, 1, 2])
    expected = losses.categorical_crossentropy(one_hot(labels, 3), p)
    for y in (labels, labels[:, None].astype(np.float32), pf.tensor(labels), labels.tolist()):
        assert_close(losses.sparse_categorical_crossentropy(y, p), expected)
    x = rng.standard_normal((2, 4, 4, 3)).astype(np.float32)  # segmentation: (N, H, W, K)
    y = rng.integers(0, 3, (2, 4, 4))
    out = losses.sparse_categorical_crossentropy(y, x, from_logits=True)
    assert out.shape == (2, 4, 4)
    assert_close(out, losses.categorical_crossentropy(one_hot(y, 3), x, from_logits=True))


def test_labels_of_shape_n_against_outputs_n_by_1_do_not_broadcast():
    t, p = np.array([1.0, 0.0, 1.0]), probabilities(3, 1)
    out = losses.binary_crossentropy(t, p)
    assert out.shape == (3,)
    assert_close(out, losses.binary_crossentropy(t[:, None], p))
    assert losses.mean_squared_error(rng.standard_normal((2, 5, 1)), probabilities(2, 5)).shape == (
        2,
    )


def test_one_dimensional_inputs_reduce_to_one_number_as_in_keras():
    assert losses.mean_squared_error([1.0, 2.0], pf.tensor([1.0, 4.0])).shape == ()
    assert_close(losses.MeanSquaredError()([1.0, 2.0], pf.tensor([1.0, 4.0])), 2.0)


def test_the_class_gives_the_mean_of_the_function():
    t, p = rng.integers(0, 2, (4, 3)).astype(np.float32), probabilities(4, 3)
    loss = losses.BinaryFocalCrossentropy(gamma=1.0, label_smoothing=0.1)
    assert_close(
        loss(t, p),
        losses.binary_focal_crossentropy(t, p, gamma=1.0, label_smoothing=0.1).numpy().mean(),
    )


# --- names, configs, arithmetic -----------------------------------------------------------------
NAMES = {
    "mse": losses.MeanSquaredError,
    "mean_squared_error": losses.MeanSquaredError,
    "mae": losses.MeanAbsoluteError,
    "mean_absolute_error": losses.MeanAbsoluteError,
    "mape": losses.MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": losses.MeanAbsolutePercentageError,
    "msle": losses.MeanSquaredLogarithmicError,
    "mean_squared_logarithmic_error": losses.MeanSquaredLogarithmicError,
    "huber": losses.Huber,
    "huber_loss": losses.Huber,
    "log_cosh": losses.LogCosh,
    "logcosh": losses.LogCosh,
    "cosine_similarity": losses.CosineSimilarity,
    "binary_crossentropy": losses.BinaryCrossentropy,
    "bce": losses.BinaryCrossentropy,
    "categorical_crossentropy": losses.CategoricalCrossentropy,
    "sparse_categorical_crossentropy": losses.SparseCategoricalCrossentropy,
    "binary_focal_crossentropy": losses.BinaryFocalCrossentropy,
    "categorical_focal_crossentropy": losses.CategoricalFocalCrossentropy,
    "kld": losses.KLDivergence,
    "kl_divergence": losses.KLDivergence,
    "kullback_leibler_divergence": losses.KLDivergence,
    "poisson": losses.Poisson,
    "hinge": losses.Hinge,
    "squared_hinge": losses.SquaredHinge,
    "categorical_hinge": losses.CategoricalHinge,
    "iou": losses.IoU,
    "jaccard": losses.IoU,
    "dice": losses.Dice,
    "MeanSquaredError": losses.MeanSquaredError,
    "IoU": losses.IoU,
}


@pytest.mark.parametrize("name", NAMES)
def test_get_by_name(name):
    loss = losses.get(name)
    assert type(loss) is NAMES[name]
    labels = [0, 2] if name == "sparse_categorical_crossentropy" else one_hot([0, 2], 3)
    value = loss(labels, distributions(2, 3))
    assert value.shape == () and np.isfinite(float(value))


def test_get_passes_losses_through_and_wraps_functions():
    mse = losses.MeanSquaredError()
    assert losses.get(mse) is mse
    wrapped = losses.get(losses.mean_absolute_error)
    assert isinstance(wrapped, losses.LossFunctionWrapper) and wrapped.name == "mean_absolute_error"
    assert_close(wrapped([[1.0, 2.0]], [[2.0, 2.0]]), 0.5)
    assert losses.mse is losses.mean_squared_error and losses.kld is losses.kl_divergence


ROUND_TRIP = [
    losses.MeanSquaredError(reduction="sum", name="my_mse"),
    losses.Huber(delta=0.5),
    losses.CosineSimilarity(axis=0),
    losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
    losses.CategoricalCrossentropy(axis=1),
    losses.SparseCategoricalCrossentropy(from_logits=True),
    losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.0),
    losses.CategoricalFocalCrossentropy(alpha=0.5),
    losses.KLDivergence(),
    losses.Poisson(),
    losses.MeanAbsoluteError(),
    losses.MeanAbsolutePercentageError(),
    losses.MeanSquaredLogarithmicError(),
    losses.LogCosh(),
    losses.Hinge(),
    losses.SquaredHinge(),
    losses.CategoricalHinge(),
    losses.IoU(smooth=0.5, axis=[1, 2]),
    losses.Dice(reduction="none"),
    losses.LossFunctionWrapper(losses.log_cosh, name="wrapped"),
    0.5 * losses.BinaryCrossentropy() + losses.IoU(),
]


@pytest.mark.parametrize("loss", ROUND_TRIP, ids=lambda l: type(l).__name__)
def test_config_round_trip_through_json(loss):
    text = json.dumps(losses.serialize(loss))
    back = losses.get(json.loads(text))
    assert type(back) is type(loss)
    assert back.get_config() == loss.get_config()
    assert type(loss).from_config(loss.get_config()).get_config() == loss.get_config()
    t, p = rng.integers(0, 2, (2, 3, 3)).astype(np.float32), probabilities(2, 3, 3)
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        t = rng.integers(0, 3, (2, 3))
    assert_close(back(t, p), loss(t, p))


def test_own_functions_and_classes_through_custom_objects():
    def quartic(y_true, y_pred):
        t, p = losses.prepare("quartic", y_true, y_pred)
        return ((p - t) ** 4).mean(axis=-1)

    class Quartic(losses.Loss):
        def call(self, y_true, y_pred):
            return quartic(y_true, y_pred)

    config = json.loads(json.dumps(losses.serialize(losses.get(quartic))))
    assert config["config"]["fn"] == "quartic"
    restored = losses.get(config, custom_objects={"quartic": quartic})
    assert_close(restored([[0.0]], [[2.0]]), 16.0)
    assert_close(losses.get("Quartic", custom_objects={"Quartic": Quartic})([[0.0]], [[2.0]]), 16.0)
    own = losses.get(losses.serialize(Quartic(name="q")), custom_objects={"Quartic": Quartic})
    assert own.name == "q"


def test_bce_plus_iou_for_segmentation_is_the_weighted_sum_of_its_terms():
    """The course's loss for segmentation: binary cross-entropy plus IoU on the masks."""
    masks = rng.integers(0, 2, (2, 8, 8, 1)).astype(np.float32)
    logits = rng.standard_normal((2, 8, 8, 1)).astype(np.float32)
    bce, iou = losses.BinaryCrossentropy(), losses.IoU()
    combined = 0.5 * bce + iou
    assert isinstance(combined, losses.CombinedLoss)
    assert combined.name == "0.5*binary_crossentropy + iou"

    x = pf.tensor(logits, requires_grad=True)
    value = combined(masks, pf.sigmoid(x))
    value.backward()
    y = pf.tensor(logits, requires_grad=True)
    (0.5 * bce(masks, pf.sigmoid(y)) + iou(masks, pf.sigmoid(y))).backward()
    assert value.shape == () and value.dtype == np.float32
    assert_close(x.grad, y.grad)
    z = pf.tensor(logits)
    assert_close(value, 0.5 * float(bce(masks, pf.sigmoid(z))) + float(iou(masks, pf.sigmoid(z))))


def test_loss_arithmetic_flattens_and_scales_terms():
    mse, mae = losses.MeanSquaredError(), losses.MeanAbsoluteError()
    combined = 2 * (mse + 0.5 * mae) + mse * 3
    assert [(w, l) for w, l in combined.terms] == [(2.0, mse), (1.0, mae), (3.0, mse)]
    t, p = rng.standard_normal((3, 2)), rng.standard_normal((3, 2)).astype(np.float32)
    w = np.array([1.0, 0.0, 2.0])
    assert_close(
        combined(t, p, sample_weight=w),
        5 * float(mse(t, p, sample_weight=w)) + float(mae(t, p, sample_weight=w)),
    )
    with pytest.raises(TypeError):
        mse * "2"
    with pytest.raises(TypeError):
        mse + 1


# --- errors -------------------------------------------------------------------------------------
def test_shape_mismatch_names_the_loss_and_both_shapes():
    with pytest.raises(
        ValueError,
        match=r"mean_squared_error: y_true has shape \(4, 3\) and "
        r"y_pred has shape \(4, 2\)",
    ):
        losses.MeanSquaredError()(np.zeros((4, 3)), np.zeros((4, 2), np.float32))
    with pytest.raises(ValueError, match="categorical_crossentropy.*use sparse_categorical"):
        losses.categorical_crossentropy([0, 2], distributions(2, 3))


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(
        ValueError,
        match="unknown loss name 'msee'; did you mean 'mse'.*known:.*binary_crossentropy",
    ):
        losses.get("msee")
    with pytest.raises(ValueError, match="unknown loss function 'mine'.*custom_objects"):
        losses.get({"class_name": "LossFunctionWrapper", "config": {"fn": "mine"}})
    with pytest.raises(TypeError, match="losses.get: expected"):
        losses.get(3)
    with pytest.raises(ValueError, match="class_name"):
        losses.deserialize({"config": {}})


def test_sparse_label_errors():
    p = distributions(3, 4)
    with pytest.raises(ValueError, match="class label 4 is out of range for y_pred with 4 classes"):
        losses.sparse_categorical_crossentropy([0, 4, 1], p)
    with pytest.raises(
        ValueError, match=r"y_true has shape \(3, 4\).*shape \(3,\).*categorical_crossentropy"
    ):
        losses.sparse_categorical_crossentropy(one_hot([0, 1, 2], 4), p)
    with pytest.raises(
        TypeError, match=r"whole-number class labels, got dtype float32 values such as \[0.5"
    ):
        losses.sparse_categorical_crossentropy([0.5, 1.0, 2.0], p)


def test_bad_settings_are_refused_with_the_loss_named():
    with pytest.raises(ValueError, match="MeanSquaredError: reduction must be one of"):
        losses.MeanSquaredError(reduction="mean")
    with pytest.raises(ValueError, match="binary_crossentropy: label_smoothing must be in"):
        losses.binary_crossentropy([[1.0]], [[0.5]], label_smoothing=1.5)
    with pytest.raises(
        ValueError,
        match=r"categorical_crossentropy: axis 2 is out of range for "
        r"y_pred of shape \(2, 3\)",
    ):
        losses.categorical_crossentropy(one_hot([0, 1], 3), distributions(2, 3), axis=2)
    with pytest.raises(
        ValueError, match="sparse_categorical_crossentropy: axis -3 is out of range"
    ):
        losses.sparse_categorical_crossentropy([0, 1], distributions(2, 3), axis=-3)
    with pytest.raises(ValueError, match="huber: delta must be positive"):
        losses.huber([[1.0]], [[0.5]], delta=0)
    with pytest.raises(ValueError, match="iou: smooth must be positive"):
        losses.iou([[1.0]], [[0.5]], smooth=0)


def test_sample_weight_of_the_wrong_shape():
    with pytest.raises(
        ValueError,
        match=r"mean_squared_error: sample_weight has shape \(3,\).*"
        r"per-sample losses of shape \(4,\)",
    ):
        losses.MeanSquaredError()(
            np.zeros((4, 2)), np.zeros((4, 2), np.float32), sample_weight=[1, 2, 3]
        )
    with pytest.raises(ValueError, match=r"shape \(N, 1\)"):
        losses.MeanSquaredError()(np.zeros(4), np.zeros(4, np.float32), sample_weight=np.ones(4))


def test_log_cosh_never_overflows():
    assert_close(
        losses.log_cosh([[0.0, 0.0]], pf.tensor([[1000.0, -1000.0]])),
        [1000 - math.log(2)],
        rtol=1e-6,
    )


def test_cross_entropies_of_a_recorded_softmax_or_sigmoid_work_from_the_logits():
    """As Keras: the loss of a softmax/sigmoid output in the graph is the fused logits op (no
    clipping at ε: a confidently wrong prediction costs its full −log p, and ∂L/∂z = p − y)."""
    z = pf.tensor([[40.0, 0.0, -40.0]], requires_grad=True)
    loss = losses.categorical_crossentropy([[0.0, 0.0, 1.0]], pf.softmax(z))
    assert float(loss.numpy()[0]) == pytest.approx(80.0, rel=1e-5)  # clipped p: 16.1
    loss.sum().backward()
    np.testing.assert_allclose(z.grad, [[1.0, 0.0, -1.0]], atol=1e-6)
    s = pf.tensor([[-30.0]], requires_grad=True)
    loss = losses.binary_crossentropy([[1.0]], pf.sigmoid(s))
    assert float(loss.numpy()[0]) == pytest.approx(30.0, rel=1e-5)
    loss.sum().backward()
    np.testing.assert_allclose(s.grad, [[-1.0]], atol=1e-6)
    with pf.no_grad():  # no graph (as in evaluate): the clipped probabilities
        clipped = losses.categorical_crossentropy([[0.0, 0.0, 1.0]], pf.softmax(z))
    assert float(clipped.numpy()[0]) == pytest.approx(-np.log(1e-7), rel=1e-3)
    # a softmax along another axis than the loss's is not taken for the loss's logits
    p = pf.softmax(pf.tensor(np.zeros((2, 3)), requires_grad=True), axis=0)
    assert losses.probabilistic.logits_under(p, pf.ops.nn.Softmax, axis=-1) is None
