"""ConvLSTM2D (item 9 of issue 15): equal to Keras 3 with the same weights, gradcheck through
time, symbolic shapes, a model that trains, saves and loads, clear errors."""

import os

import numpy as np
import pytest

import profundo as pf
from profundo import layers

X = np.random.default_rng(0).normal(size=(2, 4, 6, 7, 3)).astype("float32")


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"padding": "same", "return_sequences": True},
        {"strides": 2, "return_state": True},
        {"go_backwards": True, "dilation_rate": 2, "padding": "same"},
    ],
)
def test_conv_lstm2d_equals_keras(settings):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    ours = layers.ConvLSTM2D(5, 3, **settings)
    out = ours(X)
    theirs = keras.layers.ConvLSTM2D(5, 3, **settings)
    theirs(X)
    assert [tuple(w.shape) for w in theirs.weights] == [w.shape for w in ours.get_weights()]
    theirs.set_weights(ours.get_weights())
    want = theirs(X)
    for a, b in zip(
        out if isinstance(out, list) else [out], want if isinstance(want, (list, tuple)) else [want]
    ):
        np.testing.assert_allclose(a.numpy(), keras.ops.convert_to_numpy(b), atol=1e-6)


def test_conv_lstm2d_gradcheck_through_time():
    layer = layers.ConvLSTM2D(2, 2, padding="same", return_sequences=True, dtype="float64")
    x = pf.tensor(np.random.default_rng(1).normal(size=(1, 3, 3, 3, 2)), dtype="float64")
    layer(x)
    assert pf.gradcheck(lambda x, k, u: layer(x), [x, layer.kernel, layer.recurrent_kernel])


def test_a_conv_lstm_model_has_symbolic_shapes_trains_saves_and_loads(tmp_path):
    frames = layers.Input((4, 6, 7, 3))
    h, state_h, state_c = layers.ConvLSTM2D(4, 3, return_state=True)(frames)
    assert h.shape == state_h.shape == state_c.shape == (None, 4, 5, 4)
    model = pf.Model(frames, layers.Dense(1)(layers.GlobalAveragePooling2D()(h)))
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(X, np.ones((2, 1), "float32"), epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "c.profundo")
    again = pf.models.load_model(tmp_path / "c.profundo")
    np.testing.assert_allclose(again.predict(X, verbose=0), model.predict(X, verbose=0), atol=1e-6)


def test_conv_lstm2d_explains_what_it_does_not_take():
    with pytest.raises(NotImplementedError, match="ConvLSTM2D 'cl': dropout"):
        layers.ConvLSTM2D(2, 3, dropout=0.2, name="cl")
    with pytest.raises(ValueError, match="expected"):
        layers.ConvLSTM2D(2, 3)(np.zeros((2, 4, 6, 3), "float32"))
