"""Preprocessing and augmentation layers: formulas, exact geometric results, training-only
behaviour, seeding, batch order, gradients, dtypes, configs and errors."""

import json

import numpy as np
import pytest

import profundo as pf
from profundo import backend as B
from profundo import layers
from profundo.layers import learning_phase
from profundo.layers.augmentation import (
    GaussianNoise,
    RandomBrightness,
    RandomContrast,
    RandomCrop,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
)
from profundo.layers.core import Input
from profundo.layers.preprocessing import (
    CenterCrop,
    Normalization,
    Rescaling,
    Resizing,
    fold,
    resample,
)
from profundo.testing import assert_close, to_numpy


def images(n=4, h=8, w=8, c=3, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, h, w, c)).astype(np.float32)


def random_layers(seed=None):
    """One of each augmentation layer, with settings that change every image."""
    return [
        RandomFlip(seed=seed),
        RandomRotation(0.2, seed=seed),
        RandomTranslation(0.3, 0.3, seed=seed),
        RandomZoom(0.3, seed=seed),
        RandomContrast(0.5, seed=seed),
        RandomBrightness(0.5, value_range=(0, 1), seed=seed),
        GaussianNoise(0.1, seed=seed),
        RandomCrop(6, 5, seed=seed),
    ]


LAYER_NAMES = [type(layer).__name__ for layer in random_layers()]


# --- Rescaling ------------------------------------------------------------------------------------
def test_rescaling_formula_per_channel_and_uint8_input():
    x = np.arange(24, dtype=np.uint8).reshape(2, 2, 2, 3)
    y = Rescaling(1 / 127.5, offset=-1)(x)
    assert y.dtype == np.float32
    assert_close(y, x / 127.5 - 1)
    y = Rescaling([1.0, 2.0, 3.0], offset=[0.0, 1.0, 2.0])(x)
    assert_close(y, x * np.array([1, 2, 3]) + np.array([0, 1, 2]))


def test_rescaling_gradcheck():
    x = pf.randn(2, 3, 3, 2, dtype="float64")
    pf.gradcheck(lambda x: Rescaling([0.5, -2.0], offset=1.0)(x), [x])


# --- Normalization --------------------------------------------------------------------------------
def test_normalization_adapt_matches_numpy_per_channel():
    x = images(20, 5, 6, 3) * np.array([1, 10, 100], np.float32) + 7
    norm = Normalization()
    norm.adapt(x)
    assert_close(norm.mean, x.mean(axis=(0, 1, 2)), rtol=1e-5)
    assert_close(norm.variance, x.var(axis=(0, 1, 2)), rtol=1e-4)
    y = norm(x).numpy()
    assert_close(y.mean(axis=(0, 1, 2)), np.zeros(3), atol=1e-4)
    assert_close(y.std(axis=(0, 1, 2)), np.ones(3), atol=1e-4)
    assert norm.trainable_weights == [] and len(norm.non_trainable_weights) == 2


def test_normalization_adapt_on_batches_equals_adapt_on_all():
    x = np.random.randn(50, 4).astype(np.float32) * 3 + 1
    whole, batched = Normalization(), Normalization()
    whole.adapt(x)
    batched.adapt(x[i : i + 16] for i in range(0, 50, 16))  # uneven last batch
    assert_close(batched.mean, whole.mean, rtol=1e-5)
    assert_close(batched.variance, whole.variance, rtol=1e-5)


@pytest.mark.parametrize("axis, reduce", [(None, None), ((1, 2), (0, 3)), (-1, (0, 1, 2))])
def test_normalization_axes(axis, reduce):
    x = images(6, 3, 4, 2) * 5
    norm = Normalization(axis=axis)
    norm.adapt(x)
    mean, var = x.mean(axis=reduce), x.var(axis=reduce)
    assert_close(norm.mean, mean, rtol=1e-5)
    assert_close(
        norm(x),
        (x - x.mean(axis=reduce, keepdims=True)) / np.sqrt(x.var(axis=reduce, keepdims=True)),
        atol=1e-4,
    )
    assert norm.mean.shape == np.shape(var)


