"""Issue 10, items 12 and 14: fit runs a finite generator until it ends, and every wrong argument
is a clear error naming fit and the argument (before, each was silently accepted or a raw error)."""

import math

import numpy as np
import pytest

import profundo as pf
from profundo import callbacks, layers


def data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


def model():
    m = pf.Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")])
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return m


class Steps(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches, self.epochs = 0, 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


def batches(x, y, count):
    for i in range(count):
        yield x[i * 4 : (i + 1) * 4], y[i * 4 : (i + 1) * 4]


# --- 12. a finite generator without steps_per_epoch ---------------------------------------------
@pytest.mark.parametrize("verbose", [0, 1])
def test_a_finite_generator_runs_until_it_ends(verbose, capsys):
    x, y = data()
    steps = Steps()
    history = model().fit(batches(x, y, 3), epochs=1, verbose=verbose, callbacks=[steps])
    assert steps.batches == 3 and steps.params["steps"] is None
    assert len(history.history["loss"]) == 1 and math.isfinite(history.history["loss"][0])


def test_a_generator_that_has_ended_stops_training_with_a_warning():
    x, y = data()
    steps = Steps()
    with pytest.warns(UserWarning, match="ran out in epoch 2.*steps_per_epoch"):
        history = model().fit(batches(x, y, 3), epochs=3, verbose=0, callbacks=[steps])
    assert steps.batches == 3 and steps.epochs == 1 and len(history.history["loss"]) == 1


def test_a_loader_restarts_every_epoch():
    x, y = data()
    steps = Steps()
    model().fit(pf.data.DataLoader((x, y), batch_size=4), epochs=2, verbose=0, callbacks=[steps])
    assert steps.batches == 6 and steps.epochs == 2 and steps.params["steps"] == 3


def test_a_generator_with_no_batches_is_an_error():
    with pytest.raises(ValueError, match="fit: the data gave no batches"):
        model().fit(iter([]), epochs=1, verbose=0)


# --- 14. wrong arguments --------------------------------------------------------------------------
BAD = [
    ({"batch_size": 2.5}, "fit: batch_size must be an integer ≥ 1 or None.*got 2.5"),
    ({"batch_size": 0}, "fit: batch_size must be an integer ≥ 1.*got 0"),
    ({"batch_size": True}, "fit: batch_size must be an integer.*got True"),
    ({"epochs": -1}, "fit: epochs must be an integer ≥ 0, got -1"),
    ({"epochs": 2.5}, "fit: epochs must be an integer ≥ 0, got 2.5"),
    ({"initial_epoch": -2}, "fit: initial_epoch must be an integer ≥ 0, got -2"),
    (
        {"sample_weight": np.ones(13)},
        (
            r"fit: sample_weight must have one weight per sample \(12\), "
            r"got shape \(13,\)"
        ),
    ),
    ({"sample_weight": np.ones(5)}, r"fit: sample_weight must have one weight per sample \(12\)"),
    ({"sample_weight": np.full(12, np.nan)}, "fit: sample_weight must hold finite numbers"),
    (
        {"class_weight": {0: 1.0, 7: 2.0}},
        (
            r"fit: class_weight names classes \[7\] that are not in "
            r"y; y's classes are \[0, 1\]"
        ),
    ),
    ({"class_weight": {"0": 1.0}}, "fit: class_weight keys are class indices"),
    ({"class_weight": {0: -1.0}}, r"fit: class_weight\[0\] must be a finite number ≥ 0"),
]


@pytest.mark.parametrize("kwargs, message", BAD, ids=[str(k) for k, _ in BAD])
def test_wrong_fit_arguments_are_clear_errors(kwargs, message):
    x, y = data()
    m = model()
    before = [w.copy() for w in m.get_weights()]
    with pytest.raises(ValueError, match=message):
        m.fit(x, y, verbose=0, **kwargs)
    assert all(np.array_equal(a, b) for a, b in zip(before, m.get_weights()))  # nothing trained


def test_class_weight_that_is_not_a_dict_is_a_type_error():
    x, y = data()
    with pytest.raises(TypeError, match="fit: class_weight must be a dict"):
        model().fit(x, y, class_weight=[1.0, 2.0], verbose=0)


def test_zero_samples_is_an_error():
    x, y = data()
    with pytest.raises(ValueError, match="fit: x has 0 samples"):
        model().fit(x[:0], y[:0], verbose=0)


def test_x_and_y_of_different_lengths_is_an_error_naming_fit():
    x, y = data()
    with pytest.raises(
        ValueError,
        match=r"fit: x and y must have the same number of samples, "
        r"got \[8, 12\]",
    ):
        model().fit(x, y[:8], verbose=0)


def test_steps_per_epoch_zero_and_class_weight_with_a_generator_are_errors():
    x, y = data()
    with pytest.raises(ValueError, match="fit: steps_per_epoch must be an integer ≥ 1"):
        model().fit(batches(x, y, 3), steps_per_epoch=0, verbose=0)
    with pytest.raises(ValueError, match="fit: class_weight needs arrays x and y"):
        model().fit(batches(x, y, 3), class_weight={0: 1.0}, verbose=0)


def test_class_weight_with_one_hot_targets_and_numpy_ints_still_works():
    x, y = data()
    m = pf.Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")])
    m.compile(optimizer="sgd", loss="categorical_crossentropy")
    history = m.fit(
        x,
        np.eye(2, dtype=np.float32)[y],
        class_weight={np.int64(1): 2.0},
        batch_size=np.int64(4),
        epochs=np.int32(2),
        verbose=0,
    )
    assert len(history.history["loss"]) == 2
