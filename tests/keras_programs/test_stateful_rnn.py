"""Stateful recurrent layers (item 9 of issue 15): states carried from batch to batch, reset,
the fixed batch size, compared with Keras 3."""

import numpy as np
import pytest

import profundo as keras
from profundo import layers

RNG = np.random.default_rng(0)
A, B2 = RNG.normal(size=(2, 2, 5, 3)).astype("float32")


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
def test_states_carry_across_batches_and_reset_as_keras(real_keras, kind):
    ours = keras.Sequential(
        [keras.Input((5, 3), batch_size=2), getattr(layers, kind)(4, stateful=True)]
    )
    theirs = real_keras.Sequential(
        [real_keras.Input((5, 3), batch_size=2), getattr(real_keras.layers, kind)(4, stateful=True)]
    )
    theirs.set_weights(ours.get_weights())
    got = [ours.predict(A, verbose=0), ours.predict(B2, verbose=0)]
    want = [theirs(A), theirs(B2)]
    ours.layers[-1].reset_state()
    theirs.layers[-1].reset_state()
    got.append(ours.predict(B2, verbose=0))
    want.append(theirs(B2))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, real_keras.ops.convert_to_numpy(w), atol=1e-6)
    assert not np.allclose(got[1], got[2])  # the second batch started from the first's states


def test_fit_carries_states_without_a_graph_across_batches_and_saves_the_setting(tmp_path):
    model = keras.Sequential(
        [keras.Input((5, 3), batch_size=2), layers.LSTM(4, stateful=True), layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    x, y = RNG.normal(size=(6, 5, 3)).astype("float32"), RNG.normal(size=(6, 1)).astype("float32")
    history = model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    lstm = model.layers[0]
    assert [s.shape for s in lstm.states] == [(2, 4), (2, 4)]
    assert not any(s.requires_grad for s in lstm.states)
    model.save(tmp_path / "s.profundo")
    assert keras.models.load_model(tmp_path / "s.profundo").layers[0].stateful


def test_a_stateful_layer_needs_its_fixed_batch_size():
    with pytest.raises(
        ValueError, match="LSTM 'lstm_free': stateful=True needs a fixed batch size"
    ):
        keras.Sequential([keras.Input((5, 3)), layers.LSTM(4, stateful=True, name="lstm_free")])
    model = keras.Sequential([keras.Input((5, 3), batch_size=2), layers.GRU(4, stateful=True)])
    with pytest.raises(ValueError, match="expected batches of 2 sequences .* got 3"):
        model.predict(np.zeros((3, 5, 3), "float32"), batch_size=3, verbose=0)