def test_normalization_given_statistics_invert_and_gradcheck():
    x = np.random.randn(5, 3)
    norm = Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25])
    assert_close(norm(x), (x - [1, 2, 3]) / [2, 1, 0.5], rtol=1e-5)
    assert norm.get_weights() == []  # as Keras: fixed statistics are not weights
    back = Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25], invert=True)
    assert_close(back(norm(x)), x, atol=1e-5)
    pf.gradcheck(lambda x: norm(x), [pf.tensor(x, dtype="float64")])
    adapted = Normalization()
    adapted.adapt(np.random.randn(30, 3) * 4)
    pf.gradcheck(lambda x: adapted(x), [pf.tensor(x, dtype="float64")])


def test_normalization_weights_save_and_load():
    norm = Normalization(name="norm")
    norm.adapt(np.random.randn(40, 2, 3) * 2 + 5)
    clone = Normalization.from_config(json.loads(json.dumps(norm.get_config())))
    clone(np.zeros((1, 2, 3)))
    clone.set_weights(norm.get_weights())
    x = np.random.randn(4, 2, 3)
    assert_close(clone(x), norm(x))


def test_normalization_errors():
    with pytest.raises(ValueError, match="both mean and variance"):
        Normalization(mean=1.0)
    with pytest.raises(TypeError, match="axis must be"):
        Normalization(axis="channels")
    with pytest.raises(ValueError, match="cannot adapt a layer created with a fixed mean"):
        Normalization(mean=0.0, variance=1.0).adapt(np.ones((2, 3)))
    norm = Normalization(name="n")
    norm.adapt(np.ones((4, 3)))
    with pytest.raises(
        ValueError,
        match=r"^Normalization 'n': expected 3 features \(last axis\), got shape \(2, 5\)$",
    ):
        norm(np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"expected inputs that have axis 3, got shape \(2, 3\)"):
        Normalization(axis=3)(np.ones((2, 3)))
    with pytest.raises(
        ValueError,
        match=r"^Normalization '.*': expected a mean that fits the feature shape \(3,\), got mean "
        r"of shape \(2,\)$",
    ):
        Normalization(mean=[1.0, 2.0], variance=1.0)(np.ones((2, 3)))
    with pytest.raises(ValueError, match="adapt got no data"):
        Normalization().adapt([])


# --- the sampler, Resizing, CenterCrop ------------------------------------------------------------
@pytest.mark.parametrize(
    "mode, scipy_mode",
    [("reflect", "reflect"), ("nearest", "nearest"), ("constant", "grid-constant")],
)
@pytest.mark.parametrize("order, interpolation", [(1, "bilinear"), (0, "nearest")])
def test_resample_matches_scipy_map_coordinates(mode, scipy_mode, order, interpolation):
    ndimage = pytest.importorskip("scipy.ndimage")
    x = images(2, 5, 6, 2)
    rng = np.random.default_rng(1)
    rows, cols = rng.uniform(-4, 9, (2, 7, 3)), rng.uniform(-4, 10, (2, 7, 3))
    y = resample(
        B.xp.asarray(x), B.xp.asarray(rows), B.xp.asarray(cols), interpolation, mode, fill_value=0.5
    )
    for n in range(2):
        for c in range(2):
            expected = ndimage.map_coordinates(
                x[n, :, :, c].astype(np.float64),
                [rows[n], cols[n]],
                order=order,
                mode=scipy_mode,
                cval=0.5,
            )
            assert_close(y[n, :, :, c], expected, atol=1e-5, what=f"image {n} channel {c}")


def test_fold_modes_on_whole_pixels():
    at = B.xp.arange(-5, 9, dtype=np.float64)  # an axis of 4 pixels: abcd

    def folded(mode):
        return to_numpy(fold(at, 4, mode)).tolist()

    assert folded("reflect") == [3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0]
    assert folded("wrap") == [3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0]
    assert folded("nearest") == [0] * 6 + [1, 2, 3] + [3] * 5
    assert folded("constant") == list(range(-5, 9))


