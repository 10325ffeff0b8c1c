"""The model zoo: Keras' shapes and parameter counts, one training step each, save and load."""

import numpy as np
import pytest

import profundo as pf
from profundo import optimizers
from profundo.models import zoo


def bn(c):
    """BatchNormalization's weights per channel: γ, β trainable; moving mean and variance not."""
    return 4 * c


# the parameter counts, layer by layer, as Keras counts them
LENET5 = (
    (5 * 5 * 1 * 6 + 6)
    + (5 * 5 * 6 * 16 + 16)
    + (400 * 120 + 120)
    + (120 * 84 + 84)
    + (84 * 10 + 10)
)
VGG_SMALL = (
    sum(9 * a * b + b for a, b in [(3, 32), (32, 32), (32, 64), (64, 64), (64, 128), (128, 128)])
    + (2048 * 128 + 128)
    + (128 * 10 + 10)
)
RESNET_SMALL = (
    (9 * 3 * 16 + bn(16))
    + 2 * (9 * 16 * 16 + bn(16)) * 2
    + (16 * 32 + bn(32))
    + (9 * 16 * 32 + bn(32))
    + (9 * 32 * 32 + bn(32)) * 3
    + (32 * 64 + bn(64))
    + (9 * 32 * 64 + bn(64))
    + (9 * 64 * 64 + bn(64)) * 3
    + (64 * 10 + 10)
)


@pytest.mark.parametrize(
    "make,input_shape,params",
    [
        (zoo.lenet5, (28, 28, 1), LENET5),
        (zoo.vgg_small, (32, 32, 3), VGG_SMALL),
        (zoo.resnet_small, (32, 32, 3), RESNET_SMALL),
    ],
    ids=["lenet5", "vgg_small", "resnet_small"],
)
def test_builds_with_keras_parameter_counts_and_trains_one_step(make, input_shape, params):
    model = make()
    assert model.count_params() == params == sum(w.size for w in model.weights)
    assert model.compute_output_shape((None, *input_shape)) == (None, 10)
    rng = np.random.default_rng(0)
    x = rng.random((4, *input_shape), dtype=np.float32)
    y = rng.integers(0, 10, 4)
    model.compile(optimizer=optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    before = model.get_weights()
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 1.5 < loss < 3.5  # about ln 10 at the start
    assert all(
        not np.array_equal(a, b) for a, b in zip(before, model.get_weights()) if a.ndim == 4
    )  # every kernel moved
    probabilities = model.predict(x)
    assert probabilities.shape == (4, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_shapes_follow_the_docstrings():
    assert [s[1:] for s in zoo.lenet5().output_shapes] == [
        (28, 28, 6),
        (14, 14, 6),
        (10, 10, 16),
        (5, 5, 16),
        (400,),
        (120,),
        (84,),
        (10,),
    ]
    vgg = zoo.vgg_small(input_shape=(32, 32, 3), num_classes=5, filters=(8, 16))
    assert vgg.output_shapes[-1] == (None, 5) and (None, 8, 8, 16) in vgg.output_shapes
    resnet = zoo.resnet_small(
        input_shape=(16, 16, 1), num_classes=3, filters=(4, 8), blocks_per_stage=1
    )
    assert resnet.compute_output_shape((None, 16, 16, 1)) == (None, 3)
    assert resnet.get_layer(index=-2).compute_output_shape((None, 8, 8, 8)) == (None, 8)


def test_resnet_saves_and_loads_with_identical_predictions(tmp_path):
    model = zoo.resnet_small(
        input_shape=(8, 8, 3), num_classes=4, filters=(4, 8), blocks_per_stage=1
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((6, 8, 8, 3), dtype=np.float32)
    model.train_on_batch(x, np.arange(6) % 4)  # moves the batch-norm statistics too
    model.save(tmp_path / "resnet.profundo")
    loaded = pf.models.load_model(tmp_path / "resnet.profundo")
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
