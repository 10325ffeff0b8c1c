"""Adam and its relatives: moving averages of the gradient (m) and of its square (v).

Adam (with AMSGrad), AdamW (Adam with decoupled weight decay), Adamax (v replaced by a moving
maximum of |g|) and Nadam (Adam with Nesterov momentum). All start m and v at zero and correct
for that start with the factors 1 − βᵗ, t being the step number (1 at the first step).
"""

from __future__ import annotations

import math

from .. import backend as B
from .optimizer import Optimizer, ema_


class _AdamLike(Optimizer):
    """What the Adam family shares: the decay rates β₁, β₂ of the averages,
    and ε (with Keras' defaults)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        for key, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{type(self).__name__}: {key} must be in [0, 1), got {beta}")
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


class Adam(_AdamLike):
    """Adam: momentum (m) divided by the root of a moving average of g² (v).

        m ← β₁m + (1 − β₁)g
        v ← β₂v + (1 − β₂)g²                   (amsgrad: v̂ ← max(v̂, v), and v̂ replaces v below)
        θ ← θ − η · √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)

    This is the paper's textbook form θ ← θ − η m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ),
    except that ε is added before the bias correction (as in Keras; PyTorch adds it after). The two
    agree exactly with ε = 0 and differ only while √v is as small as ε.

    Args: learning_rate η, beta_1 β₁, beta_2 β₂, epsilon ε, amsgrad; common options: see
    ``Optimizer``. Slots: ``"m"``, ``"v"``, ``"v_max"`` (amsgrad).

    >>> opt = Adam(1e-3, params=[w, b])  # doctest: +SKIP
    >>> loss.backward(); opt.step(); opt.zero_grad()  # doctest: +SKIP
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs
    ):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, **kwargs)
        self.amsgrad = amsgrad

    def slot_names(self):
        return ("m", "v", "v_max") if self.amsgrad else ("m", "v")

    def update_step(self, param, grad, slots, lr):
        xp, t = B.xp, self.iterations + 1
        m, v = slots["m"], slots["v"]
        ema_(m, grad, self.beta_1)  # m ← β₁m + (1 − β₁)g
        # the one temporary (an array, even 0-d), in a buffer reused step to step
        step = xp.multiply(grad, grad, out=B.scratch("adam.step", grad.shape, grad.dtype))
        ema_(v, step, self.beta_2)  # v ← β₂v + (1 − β₂)g²
        if self.amsgrad:
            v = xp.maximum(slots["v_max"], v, out=slots["v_max"])  # v̂ ← max(v̂, v)
        xp.sqrt(v, out=step)
        step += self.epsilon
        xp.divide(m, step, out=step)  # m / (√v + ε)
        step *= lr * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        param -= step

    def get_config(self):
        return {**super().get_config(), "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): before each Adam step,

        θ ← θ − η·λ·θ

    which shrinks the weights directly instead of adding λθ to the gradient (where Adam's division
    by √v would weaken it for weights with large gradients). The same as ``torch.optim.AdamW``.

    Args: learning_rate η, weight_decay λ, then as ``Adam``.

    >>> opt = AdamW(1e-3, weight_decay=0.01, params=[w])  # doctest: +SKIP
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **kwargs,
    ):
        if weight_decay is None:
            raise ValueError(
                "AdamW: weight_decay must be a number (λ ≥ 0), got None; use Adam for no decay"
            )
        super().__init__(
            learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay=weight_decay, **kwargs
        )


class Adamax(_AdamLike):
    """Adamax: Adam with the root mean square √v replaced by a decaying maximum of |g| (the ∞-norm).

        m ← β₁m + (1 − β₁)g
        u ← max(β₂u, |g|)
        θ ← θ − η/(1 − β₁ᵗ) · m / (u + ε)

    PyTorch (``torch.optim.Adamax``) adds ε to |g| inside the maximum instead;
    with ε = 0 they agree.
    Args: learning_rate η, beta_1 β₁, beta_2 β₂, epsilon ε; common options: see ``Optimizer``.
    Slots: ``"m"``, ``"u"``.

    >>> opt = Adamax(2e-3, params=[w])  # doctest: +SKIP
    """

    def slot_names(self):
        return ("m", "u")

    def update_step(self, param, grad, slots, lr):
        xp, t = B.xp, self.iterations + 1
        m, u = slots["m"], slots["u"]
        ema_(m, grad, self.beta_1)  # m ← β₁m + (1 − β₁)g
        u *= self.beta_2
        xp.maximum(u, xp.abs(grad), out=u)  # u ← max(β₂u, |g|)
        step = u + self.epsilon
        xp.divide(m, step, out=step)  # m / (u + ε)
        step *= lr / (1 - self.beta_1**t)
        param -= step


class Nadam(_AdamLike):
    """Nadam: Adam with Nesterov momentum, using a momentum μₜ that warms up towards β₁.

        μₜ = β₁ · (1 − ½ · 0.96ᵗ),   Πₜ = μ₁ · μ₂ ⋯ μₜ
        m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
        m̂ = μₜ₊₁ · m / (1 − Πₜ₊₁) + (1 − μₜ) · g / (1 − Πₜ)
        θ ← θ − η · m̂ / (√(v / (1 − β₂ᵗ)) + ε)

    The schedule 0.96ᵗ is Keras'. PyTorch's ``NAdam`` uses 0.96^(ψt) with ``momentum_decay``
    ψ = 0.004 (Dozat's paper), so μₜ rises slowly over thousands of steps; ``torch.optim.NAdam(...,
    momentum_decay=1.0)`` is exactly this method.

    Args: learning_rate η, beta_1 β₁, beta_2 β₂, epsilon ε; common options: see ``Optimizer``.
    Slots: ``"m"``, ``"v"``; state adds ``"mu_product"`` (Πₜ, 0-d float64),
    shared by all parameters.

    >>> opt = Nadam(2e-3, params=[w])  # doctest: +SKIP
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, **kwargs)
        self.mu_product = 1.0  # Πₜ of the steps taken so far

    def slot_names(self):
        return ("m", "v")

    def _mu(self, t: int) -> float:
        return self.beta_1 * (1 - 0.5 * 0.96**t)

    def apply(self, grads, params=None) -> None:
        super().apply(grads, params)  # the steps read Πₜ₋₁ from mu_product
        self.mu_product *= self._mu(self.iterations)  # now Πₜ (iterations is t after the step)

    def update_step(self, param, grad, slots, lr):
        xp, t = B.xp, self.iterations + 1
        mu, mu_next = self._mu(t), self._mu(t + 1)
        product = self.mu_product * mu  # Πₜ
        m, v = slots["m"], slots["v"]
        ema_(m, grad, self.beta_1)  # m ← β₁m + (1 − β₁)g
        ema_(v, grad * grad, self.beta_2)  # v ← β₂v + (1 − β₂)g²
        denom = v / (1 - self.beta_2**t)
        xp.sqrt(denom, out=denom)
        denom += self.epsilon  # √(v / (1 − β₂ᵗ)) + ε
        step = m * (mu_next / (1 - product * mu_next))
        step += (1 - mu) / (1 - product) * grad  # m̂
        step /= denom
        step *= lr
        param -= step

    def get_state(self):
        return {**super().get_state(), "mu_product": B.xp.asarray(self.mu_product, dtype="float64")}

    def set_state(self, state):
        state = dict(state)
        if "mu_product" not in state:
            raise ValueError("Nadam.set_state: the state has no 'mu_product' entry")
        mu_product = float(state.pop("mu_product"))
        super().set_state(state)
        self.mu_product = mu_product
