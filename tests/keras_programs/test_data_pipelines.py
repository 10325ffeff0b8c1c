"""Item 6 of issue 15: what ``fit`` takes in Keras' guides — a tf.data-style pipeline, a
``PyDataset``, a generator and a PyTorch ``DataLoader`` (which yields lists)."""

import math

import numpy as np
import pytest

import profundo as keras
from profundo import layers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4)).astype("float32")
Y = (X.sum(axis=1, keepdims=True) > 0).astype("float32")


def small_model():
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_fit_on_a_tf_data_style_pipeline():
    train = keras.data.Dataset.from_tensor_slices((X, Y)).shuffle(64, seed=0).batch(16)
    train = train.map(lambda x, y: (x * 1.0, y)).prefetch(keras.data.AUTOTUNE)
    history = small_model().fit(train, epochs=2, validation_data=train.take(1), verbose=0)
    assert len(history.history["loss"]) == 2 and "val_loss" in history.history


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, idx):
        low = idx * self.batch_size
        high = min(low + self.batch_size, len(self.x))  # never raises IndexError, as in the guide
        return self.x[low:high], self.y[low:high]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_fit_on_a_py_dataset_ends_each_epoch_at_its_length():
    data = Batches(X, Y, batch_size=16, workers=1)
    history = small_model().fit(data, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3 and data.epochs_ended == 3


def test_fit_on_a_generator_with_steps_per_epoch():
    def endless():
        while True:
            yield X[:16], Y[:16]

    history = small_model().fit(endless(), steps_per_epoch=2, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_fit_on_a_pytorch_dataloader_of_lists():
    torch = pytest.importorskip("torch")
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)), batch_size=16
    )
    model = small_model()
    history = model.fit(loader, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert np.isfinite(model.evaluate(loader, verbose=0)[0])


def test_adapt_takes_a_pipeline():
    texts = keras.data.Dataset.from_tensor_slices(
        np.array(["the cat sat", "a dog ran", "the dog sat"])
    )
    vectorize = layers.TextVectorization(max_tokens=10, output_sequence_length=4)
    vectorize.adapt(texts.batch(2))
    assert vectorize.get_vocabulary() == ["", "[UNK]", "the", "sat", "dog", "cat", "a", "ran"]
    unbatched = layers.TextVectorization(max_tokens=10)
    unbatched.adapt(texts)
    assert unbatched.get_vocabulary() == vectorize.get_vocabulary()
    norm = layers.Normalization()
    norm.adapt(keras.data.Dataset.from_tensor_slices((X, Y)).batch(16).map(lambda x, y: x))
    np.testing.assert_allclose(norm(X).numpy().mean(axis=0), 0, atol=1e-5)
