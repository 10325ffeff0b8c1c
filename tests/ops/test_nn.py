"""nn ops: softmax, log_softmax, dropout and the fused losses — gradcheck (float64), parity with
PyTorch (float32), extreme logits, dropout statistics and seeding, error messages."""

import numpy as np
import pytest

import profundo as pf
from profundo.testing import assert_close


def one_hot(labels, n):
    return np.eye(n)[labels]


# --- gradcheck ----------------------------------------------------------------------------------
@pytest.mark.parametrize("op", [pf.softmax, pf.log_softmax])
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_gradcheck(op, axis):
    x = np.random.randn(4, 2, 3).transpose(1, 2, 0)  # (2, 3, 4), not contiguous
    pf.gradcheck(lambda t: op(t, axis=axis), [x])


def test_softmax_gradcheck_with_the_input_used_twice():
    pf.gradcheck(lambda t: pf.softmax(t) * t.log_softmax(), [pf.randn(3, 4)])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_gradcheck_with_class_indices(reduction, smoothing):
    labels = np.array([2, 0, 1, 2])
    pf.gradcheck(
        lambda x: pf.cross_entropy(x, labels, reduction=reduction, label_smoothing=smoothing),
        [pf.randn(4, 3)],
    )


def test_cross_entropy_gradcheck_with_probabilities_in_logits_and_target():
    probs = pf.softmax(pf.randn(4, 3))
    pf.gradcheck(lambda x, t: pf.cross_entropy(x, t, label_smoothing=0.2), [pf.randn(4, 3), probs])


