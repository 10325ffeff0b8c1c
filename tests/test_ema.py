"""The optimizers' moving average of the weights (``use_ema``) and ``callbacks.SwapEMAWeights``:
the same runs as real Keras 3 (torch backend), weights copied, give the same histories and final
weights; and the rule θ̄ ← μθ̄ + (1 − μ)θ written out by hand."""

import numpy as np
import pytest

import profundo as pf
from profundo import callbacks, layers, optimizers


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 3)).astype("float32")
    return x, (x @ rng.normal(size=(3, 2))).astype("float32")


def test_moving_average_follows_the_rule_and_fit_ends_with_it():
    x, y = data()
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer=optimizers.SGD(0.05, use_ema=True, ema_momentum=0.8), loss="mse")
    expected = None
    raw = []

    class Follow(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            nonlocal expected
            now = [w.copy() for w in self.model.get_weights()]
            raw.append(now)
            expected = (
                now if expected is None else [0.8 * a + 0.2 * w for a, w in zip(expected, now)]
            )

    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0, callbacks=[Follow()])
    assert len(raw) == 6
    for got, want in zip(model.get_weights(), expected):  # fit ends with the averages
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    state = model.optimizer.get_state()
    assert {"average/0", "average/1"} <= set(state)
    again = optimizers.SGD(0.05, use_ema=True, ema_momentum=0.8, params=model.trainable_weights)
    again.set_state(state)
    for (_, a), (_, b) in zip(again.moving_averages(), model.optimizer.moving_averages()):
        np.testing.assert_array_equal(a, b)


def test_overwrite_frequency_puts_the_averages_in_the_weights():
    w = pf.tensor(np.ones(3, "float32"), requires_grad=True)
    opt = optimizers.SGD(0.5, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    for step in range(4):
        opt.apply([np.ones(3, "float32")], [w])
        ((_, average),) = opt.moving_averages()
        if step % 2 == 1:
            np.testing.assert_array_equal(w.numpy(), average)
    # by hand: θ 0.5 (θ̄ 0.5); θ 0, θ̄ 0.25, overwrite θ = 0.25; θ −0.25, θ̄ 0; θ −0.75,
    # θ̄ −0.375, overwrite θ = −0.375
    np.testing.assert_allclose(w.numpy(), -0.375)


@pytest.mark.parametrize(
    "bad, match",
    [
        ({"ema_momentum": 1.5}, "ema_momentum must be in"),
        ({"ema_overwrite_frequency": 0}, "ema_overwrite_frequency"),
    ],
)
def test_bad_ema_settings_are_refused(bad, match):
    with pytest.raises(ValueError, match=f"SGD: {match}"):
        optimizers.SGD(0.1, use_ema=True, **bad)


def test_swap_needs_an_optimizer_with_ema():
    x, y = data()
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(
        ValueError,
        match="SwapEMAWeights: the model's optimizer .SGD. keeps no moving averages.*use_ema=True",
    ):
        model.fit(x, y, validation_data=(x, y), verbose=0, callbacks=[callbacks.SwapEMAWeights()])


def run(lib, swap_on_epoch, weights):
    x, y = data()
    seen = []

    class Look(lib.callbacks.Callback):  # after SwapEMAWeights: what a checkpoint would save
        def on_epoch_end(self, epoch, logs=None):
            seen.append([np.array(w) for w in self.model.get_weights()])

    model = lib.Sequential([lib.layers.Input((3,)), lib.layers.Dense(2)])
    model.set_weights(weights)
    model.compile(optimizer=lib.optimizers.SGD(0.05, use_ema=True, ema_momentum=0.7), loss="mse")
    history = model.fit(
        x,
        y,
        batch_size=4,
        epochs=3,
        shuffle=False,
        verbose=0,
        validation_data=(x[:6], y[:6]),
        callbacks=[lib.callbacks.SwapEMAWeights(swap_on_epoch), Look()],
    )
    return history.history, seen, model.get_weights(), model.predict(x, verbose=0)


@pytest.mark.parametrize("swap_on_epoch", [False, True])
def test_swap_ema_weights_equals_keras(swap_on_epoch):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=2).astype("float32")]
    ours, theirs = run(pf, swap_on_epoch, weights), run(keras, swap_on_epoch, weights)
    assert ours[0].keys() == theirs[0].keys()
    for k in ours[0]:
        np.testing.assert_allclose(ours[0][k], theirs[0][k], rtol=1e-4, err_msg=k)
    for a, b in zip(ours[1], theirs[1]):
        for u, v in zip(a, b):
            np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-6)
    for u, v in zip(ours[2], theirs[2]):
        np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-4, atol=1e-5)
