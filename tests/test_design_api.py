"""The user code of DESIGN.md, as written (MNIST cut to a few thousand images to keep it quick)."""

from pathlib import Path

import numpy as np
import pytest

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def test_tensor_and_autodiff_api():
    import profundo as pf

    x = pf.tensor([[1.0, 2.0]], requires_grad=True)
    w = pf.randn(2, 3, requires_grad=True)
    y = (x @ w).relu().sum()
    y.backward()
    assert x.grad.shape == (1, 2) and w.grad.shape == (2, 3)
    with pf.no_grad():
        assert not (x * 2).requires_grad
    a, b = pf.randn(3, 4), pf.randn(4, 2)
    assert pf.gradcheck(lambda a, b: (a @ b).tanh().sum(), [a, b])
    z = pf.randn(4, 10)
    pf.relu(x)
    pf.softmax(z, axis=-1)
    labels = np.array([1, 2, 3, 4])
    assert np.isclose(
        pf.cross_entropy(z, labels).item(),
        pf.cross_entropy(z, np.eye(10)[labels]).item(),
        rtol=1e-5,
    )


@pytest.mark.skipif(
    not (MIRROR / "mnist").is_dir(), reason="the MNIST mirror (../shared/data) is absent"
)
def test_keras_style_models_as_in_the_design(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFUNDO_DATASETS_MIRROR", str(MIRROR))
    monkeypatch.setenv("PROFUNDO_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    import profundo as pf
    from profundo import callbacks, datasets, layers, optimizers

    (x_train, y_train), (x_test, y_test) = (
        datasets.mnist.load_data()
    )  # download, cache, verify hash
    x_train, y_train, x_test, y_test = x_train[:2000], y_train[:2000], x_test[:500], y_test[:500]
    x_train = x_train[..., None].astype("float32") / 255  # NHWC, channels last
    x_test = x_test[..., None].astype("float32") / 255
    model = pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    lines = []
    model.summary(print_fn=lines.append)
    assert "Total params: 54,410" in "\n".join(lines)
    history = model.fit(
        x_train,
        y_train,
        batch_size=128,
        epochs=2,
        validation_split=0.1,
        verbose=0,
        callbacks=[callbacks.EarlyStopping(patience=2, restore_best_weights=True)],
    )
    assert history.history["val_accuracy"][-1] > 0.6
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.6  # 2 epochs on 2,000 images: the API works, it learns
    assert model.predict(x_test[:10]).shape == (10, 10)
    model.save("mnist.profundo")  # zip: config.json + weights.safetensors (+ optimizer state)
    reloaded = pf.models.load_model("mnist.profundo")
    assert np.array_equal(reloaded.predict(x_test[:10]), model.predict(x_test[:10]))

    inputs = layers.Input((20,))
    h = layers.Dense(64, activation="relu")(inputs)
    functional = pf.Model(inputs, layers.Dense(1, activation="sigmoid")(h))
    assert functional.predict(np.zeros((2, 20), "float32")).shape == (2, 1)


def test_weights_follow_keras_layouts():
    from profundo import layers

    dense = layers.Dense(4)
    dense(np.zeros((1, 3), "float32"))
    assert [w.shape for w in dense.get_weights()] == [(3, 4), (4,)]
    conv = layers.Conv2D(8, 3)
    conv(np.zeros((1, 5, 5, 2), "float32"))
    assert [w.shape for w in conv.get_weights()] == [(3, 3, 2, 8), (8,)]
    lstm = layers.LSTM(5)
    lstm(np.zeros((1, 4, 3), "float32"))
    assert [w.shape for w in lstm.get_weights()] == [(3, 20), (5, 20), (20,)]
    gru = layers.GRU(5)
    gru(np.zeros((1, 4, 3), "float32"))
    assert [w.shape for w in gru.get_weights()] == [(3, 15), (5, 15), (2, 15)]
    bn = layers.BatchNormalization()
    bn(np.zeros((2, 3), "float32"))
    assert [w.name.split("/")[-1] for w in bn.weights] == [
        "gamma",
        "beta",
        "moving_mean",
        "moving_variance",
    ]
