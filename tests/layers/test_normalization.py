"""BatchNormalization and LayerNormalization against PyTorch, train and inference modes."""

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.testing import assert_close


@pytest.mark.parametrize("shape", [(8, 5), (4, 3, 3, 2)])
def test_batchnorm_training_parity_with_torch(shape):
    torch = pytest.importorskip("torch")
    x = np.random.randn(*shape).astype(np.float32) * 3 + 1
    bn = layers.BatchNormalization(momentum=0.9, epsilon=1e-5)
    xt = pf.tensor(x, requires_grad=True)
    y = bn(xt, training=True)
    channels = shape[-1]
    tbn = (
        torch.nn.BatchNorm1d(channels, eps=1e-5, momentum=0.1)
        if len(shape) == 2
        else torch.nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1)
    )
    perm = (0, 3, 1, 2) if len(shape) == 4 else (0, 1)
    back = (0, 2, 3, 1) if len(shape) == 4 else (0, 1)
    tx = torch.tensor(x.transpose(perm), requires_grad=True)
    ty = tbn(tx)
    assert_close(y, ty.permute(back), atol=1e-5)
    w = np.random.randn(*shape).astype(np.float32)
    (y * w).sum().backward()
    (ty.permute(back) * torch.tensor(w)).sum().backward()
    assert_close(xt.grad, tx.grad.permute(back), rtol=1e-4, atol=1e-5)
    assert_close(bn.gamma.grad, tbn.weight.grad, rtol=1e-4, atol=1e-5)
    assert_close(bn.beta.grad, tbn.bias.grad, rtol=1e-4, atol=1e-5)
    # moving mean follows the same momentum; the variance is the batch's (biased, as Keras)
    assert_close(bn.moving_mean, tbn.running_mean, atol=1e-5)
    n = x.size // channels
    assert_close(bn.moving_variance, 0.9 + 0.1 * x.reshape(-1, channels).var(axis=0), rtol=1e-5)
    assert_close(
        (tbn.running_var.numpy() - 0.9) * (n - 1) / n + 0.9, bn.moving_variance.numpy(), rtol=1e-4
    )


def test_batchnorm_inference_uses_moving_statistics():
    torch = pytest.importorskip("torch")
    bn = layers.BatchNormalization(epsilon=1e-3)
    x = np.random.randn(6, 4).astype(np.float32)
    bn(x)
    bn.set_weights(
        [np.random.rand(4) + 0.5, np.random.randn(4), np.random.randn(4), np.random.rand(4) + 0.5]
    )
    gamma, beta, mean, var = bn.get_weights()
    tbn = torch.nn.BatchNorm1d(4, eps=1e-3).eval()
    with torch.no_grad():
        tbn.weight.copy_(torch.tensor(gamma))
        tbn.bias.copy_(torch.tensor(beta))
        tbn.running_mean.copy_(torch.tensor(mean))
        tbn.running_var.copy_(torch.tensor(var))
    xt = pf.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    y, ty = bn(xt), tbn(tx)
    assert_close(y, ty, atol=1e-5)
    y.sum().backward()
    ty.sum().backward()
    assert_close(xt.grad, tx.grad, atol=1e-5)
    assert_close(bn.moving_mean, mean)  # inference leaves the statistics alone


def test_batchnorm_weights_order_and_trainability():
    bn = layers.BatchNormalization()
    bn(np.ones((2, 3)))
    assert [w.name.split("/")[1] for w in bn.weights] == [
        "gamma",
        "beta",
        "moving_mean",
        "moving_variance",
    ]
    assert len(bn.trainable_weights) == 2


def test_batchnorm_gradcheck():
    def f(x, gamma, beta):
        mean, var = pf.ops.normalization.moments(x, (0,))
        return pf.ops.normalization.normalize(
            x, mean, var, gamma, beta, axes=(0,), epsilon=1e-3, stats_from_x=True
        )

    pf.gradcheck(f, [pf.randn(5, 3), pf.rand(3) + 0.5, pf.randn(3)])


def test_layernorm_parity_with_torch():
    torch = pytest.importorskip("torch")
    x = np.random.randn(4, 6, 5).astype(np.float32)
    ln = layers.LayerNormalization(epsilon=1e-5)
    xt = pf.tensor(x, requires_grad=True)
    y = ln(xt)
    ln.set_weights([np.random.rand(5) + 0.5, np.random.randn(5)])
    y = ln(xt)
    tln = torch.nn.LayerNorm(5, eps=1e-5)
    with torch.no_grad():
        tln.weight.copy_(torch.tensor(ln.gamma.numpy()))
        tln.bias.copy_(torch.tensor(ln.beta.numpy()))
    tx = torch.tensor(x, requires_grad=True)
    ty = tln(tx)
    assert_close(y, ty, atol=1e-5)
    w = np.random.randn(*x.shape).astype(np.float32)
    (y * w).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    assert_close(xt.grad, tx.grad, rtol=1e-4, atol=1e-5)
    assert_close(ln.gamma.grad, tln.weight.grad, rtol=1e-4, atol=1e-5)
    assert_close(ln.beta.grad, tln.bias.grad, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("scale, center", [(True, True), (False, True), (True, False)])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_fast_kernel_equals_the_reference(scale, center, training, monkeypatch):
    """BatchNormalization over the last axis runs ChannelNormalize; ``channel_kernel =
    "reference"`` runs Normalize: same outputs, gradients and moving statistics (float64)."""
    from profundo.ops import normalization

    rng = np.random.default_rng(3)
    x_np, w = rng.standard_normal((6, 3, 4, 5)) * 2 + 1, rng.standard_normal((6, 3, 4, 5))
    weights = [
        rng.random(5) + 0.5,
        rng.standard_normal(5),
        rng.standard_normal(5),
        rng.random(5) + 0.5,
    ]
    results = []
    for kernel in ("reference", "fast"):
        monkeypatch.setattr(normalization, "channel_kernel", kernel)
        bn = layers.BatchNormalization(scale=scale, center=center, dtype="float64")
        bn.build((6, 3, 4, 5))
        bn.set_weights([w_ for w_, keep in zip(weights, (scale, center, True, True)) if keep])
        x = pf.tensor(x_np, "float64", requires_grad=True)
        (bn(x, training=training) * pf.tensor(w, "float64")).sum().backward()
        results.append(
            [x.grad]
            + [v.grad for v in bn.trainable_weights]
            + [bn.moving_mean.numpy(), bn.moving_variance.numpy()]
        )
    for ref, fast in zip(*results):
        np.testing.assert_allclose(fast, ref, rtol=1e-9, atol=1e-12)


def test_channel_moments_survive_a_mean_that_dwarfs_the_spread():
    """E[x²] − μ² would cancel every digit here; the two-pass fallback keeps the variance."""
    x = (1e4 + np.random.default_rng(0).standard_normal((4000, 2))).astype(np.float32)
    mean, var = pf.channel_moments(x)
    np.testing.assert_allclose(var, x.astype(np.float64).var(axis=0), rtol=1e-3)
    np.testing.assert_allclose(mean, x.astype(np.float64).mean(axis=0), rtol=1e-6)
