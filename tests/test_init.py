"""Initializers: shapes, dtypes, the statistics of large draws, fans, orthogonality, seeding."""

import math

import numpy as np
import pytest

import profundo as pf
from profundo import backend as B
from profundo import init

TRUNCATION = 0.87962566103423978  # std of a standard normal cut at ±2


def draw(initializer, shape, dtype=None):
    return B.to_numpy(initializer(shape, dtype=dtype))


@pytest.mark.parametrize(
    "shape, fans",
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((784, 256), (784, 256)),
        ((3, 32, 64), (96, 192)),
        ((3, 3, 16, 32), (144, 288)),
        ((2, 3, 3, 4, 8), (72, 144)),
    ],
)
def test_fans_follow_keras(shape, fans):
    assert init.compute_fans(shape) == fans


EVERY_INIT = [
    init.Zeros(),
    init.Ones(),
    init.Constant(0.3),
    init.RandomNormal(),
    init.RandomUniform(),
    init.TruncatedNormal(),
    init.VarianceScaling(),
    init.GlorotUniform(),
    init.GlorotNormal(),
    init.HeUniform(),
    init.HeNormal(),
    init.LecunUniform(),
    init.LecunNormal(),
    init.Orthogonal(),
]


@pytest.mark.parametrize("initializer", EVERY_INIT, ids=lambda i: type(i).__name__)
def test_shape_and_dtype(initializer):
    w = initializer((5, 3))
    assert isinstance(w, B.xp.ndarray) and w.shape == (5, 3) and w.dtype == np.float32
    assert initializer((5, 3), dtype="float64").dtype == np.float64
    assert initializer([4, 2], dtype=np.dtype("float64")).dtype == np.float64
    assert initializer((2, 2), dtype="float16").dtype == np.float16


@pytest.mark.parametrize("initializer", EVERY_INIT, ids=lambda i: type(i).__name__)
def test_config_round_trip(initializer):
    again = init.get(init.serialize(initializer))
    assert type(again) is type(initializer) and again.get_config() == initializer.get_config()


def test_constants():
    assert (draw(init.Zeros(), (3, 2)) == 0).all()
    assert (draw(init.Ones(), 4) == 1).all()
    assert (draw(init.Constant(2.5), (2, 2)) == 2.5).all()
    assert init.Zeros()((2,), dtype="int64").dtype == np.int64


SHAPE = (400, 500)  # 200 000 draws: means and stds within ~1%
FAN_IN, FAN_OUT = SHAPE


def stats(initializer, shape=SHAPE):
    w = draw(initializer, shape).astype(np.float64)
    return w.mean(), w.std(), w.min(), w.max()


def test_random_normal_and_uniform_statistics():
    mean, std, _, _ = stats(init.RandomNormal(mean=1.0, stddev=2.0))
    assert mean == pytest.approx(1.0, abs=0.02) and std == pytest.approx(2.0, rel=0.01)
    mean, std, lo, hi = stats(init.RandomUniform(minval=-1.0, maxval=3.0))
    assert mean == pytest.approx(1.0, abs=0.02) and std == pytest.approx(
        4 / math.sqrt(12), rel=0.01
    )
    assert -1.0 <= lo < -0.99 and 2.99 < hi < 3.0


def test_truncated_normal_stays_within_two_stddevs():
    mean, std, lo, hi = stats(init.TruncatedNormal(mean=0.5, stddev=0.1))
    assert mean == pytest.approx(0.5, abs=1e-3) and std == pytest.approx(0.1 * TRUNCATION, rel=0.01)
    assert lo >= 0.3 and hi <= 0.7


