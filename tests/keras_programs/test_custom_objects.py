"""Item 4 of issue 15: custom layers and metrics as Keras' guide "Making new layers and models via
subclassing" writes them, run with ``import profundo as keras``."""

import numpy as np
import pytest

import profundo as keras
from profundo import ops


class Linear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True
        )
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, targets, logits, sample_weights=None):
        loss = self.loss_fn(targets, logits, sample_weights)
        self.add_loss(loss)
        return ops.sigmoid(logits)


class BinaryTruePositives(keras.metrics.Metric):
    def __init__(self, name="binary_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(
            shape=(), initializer="zeros", name="true_positives"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(y_true, "bool")
        y_pred = ops.cast(y_pred, "bool")
        values = ops.logical_and(ops.equal(y_true, True), ops.equal(y_pred, True))
        values = ops.cast(values, self.dtype)
        if sample_weight is not None:
            values = values * ops.cast(sample_weight, self.dtype)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0)


def test_weights_made_with_add_weight_keyword_arguments():
    layer = Linear(4)
    y = layer(np.ones((2, 3), "float32"))
    assert y.shape == (2, 4) and [w.shape for w in layer.weights] == [(3, 4), (4,)]
    assert [w.name.split("/")[-1] for w in layer.weights] == ["variable", "variable_1"]
    assert Linear.from_config(layer.get_config()).units == 4
    with pytest.raises(TypeError, match="add_weight"):
        layer.add_weight(shape=(2,), colour="red")


def test_assign_add_on_a_non_trainable_weight():
    layer = ComputeSum(2)
    layer(np.ones((2, 2)))
    np.testing.assert_array_equal(layer(np.ones((2, 2))).numpy(), [4.0, 4.0])
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 1
    w = layer.total
    w.assign([1.0, 2.0]).assign_sub(np.ones(2))
    np.testing.assert_array_equal(w.value.numpy(), [0.0, 1.0])


def test_an_endpoint_layer_called_on_two_tensors_adds_its_loss():
    endpoint = LogisticEndpoint()
    out = endpoint(np.ones((2, 1), "float32"), np.zeros((2, 1), "float32"))
    np.testing.assert_allclose(out.numpy(), 0.5)
    assert float(endpoint.losses[0]) == pytest.approx(np.log(2), rel=1e-6)
    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(targets, logits)
    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    model.compile(optimizer="adam")  # no loss: the endpoint's add_loss is the loss
    data = {"inputs": np.random.random((8, 3)), "targets": np.random.random((8, 10))}
    history = model.fit(data, epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


def test_a_metric_with_add_variable_in_init_as_keras_writes_it():
    metric = BinaryTruePositives()
    metric.update_state([0, 1, 1, 1], [0, 1, 0, 1])
    assert float(metric.result()) == 2.0
    metric.reset_state()
    assert float(metric.result()) == 0.0
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=[BinaryTruePositives()])
    history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
    assert len(history.history["binary_true_positives"]) == 2
    assert keras.metrics.Mean().name == "mean"
