import json

import numpy as np
import pytest

from profundo.data import Normalizer, Standardizer


@pytest.fixture
def features():
    rng = np.random.default_rng(0)
    return rng.normal([1.0, -5.0, 100.0], [0.5, 2.0, 30.0], size=(200, 3))


def test_standardizer_per_feature_and_round_trip(features):
    scaler = Standardizer()
    z = scaler.fit_transform(features)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, atol=1e-12)
    assert scaler.mean.shape == (1, 3)
    np.testing.assert_allclose(scaler.inverse_transform(z), features, atol=1e-10)


def test_standardizer_matches_scikit_learn(features):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    expected = preprocessing.StandardScaler().fit(features[:150]).transform(features[150:])
    np.testing.assert_allclose(
        Standardizer().fit(features[:150]).transform(features[150:]), expected, rtol=1e-10
    )


def test_per_channel_images_keep_float32_and_uint8_becomes_float32():
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(8, 4, 4, 3), dtype=np.uint8)
    scaler = Standardizer(axis=-1).fit(images)
    assert scaler.mean.shape == (1, 1, 1, 3)
    out = scaler.transform(images)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.reshape(-1, 3).mean(axis=0), 0, atol=1e-5)
    assert scaler.transform(images.astype(np.float32)).dtype == np.float32
    assert scaler.transform(images.astype(np.float64)).dtype == np.float64


def test_per_pixel_and_global_axes():
    x = np.random.default_rng(2).normal(size=(10, 5, 6))
    per_pixel = Standardizer(axis=(1, 2)).fit(x)
    assert per_pixel.mean.shape == (1, 5, 6)
    whole = Standardizer(axis=None).fit(x)
    assert whole.mean.shape == ()
    np.testing.assert_allclose(whole.transform(x).std(), 1, atol=1e-12)


def test_constant_feature_is_only_centred():
    x = np.array([[1.0, 3.0], [1.0, 5.0]])
    z = Standardizer().fit_transform(x)
    np.testing.assert_array_equal(z[:, 0], [0, 0])


@pytest.mark.parametrize(
    "make", [lambda: Standardizer(axis=(1, 2)), lambda: Normalizer(feature_range=(-1, 1), axis=-1)]
)
def test_config_is_plain_json_and_round_trips(make):
    x = np.random.default_rng(3).normal(size=(6, 2, 3))
    scaler = make().fit(x)
    config = json.loads(json.dumps(scaler.get_config()))
    restored = type(scaler).from_config(config)
    np.testing.assert_array_equal(restored.transform(x), scaler.transform(x))
    assert restored.get_config() == scaler.get_config()


def test_unfitted_config_round_trips_and_transform_needs_fit():
    config = Standardizer(axis=None).get_config()
    assert config == {"axis": None, "mean": None, "std": None}
    with pytest.raises(RuntimeError, match="call fit"):
        Standardizer.from_config(config).transform(np.zeros(3))


def test_normalizer_maps_training_range_onto_feature_range(features):
    scaler = Normalizer(feature_range=(-1, 1))
    out = scaler.fit_transform(features)
    np.testing.assert_allclose(out.min(axis=0), -1)
    np.testing.assert_allclose(out.max(axis=0), 1)
    np.testing.assert_allclose(scaler.inverse_transform(out), features, atol=1e-10)
    constant = Normalizer().fit_transform(np.ones((3, 1)))
    np.testing.assert_array_equal(constant, 0)


def test_normalizer_matches_scikit_learn(features):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    expected = preprocessing.MinMaxScaler((2, 3)).fit(features[:100]).transform(features[100:])
    out = Normalizer((2, 3)).fit(features[:100]).transform(features[100:])
    np.testing.assert_allclose(out, expected, rtol=1e-10)


def test_shape_and_argument_errors(features):
    scaler = Standardizer().fit(features)
    with pytest.raises(ValueError, match=r"statistics of shape \(1, 3\).*\(5, 4\)"):
        scaler.transform(np.zeros((5, 4)))
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        Standardizer(axis=3).fit(features)
    with pytest.raises(ValueError, match="lo < hi"):
        Normalizer(feature_range=(1, 0))
