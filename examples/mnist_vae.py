"""A variational autoencoder (VAE) on binarized MNIST: a model of digits that can make new ones.

An autoencoder's code is a point; a VAE's encoder gives a Gaussian over codes instead, N(μ, σ²),
and the decoder gives the probability of every pixel being black. Training maximizes the
evidence lower bound (ELBO) of each image x's log-likelihood:

    log p(x) ≥ E_q[log p(x | z)] − KL(q(z | x) ‖ N(0, I)) = ELBO

    −ELBO = Σ_pixels BCE(x, decoder(z)) + KL,   z = μ + σ ⊙ ε  (the ``Sampling`` layer)

Both terms are in nats. The reconstruction term is the compiled loss (binary cross-entropy from
logits, averaged over the 784 pixels, so ``loss_weights=784`` makes it the sum); the KL term is
added inside ``call`` with ``self.add_loss`` — Keras' way. ``model.evaluate`` then reports the
test −ELBO per image (one sample of z per image), an upper bound of the negative log-likelihood.

Binarization: each pixel is 1 when its gray level is above 0.5 (fixed binarization; the
literature's "dynamically binarized" MNIST samples pixels instead and gives larger numbers).
Goal for a dense VAE with a 20-d latent: test −ELBO ≤ 105 nats. A second model with a 2-d latent
draws the latent map: digits decoded from a grid of codes, showing how the VAE arranged them.

Run:   python examples/mnist_vae.py           (about 5 minutes on 1 core)
Writes pictures/vae_samples.png (new digits from z ~ N(0, I)) and pictures/vae_latent_map.png.
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generative_common import load_mnist, save_grid

import profundo as pf
from profundo import layers, losses, optimizers
from profundo.layers.probabilistic import kl_divergence


class VAE(pf.Model):
    """Encoder 784 → hidden → (μ, log σ²); z = Sampling(μ, log σ²);
    decoder z → hidden → 784 logits."""

    def __init__(self, latent_dim=20, hidden=512, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = latent_dim
        self.hidden = layers.Dense(hidden, activation="relu")
        self.z_mean, self.z_log_var = layers.Dense(latent_dim), layers.Dense(latent_dim)
        self.sampling = layers.Sampling()
        self.decoder = pf.Sequential(
            [
                layers.Input((latent_dim,)),
                layers.Dense(hidden, activation="relu"),
                layers.Dense(784),
            ]
        )

    def encode(self, x):
        h = self.hidden(x)
        return self.z_mean(h), self.z_log_var(h)

    def call(self, x, training=None):
        z_mean, z_log_var = self.encode(x)
        self.add_loss(kl_divergence(z_mean, z_log_var).mean())  # KL, nats per image
        return self.decoder(self.sampling([z_mean, z_log_var]))  # pixel logits


def binarized(x):
    return (x.reshape(len(x), 784) > 0.5).astype("float32")


def decode(vae, z):
    """Pixel probabilities (N, 28, 28) for codes z."""
    with pf.no_grad():
        return vae.decoder(z).sigmoid().numpy().reshape(-1, 28, 28)


def train(latent_dim, x_train, x_test, epochs, verbose):
    vae = VAE(latent_dim)
    vae.compile(
        optimizer=optimizers.Adam(1e-3),
        loss=losses.BinaryCrossentropy(from_logits=True),
        loss_weights=784,
    )
    vae.fit(x_train, x_train, batch_size=128, epochs=epochs, verbose=verbose)
    return vae, vae.evaluate(x_test, x_test, batch_size=1000, verbose=0)


def main(epochs=30, map_epochs=10, n_train=None, n_test=None, out="pictures", verbose="auto"):
    pf.manual_seed(0)
    (x_train, _), (x_test, _) = load_mnist(n_train, n_test)
    x_train, x_test = binarized(x_train), binarized(x_test)
    vae, nelbo = train(20, x_train, x_test, epochs, verbose)
    print(
        f"VAE, 20-d latent, {epochs} epochs: test -ELBO {nelbo:.2f} nats on fixed-binarized "
        f"MNIST (goal ≤ 105)"
    )
    vae2, nelbo2 = train(2, x_train, x_test, map_epochs, verbose)
    print(f"VAE, 2-d latent, {map_epochs} epochs: test -ELBO {nelbo2:.2f} nats")
    if out:
        save_grid(Path(out) / "vae_samples.png", decode(vae, pf.randn(100, 20)))
        side = np.linspace(-2.5, 2.5, 15, dtype="float32")
        grid = np.array([[a, b] for b in side[::-1] for a in side], dtype="float32")
        save_grid(Path(out) / "vae_latent_map.png", decode(vae2, pf.tensor(grid)), ncols=15)
    return nelbo, nelbo2


if __name__ == "__main__":
    main()
