"""Keras programs as keras.io writes them, shrunk to seconds and fed synthetic data of the same
shapes; the only change is the import (``import profundo as keras``)."""

import numpy as np

import profundo as keras
from profundo import layers, ops


def test_simple_mnist_convnet():
    # keras.io/examples/vision/mnist_convnet (data: random images of the same shape)
    num_classes = 10
    input_shape = (28, 28, 1)
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (64, 28, 28)).astype("float32") / 255
    y_train = rng.integers(0, 10, 64)
    x_train = np.expand_dims(x_train, -1)
    y_train = keras.utils.to_categorical(y_train, num_classes)
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.summary()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=1, validation_split=0.1, verbose=0)
    score = model.evaluate(x_train, y_train, verbose=0)
    assert len(score) == 2 and 0 <= score[1] <= 1


def test_text_classification_from_scratch(tmp_path):
    # keras.io/examples/nlp/text_classification_from_scratch (data: a small folder of reviews)
    for label, words in (("neg", "bad awful boring"), ("pos", "good great fun")):
        (tmp_path / "train" / label).mkdir(parents=True)
        for i in range(8):
            (tmp_path / "train" / label / f"{i}.txt").write_text(f"{words} movie {i}")
    batch_size = 4
    raw_train_ds = keras.utils.text_dataset_from_directory(
        tmp_path / "train",
        batch_size=batch_size,
        validation_split=0.25,
        subset="training",
        seed=1337,
    )
    raw_val_ds = keras.utils.text_dataset_from_directory(
        tmp_path / "train",
        batch_size=batch_size,
        validation_split=0.25,
        subset="validation",
        seed=1337,
    )
    max_features, embedding_dim, sequence_length = 50, 8, 10
    vectorize_layer = keras.layers.TextVectorization(
        max_tokens=max_features, output_mode="int", output_sequence_length=sequence_length
    )
    text_ds = raw_train_ds.map(lambda x, y: x)
    vectorize_layer.adapt(text_ds)

    def vectorize_text(text, label):
        text = ops.expand_dims(text, -1)
        return vectorize_layer(text), label

    train_ds = raw_train_ds.map(vectorize_text).cache().prefetch(buffer_size=10)
    val_ds = raw_val_ds.map(vectorize_text).cache().prefetch(buffer_size=10)
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(max_features, embedding_dim)(inputs)
    x = layers.Dropout(0.5)(x)
    x = layers.Conv1D(8, 3, padding="valid", activation="relu", strides=1)(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(8, activation="relu")(x)
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
    model = keras.Model(inputs, predictions)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(train_ds, validation_data=val_ds, epochs=2, verbose=0)
    assert len(history.history["val_accuracy"]) == 2


def test_functional_api_guide_multiple_inputs_and_outputs():
    # keras.io/guides/functional_api: "Models with multiple inputs and outputs"
    num_tags, num_words, num_departments = 12, 100, 4
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.Embedding(num_words, 8)(title_input)
    body_features = layers.Embedding(num_words, 8)(body_input)
    title_features = layers.LSTM(8)(title_features)
    body_features = layers.LSTM(4)(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    model = keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )
    title_data = np.random.randint(num_words, size=(16, 10))
    body_data = np.random.randint(num_words, size=(16, 20))
    tags_data = np.random.randint(2, size=(16, num_tags)).astype("float32")
    priority_targets = np.random.random(size=(16, 1))
    dept_targets = np.random.randint(2, size=(16, num_departments))
    history = model.fit(
        {"title": title_data, "body": body_data, "tags": tags_data},
        {"priority": priority_targets, "department": dept_targets},
        epochs=2,
        batch_size=8,
        verbose=0,
    )
    assert len(history.history["loss"]) == 2
