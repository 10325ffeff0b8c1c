"""Colour photos with a residual network and data augmentation: CIFAR-10, about 85% accuracy.

CIFAR-10 holds 60,000 32×32 colour photos of 10 classes (airplanes, cats, ships...). The model
is the zoo's small ResNet (``profundo.models.zoo.resnet_small``): each residual block computes
y = relu(x + F(x)), so it only has to learn the change F it makes to its input, and deep stacks
of blocks train well. Augmentation — random left-right mirroring and small shifts and zooms,
anew each epoch — multiplies the photos the network sees; it matters most on small data sets.

Run:   python examples/cifar10_cnn.py     (hours on 2 cores: try EPOCHS = 3 first, ~70%)
Data:  CIFAR-10 is downloaded on first use (163 MB, from https://www.cs.toronto.edu/~kriz/).
       Offline, put cifar-10-python.tar.gz in a folder <data>/cifar10/ and set
       PROFUNDO_DATASETS_MIRROR=<data>.
"""

import sys

import profundo as pf
from profundo import callbacks, datasets, layers, optimizers
from profundo.models import zoo

EPOCHS = 30
CLASS_NAMES = datasets.cifar10.CLASS_NAMES


def load_cifar10():
    """Images (N, 32, 32, 3) in [0, 1] and integer labels (N,), or how to get them."""
    try:
        (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    except datasets.DatasetError as err:
        sys.exit(
            f"CIFAR-10 is not available here: {err}\n\nDownload "
            f"https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz on a machine with "
            f"internet access, put it in <data>/cifar10/ and set "
            f"PROFUNDO_DATASETS_MIRROR=<data>."
        )
    return ((x_train / 255).astype("float32"), y_train[:, 0]), (
        (x_test / 255).astype("float32"),
        y_test[:, 0],
    )


def build_model():
    augment = [
        layers.RandomFlip("horizontal"),
        layers.RandomTranslation(0.1, 0.1),
        layers.RandomZoom(0.1),
    ]
    resnet = zoo.resnet_small(input_shape=(32, 32, 3), num_classes=10)
    inputs = layers.Input((32, 32, 3))
    x = inputs
    for layer in augment:  # active only while training
        x = layer(x)
    return pf.Model(inputs, resnet(x), name="augmented_resnet")


def main(epochs=EPOCHS):
    pf.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_cifar10()
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
        batch_size=64,
        epochs=epochs,
        validation_split=0.1,
        callbacks=[
            callbacks.ReduceLROnPlateau(factor=0.5, patience=3),
            callbacks.EarlyStopping(patience=8, restore_best_weights=True),
        ],
    )

    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.2%} (loss {loss:.4f})")
    return accuracy


if __name__ == "__main__":
    main()
