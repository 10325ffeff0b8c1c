"""Generative adversarial networks on MNIST: a DCGAN, and a conditional GAN that draws the digit
it is asked for — each trained by a custom ``train_step`` inside ``fit``.

Two networks play a game (Goodfellow et al., 2014). The generator G turns noise z ~ N(0, I) into
an image; the discriminator D says how likely an image is real (a logit). Each batch has two steps,
each with its own optimizer:

    D step:  min  BCE(1, D(x)) + BCE(0, D(G(z)))        (G's images detached: only D learns)
    G step:  min  BCE(1, D(G(z)))                        (only G's weights are updated)

G never sees a real digit; it learns from D's gradient where its images look fake. DCGAN
(Radford et al., 2016) is the convolutional recipe that makes this stable: strided (transposed)
convolutions instead of pooling, batch normalization in G, LeakyReLU in D, Adam(2e-4, β₁ = 0.5).
The conditional GAN (Mirza & Osindero, 2014) gives both networks the label as well, so
G(z, "7") draws a seven.

The example overrides ``Model.train_step`` (Keras 3's way): ``fit`` still runs the epochs, the
progress bar and the callbacks — here one that saves a grid of samples after every epoch. The
samples are judged by a separate CNN classifier trained here: the share of 10,000 samples it
labels with confidence ≥ 0.9, and how evenly the ten digits occur (a collapsed GAN draws few).

Run:   python examples/mnist_gan.py [dcgan|cgan]   (long on a CPU: ~1 min per 1,000 images/epoch)
Writes pictures/<kind>_epoch_<n>.png.
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generative_common import load_mnist, save_grid

import profundo as pf
from profundo import callbacks, layers, losses, metrics, optimizers

LATENT = 64


def generator(conditional=False):
    """z (64) [+ one-hot label] → 7×7×64 → 14×14×32 → 28×28×1 in [0, 1]."""
    z = layers.Input((LATENT + (10 if conditional else 0),))
    h = layers.Dense(7 * 7 * 64, use_bias=False)(z)
    h = layers.ReLU()(layers.BatchNormalization()(h))
    h = layers.Reshape((7, 7, 64))(h)
    h = layers.Conv2DTranspose(32, 4, strides=2, padding="same", use_bias=False)(h)
    h = layers.ReLU()(layers.BatchNormalization()(h))
    image = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid")(h)
    return pf.Model(z, image, name="generator")


def discriminator(conditional=False):
    """28×28×1 → 14×14×32 → 7×7×64 → [+ one-hot label] → one logit: real or fake."""
    image = layers.Input((28, 28, 1))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(32, 4, strides=2, padding="same")(image))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(64, 4, strides=2, padding="same")(h))
    h = layers.Dropout(0.3)(layers.Flatten()(h))
    if not conditional:
        return pf.Model(image, layers.Dense(1)(h), name="discriminator")
    label = layers.Input((10,))
    logit = layers.Dense(1)(layers.Concatenate()([h, label]))
    return pf.Model([image, label], logit, name="discriminator")


class GAN(pf.Model):
    """G and D in one model; ``fit(images)`` or, conditional, ``fit(images, labels)``."""

    def __init__(self, conditional=False, **kwargs):
        super().__init__(**kwargs)
        self.conditional = conditional
        self.generator, self.discriminator = generator(conditional), discriminator(conditional)
        self.d_loss_tracker = metrics.Mean(name="d_loss")
        self.g_loss_tracker = metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self.bce = losses.BinaryCrossentropy(from_logits=True)

    def generate(self, n, labels=None, training=False):
        z = pf.randn(n, LATENT)
        if self.conditional:
            z = pf.concatenate([z, pf.tensor(np.eye(10, dtype="float32")[labels])], axis=1)
        return self.generator(z, training=training)

    def judge(self, images, labels=None, training=True):
        return self.discriminator(
            [images, np.eye(10, dtype="float32")[labels]] if self.conditional else images,
            training=training,
        )

    def call(self, z, training=None):
        return self.generator(z, training=training)

    def train_step(self, data):
        real, labels, _ = pf.models.training.unpack_x_y_sample_weight(data)
        n = len(real)
        ones, zeros = np.ones((n, 1), "float32"), np.zeros((n, 1), "float32")
        # D step: real → 1, fake → 0; the fakes are detached, so no gradient reaches G
        fake = self.generate(n, labels, training=True).detach()
        self.zero_grad()
        d_loss = self.bce(ones, self.judge(real, labels)) + self.bce(
            zeros, self.judge(fake, labels)
        )
        d_loss.backward()
        d_weights = self.discriminator.trainable_weights
        self.d_optimizer.apply([w.grad for w in d_weights], d_weights)
        # G step: make D say "real"; D's gradient flows into G, only G's weights move
        self.zero_grad()
        g_loss = self.bce(ones, self.judge(self.generate(n, labels, training=True), labels))
        g_loss.backward()
        g_weights = self.generator.trainable_weights
        self.g_optimizer.apply([w.grad for w in g_weights], g_weights)
        self.d_loss_tracker.update_state(d_loss.item())
        self.g_loss_tracker.update_state(g_loss.item())
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


class SampleGrid(callbacks.Callback):
    """After each epoch: a 10×10 grid of samples (the conditional GAN: row i draws the digit i)."""

    def __init__(self, folder, kind):
        super().__init__()
        self.folder, self.kind = Path(folder), kind
        self.labels = np.repeat(np.arange(10), 10)

    def on_epoch_end(self, epoch, logs=None):
        pf.manual_seed(1234)
        with pf.no_grad():
            images = self.model.generate(100, self.labels).numpy()
        save_grid(self.folder / f"{self.kind}_epoch_{epoch + 1}.png", images)


def judge_classifier(x, y, x_test, y_test, epochs, verbose):
    """A CNN that labels the samples (its test accuracy is reported with the scores)."""
    model = pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x, y, batch_size=128, epochs=epochs, verbose=verbose)
    return model, float(np.mean(model.predict(x_test, batch_size=1000).argmax(-1) == y_test))


def score(gan, classifier, n=10000):
    """Share of n samples labelled with confidence ≥ 0.9, and the share of each digit."""
    labels = np.arange(n) % 10
    with pf.no_grad():
        images = np.concatenate(
            [gan.generate(500, labels[i : i + 500]).numpy() for i in range(0, n, 500)]
        )
    p = classifier.predict(images, batch_size=1000)
    confident = float(np.mean(p.max(-1) >= 0.9))
    shares = np.bincount(p.argmax(-1), minlength=10) / n
    asked = float(np.mean(p.argmax(-1) == labels)) if gan.conditional else None
    return confident, shares, asked


def main(
    kind="dcgan",
    epochs=5,
    judge_epochs=3,
    n_train=None,
    n_test=None,
    out="pictures",
    verbose="auto",
):
    pf.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train, n_test)
    gan = GAN(conditional=kind == "cgan", name=kind)
    gan.compile(
        d_optimizer=optimizers.Adam(2e-4, beta_1=0.5), g_optimizer=optimizers.Adam(2e-4, beta_1=0.5)
    )
    history = gan.fit(
        x_train,
        y_train if gan.conditional else None,
        batch_size=64,
        epochs=epochs,
        verbose=verbose,
        callbacks=[SampleGrid(out, kind)] if out else None,
    )
    classifier, acc = judge_classifier(x_train, y_train, x_test, y_test, judge_epochs, verbose)
    confident, shares, asked = score(gan, classifier)
    print(
        f"{kind}, {epochs} epochs on {len(x_train)} images: the judge (test accuracy {acc:.2%}) "
        f"labels {confident:.1%} of 10,000 samples with confidence ≥ 0.9; digit shares "
        f"{np.round(shares, 3).tolist()} (max {shares.max():.1%})"
        + (f"; drawn as asked {asked:.1%}" if asked is not None else "")
    )
    return history, acc, confident, shares, asked


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dcgan")
