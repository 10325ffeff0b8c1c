"""Item 9 of issue 15 (part): ``keras.constraints`` and the layers' ``kernel_constraint`` /
``bias_constraint`` and ``input_dim`` arguments."""

import numpy as np
import pytest

import profundo as keras
from profundo import layers

W = np.random.default_rng(0).normal(size=(5, 3)).astype("float32") * 2


@pytest.mark.parametrize(
    "make",
    [
        lambda k: k.constraints.MaxNorm(1.5),
        lambda k: k.constraints.NonNeg(),
        lambda k: k.constraints.UnitNorm(axis=1),
        lambda k: k.constraints.MinMaxNorm(0.5, 1.0, rate=0.7),
    ],
)
def test_constraints_match_keras(real_keras, make):
    ours = make(keras)(W)
    theirs = real_keras.ops.convert_to_numpy(make(real_keras)(real_keras.ops.convert_to_tensor(W)))
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_a_constrained_kernel_stays_in_its_set_while_training(tmp_path):
    model = keras.Sequential(
        [
            layers.Dense(
                4,
                input_dim=3,
                kernel_constraint="non_neg",
                bias_constraint=keras.constraints.MaxNorm(0.1),
            ),
            layers.Dense(1),
        ]
    )
    model.compile("sgd", "mse")
    x = np.random.default_rng(1).normal(size=(32, 3)).astype("float32")
    model.fit(x, -x.sum(1, keepdims=True), epochs=3, verbose=0)
    kernel, bias = model.layers[0].get_weights()
    assert kernel.min() >= 0 and np.linalg.norm(bias) <= 0.1 + 1e-6
    model.save(tmp_path / "c.profundo")
    loaded = keras.saving.load_model(tmp_path / "c.profundo")
    assert isinstance(loaded.layers[0].kernel_constraint, keras.constraints.NonNeg)
    with pytest.raises(ValueError, match="constraint"):
        layers.Dense(2, kernel_constraint="non_negative_please")


def test_conv_kernel_constraint():
    conv = layers.Conv2D(2, 3, kernel_constraint=keras.constraints.MaxNorm(0.5, axis=[0, 1, 2]))
    model = keras.Sequential([keras.Input((5, 5, 1)), conv, layers.Flatten(), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 5, 5, 1)), np.ones((4, 1)), verbose=0)
    norms = np.sqrt((conv.get_weights()[0] ** 2).sum(axis=(0, 1, 2)))
    assert norms.max() <= 0.5 + 1e-5
