"""Sampling (the reparameterization trick) and the Gaussian KL divergence of VAEs."""

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.layers.probabilistic import kl_divergence
from profundo.testing import assert_close


def test_samples_have_the_given_mean_and_spread():
    pf.manual_seed(0)
    mean = np.array([[1.0, -2.0, 0.0]], np.float32).repeat(20000, 0)
    log_var = np.log(np.array([[0.25, 1.0, 4.0]], np.float32)).repeat(20000, 0)
    z = layers.Sampling()([pf.tensor(mean), pf.tensor(log_var)]).numpy()
    assert_close(z.mean(0), [1.0, -2.0, 0.0], atol=0.05)
    assert_close(z.std(0), [0.5, 1.0, 2.0], rtol=0.03)


def test_gradients_reach_mean_and_log_variance_through_the_noise():
    pf.manual_seed(1)
    mean = pf.tensor(np.zeros((4, 2), np.float32), requires_grad=True)
    log_var = pf.tensor(np.full((4, 2), 0.6, np.float32), requires_grad=True)
    pf.manual_seed(2)
    z = layers.Sampling()([mean, log_var])
    pf.manual_seed(2)
    eps = pf.randn(4, 2).numpy()
    assert_close(z.numpy(), np.exp(0.3) * eps, rtol=1e-6)
    (z * z).sum().backward()  # ∂Σz²/∂μ = 2z, ∂Σz²/∂log σ² = 2z·½σε
    assert_close(mean.grad, 2 * z.numpy(), rtol=1e-5)
    assert_close(log_var.grad, 2 * z.numpy() * 0.5 * np.exp(0.3) * eps, rtol=1e-5)


def test_kl_divergence_matches_torch_and_has_the_right_gradient():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    mu, lv = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    ours = kl_divergence(pf.tensor(mu), pf.tensor(lv)).numpy()
    q = torch.distributions.Normal(torch.tensor(mu), torch.tensor(np.exp(0.5 * lv)))
    p = torch.distributions.Normal(torch.zeros(5, 3, dtype=torch.float64), 1.0)
    assert_close(ours, torch.distributions.kl_divergence(q, p).sum(-1).numpy(), rtol=1e-10)
    a = pf.tensor(mu, dtype="float64", requires_grad=True)
    b = pf.tensor(lv, dtype="float64", requires_grad=True)
    assert pf.gradcheck(lambda a, b: kl_divergence(a, b).sum(), [a, b])


def test_bad_inputs_are_named():
    with pytest.raises(
        ValueError, match=r"^Sampling 's': expected inputs \[z_mean, z_log_var\], got 1 input$"
    ):
        layers.Sampling(name="s")(np.zeros((2, 3), np.float32))
    with pytest.raises(
        ValueError,
        match=r"^Sampling 's': expected \[z_mean, z_log_var\] of one shape, got shapes "
        r"\(2, 3\), \(2, 4\)$",
    ):
        layers.Sampling(name="s")([np.zeros((2, 3), np.float32), np.zeros((2, 4), np.float32)])


def test_sampling_in_a_functional_model_has_the_latent_shape():
    inputs = layers.Input((6,))
    z = layers.Sampling()([layers.Dense(2)(inputs), layers.Dense(2)(inputs)])
    assert z.shape == (None, 2)
    assert pf.Model(inputs, z).predict(np.ones((3, 6), np.float32)).shape == (3, 2)
