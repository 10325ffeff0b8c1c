"""Custom training steps (train_step / test_step / predict_step), compute_loss, add_loss and
layer.losses, several optimizers, frozen layers: the same behaviour as Keras 3 on small cases."""

import numpy as np
import pytest

import profundo as pf
from profundo import layers, metrics, optimizers
from profundo.models.training import pack_x_y_sample_weight, unpack_x_y_sample_weight
from profundo.testing import assert_close


def data(n=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)


def dense_weights(seed=1):
    rng = np.random.default_rng(seed)
    return [
        rng.normal(size=(3, 4)).astype(np.float32) * 0.5,
        np.zeros(4, np.float32),
        rng.normal(size=(4, 1)).astype(np.float32) * 0.5,
        np.zeros(1, np.float32),
    ]


class ActivityPenalty(layers.Layer):
    """y = x, with add_loss(rate · Σ x²) — the shape of an activity regularizer or a VAE's KL."""

    def __init__(self, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, x, training=None):
        self.add_loss(self.rate * (x * x).sum())
        return x


class StepCounting(pf.Model):
    """Keras' documented custom step: forward, compute_loss, backward, optimizer.apply, metrics."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden, self.out = layers.Dense(4, activation="tanh"), layers.Dense(1)
        self.steps = 0

    def call(self, x, training=None):
        return self.out(self.hidden(x))

    def train_step(self, data):
        x, y = data
        self.steps += 1
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        self.optimizer.apply([w.grad for w in self.trainable_weights], self.trainable_weights)
        for m in self.metrics:
            m.update_state(loss.numpy()) if m.name == "loss" else m.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def keras_mlp(keras, penalty=False):
    inputs = keras.Input((3,))
    h = keras.layers.Dense(4, activation="tanh")(inputs)
    if penalty:

        class KerasPenalty(keras.layers.Layer):
            def call(self, x):
                self.add_loss(0.1 * keras.ops.sum(x * x))
                return x

        h = KerasPenalty()(h)
    model = keras.Model(inputs, keras.layers.Dense(1)(h))
    model.set_weights(dense_weights())
    return model


def test_overridden_train_step_is_what_fit_runs_and_equals_keras_fit():
    keras = pytest.importorskip("keras")
    x, y = data()
    model = StepCounting()
    model(x[:1])
    model.set_weights(dense_weights())
    model.compile(optimizer=optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert model.steps == 8
    assert set(history.history) == {"loss", "mae"}

    ref = keras_mlp(keras)
    ref.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    ref_history = ref.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for ours, theirs in zip(model.get_weights(), ref.get_weights()):
        assert_close(ours, theirs, atol=1e-5)
    assert_close(history.history["loss"], ref_history.history["loss"], rtol=1e-4)
    assert_close(history.history["mae"], ref_history.history["mae"], rtol=1e-4)


def test_add_loss_terms_join_the_loss_as_in_keras():
    keras = pytest.importorskip("keras")
    x, y = data()
    inputs = layers.Input((3,))
    h = ActivityPenalty(0.1)(layers.Dense(4, activation="tanh")(inputs))
    model = pf.Model(inputs, layers.Dense(1)(h))
    model.set_weights(dense_weights())
    ref = keras_mlp(keras, penalty=True)

    model(x[:5])
    ref(x[:5])
    assert len(model.losses) == len(ref.losses) == 1
    assert_close(model.losses[0].numpy(), ref.losses[0].detach().cpu().numpy(), rtol=1e-5)
    model(x[:2])  # the next call starts its terms afresh
    assert len(model.losses) == 1

    model.compile(optimizer=optimizers.SGD(0.05), loss="mse")
    ref.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    assert_close(
        model.evaluate(x, y, batch_size=16, verbose=0),
        ref.evaluate(x, y, batch_size=16, verbose=0),
        rtol=1e-5,
    )
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    ref.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for ours, theirs in zip(model.get_weights(), ref.get_weights()):
        assert_close(ours, theirs, atol=1e-5)


def test_a_model_trained_by_add_loss_alone_compiles_without_a_loss():
    x, _ = data()
    inputs = layers.Input((3,))
    model = pf.Model(inputs, ActivityPenalty(1.0)(layers.Dense(2)(inputs)))
    model.compile(optimizer=optimizers.SGD(0.01))
    losses = model.fit(x, batch_size=16, epochs=5, verbose=0).history["loss"]
    assert losses[-1] < losses[0]  # Σ (xW + b)² shrinks towards 0
    assert model.evaluate(x, verbose=0) < losses[0]


def test_no_loss_at_all_is_a_clear_error():
    x, y = data()
    model = pf.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="no loss to compute"):
        model.fit(x, y, verbose=0)


def test_add_loss_on_a_symbolic_tensor_is_refused():
    class Bad(layers.Layer):
        def call(self, x, training=None):
            return x

    layer = Bad()
    with pytest.raises(TypeError, match="add_loss needs a computed value"):
        layer.add_loss(layers.Input((3,)))


class TwoOptimizers(pf.Model):
    """A GAN's shape: two sub-models, an optimizer each, metric trackers as attributes."""

    def __init__(self):
        super().__init__()
        self.critic = pf.Sequential([layers.Input((1,)), layers.Dense(1)])
        self.maker = pf.Sequential([layers.Input((2,)), layers.Dense(1)])
        self.c_tracker, self.m_tracker = metrics.Mean(name="c_loss"), metrics.Mean(name="m_loss")

    def compile(self, c_optimizer, m_optimizer):
        super().compile()
        self.c_optimizer, self.m_optimizer = c_optimizer, m_optimizer

    def train_step(self, real):
        noise = pf.tensor(np.random.default_rng(0).normal(size=(len(real), 2)).astype(np.float32))
        fake = self.maker(noise, training=True)
        self.zero_grad()
        c_loss = ((self.critic(fake.detach()) - self.critic(real)) ** 2).mean()  # any two losses
        c_loss.backward()
        self.c_optimizer.apply(
            [w.grad for w in self.critic.trainable_weights], self.critic.trainable_weights
        )
        self.zero_grad()
        m_loss = ((fake - 3.0) ** 2).mean()
        m_loss.backward()
        self.m_optimizer.apply(
            [w.grad for w in self.maker.trainable_weights], self.maker.trainable_weights
        )
        self.c_tracker.update_state(c_loss.numpy())
        self.m_tracker.update_state(m_loss.numpy())
        return {"c_loss": self.c_tracker.result(), "m_loss": self.m_tracker.result()}


