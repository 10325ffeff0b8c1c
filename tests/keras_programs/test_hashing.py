"""Hashing (item 9 of issue 15). Keras' Hashing needs TensorFlow, which the test environment
does not have, so the bins are checked against the outputs Keras' documentation gives (computed
by TensorFlow) and SipHash against its paper's test vector."""

import numpy as np
import pytest

import profundo as keras
from profundo import layers
from profundo.layers.hashing import siphash24

LETTERS = [["A"], ["B"], ["C"], ["D"], ["E"]]


def test_siphash_matches_the_reference_vector():
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little"))
    assert siphash24(key, bytes(range(15))) == 0xA129CA6149BE45E5
    assert siphash24(key, b"") == 0x726FDB47DD0E0E31  # the paper's vector for the empty message


@pytest.mark.parametrize(
    "settings, inputs, want",
    [
        ({"salt": [133, 137]}, LETTERS, [1, 2, 1, 0, 2]),
        ({"salt": 133}, LETTERS, [0, 0, 2, 1, 0]),
        ({}, LETTERS, [1, 0, 1, 1, 2]),
        ({"mask_value": ""}, [["A"], ["B"], [""], ["C"], ["D"]], [1, 1, 0, 2, 2]),
    ],
)
def test_bins_equal_those_in_keras_documentation(settings, inputs, want):
    if "salt" not in settings:
        pytest.importorskip("farmhash")  # the keras-io extra
    out = layers.Hashing(num_bins=3, **settings)(inputs).numpy()
    assert out.shape == (5, 1) and out.ravel().tolist() == want


def test_integers_hash_as_their_digits_and_output_modes_encode():
    ints = layers.Hashing(num_bins=7, salt=5)(np.array([[12], [3], [12]])).numpy().ravel()
    texts = layers.Hashing(num_bins=7, salt=5)([["12"], ["3"], ["12"]]).numpy().ravel()
    assert ints.tolist() == texts.tolist() and ints[0] == ints[2]
    counts = layers.Hashing(num_bins=4, salt=1, output_mode="count")([["a", "b", "a"]]).numpy()
    assert counts.shape == (1, 4) and counts.sum() == 3
    layer = layers.Hashing(num_bins=5, salt=[1, 2], mask_value="", name="h")
    again = keras.layers.deserialize(keras.layers.serialize(layer))
    assert (again.salt, again.mask_value, again.num_bins) == ([1, 2], "", 5)
    assert (
        again([["x"], [""]]).numpy().ravel().tolist()
        == layer([["x"], [""]]).numpy().ravel().tolist()
    )


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="Hashing 'h': num_bins must be a positive int"):
        layers.Hashing(0, name="h")
    with pytest.raises(ValueError, match="salt must be an int or a pair"):
        layers.Hashing(3, salt=[1, 2, 3])