@pytest.mark.parametrize("size", [(5, 7), (16, 12), (8, 8)])
def test_resizing_bilinear_matches_torch(size):
    torch = pytest.importorskip("torch")
    x = images(2, 8, 8, 3)
    y = Resizing(*size)(x)
    expected = torch.nn.functional.interpolate(
        torch.tensor(x).permute(0, 3, 1, 2), size=size, mode="bilinear", align_corners=False
    )
    assert_close(y, expected.permute(0, 2, 3, 1), atol=1e-5)


def test_resizing_nearest_and_crop_to_aspect_ratio():
    x = images(2, 4, 6, 1)
    assert_close(Resizing(8, 12, interpolation="nearest")(x), x.repeat(2, 1).repeat(2, 2))
    # a 4×6 image cut to its central 4×4 square, then resized to 2×2 (each output averages 2×2)
    y = Resizing(2, 2, crop_to_aspect_ratio=True)(x)
    square = x[:, :, 1:5]
    assert_close(y, square.reshape(2, 2, 2, 2, 2, 1).mean(axis=(2, 4)), atol=1e-6)
    assert Resizing(3, 5).compute_output_shape((None, 8, 8, 3)) == (None, 3, 5, 3)


def test_center_crop_is_a_differentiable_slice_and_resizes_small_images():
    x = images(2, 7, 8, 3)
    assert_close(CenterCrop(4, 5)(x), x[:, 1:5, 1:6])
    small = CenterCrop(10, 10)(x)
    assert_close(small, Resizing(10, 10, crop_to_aspect_ratio=True)(x))
    pf.gradcheck(lambda t: CenterCrop(3, 3)(t), [pf.tensor(x[:1, :5, :5], dtype="float64")])
    assert CenterCrop(3, 4).compute_output_shape((None, 8, 8, 1)) == (None, 3, 4, 1)


# --- augmentation: training only, seeding, order --------------------------------------------------
@pytest.mark.parametrize("index", range(len(LAYER_NAMES)), ids=LAYER_NAMES)
def test_every_random_layer_is_the_identity_in_inference(index):
    layer = random_layers()[index]
    x = images()
    if isinstance(layer, RandomCrop):  # inference resizes; at the same size: the identity
        assert_close(RandomCrop(8, 8)(x), x)
        return
    assert_close(layer(x), x)
    assert_close(layer(x, training=False), x)
    assert np.abs(layer(x, training=True).numpy() - x).max() > 1e-3


@pytest.mark.parametrize("index", range(len(LAYER_NAMES)), ids=LAYER_NAMES)
def test_seeds_make_draws_reproducible(index):
    x = images(8)
    first = random_layers(seed=3)[index](x, training=True).numpy()
    again = random_layers(seed=3)[index](x, training=True).numpy()
    other = random_layers(seed=4)[index](x, training=True).numpy()
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    layer = random_layers(seed=3)[index]
    layer(x, training=True)
    assert not np.array_equal(layer(x, training=True).numpy(), first)  # a new draw per batch
    pf.manual_seed(7)  # without a seed: profundo's generator
    unseeded = random_layers()[index](x, training=True).numpy()
    pf.manual_seed(7)
    assert np.array_equal(random_layers()[index](x, training=True).numpy(), unseeded)


@pytest.mark.parametrize("index", range(len(LAYER_NAMES)), ids=LAYER_NAMES)
def test_augmentation_keeps_the_batch_order_and_dtype(index):
    n = 16
    x = np.broadcast_to(10 * np.arange(n, dtype=np.float32)[:, None, None, None], (n, 8, 8, 3))
    x = x + images(n) * 0.1  # image i holds values 10 i … 10 i + 0.1
    layer = random_layers(seed=0)[index]
    if isinstance(layer, RandomContrast):
        layer = RandomContrast(0.5, value_range=(0, 1000))
    if isinstance(layer, RandomBrightness):
        layer = RandomBrightness(0.003, value_range=(0, 1000))
    y = layer(x, training=True)
    assert y.dtype == np.float32
    assert_close(y.numpy().mean(axis=(1, 2, 3)), 10 * np.arange(n) + 0.05, atol=3.5)


