"""Activation layers, PReLU's learned slope against PyTorch."""

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.testing import assert_close

X = np.array([[-2.0, -0.5, 0.0, 0.5, 8.0]], np.float32)


def test_activation_layers_match_their_formulas():
    assert_close(layers.ReLU()(X), np.maximum(X, 0))
    assert_close(layers.ReLU(max_value=6.0)(X), np.clip(X, 0, 6))
    assert_close(layers.ReLU(negative_slope=0.1)(X), np.where(X >= 0, X, 0.1 * X))
    assert_close(layers.LeakyReLU(0.2)(X), np.where(X >= 0, X, 0.2 * X))
    assert_close(layers.ELU(0.5)(X), np.where(X > 0, X, 0.5 * (np.exp(X) - 1)), rtol=1e-5)
    e = np.exp(X - X.max())
    assert_close(layers.Softmax()(X), e / e.sum(), rtol=1e-5)


def test_prelu_parity_with_torch():
    torch = pytest.importorskip("torch")
    x = np.random.randn(4, 5, 5, 3).astype(np.float32)
    layer = layers.PReLU(alpha_initializer="random_uniform", shared_axes=[1, 2])
    xt = pf.tensor(x, requires_grad=True)
    y = layer(xt)
    assert layer.alpha.shape == (1, 1, 3)
    alpha = layer.alpha.numpy().reshape(3)
    tx = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    tw = torch.tensor(alpha, requires_grad=True)
    ty = torch.nn.functional.prelu(tx, tw)
    assert_close(y, ty.permute(0, 2, 3, 1))
    y.sum().backward()
    ty.sum().backward()
    assert_close(xt.grad, tx.grad.permute(0, 2, 3, 1))
    assert_close(layer.alpha.grad.reshape(3), tw.grad, rtol=1e-5, atol=1e-5)


def test_prelu_gradcheck():
    layer = layers.PReLU(dtype="float64", alpha_initializer="random_uniform")
    x = pf.randn(3, 4, dtype="float64")
    layer(x)
    pf.gradcheck(lambda x, a: pf.relu(x) - a * pf.relu(-x), [x, layer.alpha.data])
