"""Clothes with a convolutional network and data augmentation: Fashion-MNIST, about 92% accuracy.

Fashion-MNIST is a drop-in for MNIST (28×28 grey images, 10 classes) that is much harder: a
shirt, a T-shirt and a pullover differ in small details. The network is VGG-style — two blocks
of two 3×3 convolutions, each block ending in max pooling — with batch normalization after each
convolution (it keeps every layer's inputs at mean 0, variance 1, so training is faster and
steadier) and dropout. Augmentation shows the network each training image mirrored left-right
and shifted a little, anew every epoch, so it learns what a coat is rather than the 60,000
images.

Run:   python examples/fashion_mnist_cnn.py      (about 30-45 minutes on 2 cores)
Data:  Fashion-MNIST is downloaded on first use (30 MB) from Zalando's server. Offline, put its
       four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
       t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, from
       https://github.com/zalandoresearch/fashion-mnist) in a folder <data>/fashion_mnist/ and
       set PROFUNDO_DATASETS_MIRROR=<data>.
"""

import sys

import profundo as pf
from profundo import callbacks, datasets, layers, optimizers
from profundo.layers.conv import Conv2D
from profundo.layers.pooling import MaxPooling2D

EPOCHS = 15
CLASS_NAMES = datasets.fashion_mnist.CLASS_NAMES


def load_fashion_mnist():
    """Images (N, 28, 28, 1) in [0, 1] and integer labels, or a message saying how to get them."""
    try:
        (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data()
    except datasets.DatasetError as err:
        sys.exit(
            f"Fashion-MNIST is not available here: {err}\n\nDownload it on a machine with "
            f"internet access (https://github.com/zalandoresearch/fashion-mnist), put the "
            f"four *-ubyte.gz files in <data>/fashion_mnist/ and set "
            f"PROFUNDO_DATASETS_MIRROR=<data>."
        )
    return ((x_train[..., None] / 255).astype("float32"), y_train), (
        (x_test[..., None] / 255).astype("float32"),
        y_test,
    )


def conv_block(filters):
    """conv 3×3 → batch norm → ReLU, twice, then 2×2 max pooling and dropout."""
    return [
        Conv2D(filters, 3, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        Conv2D(filters, 3, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        MaxPooling2D(2),
        layers.Dropout(0.25),
    ]


def build_model():
    return pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            layers.RandomFlip("horizontal"),  # augmentation (training only)
            layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
            *conv_block(32),  # → (14, 14, 32)
            *conv_block(64),  # → (7, 7, 64)
            layers.Flatten(),
            layers.Dense(256, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )


def main(epochs=EPOCHS):
    pf.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    model = build_model()
    model.summary()
    model.compile(
        optimizer=optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(
        x_train,
        y_train,
        batch_size=128,
        epochs=epochs,
        validation_split=0.1,
        callbacks=[callbacks.ReduceLROnPlateau(factor=0.5, patience=2)],
    )

    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.2%} (loss {loss:.4f})")
    predicted = model.predict(x_test[:8]).argmax(axis=1)
    for guess, truth in zip(predicted, y_test[:8]):
        verdict = "right" if guess == truth else f"wrong: it is a {CLASS_NAMES[truth]}"
        print(f"  {CLASS_NAMES[guess]:<12} {verdict}")
    return accuracy


if __name__ == "__main__":
    main()