def test_cross_entropy_gradcheck_over_a_middle_class_axis():
    labels = np.array([[0, 2], [1, 1]])  # (N=2, d=2), classes on axis 1
    pf.gradcheck(
        lambda x: pf.cross_entropy(x, labels, axis=1, reduction="none"), [pf.randn(2, 3, 2)]
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_gradcheck(reduction):
    pf.gradcheck(
        lambda x, t: pf.binary_cross_entropy_with_logits(x, t, reduction=reduction),
        [pf.randn(2, 3), pf.rand(2, 3)],
    )


# --- parity with PyTorch ------------------------------------------------------------------------
def torch_parity(f_pf, f_torch, *arrays, grads=(0,)):
    """Run both on copies of ``arrays`` (float32 or class indices); compare the outputs and the
    gradients of the inputs numbered in ``grads``."""
    torch = pytest.importorskip("torch")
    xs = [pf.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    ts = [torch.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    y, ty = f_pf(*xs), f_torch(torch.nn.functional, *ts)
    assert y.dtype == np.float32
    assert_close(y, ty, what="output")
    g = np.asarray(np.random.randn(*y.shape), dtype=np.float32)
    y.backward(g)
    ty.backward(torch.tensor(g))
    for i in grads:
        assert xs[i].grad.dtype == np.float32
        assert_close(xs[i].grad, ts[i].grad, what=f"gradient of input {i}")


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_and_log_softmax_match_torch(axis):
    x = np.random.randn(5, 7).astype(np.float32) * 3
    torch_parity(lambda t: pf.softmax(t, axis=axis), lambda F, t: F.softmax(t, dim=axis), x)
    torch_parity(lambda t: t.log_softmax(axis=axis), lambda F, t: F.log_softmax(t, dim=axis), x)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_with_class_indices_matches_torch(reduction, smoothing):
    x = np.random.randn(6, 5).astype(np.float32) * 3
    labels = np.random.randint(0, 5, 6)
    torch_parity(
        lambda t, k: pf.cross_entropy(t, k, reduction=reduction, label_smoothing=smoothing),
        lambda F, t, k: F.cross_entropy(t, k, reduction=reduction, label_smoothing=smoothing),
        x,
        labels,
    )


def test_cross_entropy_over_class_axis_1_matches_torch():
    x = np.random.randn(3, 4, 5).astype(np.float32)  # (N, C, d), as PyTorch lays it out
    labels = np.random.randint(0, 4, (3, 5))
    torch_parity(
        lambda t, k: pf.cross_entropy(t, k, axis=1, reduction="none"),
        lambda F, t, k: F.cross_entropy(t, k, reduction="none"),
        x,
        labels,
    )


@pytest.mark.parametrize("smoothing", [0.0, 0.25])
def test_cross_entropy_with_probabilities_matches_torch(smoothing):
    x = np.random.randn(6, 5).astype(np.float32) * 3
    probs = np.random.dirichlet(np.ones(5), 6).astype(np.float32)
    torch_parity(
        lambda t, p: pf.cross_entropy(t, p, label_smoothing=smoothing),
        lambda F, t, p: F.cross_entropy(t, p, label_smoothing=smoothing),
        x,
        probs,
        grads=(0, 1),
    )


def test_cross_entropy_with_one_hot_equals_class_indices():
    x = pf.randn(4, 3)
    labels = np.array([0, 2, 1, 1])
    assert_close(pf.cross_entropy(x, one_hot(labels, 3)), pf.cross_entropy(x, labels))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_with_logits_matches_torch(reduction):
    x = np.random.randn(4, 3).astype(np.float32) * 3
    t = np.random.rand(4, 3).astype(np.float32)
    torch_parity(
        lambda a, b: pf.binary_cross_entropy_with_logits(a, b, reduction=reduction),
        lambda F, a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction),
        x,
        t,
        grads=(0, 1),
    )


def test_binary_cross_entropy_takes_integer_labels_and_stays_float32():
    x = pf.randn(5, requires_grad=True)
    loss = pf.binary_cross_entropy_with_logits(x, np.array([1, 0, 1, 1, 0]))
    loss.backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32


# --- extreme logits -----------------------------------------------------------------------------
def test_extreme_logits_give_finite_values_and_gradients():
    logits = np.array([[100.0, -100.0, 0.0], [-100.0, -100.0, 100.0]], dtype=np.float32)
    losses = {
        "softmax": lambda x: pf.softmax(x),
        "log_softmax": lambda x: pf.log_softmax(x),
        "cross_entropy indices": lambda x: pf.cross_entropy(x, [1, 2]),
        "cross_entropy probabilities": lambda x: pf.cross_entropy(
            x, one_hot([1, 0], 3), label_smoothing=0.1
        ),
        "binary_cross_entropy": lambda x: pf.binary_cross_entropy_with_logits(x, np.ones((2, 3))),
    }
    for name, f in losses.items():
        x = pf.tensor(logits, requires_grad=True)
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            y = f(x)
            y.sum().backward()
        assert np.isfinite(y.numpy()).all() and np.isfinite(x.grad).all(), name
        assert y.dtype == np.float32 and x.grad.dtype == np.float32, name
    assert_close(pf.cross_entropy(pf.tensor(logits), [1, 2], reduction="none"), [200.0, 0.0])


# --- dropout ------------------------------------------------------------------------------------
def test_dropout_is_reproducible_with_a_seed():
    x = pf.ones(200)
    pf.manual_seed(7)
    a = pf.dropout(x, 0.5).numpy()
    pf.manual_seed(7)
    b = pf.dropout(x, 0.5).numpy()
    c = pf.dropout(x, 0.5).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


def test_dropout_drops_the_rate_and_preserves_the_mean():
    y = pf.dropout(pf.ones(100_000), 0.3).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.7)}
    assert abs((y == 0).mean() - 0.3) < 0.01
    assert abs(y.mean() - 1.0) < 0.015
    assert y.dtype == np.float32


def test_dropout_gradient_is_the_scaled_mask():
    x = pf.tensor(np.random.rand(4, 5) + 1, requires_grad=True)
    g = np.random.randn(4, 5).astype(np.float32)
    y = pf.dropout(x, 0.4)
    y.backward(g)
    assert_close(x.grad, g * (y.numpy() / x.numpy()))


