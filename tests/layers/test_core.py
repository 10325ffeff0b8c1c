"""Core layers: building, shapes, gradients, parity with PyTorch, config round trips, errors."""

import json

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.testing import assert_close


def test_dense_builds_lazily_and_computes_x_w_plus_b():
    layer = layers.Dense(3, activation="relu")
    assert not layer.built
    x = np.random.randn(4, 5).astype(np.float32)
    y = layer(x)
    assert layer.built and y.shape == (4, 3) and y.dtype == np.float32
    kernel, bias = layer.get_weights()
    assert kernel.shape == (5, 3) and bias.shape == (3,)
    assert_close(y, np.maximum(x @ kernel + bias, 0), rtol=1e-5)


def test_dense_gradcheck_through_inputs_and_parameters():
    layer = layers.Dense(3, activation="tanh", dtype="float64")
    x = pf.randn(4, 5, dtype="float64")
    layer(x)

    def f(x, kernel, bias):
        layer.kernel.data, layer.bias.data = kernel.data, bias.data
        return pf.tanh(x @ kernel + bias)

    pf.gradcheck(f, [x, layer.kernel.data, layer.bias.data])
    layer.kernel.data = layer.kernel.data.copy()
    out = layer(x).sum()
    out.backward()
    assert layer.kernel.grad.shape == (5, 3)


def test_dense_parity_with_torch_linear():
    torch = pytest.importorskip("torch")
    layer = layers.Dense(7)
    x = np.random.randn(6, 4).astype(np.float32)
    xt = pf.tensor(x, requires_grad=True)
    y = layer(xt)
    lin = torch.nn.Linear(4, 7)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(layer.kernel.numpy().T))
        lin.bias.copy_(torch.tensor(layer.bias.numpy()))
    tx = torch.tensor(x, requires_grad=True)
    ty = lin(tx)
    assert_close(y, ty, atol=1e-5)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    assert_close(xt.grad, tx.grad, atol=1e-5)
    assert_close(layer.kernel.grad, lin.weight.grad.T, atol=1e-4)
    assert_close(layer.bias.grad, lin.bias.grad, atol=1e-4)


def test_dense_errors_name_the_layer_and_shapes():
    layer = layers.Dense(2, name="head")
    layer(np.ones((3, 4)))
    with pytest.raises(
        ValueError, match=r"Dense 'head': expected 4 features \(last axis\), got shape \(3, 5\)"
    ):
        layer(np.ones((3, 5)))
    with pytest.raises(ValueError, match=r"at least 2 axes, got shape \(3,\); .*x\[None\]"):
        layers.Dense(2)(np.ones(3))
    with pytest.raises(ValueError, match="positive int"):
        layers.Dense(0)


def test_trainable_flag_freezes_weights():
    layer = layers.Dense(2)
    layer(np.ones((1, 3)))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    y = layer(pf.ones(1, 3, requires_grad=True)).sum()
    y.backward()
    assert layer.kernel.grad is None
    layer.trainable = True
    assert len(layer.trainable_weights) == 2


def test_set_weights_checks_count_and_shape():
    layer = layers.Dense(2, name="d")
    layer(np.ones((1, 3)))
    with pytest.raises(ValueError, match="expected 2 arrays"):
        layer.set_weights([np.ones((3, 2))])
    with pytest.raises(
        ValueError, match=r"d/kernel has shape \(3, 2\), got an array of shape \(2, 2\)"
    ):
        layer.set_weights([np.ones((2, 2)), np.ones(2)])
    layer.set_weights([np.ones((3, 2)), np.zeros(2)])
    assert_close(layer(np.ones((1, 3))), [[3.0, 3.0]])


def test_flatten_reshape_activation_dropout():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    assert layers.Flatten()(x).shape == (2, 12)
    assert layers.Reshape((4, 3))(x).shape == (2, 4, 3)
    assert layers.Reshape((-1, 2))(x).shape == (2, 6, 2)
    with pytest.raises(
        ValueError,
        match=r"^Reshape '.*': expected samples whose values fill target_shape \(5, 5\), got "
        r"shape \(2, 3, 4\) \(12 values a sample\)$",
    ):
        layers.Reshape((5, 5))(x)
    assert_close(layers.Activation("sigmoid")(np.zeros((1, 2))), [[0.5, 0.5]])
    d = layers.Dropout(0.5)
    ones = np.ones((100, 100), np.float32)
    assert_close(d(ones), ones)  # inference: identity
    dropped = d(ones, training=True).numpy()
    assert set(np.unique(dropped)) <= {0.0, 2.0} and 0.4 < (dropped == 0).mean() < 0.6
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)


def test_learning_phase_sets_the_default_mode():
    d = layers.Dropout(0.5)
    ones = np.ones((50, 50), np.float32)
    with layers.learning_phase(True):
        assert (d(ones).numpy() == 0).any()
    assert not (d(ones).numpy() == 0).any()


@pytest.mark.parametrize(
    "layer",
    [
        layers.Dense(3, activation="relu", use_bias=False, kernel_regularizer="l2"),
        layers.Activation("tanh"),
        layers.Flatten(),
        layers.Reshape((2, -1)),
        layers.Dropout(0.25),
        layers.ReLU(max_value=6.0),
        layers.LeakyReLU(0.1),
        layers.ELU(0.5),
        layers.Softmax(axis=1),
        layers.PReLU(shared_axes=[1]),
        layers.BatchNormalization(momentum=0.9),
        layers.LayerNormalization(epsilon=1e-5),
        layers.Add(),
        layers.Concatenate(axis=1),
    ],
)
def test_config_round_trip(layer):
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert clone.get_config() == layer.get_config()


def test_compute_output_shape():
    assert layers.Dense(5).compute_output_shape((None, 3)) == (None, 5)
    assert layers.Flatten().compute_output_shape((None, 2, 3)) == (None, 6)
    assert layers.Reshape((-1, 3)).compute_output_shape((None, 2, 3)) == (None, 2, 3)
    assert layers.Concatenate().compute_output_shape([(None, 2), (None, 3)]) == (None, 5)


def test_custom_layer_with_add_weight():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.s = self.add_weight("scale", (input_shape[-1],), initializer="ones")

        def call(self, x, training=None):
            return x * self.s

    layer = Scale()
    y = layer(np.full((2, 3), 2.0))
    assert_close(y, np.full((2, 3), 2.0))
    assert layer.count_params() == 3 and layer.weights[0].name.endswith("/scale")
