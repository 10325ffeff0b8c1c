"""One walk of the layer tree: every weight once, named by its path, the same count everywhere."""

import numpy as np

import profundo as pf
from profundo import layers


class TwoNames(layers.Layer):
    """Holds one Dense under two attributes (an alias): its weights count once."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(3)
        self.alias = self.dense

    def call(self, x, training=None):
        return self.alias(self.dense(x))


def test_a_layer_held_twice_counts_once_as_a_layer_and_inside_models():
    block = TwoNames()
    block(np.zeros((1, 3), np.float32))
    assert block.count_params() == 12 and len(block.weights) == 2
    model = pf.Sequential([layers.Input((3,)), block])
    assert model.count_params() == 12 == sum(w.size for w in model.get_weights())
    assert len(model.get_weights()) == len(model.weights) == 2
    assert [p for p, _ in model.named_weights()] == ["layers/0/dense/kernel", "layers/0/dense/bias"]


def test_paths_do_not_depend_on_automatic_names_and_follow_keras_order():
    def build():
        return pf.Sequential(
            [layers.Input((4,)), layers.Dense(5), layers.BatchNormalization(), layers.Dense(2)]
        )

    first, second = build(), build()
    assert [w.name for w in first.weights] != [w.name for w in second.weights]
    assert (
        [p for p, _ in first.named_weights()]
        == [p for p, _ in second.named_weights()]
        == [
            "layers/0/kernel",
            "layers/0/bias",
            "layers/1/gamma",
            "layers/1/beta",
            "layers/1/moving_mean",
            "layers/1/moving_variance",
            "layers/2/kernel",
            "layers/2/bias",
        ]
    )


def test_frozen_layers_keep_their_place_and_leave_the_trainable_list():
    model = pf.Sequential([layers.Input((4,)), layers.Dense(5), layers.Dense(2)])
    model.layers[0].trainable = False
    assert [p for p, _ in model.named_weights()][:2] == ["layers/0/kernel", "layers/0/bias"]
    assert model.trainable_weights == model.layers[1].weights
    assert model.non_trainable_weights == model.layers[0].weights