def test_dropout_is_the_identity_when_not_training_or_rate_zero():
    x = pf.randn(3, 4, requires_grad=True)
    assert pf.dropout(x, 0.5, training=False) is x
    assert pf.dropout(x, 0.0) is x


# --- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5])
def test_dropout_rate_out_of_range(rate):
    with pytest.raises(ValueError, match=r"dropout: rate .* \[0, 1\), got"):
        pf.dropout(pf.randn(3), rate)


def test_cross_entropy_target_of_the_wrong_shape_names_both_shapes():
    with pytest.raises(
        ValueError,
        match=r"target shape \(4, 2\) does not fit logits of shape "
        r"\(4, 3\).*\(4,\).*\(4, 3\)",
    ):
        pf.cross_entropy(pf.randn(4, 3), np.zeros((4, 2)))


@pytest.mark.parametrize("bad", [3, -1])
def test_cross_entropy_class_index_out_of_range(bad):
    with pytest.raises(
        ValueError,
        match=rf"CrossEntropy: class index {bad} is out of range for 3 "
        r"classes \(valid indices: 0 to 2\)",
    ):
        pf.cross_entropy(pf.randn(2, 3), [0, bad])


def test_cross_entropy_float_class_indices():
    with pytest.raises(TypeError, match="class indices and must be integers, got dtype float32"):
        pf.cross_entropy(pf.randn(2, 3), np.array([0.0, 1.0]))


def test_loss_settings_out_of_range():
    with pytest.raises(
        ValueError, match="cross_entropy: reduction must be 'mean', 'sum' or 'none', got 'avg'"
    ):
        pf.cross_entropy(pf.randn(2, 3), [0, 1], reduction="avg")
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\], got 1.5"):
        pf.cross_entropy(pf.randn(2, 3), [0, 1], label_smoothing=1.5)
    with pytest.raises(ValueError, match="CrossEntropy: axis 2 is out of range"):
        pf.cross_entropy(pf.randn(2, 3), [0, 1], axis=2)
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits: reduction"):
        pf.binary_cross_entropy_with_logits(pf.randn(2), [0, 1], reduction="max")


def test_binary_cross_entropy_target_shape_must_match():
    with pytest.raises(
        ValueError, match=r"target shape \(4,\) must equal the logits' shape \(4, 1\)"
    ):
        pf.binary_cross_entropy_with_logits(pf.randn(4, 1), np.ones(4))


def test_softmax_axis_out_of_range():
    with pytest.raises(ValueError, match="Softmax: axis 2 is out of bounds"):
        pf.softmax(pf.randn(2, 3), axis=2)


# --- softmax with a mask ------------------------------------------------------------------------
def test_masked_softmax_gives_exact_zeros_and_zero_rows_matching_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((3, 4, 5))
    mask = np.random.default_rng(1).random((3, 4, 5)) > 0.4
    mask[0, 1] = False  # a row with nothing allowed
    y = pf.softmax(x, mask=mask).numpy()
    assert np.all(y[~mask] == 0) and np.all(y[0, 1] == 0) and not np.isnan(y).any()
    rows = mask.any(-1)
    np.testing.assert_allclose(y.sum(-1)[rows], 1.0)
    expected = torch.softmax(torch.tensor(np.where(mask, x, -np.inf)), -1).numpy()
    np.testing.assert_allclose(y[rows], expected[rows], atol=1e-6)
    pf.gradcheck(lambda t: pf.softmax(t, mask=mask), [x])
    pf.gradcheck(lambda t: pf.softmax(t, axis=0, mask=mask[:, :1]), [x])  # broadcast, other axis


def test_softmax_of_an_all_minus_inf_row_is_zeros_not_nan():
    y = pf.softmax(pf.tensor([[-np.inf, -np.inf], [0.0, -np.inf]])).numpy()
    np.testing.assert_array_equal(y, [[0.0, 0.0], [1.0, 0.0]])
