"""Autoencoders on MNIST: compress a digit to a short code and rebuild it; denoising ones also
learn to remove noise.

An autoencoder is two networks trained as one to reproduce its input: an encoder squeezes the
784 pixels into a code of 32 numbers, a decoder rebuilds the 784 pixels from the code. Since the
code is small, the network must keep what matters about digits and drop the rest. A *denoising*
autoencoder gets a noisy digit as input and the clean digit as target, so it learns what digits
look like well enough to remove noise it has never seen:

    x̃ = clip(x + 0.5·ε, 0, 1), ε ~ N(0, I)       input: the noisy digit
    min  ‖ decoder(encoder(x̃)) − x ‖²            target: the clean digit

Measured as PSNR = 10·log₁₀(1/MSE) in dB on noisy *test* digits: the goal is a denoised image
at least 6 dB better than the noisy input. Two architectures: dense (784 → 128 → 32 → 128 →
784) and convolutional (two 3×3 conv + pooling stages, then two transposed convolutions).

Run:   python examples/mnist_autoencoder.py [dense|conv]     (dense: about 2 minutes on 1 core)
Data:  MNIST, downloaded on first use or from PROFUNDO_DATASETS_MIRROR (see mnist_cnn.py).
Writes pictures/autoencoder_<kind>.png: rows of noisy inputs, denoised outputs, clean digits.
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generative_common import load_mnist, psnr, save_grid

import profundo as pf
from profundo import layers, optimizers

NOISE = 0.5


def add_noise(x, seed):
    rng = np.random.default_rng(seed)
    return np.clip(x + NOISE * rng.standard_normal(x.shape), 0, 1).astype("float32")


def build(kind="dense", code=32):
    if kind == "dense":
        return pf.Sequential(
            [
                layers.Input((28, 28, 1)),
                layers.Flatten(),
                layers.Dense(128, activation="relu"),
                layers.Dense(code, activation="relu"),  # encoder
                layers.Dense(128, activation="relu"),
                layers.Dense(784, activation="sigmoid"),  # decoder
                layers.Reshape((28, 28, 1)),
            ],
            name="dense_autoencoder",
        )
    return pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),  # 14×14
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),  # 7×7×16
            layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu"),  # 14×14
            layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu"),  # 28×28
            layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
        ],
        name="conv_autoencoder",
    )


def main(kind="dense", epochs=10, n_train=None, n_test=None, out="pictures", verbose="auto"):
    pf.manual_seed(0)
    (x_train, _), (x_test, _) = load_mnist(n_train, n_test)
    noisy_train, noisy_test = add_noise(x_train, 1), add_noise(x_test, 2)
    model = build(kind)
    model.compile(optimizer=optimizers.Adam(1e-3), loss="binary_crossentropy")
    model.fit(
        noisy_train,
        x_train,
        batch_size=128,
        epochs=epochs,
        verbose=verbose,
        validation_data=(noisy_test, x_test),
    )
    denoised = model.predict(noisy_test, batch_size=500)
    before, after = psnr(x_test, noisy_test), psnr(x_test, denoised)
    print(
        f"{kind} denoising autoencoder, noise σ={NOISE}: test PSNR noisy {before:.2f} dB → "
        f"denoised {after:.2f} dB (+{after - before:.2f} dB; goal ≥ +6 dB)"
    )
    if out:
        save_grid(
            Path(out) / f"autoencoder_{kind}.png",
            np.concatenate([noisy_test[:10], denoised[:10], x_test[:10]]),
        )
    return before, after


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dense")
