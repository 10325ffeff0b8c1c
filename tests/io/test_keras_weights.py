"""Weights from files that real Keras writes (.weights.h5, .keras, the older HDF5 format of
keras.applications) into profundo models of the same shape: the same predictions."""

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.io import WeightMismatchError, load_keras_weights
from profundo.testing import assert_close

keras = pytest.importorskip("keras")
pytest.importorskip("h5py")


def keras_cnn():
    inner = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)])
    model = keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            keras.layers.Conv2D(4, 3, activation="relu", name="block1_conv1"),
            keras.layers.BatchNormalization(),
            keras.layers.Conv2D(4, 3, name="block1_conv2"),
            keras.layers.Flatten(),
            inner,
        ]
    )
    rng = np.random.default_rng(0)
    model.set_weights(
        [
            rng.normal(size=w.shape).astype("float32") * 0.3 + (1 if i == 5 else 0)
            for i, w in enumerate(model.get_weights())
        ]
    )
    return model


def ours_cnn():
    inner = pf.Sequential([layers.Dense(8, activation="relu"), layers.Dense(3)])
    return pf.Sequential(
        [
            layers.Input((8, 8, 2)),
            layers.Conv2D(4, 3, activation="relu", name="block1_conv1"),
            layers.BatchNormalization(),
            layers.Conv2D(4, 3, name="block1_conv2"),
            layers.Flatten(),
            inner,
        ]
    )


@pytest.mark.parametrize("suffix", [".weights.h5", ".keras"])
def test_keras3_files_give_the_same_predictions(tmp_path, suffix):
    ref = keras_cnn()
    path = tmp_path / f"cnn{suffix}"
    ref.save_weights(path) if suffix == ".weights.h5" else ref.save(path)
    model = ours_cnn()
    load_keras_weights(model, path)
    x = np.random.default_rng(1).normal(size=(3, 8, 8, 2)).astype("float32")
    assert_close(
        model.predict(x, verbose=0), np.asarray(ref.predict(x, verbose=0)), rtol=1e-4, atol=1e-5
    )


def test_recurrent_and_functional_models(tmp_path):
    inputs = keras.Input((5, 4))
    ref = keras.Model(
        inputs,
        keras.layers.Dense(2)(
            keras.layers.GRU(3)(keras.layers.LSTM(3, return_sequences=True)(inputs))
        ),
    )
    ref.save_weights(tmp_path / "rnn.weights.h5")
    x_in = layers.Input((5, 4))
    model = pf.Model(
        x_in, layers.Dense(2)(layers.GRU(3)(layers.LSTM(3, return_sequences=True)(x_in)))
    )
    load_keras_weights(model, tmp_path / "rnn.weights.h5")
    x = np.random.default_rng(2).normal(size=(2, 5, 4)).astype("float32")
    assert_close(
        model.predict(x, verbose=0), np.asarray(ref.predict(x, verbose=0)), rtol=1e-4, atol=1e-5
    )


def test_older_hdf5_files_by_position_and_by_name(tmp_path):
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    ref = keras_cnn()
    with h5py.File(tmp_path / "legacy.h5", "w") as f:  # keras.applications' format
        legacy_h5_format.save_weights_to_hdf5_group(f, ref)
    x = np.random.default_rng(3).normal(size=(2, 8, 8, 2)).astype("float32")
    model = ours_cnn()
    load_keras_weights(model, tmp_path / "legacy.h5")
    assert_close(
        model.predict(x, verbose=0), np.asarray(ref.predict(x, verbose=0)), rtol=1e-4, atol=1e-5
    )
    convs = pf.Sequential([layers.Input((8, 8, 2)), layers.Conv2D(4, 3, name="block1_conv1")])
    load_keras_weights(convs, tmp_path / "legacy.h5", by_name=True)
    assert_close(convs.layers[0].get_weights()[0], ref.get_layer("block1_conv1").get_weights()[0])


def test_a_shape_mismatch_names_the_layer_and_both_shapes_and_loads_nothing(tmp_path):
    ref = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
    ref.save_weights(tmp_path / "mlp.weights.h5")
    model = pf.Sequential([layers.Input((4,)), layers.Dense(3), layers.Dense(5)])
    before = model.get_weights()
    with pytest.raises(
        WeightMismatchError,
        match=r"/layers/dense_1 → .*kernel: the layer needs "
        r"shape \(3, 5\), the file has \(3, 2\)",
    ):
        load_keras_weights(model, tmp_path / "mlp.weights.h5")
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_a_vgg16_shaped_model_takes_the_weights_file_of_keras_vgg16(tmp_path):
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    ref = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    with h5py.File(tmp_path / "vgg16_notop.h5", "w") as f:  # the layout of Keras' download
        legacy_h5_format.save_weights_to_hdf5_group(f, ref)
    stack = [layers.Input((32, 32, 3))]
    for block, (convs, filters) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)], 1):
        stack += [
            layers.Conv2D(
                filters, 3, padding="same", activation="relu", name=f"block{block}_conv{i}"
            )
            for i in range(1, convs + 1)
        ]
        stack.append(layers.MaxPooling2D(2, name=f"block{block}_pool"))
    model = pf.Sequential(stack)
    load_keras_weights(model, tmp_path / "vgg16_notop.h5", by_name=True)
    x = np.random.default_rng(4).random((1, 32, 32, 3)).astype("float32")
    ours = model.predict(x, verbose=0)
    assert np.count_nonzero(ours) > 10
    assert_close(ours, np.asarray(ref.predict(x, verbose=0)), rtol=1e-3, atol=1e-5)