def test_two_optimizers_each_update_their_own_weights_and_trackers_reset_each_epoch():
    model = TwoOptimizers()
    c_opt, m_opt = optimizers.Adam(0.1), optimizers.SGD(0.05)
    model.compile(c_opt, m_opt)
    real = np.ones((8, 1), np.float32)
    before = model.critic.get_weights() + model.maker.get_weights()
    history = model.fit(real, batch_size=4, epochs=3, verbose=0)
    assert set(history.history) == {"c_loss", "m_loss"}
    assert c_opt.iterations == m_opt.iterations == 6
    assert {id(p) for p in c_opt.params} == {id(w) for w in model.critic.weights}
    assert {id(p) for p in m_opt.params} == {id(w) for w in model.maker.weights}
    after = model.critic.get_weights() + model.maker.get_weights()
    assert [np.array_equal(a, b) for a, b in zip(before, after)] == [False, True, False, False]
    # (the critic's bias cancels out of its loss: no gradient, no change)
    assert model.m_tracker.count == 2  # reset at each epoch start: the last epoch's 2 batches
    m = history.history["m_loss"]
    assert m[-1] < m[0]


def test_test_step_and_predict_step_overrides_are_used():
    class Doubling(pf.Sequential):
        def predict_step(self, data):
            return super().predict_step(data) * 2

        def test_step(self, data):
            return {"custom": 7.0}

    model = Doubling([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = data()
    assert_close(model.predict(x, batch_size=5), 2 * model(x).numpy(), rtol=1e-6)
    assert model.evaluate(x, y, return_dict=True, verbose=0) == {"custom": 7.0}
    history = model.fit(x, y, epochs=1, validation_data=(x, y), verbose=0)
    assert history.history["val_custom"] == [7.0]


def test_unpack_and_pack_follow_keras():
    keras = pytest.importorskip("keras")
    x, y, w = np.ones(2), np.zeros(2), np.ones(2)
    for data in [x, (x,), (x, y), (x, y, w), [x, y]]:
        ours, theirs = unpack_x_y_sample_weight(data), keras.utils.unpack_x_y_sample_weight(data)
        assert [a is b for a, b in zip(ours, theirs)] == [True, True, True]
    assert pack_x_y_sample_weight(x) is x
    assert pack_x_y_sample_weight(x, y) == keras.utils.pack_x_y_sample_weight(x, y)


# --- frozen layers --------------------------------------------------------------------------------
def test_frozen_batch_normalization_runs_in_inference_mode_as_in_keras():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(6, 4)).astype(np.float32)
    weights = [
        rng.uniform(0.5, 2, 4).astype(np.float32),
        rng.normal(size=4).astype(np.float32),
        rng.normal(size=4).astype(np.float32),
        rng.uniform(0.5, 2, 4).astype(np.float32),
    ]
    ours, theirs = layers.BatchNormalization(), keras.layers.BatchNormalization()
    ours(x[:1]), theirs(x[:1])
    ours.set_weights(weights), theirs.set_weights(weights)
    ours.trainable = theirs.trainable = False
    out_ours = ours(x, training=True).numpy()
    out_theirs = theirs(x, training=True).detach().cpu().numpy()
    assert_close(out_ours, out_theirs, rtol=1e-5, atol=1e-5)
    assert_close(out_ours, ours(x, training=False).numpy())  # the moving statistics
    for a, b in zip(ours.get_weights(), weights):  # and they did not move
        assert np.array_equal(a, b)


def test_frozen_layers_keep_their_weights_and_counts_match_keras():
    keras = pytest.importorskip("keras")
    x, y = data()
    base = pf.Sequential(
        [layers.Input((3,)), layers.Dense(4, activation="tanh"), layers.BatchNormalization()]
    )
    model = pf.Sequential([base, layers.Dense(1)])
    base.trainable = False
    model.compile(optimizer=optimizers.Adam(0.05), loss="mse")
    frozen = base.get_weights()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(frozen, base.get_weights()))

    k_base = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.BatchNormalization(),
        ]
    )
    k_model = keras.Sequential([k_base, keras.layers.Dense(1)])
    k_base.trainable = False
    n = lambda ws: sum(int(np.prod(w.shape)) for w in ws)
    assert n(model.trainable_weights) == n(k_model.trainable_weights) == 5
    assert n(model.non_trainable_weights) == n(k_model.non_trainable_weights) == 32
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 5 " in lines[0] and "Non-trainable params: 32 " in lines[0]


def test_unfreezing_after_compile_warns_to_recompile_then_trains_the_unfrozen_layers():
    x, y = data()
    model = pf.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(1)])
    model.layers[0].trainable = False
    model.compile(optimizer=optimizers.SGD(1e-3), loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    model.layers[0].trainable = True
    before = model.layers[0].get_weights()
    with pytest.warns(UserWarning, match=r"compile\(\.\.\.\) again"):
        model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(before[0], model.layers[0].get_weights()[0])
    model.compile(optimizer=optimizers.SGD(1e-4), loss="mse")  # fine-tuning: a smaller rate
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, y, epochs=1, verbose=0)


def test_a_model_built_by_its_first_batch_trains_in_the_first_epoch():
    x, y = data()
    base = pf.Sequential([layers.Input((3,)), layers.Dense(4)])
    model = pf.Sequential([base, layers.Dense(1)])  # input shape unknown until a batch
    base.trainable = False
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    head = model.layers[-1].get_weights()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert not np.array_equal(head[0], model.layers[-1].get_weights()[0])
    assert model.optimizer.iterations == 8  # every batch of both epochs stepped
