"""``Sampling``: the reparameterization trick of variational autoencoders (Kingma & Welling, 2014).

A VAE's encoder gives, per input, a Gaussian over the latent code: its mean μ and log-variance
log σ². Drawing z ~ N(μ, σ²) directly has no gradient with respect to μ and σ; drawing the noise
separately does:

    ε ~ N(0, I)            (no parameters: nothing to differentiate)
    z = μ + σ ⊙ ε,   σ = exp(½ log σ²)
    ∂z/∂μ = 1,   ∂z/∂log σ² = ½ σ ⊙ ε

so backpropagation reaches the encoder through z. The KL divergence of N(μ, σ²) from the prior
N(0, I), the VAE's second loss term, is ``kl_divergence`` below:

    KL = −½ Σⱼ (1 + log σ²ⱼ − μⱼ² − σ²ⱼ)      (nats, one value per sample)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..autograd import Tensor, randn_like
from .base import Layer
from .input_spec import InputSpec


def kl_divergence(z_mean, z_log_var):
    """KL(N(μ, σ²) ‖ N(0, I)) per sample, summed over the latent dimensions, in nats."""
    return -0.5 * (1 + z_log_var - z_mean * z_mean - z_log_var.exp()).sum(axis=-1)


class Sampling(Layer):
    """z = μ + exp(½ log σ²) ⊙ ε with ε ~ N(0, I); called on ``[z_mean, z_log_var]``.

    It samples in training and in inference alike (a VAE's ELBO is estimated with samples);
    for the mean code alone, use ``z_mean``."""

    input_spec = [InputSpec(name="z_mean"), InputSpec(name="z_log_var")]

    def call(self, inputs: Sequence[Tensor], training: bool | None = None) -> Tensor:
        if len(inputs) != 2 or inputs[0].shape != inputs[1].shape:
            raise self.error(
                f"expected [z_mean, z_log_var] of one shape, got shapes "
                f"{', '.join(str(tuple(x.shape)) for x in inputs)}"
            )
        z_mean, z_log_var = inputs
        return z_mean + (0.5 * z_log_var).exp() * randn_like(z_mean)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


__all__ = ["Sampling"]
