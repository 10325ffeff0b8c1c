"""Handwritten digits with a convolutional network: 99.2%+ test accuracy on MNIST.

A convolution slides small learned filters (3×3) over the image, so the same edge or stroke
detector works everywhere in it; max pooling keeps the strongest response of each 2×2 patch,
halving the image. Two such stages turn a 28×28 digit into 5×5 maps of 64 features, and two
dense layers classify them:

    (28, 28, 1) → conv 3×3×32 → (26, 26, 32) → pool → (13, 13, 32) → conv 3×3×64 → (11, 11, 64)
    → pool → (5, 5, 64) → flatten 1600 → dense 128 → dense 10 (softmax)

Training adds three classic helps: dropout, a learning rate that decays each epoch, and data
augmentation — every training image shifted by up to 2 pixels, anew each epoch.

Run:   python examples/mnist_cnn.py          (about 10-20 minutes on 2 cores)
Data:  MNIST is downloaded on first use (11 MB). Offline, point PROFUNDO_DATASETS_MIRROR to a
       folder holding mnist/train-images-idx3-ubyte.gz and the three other files (in this
       project's checkouts: PROFUNDO_DATASETS_MIRROR=../shared/data).
"""

import sys

import profundo as pf
from profundo import datasets, layers, optimizers, schedules
from profundo.layers.conv import Conv2D
from profundo.layers.pooling import MaxPooling2D

EPOCHS = 12
BATCH_SIZE = 128


def load_mnist():
    """MNIST as float images (N, 28, 28, 1) in [0, 1] (channels last) and integer labels."""
    try:
        (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    except datasets.DatasetError as err:
        sys.exit(
            f"MNIST is not available here: {err}\n\nConnect to the internet, or set "
            f"PROFUNDO_DATASETS_MIRROR to a folder holding mnist/*-ubyte.gz."
        )
    return ((x_train[..., None] / 255).astype("float32"), y_train), (
        (x_test[..., None] / 255).astype("float32"),
        y_test,
    )


def build_model():
    return pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            # augmentation: active only while training (fit), the identity in evaluate/predict
            layers.RandomTranslation(2 / 28, 2 / 28, fill_mode="constant", interpolation="nearest"),
            Conv2D(32, 3, activation="relu"),
            MaxPooling2D(2),
            Conv2D(64, 3, activation="relu"),
            MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )


def main(epochs=EPOCHS):
    pf.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_mnist()
    model = build_model()
    model.summary()

    steps_per_epoch = -(-len(x_train) // BATCH_SIZE)
    learning_rate = schedules.ExponentialDecay(1e-3, decay_steps=steps_per_epoch, decay_rate=0.75)
    model.compile(
        optimizer=optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    # the test set is only watched after each epoch, never used to choose anything
    model.fit(
        x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs, validation_data=(x_test, y_test)
    )

    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.2%} (loss {loss:.4f})")
    return accuracy


if __name__ == "__main__":
    main()
