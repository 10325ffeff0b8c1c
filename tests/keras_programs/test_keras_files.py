"""Item 10 of issue 15: ``.keras`` and ``.weights.h5`` files move between real Keras 3 (torch
backend) and profundo both ways, with identical predictions, for MLP, CNN, RNN and functional
models; the file name decides the format."""

import json
import zipfile

import numpy as np
import pytest

import profundo as pf

pytest.importorskip("h5py")
RNG = np.random.default_rng(0)


def mlp(k):
    return k.Sequential(
        [
            k.Input((4,)),
            k.layers.Dense(8, activation="relu"),
            k.layers.Dropout(0.1),
            k.layers.Dense(3, activation="softmax"),
        ]
    )


def cnn(k):
    return k.Sequential(
        [
            k.Input((8, 8, 1)),
            k.layers.Conv2D(4, 3, activation="relu"),
            k.layers.MaxPooling2D(2),
            k.layers.BatchNormalization(),
            k.layers.Flatten(),
            k.layers.Dense(2),
        ]
    )


def rnn(k):
    return k.Sequential(
        [
            k.Input((5, 3)),
            k.layers.LSTM(4, return_sequences=True),
            k.layers.GRU(3),
            k.layers.Dense(1),
        ]
    )


def functional(k):
    a, b = k.Input((4,), name="a"), k.Input((4,), name="b")
    h = k.layers.concatenate([k.layers.Dense(3)(a), k.layers.Dense(3, activation="tanh")(b)])
    return k.Model([a, b], k.layers.Dense(2)(h))


CASES = {
    "mlp": (mlp, RNG.normal(size=(4, 4))),
    "cnn": (cnn, RNG.normal(size=(2, 8, 8, 1))),
    "rnn": (rnn, RNG.normal(size=(2, 5, 3))),
    "functional": (functional, [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))]),
}


def _x(name):
    x = CASES[name][1]
    return [v.astype("float32") for v in x] if isinstance(x, list) else x.astype("float32")


@pytest.mark.parametrize("name", list(CASES))
def test_keras_files_load_in_profundo(real_keras, tmp_path, name):
    build, x = CASES[name][0], _x(name)
    theirs = build(real_keras)
    theirs.save(tmp_path / "m.keras")
    theirs.save_weights(tmp_path / "m.weights.h5")
    expected = np.asarray(theirs.predict(x, verbose=0))
    loaded = pf.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    ours = build(pf)
    ours.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(CASES))
def test_profundo_files_load_in_keras(real_keras, tmp_path, name):
    build, x = CASES[name][0], _x(name)
    ours = build(pf)
    expected = ours.predict(x, verbose=0)
    ours.save(tmp_path / "m.keras")
    ours.save_weights(tmp_path / "m.weights.h5")
    assert set(zipfile.ZipFile(tmp_path / "m.keras").namelist()) == {
        "metadata.json",
        "config.json",
        "model.weights.h5",
    }
    loaded = real_keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(
        np.asarray(loaded.predict(x, verbose=0)), expected, rtol=1e-5, atol=1e-6
    )
    theirs = build(real_keras)
    theirs.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(
        np.asarray(theirs.predict(x, verbose=0)), expected, rtol=1e-5, atol=1e-6
    )


def test_the_extension_decides_and_foreign_classes_are_refused(tmp_path):
    model = mlp(pf)
    model.save(tmp_path / "m.profundo")
    assert "weights.safetensors" in zipfile.ZipFile(tmp_path / "m.profundo").namelist()
    with pytest.raises(pf.io.ModelFileError, match=r"\.keras"):
        model.save(tmp_path / "m.h5")
    with pytest.raises(pf.io.ModelFileError, match="weights.h5"):
        model.save_weights(tmp_path / "m.h5")
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        config = json.loads(z.read("config.json"))
        weights = z.read("model.weights.h5")
    config["config"]["layers"][1]["class_name"] = "ShellOut"
    with zipfile.ZipFile(tmp_path / "bad.keras", "w") as z:
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", weights)
    with pytest.raises(pf.io.ModelFileError, match="ShellOut"):
        pf.saving.load_model(tmp_path / "bad.keras")
