"""Raw errors that the attack harness (attack.py) found, each now a clear error: malformed pickle
bytes, Dropout and normalization arguments, ragged tensors, saving onto a folder, fit's
validation_data."""

import pickle
import tracemalloc

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.datasets import restricted_pickle


@pytest.mark.parametrize(
    "data, why",
    [
        (b"", "STOP"),
        (b"\x80\x63.", "unsupported pickle protocol"),
        (b"\x80\x02\x82\x01.", "extension code"),
        (b"\x80\x02X\x02\x00\x00\x00\xe5\x00.", "Unicode"),
    ],
)
def test_bytes_that_are_not_a_pickle_are_an_unpickling_error(data, why):
    with pytest.raises(pickle.UnpicklingError, match=f"not a readable pickle.*{why}"):
        restricted_pickle.loads(data)


@pytest.mark.parametrize("opcode", [b"\x96", b"\x8e"])  # BYTEARRAY8, BINBYTES8
def test_a_declared_length_beyond_the_data_is_refused_before_allocating(opcode):
    data = b"\x80\x05" + opcode + (2**40).to_bytes(8, "little") + b"x" * 100 + b"."
    tracemalloc.start()
    with pytest.raises(
        pickle.UnpicklingError, match="not a readable pickle.*expected 1099511627776"
    ):
        restricted_pickle.loads(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000


def test_dropout_rate_must_be_a_number():
    with pytest.raises(ValueError, match=r"Dropout: rate must be a number in \[0, 1\), got 'a'"):
        layers.Dropout("a")


@pytest.mark.parametrize("layer", [layers.BatchNormalization, layers.LayerNormalization])
@pytest.mark.parametrize("axis", [5, -3, "x", 1.0])
def test_normalization_axis_out_of_range_is_an_error_not_wrapped_around(layer, axis):
    with pytest.raises(
        ValueError,
        match=rf"^{layer.__name__} '.*': expected axis among the integers in \[-2, 2\) "
        rf"for inputs of 2 dimensions, got {axis!r}$",
    ):
        layer(axis=axis)(np.ones((2, 4), "float32"))


def test_normalization_axes_in_range_still_work():
    out = layers.LayerNormalization(axis=[-2, -1])(np.arange(8, dtype="float32").reshape(1, 2, 4))
    assert out.shape == (1, 2, 4)


def test_a_ragged_list_is_a_clear_tensor_error():
    with pytest.raises(
        ValueError, match="tensor: cannot make an array from this list .*rectangular"
    ):
        pf.tensor([[1.0], [1.0, 2.0]])


def test_saving_onto_a_folder_is_refused_and_the_folder_kept(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2)])
    with pytest.raises(IsADirectoryError, match="is a folder; write to a file name inside it"):
        model.save(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_validation_data_of_four_items_is_a_clear_fit_error():
    x, y = np.ones((4, 3), "float32"), np.zeros(4, "int64")
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="fit: validation_data must be .* got a tuple of 4 items"):
        model.fit(x, y, validation_data=(x, y, y, y), verbose=0)


@pytest.mark.parametrize("call", ["predict", "evaluate"])
@pytest.mark.parametrize("batch_size", [2.5, 0, "8", True])
def test_evaluate_and_predict_refuse_a_batch_size_that_is_not_a_count(call, batch_size):
    x, y = np.ones((4, 3), "float32"), np.zeros(4, "int64")
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    args = (x,) if call == "predict" else (x, y)
    with pytest.raises(
        ValueError,
        match=rf"batch_size must be an integer ≥ 1 or None .*"
        rf"got {batch_size!r}",
    ):
        getattr(model, call)(*args, batch_size=batch_size, verbose=0)