def test_learning_phase_turns_augmentation_on():
    x = images()
    layer = RandomFlip("vertical", seed=0)
    with learning_phase(True):
        assert not np.array_equal(layer(images(16)).numpy(), images(16))
    assert_close(layer(x), x)


def test_in_a_model_augmentation_runs_in_fit_only_and_statistics_are_saved(tmp_path):
    x = images(32, 6, 6, 1) * 255
    y = (x.mean(axis=(1, 2, 3)) > 127).astype(np.int64)
    norm = Normalization()
    norm.adapt(x)
    model = pf.Sequential(
        [
            Input((6, 6, 1)),
            RandomFlip(seed=0),
            RandomRotation(0.1, seed=0),
            norm,
            layers.Flatten(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert_close(model.predict(x), model.predict(x))  # no augmentation in predict
    model.save(tmp_path / "m.profundo")
    loaded = pf.models.load_model(tmp_path / "m.profundo")
    assert_close(loaded.predict(x), model.predict(x), atol=1e-6)
    assert_close(loaded.layers[2].mean, norm.mean)


def test_geometric_layers_give_no_gradient_to_their_input():
    x = pf.tensor(images(2), requires_grad=True)
    for layer in [
        RandomRotation(0.1),
        RandomTranslation(0.1, 0.1),
        RandomZoom(0.1),
        Resizing(4, 4),
        RandomCrop(4, 4),
    ]:
        training = not isinstance(layer, RandomCrop)  # RandomCrop: the inference resize
        assert not layer(x, training=training).requires_grad


def test_single_images_and_integer_pixels():
    x = (images(1)[0] * 255).astype(np.uint8)  # one (H, W, C) image of uint8
    for layer in random_layers(seed=0):
        y = layer(x, training=True)
        assert y.ndim == 3 and y.dtype == np.float32
    assert RandomCrop(6, 5).compute_output_shape((8, 8, 3)) == (6, 5, 3)


# --- exact results of each augmentation -----------------------------------------------------------
def test_random_flip_exact_results():
    x = images(64)
    options = {
        "horizontal": [x, x[:, :, ::-1]],
        "vertical": [x, x[:, ::-1]],
        "horizontal_and_vertical": [x, x[:, :, ::-1], x[:, ::-1], x[:, ::-1, ::-1]],
    }
    for mode, candidates in options.items():
        y = RandomFlip(mode, seed=1)(x, training=True).numpy()
        which = [
            [k for k, c in enumerate(candidates) if np.array_equal(y[n], c[n])] for n in range(64)
        ]
        assert all(len(w) == 1 for w in which), mode  # each image: exactly one option
        assert {w[0] for w in which} == set(range(len(candidates))), mode  # each option occurs


def test_random_flip_gradcheck():
    x = pf.tensor(images(6, 3, 4, 2), dtype="float64")
    pf.gradcheck(lambda t: RandomFlip(seed=2)(t, training=True) * t, [x])


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_random_rotation_by_a_quarter_turn_is_rot90(interpolation):
    x = images(3, 7, 7, 2)
    left = RandomRotation((0.25, 0.25), interpolation=interpolation)(x, training=True)
    assert_close(left, np.rot90(x, 1, axes=(1, 2)), atol=1e-5)  # counter-clockwise
    right = RandomRotation((-0.25, -0.25), interpolation=interpolation)(x, training=True)
    assert_close(right, np.rot90(x, -1, axes=(1, 2)), atol=1e-5)


def test_random_rotation_non_square_images_away_from_the_borders():
    x = images(2, 6, 8, 1)
    y = RandomRotation((0.25, 0.25), fill_mode="constant", fill_value=-1)(x, training=True).numpy()
    # about the centre (2.5, 3.5) output (r, c) reads input (c − 1, 6 − r): columns 1..6 are
    # the quarter turn of the input's central 6×6 square, columns 0 and 7 come from outside
    assert_close(y[:, :, 1:7], np.rot90(x[:, :, 1:7], 1, axes=(1, 2)), atol=1e-6)
    assert (y[:, :, 0] == -1).all() and (y[:, :, 7] == -1).all()


@pytest.mark.parametrize(
    "fill_mode, pad_mode",
    [("reflect", "symmetric"), ("wrap", "wrap"), ("nearest", "edge"), ("constant", "constant")],
)
def test_random_translation_by_whole_pixels_is_a_shift(fill_mode, pad_mode):
    x = images(2, 8, 8, 2)
    layer = RandomTranslation((0.25, 0.25), (-0.375, -0.375), fill_mode=fill_mode)
    y = layer(x, training=True)
    padded = np.pad(x, ((0, 0), (2, 0), (0, 3), (0, 0)), mode=pad_mode)  # down 2, left 3
    assert_close(y, padded[:, :8, 3:])


def test_random_zoom():
    x = images()
    assert_close(RandomZoom(0.0)(x, training=True), x)
    assert_close(RandomZoom((0.0, 0.0), (0.0, 0.0), fill_mode="constant")(x, training=True), x)
    # zooming out by 2 with a constant fill: the image shrinks to the middle, the border is fill
    y = RandomZoom((1.0, 1.0), fill_mode="constant", fill_value=-1.0, interpolation="nearest")(
        images(2, 9, 9, 1), training=True
    ).numpy()
    assert (y[:, :2] == -1).all() and (y[:, -2:] == -1).all() and (y[:, 2:7, 2:7] >= 0).all()
    # zooming in by 2 (factor −½): the middle 4×4 of an 8×8 image, enlarged
    y = RandomZoom((-0.5, -0.5), interpolation="nearest")(x, training=True).numpy()
    assert_close(y, x[:, 2:6, 2:6].repeat(2, 1).repeat(2, 2))
    # width zoom on its own
    y = RandomZoom(0.0, (-0.5, -0.5), interpolation="nearest")(x, training=True).numpy()
    assert_close(y, x[:, :, 2:6].repeat(2, 2))


def test_random_contrast_formula():
    x = images(32, 6, 6, 3)
    y = RandomContrast((0.5, 0.8), value_range=(-10, 10), seed=0)(x, training=True).numpy()
    m = x.mean(axis=(1, 2), keepdims=True)
    k = ((y - m) * (x - m)).sum(axis=(1, 2, 3), keepdims=True) / ((x - m) ** 2).sum(
        axis=(1, 2, 3), keepdims=True
    )  # the best contrast factor of each image
    assert_close(y, (x - m) * k + m, atol=1e-5)  # fits exactly: one factor per image
    assert (k > 0.5).all() and (k < 1.8).all() and k.std() > 0.1
    clipped = RandomContrast((0.0, 1.0), value_range=(0.2, 0.8), seed=0)(x, training=True).numpy()
    assert clipped.min() >= 0.2 and clipped.max() <= 0.8
    pf.gradcheck(
        lambda t: RandomContrast(0.5, value_range=(-50, 50), seed=1)(t, training=True),
        [pf.tensor(x[:2, :3, :3], dtype="float64")],
    )


def test_random_brightness_formula():
    x = images(8) * 255
    y = RandomBrightness((0.5, 0.5), seed=0)(x, training=True)
    assert_close(y, np.clip(x + 127.5, 0, 255), atol=1e-4)
    y = RandomBrightness(0.2, value_range=(-1000, 1000), seed=0)(x, training=True).numpy()
    delta = y - x
    assert_close(delta, np.broadcast_to(delta[:, :1, :1, :1], x.shape), atol=1e-3)  # one per image
    assert (np.abs(delta) <= 400).all() and delta.std() > 1
    pf.gradcheck(
        lambda t: RandomBrightness(0.1, value_range=(-9, 9), seed=1)(t, training=True),
        [pf.tensor(x[:2, :3, :3] / 255, dtype="float64")],
    )


def test_gaussian_noise_statistics_any_shape_and_gradient():
    x = np.zeros((200, 50), np.float32)  # not images: any shape works
    y = GaussianNoise(0.5, seed=0)(x, training=True).numpy()
    assert abs(y.mean()) < 0.01 and abs(y.std() - 0.5) < 0.01 and y.dtype == np.float32
    t = pf.tensor(x[:3, :4], dtype="float64")
    pf.gradcheck(lambda t: GaussianNoise(1.0, seed=0)(t, training=True) ** 2, [t])
    assert GaussianNoise(0.1).compute_output_shape((None, 7)) == (None, 7)


def test_random_crop_windows_per_image():
    n, h, w = 32, 10, 12
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    x = np.stack([1000 * i + 100 * rows + cols for i in range(n)])[..., None].astype(np.float32)
    y = RandomCrop(4, 5, seed=0)(x, training=True).numpy()[..., 0]
    assert y.shape == (n, 4, 5)
    top, left = ((y[:, 0, 0] % 1000) // 100).astype(int), (y[:, 0, 0] % 100).astype(int)
    for i in range(n):  # image i, a window at (top, left)
        assert np.array_equal(y[i], x[i, top[i] : top[i] + 4, left[i] : left[i] + 5, 0])
    assert len(set(zip(top, left))) > 10  # each image its own window
    assert top.max() <= h - 4 and left.max() <= w - 5
    crop = RandomCrop(4, 5)
    assert_close(crop(x), Resizing(4, 5, crop_to_aspect_ratio=True)(x))  # inference
    assert_close(crop(x[:, :3], training=True), Resizing(4, 5, crop_to_aspect_ratio=True)(x[:, :3]))
    pf.gradcheck(
        lambda t: RandomCrop(2, 3, seed=0)(t, training=True),
        [pf.tensor(images(2, 4, 4, 1), dtype="float64")],
    )


# --- symbolic use, configs, errors ----------------------------------------------------------------
def test_symbolic_shapes():
    x = Input((32, 32, 3))
    for layer, shape in [
        (RandomFlip(), (None, 32, 32, 3)),
        (RandomCrop(24, 20), (None, 24, 20, 3)),
        (Resizing(8, 9), (None, 8, 9, 3)),
        (CenterCrop(5, 6), (None, 5, 6, 3)),
        (Rescaling(0.5), (None, 32, 32, 3)),
        (Normalization(), (None, 32, 32, 3)),
    ]:
        assert layer(x).shape == shape


ALL_LAYERS = [
    lambda: Rescaling([0.5, 1.0, 2.0], offset=1),
    lambda: Normalization(axis=(1, 2)),
    lambda: Normalization(axis=None, mean=2.0, variance=4.0, invert=True),
    lambda: Resizing(5, 6, interpolation="nearest", crop_to_aspect_ratio=True),
    lambda: CenterCrop(4, 3),
    lambda: RandomFlip("vertical", seed=5),
    lambda: RandomRotation((-0.1, 0.3), fill_mode="constant", fill_value=0.5, seed=5),
    lambda: RandomTranslation(0.1, (0.0, 0.2), fill_mode="wrap", interpolation="nearest", seed=5),
    lambda: RandomZoom(0.2, (-0.1, 0.1), fill_mode="nearest", seed=5),
    lambda: RandomZoom((-0.2, 0.1), seed=5),
    lambda: RandomContrast((0.1, 0.4), (0, 1), seed=5),
    lambda: RandomBrightness(0.2, value_range=(0, 1), seed=5),
    lambda: GaussianNoise(0.3, seed=5),
    lambda: RandomCrop(5, 4, seed=5),
]


@pytest.mark.parametrize("make", ALL_LAYERS)
def test_config_round_trip_gives_the_same_layer(make):
    layer = make()
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert clone.get_config() == layer.get_config()
    x = images(2)
    reference = make()  # a fresh layer: the same seed gives the same draws
    if isinstance(layer, Normalization) and layer.input_mean is None:
        reference.adapt(x)
        clone(x)
        clone.set_weights(reference.get_weights())
    assert_close(clone(x, training=True), reference(x, training=True))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Rescaling("big"), "Rescaling: scale must be a number or a list of numbers"),
        (lambda: Rescaling([[1.0]]), r"one per channel"),
        (lambda: Resizing(0, 4), "Resizing: height and width must be positive ints, got height=0"),
        (
            lambda: Resizing(4, 4, interpolation="bicubic"),
            "Resizing: interpolation must be one of 'bilinear', 'nearest', got 'bicubic'",
        ),
        (lambda: CenterCrop(4.5, 4), "CenterCrop: height and width must be positive ints"),
        (lambda: RandomCrop(4, None), "RandomCrop: height and width must be positive ints"),
        (
            lambda: RandomFlip("diagonal"),
            "RandomFlip: mode must be one of 'horizontal', 'vertical'",
        ),
        (lambda: RandomFlip(seed=-1), r"RandomFlip: seed must be None or an int ≥ 0, got -1"),
        (
            lambda: RandomRotation(-0.2),
            r"RandomRotation: factor must be .* lower ≤ upper; got -0.2",
        ),
        (lambda: RandomRotation((0.1, 0.2, 0.3)), "RandomRotation: factor must be"),
        (
            lambda: RandomRotation(0.1, fill_mode="mirror"),
            (
                "RandomRotation: fill_mode must be one of "
                "'reflect', 'wrap', 'nearest', 'constant', got 'mirror'"
            ),
        ),
        (
            lambda: RandomRotation(0.1, interpolation="cubic"),
            "RandomRotation: interpolation must be",
        ),
        (
            lambda: RandomRotation(0.1, fill_value="black"),
            "RandomRotation: fill_value must be a number",
        ),
        (lambda: RandomTranslation(1.5, 0.1), r"RandomTranslation: height_factor .* \[-1.0, 1.0\]"),
        (lambda: RandomTranslation(0.1, "x"), "RandomTranslation: width_factor must be"),
        (lambda: RandomZoom((-1.5, 0.0)), r"RandomZoom: height_factor .* \[-1, inf\]"),
        (lambda: RandomZoom(0.1, (0.3, 0.2)), "RandomZoom: width_factor .* lower ≤ upper"),
        (lambda: RandomContrast(-0.1), r"RandomContrast: factor .* \[0, inf\]"),
        (
            lambda: RandomContrast((1.5, 0.1)),
            r"RandomContrast: the lower factor must be in \[0, 1\]",
        ),
        (
            lambda: RandomContrast(0.1, value_range=(1, 0)),
            "RandomContrast: value_range must be two",
        ),
        (lambda: RandomBrightness(2.0), r"RandomBrightness: factor .* \[-1.0, 1.0\]"),
        (lambda: RandomBrightness(0.1, value_range=5), "RandomBrightness: value_range must be two"),
        (lambda: GaussianNoise(-1), "GaussianNoise: stddev must be a number ≥ 0, got -1"),
    ],
)
def test_bad_arguments_name_the_layer_and_what_was_expected(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


@pytest.mark.parametrize(
    "make",
    [
        RandomFlip,
        lambda: RandomRotation(0.1),
        lambda: CenterCrop(2, 2),
        lambda: Resizing(2, 2),
        lambda: RandomCrop(2, 2),
    ],
)
def test_inputs_that_are_not_images_are_refused(make):
    layer = make()
    with pytest.raises(
        ValueError,
        match=r"expected images of shape \(batch, height, width, "
        r"channels\).*got shape \(4, 5\)",
    ):
        layer(np.ones((4, 5)), training=True)
    with pytest.raises(ValueError, match=r"got shape \(None, 2, 3, 4, 5\)"):
        make()(Input((2, 3, 4, 5)))
