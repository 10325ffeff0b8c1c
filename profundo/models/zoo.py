"""A small model zoo: classic convolutional networks to learn from, each a function that returns
a new, uncompiled model.

    lenet5()         LeNet-5 (LeCun et al., 1998), digits 28×28×1 → 10 classes, 61,706 weights
    vgg_small()      VGG-style (Simonyan & Zisserman, 2014), CIFAR-10 32×32×3, 550,570 weights
    resnet_small()   a ResNet (He et al., 2016) of residual blocks, CIFAR-10, 176,378 weights

>>> model = zoo.lenet5()
>>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
>>> model.fit(x_train, y_train, epochs=5)           # x_train (N, 28, 28, 1), y_train (N,) ints
... # doctest: +SKIP

Read each function top to bottom: it is the architecture.
"""

from __future__ import annotations

from ..layers.conv import Conv2D
from ..layers.core import Activation, Dense, Dropout, Flatten, Input
from ..layers.merge import Add
from ..layers.normalization import BatchNormalization
from ..layers.pooling import GlobalAveragePooling2D, MaxPooling2D
from .model import Model
from .sequential import Sequential


def lenet5(input_shape=(28, 28, 1), num_classes: int = 10) -> Sequential:
    """LeNet-5: two convolution + pooling stages (6 and 16 filters of 5×5), then three dense
    layers (120, 84, classes). The first convolution pads ("same") so that 28×28 digits keep the
    original's 32×32 geometry; ReLU and max pooling replace the original's scaled tanh and
    trainable subsampling, as in today's versions.

        (28, 28, 1) → conv 5×5×6 → (28, 28, 6) → pool → (14, 14, 6) → conv 5×5×16 → (10, 10, 16)
        → pool → (5, 5, 16) → flatten 400 → dense 120 → dense 84 → dense classes (softmax)
    """
    return Sequential(
        [
            Input(input_shape),
            Conv2D(6, 5, padding="same", activation="relu"),
            MaxPooling2D(2),
            Conv2D(16, 5, activation="relu"),
            MaxPooling2D(2),
            Flatten(),
            Dense(120, activation="relu"),
            Dense(84, activation="relu"),
            Dense(num_classes, activation="softmax"),
        ],
        name="lenet5",
    )


def vgg_small(
    input_shape=(32, 32, 3), num_classes: int = 10, filters=(32, 64, 128), dropout: float = 0.25
) -> Sequential:
    """VGG-style: blocks of two 3×3 "same" convolutions and a 2×2 max pooling, the filters
    doubling as the image halves; then one hidden dense layer. Small 3×3 kernels stacked see as
    far as one large kernel (two 3×3 see 5×5) with fewer weights and one more nonlinearity.

        (32, 32, 3) → [conv 3×3×32, conv 3×3×32, pool] → (16, 16, 32) → [... 64 ...] → (8, 8, 64)
        → [... 128 ...] → (4, 4, 128) → flatten 2048 → dense 128 → dense classes (softmax)

    ``dropout``: the rate after each block and twice that before the output layer.
    """
    model = Sequential([Input(input_shape)], name="vgg_small")
    for f in filters:
        model.add(Conv2D(f, 3, padding="same", activation="relu"))
        model.add(Conv2D(f, 3, padding="same", activation="relu"))
        model.add(MaxPooling2D(2))
        model.add(Dropout(dropout))
    for layer in (
        Flatten(),
        Dense(128, activation="relu"),
        Dropout(2 * dropout),
        Dense(num_classes, activation="softmax"),
    ):
        model.add(layer)
    return model


def residual_block(x, filters: int, strides: int = 1):
    """y = relu(shortcut(x) + F(x)), F = conv 3×3 → batch norm → relu → conv 3×3 → batch norm.

    The block learns the residual F(x) = y − x, which is easy to keep near 0: deep stacks of
    blocks train as well as shallow ones. When the block changes the size (``strides`` 2) or the
    number of channels, the shortcut is a 1×1 convolution (with batch norm) that matches them.
    """
    shortcut = x
    if strides != 1 or x.shape[-1] != filters:
        shortcut = BatchNormalization()(Conv2D(filters, 1, strides=strides, use_bias=False)(x))
    h = Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    h = Activation("relu")(BatchNormalization()(h))
    h = BatchNormalization()(Conv2D(filters, 3, padding="same", use_bias=False)(h))
    return Activation("relu")(Add()([shortcut, h]))


def resnet_small(
    input_shape=(32, 32, 3), num_classes: int = 10, filters=(16, 32, 64), blocks_per_stage: int = 2
) -> Model:
    """A ResNet for small images (the CIFAR-10 family of He et al., 2016): a 3×3 convolution,
    then one stage of ``blocks_per_stage`` residual blocks per entry of ``filters`` (each stage
    after the first halves the image), global average pooling and the classifier. With the
    defaults it is ResNet-14: 1 + 3·2·2 convolutions + 1 dense layer.

        (32, 32, 3) → conv 3×3×16 → stage 16 → (32, 32, 16) → stage 32 → (16, 16, 32)
        → stage 64 → (8, 8, 64) → global average pool 64 → dense classes (softmax)
    """
    inputs = Input(input_shape)
    x = Conv2D(filters[0], 3, padding="same", use_bias=False)(inputs)
    x = Activation("relu")(BatchNormalization()(x))
    for stage, f in enumerate(filters):
        for block in range(blocks_per_stage):
            x = residual_block(x, f, strides=2 if stage > 0 and block == 0 else 1)
    x = GlobalAveragePooling2D()(x)
    outputs = Dense(num_classes, activation="softmax")(x)
    return Model(inputs, outputs, name="resnet_small")


__all__ = ["lenet5", "vgg_small", "resnet_small", "residual_block"]
