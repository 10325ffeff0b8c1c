"""Saving and loading: identical predictions, exact resumption, safe and clear failures."""

import json
import warnings
import zipfile

import numpy as np
import pytest

import profundo as pf
from profundo import layers, optimizers
from profundo.io import ModelFileError


def data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    return x, y


def make_model():
    model = pf.Sequential(
        [
            layers.Input((6,)),
            layers.Dense(16, activation="relu"),
            layers.BatchNormalization(),
            layers.Dropout(0.2),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def test_save_load_predict_identical(tmp_path):
    x, y = data()
    model = make_model()
    model.fit(x, y, epochs=2, verbose=0)
    path = tmp_path / "m.profundo"
    model.save(path)
    loaded = pf.models.load_model(path)
    assert np.array_equal(loaded.predict(x), model.predict(x))
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]
    names = zipfile.ZipFile(path).namelist()
    assert {
        "metadata.json",
        "config.json",
        "compile.json",
        "weights.safetensors",
        "optimizer.safetensors",
    } <= set(names)


def test_weights_are_readable_as_plain_safetensors_keyed_by_their_paths(tmp_path):
    from safetensors.numpy import load_file

    model = make_model()
    model(np.zeros((1, 6), np.float32))
    model.save_weights(tmp_path / "w.safetensors")
    tensors = load_file(tmp_path / "w.safetensors")
    assert {k: v.shape for k, v in tensors.items()} == {
        p: w.shape for p, w in model.named_weights()
    }
    assert "layers/0/kernel" in tensors
    other = make_model()  # the same architecture again: new automatic layer names
    other(np.zeros((1, 6), np.float32))
    assert {w.name for w in other.weights}.isdisjoint(w.name for w in model.weights)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # by path: no fallback, no warning
        other.load_weights(tmp_path / "w.safetensors")
    for a, b in zip(model.get_weights(), other.get_weights()):
        assert np.array_equal(a, b)


def _legacy_file(model, path):
    """A weights file as profundo wrote them before paths: keyed by the weights' names,
    trainable weights first."""
    from safetensors.numpy import save_file

    weights = {w.name: w.numpy() for w in model.trainable_weights + model.non_trainable_weights}
    save_file(weights, path, metadata={"order": json.dumps(list(weights))})


def test_files_keyed_by_names_still_load_by_name_or_announced_by_position(tmp_path):
    model = make_model()
    model(np.zeros((1, 6), np.float32))
    _legacy_file(model, tmp_path / "old.safetensors")
    same_names = make_model()
    same_names(np.zeros((1, 6), np.float32))
    for a, b in zip(
        model.trainable_weights + model.non_trainable_weights,
        same_names.trainable_weights + same_names.non_trainable_weights,
    ):
        b.name = a.name  # as in the session that wrote the file
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same_names.load_weights(tmp_path / "old.safetensors")
    renamed = make_model()
    renamed(np.zeros((1, 6), np.float32))
    with pytest.warns(UserWarning, match=r"matched by position: .*/kernel → .*kernel"):
        renamed.load_weights(tmp_path / "old.safetensors")
    for loaded in (same_names, renamed):
        for a, b in zip(model.get_weights(), loaded.get_weights()):
            assert np.array_equal(a, b)


@pytest.mark.skipif(
    pf.get_backend() != "numpy",
    reason="CuPy's generators cannot restore their state, so shuffling differs",
)
def test_save_load_then_continue_training_equals_uninterrupted(tmp_path):
    x, y = data()
    pf.manual_seed(3)
    a = make_model()
    a.fit(x, y, epochs=2, batch_size=32, verbose=0)
    a.save(tmp_path / "a.profundo")
    state = pf.backend.get_rng_state()
    a.fit(x, y, epochs=2, batch_size=32, verbose=0)
    b = pf.models.load_model(tmp_path / "a.profundo")
    pf.backend.set_rng_state(state)  # the shuffling order of the uninterrupted run
    b.fit(x, y, epochs=2, batch_size=32, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        assert np.array_equal(wa, wb)


def test_functional_model_round_trip(tmp_path):
    a, b = layers.Input((3,), name="in_a"), layers.Input((3,), name="in_b")
    shared = layers.Dense(4, activation="tanh")
    merged = layers.Add()([shared(a), shared(b)])
    model = pf.Model(
        [a, b], [layers.Dense(1)(merged), layers.Dense(2, activation="softmax")(merged)]
    )
    model.save(tmp_path / "f.profundo")
    loaded = pf.models.load_model(tmp_path / "f.profundo")
    xa, xb = np.random.randn(5, 3).astype(np.float32), np.random.randn(5, 3).astype(np.float32)
    for p, q in zip(model.predict([xa, xb]), loaded.predict([xa, xb])):
        assert np.array_equal(p, q)


def test_writes_are_atomic(tmp_path, monkeypatch):
    model = make_model()
    model(np.zeros((1, 6), np.float32))
    path = tmp_path / "m.profundo"
    model.save(path)
    good = path.read_bytes()
    import profundo.io.saving as saving

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(saving, "st_save", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["m.profundo"]


def test_truncated_and_corrupted_files_give_clear_errors(tmp_path):
    model = make_model()
    model(np.zeros((1, 6), np.float32))
    path = tmp_path / "m.profundo"
    model.save(path)
    raw = path.read_bytes()
    (tmp_path / "trunc.profundo").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ModelFileError, match=r"trunc.profundo: not a readable .profundo archive"):
        pf.models.load_model(tmp_path / "trunc.profundo")
    corrupt = bytearray(raw)
    start = raw.index(b"dense")  # flip bytes inside a stored member
    corrupt[start + 200 : start + 210] = b"X" * 10
    (tmp_path / "bad.profundo").write_bytes(bytes(corrupt))
    with pytest.raises(ModelFileError, match="bad.profundo"):
        pf.models.load_model(tmp_path / "bad.profundo")
    (tmp_path / "nozip.profundo").write_text("hello")
    with pytest.raises(ModelFileError, match="nozip.profundo"):
        pf.models.load_model(tmp_path / "nozip.profundo")


def _rewrite(path, out, **replace):
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, replace.get(name.replace(".", "_"), src.read(name)))


def test_missing_and_misshapen_weights_are_named(tmp_path):
    from safetensors.numpy import load, save

    model = make_model()
    model(np.zeros((1, 6), np.float32))
    path = tmp_path / "m.profundo"
    model.save(path)
    tensors = load(zipfile.ZipFile(path).read("weights.safetensors"))
    name = next(k for k in tensors if k.endswith("kernel"))
    missing = {k: v for k, v in tensors.items() if k != name}
    _rewrite(path, tmp_path / "missing.profundo", weights_safetensors=save(missing))
    with pytest.raises(ModelFileError, match=rf"missing.profundo: missing weight\(s\) {name}"):
        pf.models.load_model(tmp_path / "missing.profundo")
    wrong = dict(tensors, **{name: np.zeros((2, 2), np.float32)})
    _rewrite(path, tmp_path / "shape.profundo", weights_safetensors=save(wrong))
    with pytest.raises(ModelFileError, match=rf"weight {name} has shape \(2, 2\) in the file"):
        pf.models.load_model(tmp_path / "shape.profundo")


def test_loading_never_runs_code_from_the_file(tmp_path):
    model = make_model()
    model(np.zeros((1, 6), np.float32))
    path = tmp_path / "m.profundo"
    model.save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    config["class_name"] = "os.system"
    _rewrite(path, tmp_path / "evil.profundo", config_json=json.dumps(config))
    with pytest.raises(ValueError, match="unknown layer class 'os.system'"):
        pf.models.load_model(tmp_path / "evil.profundo")
    assert b"pickle" not in path.read_bytes()
