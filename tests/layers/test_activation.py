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


# --- the Softmax layer's mask and several axes, against Keras 3 ----------------------------------
def _keras():
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras")


@pytest.mark.parametrize(
    "axis, mask_shape, kind",
    [
        (-1, (2, 3, 5), "bool"),
        (-1, (3, 5), "float"),  # broadcast from the right; numbers kept where > 0.5
        (1, (2, 3, 1), "bool"),
        ((1, 2), (2, 3, 5), "bool"),
        ((1, 2), None, None),
    ],
)
def test_softmax_layer_mask_and_axes_equal_keras(axis, mask_shape, kind):
    k = _keras()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 5)).astype("float32")
    mask = None
    if mask_shape is not None:
        mask = rng.random(mask_shape) > 0.4
        mask[..., 0, :] = False  # a fully masked row: zeros in both
        mask = mask if kind == "bool" else mask.astype("float32") * 0.9
    ours = layers.Softmax(axis=axis)(x, mask=mask).numpy()
    theirs = k.ops.convert_to_numpy(k.layers.Softmax(axis=axis)(x, mask=mask))
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_softmax_layer_refuses_a_mask_that_does_not_broadcast():
    with pytest.raises(ValueError, match="Softmax 'probs': expected a mask that broadcasts"):
        layers.Softmax(name="probs")(np.ones((2, 3, 5)), mask=np.ones((2, 4), bool))
