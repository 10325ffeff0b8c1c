"""Item 2 of issue 15: ``keras.utils`` as Keras programs call it (``import profundo as keras``)."""

import hashlib
import io
import tarfile

import numpy as np
import pytest

import profundo as keras
from profundo import layers


def test_to_categorical_and_pad_sequences_match_keras(real_keras):
    y = np.array([0, 2, 1, 2])
    np.testing.assert_array_equal(
        keras.utils.to_categorical(y, 3), real_keras.utils.to_categorical(y, 3)
    )
    seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9]]
    for kwargs in (
        {},
        {"maxlen": 4},
        {"maxlen": 4, "padding": "post", "truncating": "post"},
        {"value": -1},
    ):
        np.testing.assert_array_equal(
            keras.utils.pad_sequences(seqs, **kwargs),
            real_keras.utils.pad_sequences(seqs, **kwargs),
        )
    x = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_allclose(keras.utils.normalize(x), real_keras.utils.normalize(x), rtol=1e-6)


def test_set_random_seed_makes_a_model_reproducible():
    def weights():
        keras.utils.set_random_seed(1337)
        model = keras.Sequential([keras.Input((3,)), layers.Dense(2), layers.Dropout(0.5)])
        return (
            model.get_weights()[0],
            model(np.ones((1, 3)), training=True).numpy(),
            np.random.rand(),
        )

    first, second = weights(), weights()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="set_random_seed"):
        keras.utils.set_random_seed("x")


def test_images_to_arrays_and_back_and_a_dataset_from_folders(tmp_path):
    pytest.importorskip("PIL")
    rng = np.random.default_rng(0)
    for label in ("cats", "dogs"):
        for i in range(5):
            keras.utils.save_img(
                tmp_path / label / f"{i}.png",
                rng.integers(0, 256, size=(12, 10, 3)).astype("float32"),
                scale=False,
            )
    img = keras.utils.load_img(tmp_path / "cats" / "0.png", target_size=(6, 5))
    assert keras.utils.img_to_array(img).shape == (6, 5, 3)
    back = keras.utils.img_to_array(keras.utils.array_to_img(np.full((2, 2, 1), 3.0), scale=False))
    np.testing.assert_array_equal(back, np.full((2, 2, 1), 3.0))
    train_ds, val_ds = keras.utils.image_dataset_from_directory(
        tmp_path,
        validation_split=0.2,
        subset="both",
        seed=1337,
        image_size=(8, 8),
        batch_size=4,
        verbose=False,
    )
    assert train_ds.class_names == ["cats", "dogs"]
    images, labels = next(iter(train_ds))
    assert images.shape == (4, 8, 8, 3) and images.dtype == np.float32 and labels.dtype == np.int32
    assert sum(len(b[1]) for b in train_ds) == 8 and sum(len(b[1]) for b in val_ds) == 2
    model = keras.Sequential(
        [keras.Input((8, 8, 3)), layers.Rescaling(1 / 255), layers.Flatten(), layers.Dense(2)]
    )
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert (
        len(model.fit(train_ds, validation_data=val_ds, epochs=1, verbose=0).history["val_loss"])
        == 1
    )


def test_text_dataset_from_directory(tmp_path):
    for label, words in (("neg", "bad awful"), ("pos", "good great")):
        (tmp_path / label).mkdir()
        for i in range(3):
            (tmp_path / label / f"{i}.txt").write_text(f"{words} {i}")
    ds = keras.utils.text_dataset_from_directory(
        tmp_path, batch_size=6, shuffle=False, label_mode="binary", verbose=False
    )
    texts, labels = next(iter(ds))
    assert list(texts[:1]) == ["bad awful 0"] and labels.shape == (6, 1) and labels[-1, 0] == 1.0


def test_timeseries_windows_follow_keras_rule():
    data, targets = np.arange(100), np.arange(100) * 10
    ds = keras.utils.timeseries_dataset_from_array(
        data, targets[5:], sequence_length=5, sampling_rate=2, sequence_stride=3, batch_size=4
    )
    windows, target = next(iter(ds))
    np.testing.assert_array_equal(windows[1], [3, 5, 7, 9, 11])
    np.testing.assert_array_equal(target, [50, 80, 110, 140])
    assert sum(len(w) for w, _ in ds) == len(range(0, 100 - 8, 3))


def test_split_dataset_by_fraction():
    left, right = keras.utils.split_dataset((np.arange(10), np.arange(10)), left_size=0.8)
    assert len(left) == 8 and len(right) == 2
    assert [int(x) for x, _ in right] == [8, 9]


def test_get_file_downloads_verifies_caches_and_extracts(tmp_path):
    payload = io.BytesIO()
    with tarfile.open(fileobj=payload, mode="w:gz") as tar:
        info = tarfile.TarInfo("data/hello.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    origin = tmp_path / "origin" / "bundle.tar.gz"
    origin.parent.mkdir()
    origin.write_bytes(payload.getvalue())
    sha = hashlib.sha256(payload.getvalue()).hexdigest()
    path = keras.utils.get_file(origin=origin.as_uri(), file_hash=sha, cache_dir=tmp_path / "cache")
    assert open(path, "rb").read() == payload.getvalue()
    folder = keras.utils.get_file(
        "bundle.tar.gz", origin=origin.as_uri(), extract=True, cache_dir=tmp_path / "cache"
    )
    assert (
        tmp_path / "cache" / "datasets" / "bundle" / "data" / "hello.txt"
    ).read_text() == "hello"
    assert folder.endswith("bundle")
    with pytest.raises(Exception, match="sha256"):
        keras.utils.get_file(
            "other.tar.gz", origin=origin.as_uri(), file_hash="0" * 64, cache_dir=tmp_path / "cache"
        )
    assert not (tmp_path / "cache" / "datasets" / "other.tar.gz").exists()


def test_progbar_shows_running_means(capsys):
    bar = keras.utils.Progbar(target=4, stateful_metrics=["acc"])
    for step in range(4):
        bar.update(step + 1, values=[("loss", step), ("acc", 0.5 + step / 10)])
    out = capsys.readouterr().out
    assert "4/4" in out and "loss: 1.5" in out and "acc: 0.8" in out


@keras.saving.register_keras_serializable(package="my_package")
def doubled_relu(x):
    return keras.ops.relu(x) * 2


def test_a_registered_activation_loads_by_name(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, activation=doubled_relu)])
    model.save(tmp_path / "m.profundo")
    loaded = keras.saving.load_model(tmp_path / "m.profundo")
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert keras.saving.get_registered_name(doubled_relu) == "my_package>doubled_relu"
    assert keras.saving.get_custom_objects()["my_package>doubled_relu"] is doubled_relu


def test_custom_objects_and_scopes_for_unregistered_functions(tmp_path):
    def tripled(x):
        return x * 3

    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, activation=tripled)])
    model.save(tmp_path / "m.profundo")
    with pytest.raises(Exception, match="tripled"):
        keras.saving.load_model(tmp_path / "m.profundo")
    assert keras.saving.load_model(tmp_path / "m.profundo", custom_objects={"tripled": tripled})
    with keras.saving.custom_object_scope({"tripled": tripled}):
        assert keras.models.load_model(tmp_path / "m.profundo")
    config = keras.saving.serialize_keras_object(keras.optimizers.Adam(0.01))
    assert keras.saving.deserialize_keras_object(config).learning_rate == pytest.approx(0.01)
    assert keras.utils.is_keras_tensor(keras.Input((2,)))
    assert keras.utils.unpack_x_y_sample_weight([1, 2]) == (1, 2, None)