@pytest.mark.parametrize(
    "initializer, variance, uniform",
    [
        (init.GlorotUniform(), 2 / (FAN_IN + FAN_OUT), True),
        (init.GlorotNormal(), 2 / (FAN_IN + FAN_OUT), False),
        (init.HeUniform(), 2 / FAN_IN, True),
        (init.HeNormal(), 2 / FAN_IN, False),
        (init.LecunUniform(), 1 / FAN_IN, True),
        (init.LecunNormal(), 1 / FAN_IN, False),
        (init.VarianceScaling(3.0, "fan_out", "untruncated_normal"), 3 / FAN_OUT, False),
    ],
)
def test_variance_scaling_family(initializer, variance, uniform):
    mean, std, lo, hi = stats(initializer)
    assert abs(mean) < 0.01 * math.sqrt(variance)
    assert std == pytest.approx(math.sqrt(variance), rel=0.01)
    if uniform:
        limit = math.sqrt(3 * variance)
        assert -limit <= lo and hi <= limit and hi > 0.99 * limit
    elif initializer.get_config().get("distribution", "truncated_normal") == "truncated_normal":
        cut = 2 * math.sqrt(variance) / TRUNCATION
        assert -cut <= lo and hi <= cut


def test_conv_kernels_use_the_receptive_field():
    w = draw(init.HeNormal(), (3, 3, 64, 128))  # fan_in = 3·3·64
    assert w.std() == pytest.approx(math.sqrt(2 / 576), rel=0.01)
    limit = math.sqrt(6 / (9 * 64 + 9 * 128))
    w = draw(init.GlorotUniform(), (3, 3, 64, 128))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit


@pytest.mark.parametrize("shape", [(6, 6), (10, 4), (4, 10), (3, 3, 4, 8)])
def test_orthogonal(shape):
    w = draw(init.Orthogonal(gain=2.0), shape, dtype="float64")
    m = w.reshape(-1, shape[-1])
    small = min(m.shape)
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, 4 * np.eye(small), atol=1e-10)


def test_seeding_reproduces_the_draws():
    pf.manual_seed(7)
    a = draw(init.GlorotUniform(), (20, 30))
    b = draw(init.GlorotUniform(), (20, 30))
    pf.manual_seed(7)
    np.testing.assert_array_equal(draw(init.GlorotUniform(), (20, 30)), a)
    assert not np.array_equal(a, b)
    # a seeded initializer gives the same values every call, whatever the global state
    seeded = init.HeNormal(seed=3)
    first = draw(seeded, (8, 8))
    pf.manual_seed(99)
    np.testing.assert_array_equal(draw(seeded, (8, 8)), first)
    assert not np.array_equal(draw(init.HeNormal(seed=4), (8, 8)), first)


def test_get():
    for name, cls in [
        ("glorot_uniform", init.GlorotUniform),
        ("he_normal", init.HeNormal),
        ("zeros", init.Zeros),
        ("ones", init.Ones),
        ("orthogonal", init.Orthogonal),
        ("lecun_normal", init.LecunNormal),
        ("truncated_normal", init.TruncatedNormal),
        ("HeUniform", init.HeUniform),
        ("RandomNormal", init.RandomNormal),
    ]:
        assert type(init.get(name)) is cls
    he = init.HeNormal(seed=1)
    assert init.get(he) is he and init.get(None) is None
    custom = lambda shape, dtype=None: np.zeros(shape)  # noqa: E731
    assert init.get(custom) is custom
    assert init.get({"class_name": "Constant", "config": {"value": 2.0}}).value == 2.0


def test_errors_say_what_to_do():
    with pytest.raises(ValueError, match="unknown initializer 'glorot'.*glorot_uniform"):
        init.get("glorot")
    with pytest.raises(TypeError, match="got int"):
        init.get(3)
    with pytest.raises(
        TypeError, match="RandomNormal: random initial values need a floating dtype, got int32"
    ):
        init.RandomNormal()((2, 2), dtype="int32")
    with pytest.raises(ValueError, match="mode must be one of"):
        init.VarianceScaling(mode="fan_mean")
    with pytest.raises(ValueError, match="distribution must be one of"):
        init.VarianceScaling(distribution="normal-ish")
    with pytest.raises(ValueError, match="scale must be positive"):
        init.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match="Orthogonal: needs a shape of at least two dimensions"):
        init.Orthogonal()((5,))


def test_keras_function_style_names_are_the_classes():
    keras = pytest.importorskip("keras")
    names = ["zeros", "ones", "constant", "random_normal", "random_uniform", "variance_scaling"]
    names += ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform"]
    names += ["lecun_normal", "orthogonal", "OrthogonalInitializer"]
    for name in names:
        ours, theirs = getattr(init, name), getattr(keras.initializers, name)
        assert ours.__name__ == theirs.__name__, name
