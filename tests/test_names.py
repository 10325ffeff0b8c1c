"""One rule for names in every ``get``: case does not matter, and a misspelt name fails at once
with the closest known names — also when a layer is given it, in ``__init__``."""

import pytest

import profundo as pf
from profundo import activations, init, losses, metrics, optimizers, regularizers


@pytest.mark.parametrize(
    "get, name, expected",
    [
        (losses.get, "MSE", losses.MeanSquaredError),
        (metrics.get, "MSE", metrics.MeanSquaredError),
        (optimizers.get, "Adam", optimizers.Adam),
        (init.get, "Glorot_Uniform", init.GlorotUniform),
        (regularizers.get, "L2", regularizers.L2),
    ],
)
def test_names_match_regardless_of_case(get, name, expected):
    assert type(get(name)) is expected


def test_activation_names_regardless_of_case():
    assert activations.get("ReLU") is activations.get("relu")


@pytest.mark.parametrize(
    "get, name, guess",
    [
        (losses.get, "mean_sqared_error", "mean_squared_error"),
        (metrics.get, "accurcy", "accuracy"),
        (optimizers.get, "rmsprp", "rmsprop"),
        (init.get, "he_normall", "he_normal"),
        (activations.get, "rellu", "relu"),
    ],
)
def test_a_misspelt_name_suggests_the_closest(get, name, guess):
    with pytest.raises(ValueError, match=f"unknown .*'{name}'; did you mean '{guess}'"):
        get(name)


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: pf.layers.Dense(3, kernel_initializer="glorot_unifrom"),
            (
                "Dense: kernel_initializer: unknown initializer 'glorot_unifrom'; "
                "did you mean 'glorot_uniform'"
            ),
        ),
        (
            lambda: pf.layers.Conv2D(4, 3, bias_regularizer="l3"),
            "Conv2D: bias_regularizer: unknown regularizer 'l3'",
        ),
        (
            lambda: pf.layers.Dense(3, activation="rellu"),
            "unknown activation 'rellu'; did you mean 'relu'",
        ),
    ],
)
def test_layers_check_named_settings_when_made_not_when_called(make, message):
    with pytest.raises(ValueError, match=message):
        make()
