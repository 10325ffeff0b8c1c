"""Sequential, functional and subclassed models: structure, equivalence, summary, training."""

import re

import numpy as np
import pytest

import profundo as pf
from profundo import layers, optimizers
from profundo.testing import assert_close


def blobs(n=200, seed=0):
    """Two Gaussian blobs in 4-D, labels 0/1."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(0, 1, (n, 4)).astype(np.float32) + (2 * y[:, None] - 1) * 1.5
    return x, y


def three_ways():
    seq = pf.Sequential(
        [
            layers.Input((4,)),
            layers.Dense(8, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    inputs = layers.Input((4,))
    h = layers.Dense(8, activation="tanh")(inputs)
    functional = pf.Model(inputs, layers.Dense(1, activation="sigmoid")(h))

    class MLP(pf.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="tanh")
            self.out = layers.Dense(1, activation="sigmoid")

        def call(self, x, training=None):
            return self.out(self.hidden(x))

    sub = MLP()
    sub(np.zeros((1, 4), np.float32))
    return seq, functional, sub


def test_same_model_three_ways_gives_the_same_outputs():
    seq, functional, sub = three_ways()
    weights = seq.get_weights()
    functional.set_weights(weights)
    sub.set_weights(weights)
    x = np.random.randn(5, 4).astype(np.float32)
    assert_close(functional.predict(x), seq.predict(x))
    assert_close(sub.predict(x), seq.predict(x))
    assert seq.count_params() == functional.count_params() == sub.count_params() == 49


@pytest.mark.parametrize("which", [0, 1, 2])
def test_each_way_trains_to_a_low_loss(which):
    model = three_ways()[which]
    x, y = blobs()
    model.compile(optimizer=optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.2
    assert history.history["accuracy"][-1] > 0.95
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.95


@pytest.mark.parametrize("batch_size", [None, 1, 16])
def test_batch_minibatch_and_stochastic_gradient_descent(batch_size):
    x, y = blobs(60)
    model = pf.Sequential([layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=optimizers.SGD(0.5 if batch_size is None else 0.1), loss="binary_crossentropy"
    )
    epochs = 40 if batch_size is None else 5
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_multi_input_multi_output_and_shared_layer():
    a, b = layers.Input((3,), name="a"), layers.Input((3,), name="b")
    shared = layers.Dense(4, activation="tanh", name="shared")
    ha, hb = shared(a), shared(b)  # the same weights on both inputs
    merged = layers.Concatenate()([ha, hb])
    out_sum = layers.Dense(1, name="sum")(merged)
    out_cls = layers.Dense(2, activation="softmax", name="cls")(merged)
    model = pf.Model([a, b], [out_sum, out_cls])
    assert sum(1 for layer in model.layers if layer is shared) == 1
    assert len(model.get_layer("shared").inbound_nodes) >= 2
    rng = np.random.default_rng(1)
    xa, xb = (
        rng.normal(size=(256, 3)).astype(np.float32),
        rng.normal(size=(256, 3)).astype(np.float32),
    )
    y_sum = (xa.sum(1) + xb.sum(1))[:, None].astype(np.float32)
    y_cls = (xa[:, 0] > xb[:, 0]).astype(int)
    model.compile(
        optimizer=optimizers.Adam(0.02),
        loss=["mse", "sparse_categorical_crossentropy"],
        loss_weights=[0.5, 1.0],
        metrics={"cls": ["accuracy"]},
    )
    history = model.fit([xa, xb], [y_sum, y_cls], epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    assert history.history["cls_accuracy"][-1] > 0.85
    p_sum, p_cls = model.predict({"a": xa, "b": xb})
    assert p_sum.shape == (256, 1) and p_cls.shape == (256, 2)


def test_nested_model_used_as_a_layer():
    inner = pf.Sequential([layers.Input((4,)), layers.Dense(3, activation="relu")], name="inner")
    inputs = layers.Input((4,))
    outer = pf.Model(inputs, layers.Dense(1)(inner(inputs)))
    assert outer.count_params() == 4 * 3 + 3 + 3 + 1
    x = np.random.randn(2, 4).astype(np.float32)
    expected = (
        inner.predict(x) @ outer.layers[-1].get_weights()[0] + outer.layers[-1].get_weights()[1]
    )
    assert_close(outer.predict(x), expected, rtol=1e-5)


def test_sequential_add_and_input_shape_from_first_call():
    model = pf.Sequential()
    model.add(layers.Dense(3))
    model.add(layers.Dense(2))
    assert not model.built
    out = model(np.ones((5, 7), np.float32))
    assert out.shape == (5, 2) and model.built and model.output_shapes == [(None, 3), (None, 2)]
    with pytest.raises(ValueError, match="Input can only come first"):
        model.add(layers.Input((3,)))


def test_summary_lists_layers_shapes_and_parameter_counts():
    model = pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            layers.Flatten(),
            layers.Dense(32, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(10, activation="softmax"),
        ]
    )
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert re.search(r"flatten(_\d+)? \(Flatten\) +\(None, 784\) +0", text)
    assert "(None, 10)" in text
    assert "25,120" in text and "330" in text
    assert "Total params: 25,578" in text
    assert "Non-trainable params: 64" in text


def test_get_layer_and_errors():
    model = pf.Sequential([layers.Input((2,)), layers.Dense(1, name="out")])
    assert model.get_layer("out") is model.layers[0]
    with pytest.raises(ValueError, match="no layer named 'nope'"):
        model.get_layer("nope")
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.ones((2, 2)), np.ones((2, 1)), verbose=0)
    with pytest.raises(TypeError, match="Model: inputs and outputs"):
        pf.Model(np.ones(2), np.ones(2))


def test_predict_is_batched_and_keeps_no_graph():
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2)])
    x = np.random.randn(70, 3).astype(np.float32)
    out = model.predict(x, batch_size=16)
    assert isinstance(out, np.ndarray) and out.shape == (70, 2)
    assert_close(out, model.predict_on_batch(x), rtol=1e-6)


def test_train_and_test_on_batch():
    x, y = blobs(64)
    model = pf.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    first = model.test_on_batch(x, y)
    for _ in range(20):
        model.train_on_batch(x, y)
    assert model.test_on_batch(x, y)[0] < first[0]


def test_validation_split_takes_the_last_samples():
    x, y = blobs(100)
    seen = []
    model = pf.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    hist = model.fit(
        x,
        y,
        epochs=2,
        batch_size=100,
        validation_split=0.2,
        verbose=0,
        callbacks=[
            pf.callbacks.LambdaCallback(on_train_batch_begin=lambda b, logs=None: seen.append(b))
        ],
    )
    assert "val_loss" in hist.history and len(hist.history["val_loss"]) == 2
    assert seen == [0, 0]  # 80 samples in one batch of 100 per epoch
    expected = model.evaluate(x[80:], y[80:], verbose=0, batch_size=100)
    assert abs(hist.history["val_loss"][-1] - expected) < 1e-6


def test_sample_weight_and_class_weight_change_the_loss_as_documented():
    x, y = blobs(40)
    model = pf.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(0.0), loss="binary_crossentropy")
    base = model.evaluate(x, y, verbose=0, batch_size=40)
    doubled = model.evaluate(x, y, sample_weight=np.full(40, 2.0), verbose=0, batch_size=40)
    assert abs(doubled - 2 * base) < 1e-5
    w = {0: 3.0, 1: 1.0}
    loss_cw = model.train_on_batch(x, y, class_weight=w)
    loss_sw = model.test_on_batch(x, y, sample_weight=np.where(y == 0, 3.0, 1.0))
    assert abs(loss_cw - loss_sw) < 1e-5


def test_fit_from_a_generator_and_a_loader():
    x, y = blobs(64)
    model = pf.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.Adam(0.05), loss="binary_crossentropy")

    def gen():
        while True:
            for i in range(0, 64, 16):
                yield x[i : i + 16], y[i : i + 16]

    h1 = model.fit(gen(), steps_per_epoch=4, epochs=3, verbose=0)
    assert len(h1.history["loss"]) == 3
    loader = pf.data.DataLoader((x, y), batch_size=16, shuffle=True)
    h2 = model.fit(loader, epochs=2, verbose=0)
    assert h2.history["loss"][-1] < h1.history["loss"][0]


def test_nan_loss_stops_training_and_says_where():
    x, y = blobs(32)
    x[5, 0] = np.nan
    model = pf.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    with pytest.warns(RuntimeWarning, match=r"loss became nan at epoch 1, batch 1"):
        hist = model.fit(x, y, epochs=3, batch_size=32, shuffle=False, verbose=0)
    assert len(hist.history["loss"]) == 1


def test_progress_output_verbose_1_and_2(capsys):
    x, y = blobs(64)
    model = pf.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=2, validation_split=0.25)
    out = capsys.readouterr().out
    assert out.count("Epoch") == 2 and "val_loss" in out and "accuracy" in out
    model.fit(x, y, epochs=1, batch_size=16, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/1" in out and "4/4" in out and "loss:" in out
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert capsys.readouterr().out == ""


def test_regularizer_adds_to_the_training_loss():
    x, y = blobs(32)
    plain = pf.Sequential([layers.Input((4,)), layers.Dense(1, kernel_initializer="ones")])
    reg = pf.Sequential(
        [
            layers.Input((4,)),
            layers.Dense(1, kernel_initializer="ones", kernel_regularizer=pf.regularizers.L2(0.1)),
        ]
    )
    for m in (plain, reg):
        m.compile(optimizer=optimizers.SGD(0.0), loss="mse")
    diff = reg.train_on_batch(x, y) - plain.train_on_batch(x, y)
    assert abs(diff - 0.1 * 4) < 1e-5


def test_plain_python_lists_are_accepted_as_arrays():
    model = pf.Sequential([layers.Input((2,)), layers.Dense(1, activation="sigmoid")])
    assert model.predict([[0.0, 0.0], [1.0, 2.0]]).shape == (2, 1)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    model.fit([[0.0, 1.0], [1.0, 0.0]], [0, 1], epochs=1, verbose=0)
