"""Per-parameter learning rates from squared gradients: Adagrad, RMSprop, Adadelta.

Each divides the step by the root of an accumulated g², so that a weight with large gradients
takes smaller steps and a weight with small gradients larger ones. ε keeps the division safe.

ε sits *inside* the square root here, as in Keras: √(v + ε). PyTorch's Adagrad and RMSprop
put it outside, √v + ε (its Adadelta inside, as here); with ε = 0 the two agree exactly.
"""

from __future__ import annotations

from .. import backend as B
from .optimizer import Optimizer, ema_


class Adagrad(Optimizer):
    """Adagrad: each weight's rate shrinks with the sum of all its squared gradients.

        v ← v + g²                    (v starts at initial_accumulator_value)
        θ ← θ − η g / √(v + ε)

    Args: learning_rate η, initial_accumulator_value (v at the start), epsilon ε; common
    options: see ``Optimizer``. Slots: ``"v"``. PyTorch: ``torch.optim.Adagrad`` with
    ``initial_accumulator_value=0.1`` is the same method, with ε outside the root.

    >>> opt = Adagrad(learning_rate=0.01, params=[w])  # doctest: +SKIP
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def slot_names(self):
        return ("v",)

    def init_slots(self, param):
        return {"v": B.xp.full_like(param, self.initial_accumulator_value)}

    def update_step(self, param, grad, slots, lr):
        xp, v = B.xp, slots["v"]
        v += grad * grad  # v ← v + g²
        step = xp.sqrt(v + self.epsilon)  # √(v + ε)
        xp.divide(grad, step, out=step)
        step *= lr
        param -= step  # θ ← θ − η g / √(v + ε)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


class RMSprop(Optimizer):
    """RMSprop: divide by the root of a moving average of g², so old gradients are forgotten.

        v ← ρv + (1 − ρ)g²
        Δ = η g / √(v + ε)            (centered: ḡ ← ρḡ + (1 − ρ)g,  Δ = η g / √(v − ḡ² + ε))
        θ ← θ − Δ                     (with momentum μ: m ← μm + Δ,  θ ← θ − m)

    Args: learning_rate η, rho ρ, momentum μ, epsilon ε, centered (divide by an estimate of the
    gradient's variance instead of its mean square); common options: see ``Optimizer``.
    Slots: ``"v"``, ``"g_avg"`` (centered), ``"m"`` (momentum > 0).
    PyTorch: ``torch.optim.RMSprop(alpha=ρ)``, with ε outside the root and a momentum buffer
    without η (the same parameters while η is constant).

    >>> opt = RMSprop(learning_rate=0.001, rho=0.9, params=[w])  # doctest: +SKIP
    """

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def slot_names(self):
        return ("v",) + ("g_avg",) * self.centered + ("m",) * bool(self.momentum)

    def update_step(self, param, grad, slots, lr):
        xp, v = B.xp, slots["v"]
        ema_(v, grad * grad, self.rho)  # v ← ρv + (1 − ρ)g²
        if self.centered:
            g_avg = slots["g_avg"]
            ema_(g_avg, grad, self.rho)  # ḡ ← ρḡ + (1 − ρ)g
            step = v - g_avg * g_avg
            step += self.epsilon  # v − ḡ² + ε
        else:
            step = v + self.epsilon  # v + ε
        xp.sqrt(step, out=step)
        xp.divide(grad, step, out=step)
        step *= lr  # Δ = η g / √(…)
        if self.momentum:
            m = slots["m"]
            m *= self.momentum
            m += step  # m ← μm + Δ
            step = m
        param -= step  # θ ← θ − Δ  (or θ − m)

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


class Adadelta(Optimizer):
    """Adadelta: RMSprop whose step size comes from a moving average of the past steps themselves.

        v ← ρv + (1 − ρ)g²
        Δ = √(d + ε) / √(v + ε) · g
        d ← ρd + (1 − ρ)Δ²
        θ ← θ − ηΔ

    The original method has no learning rate (η = 1); Keras' default η = 0.001 is kept here.
    Args: learning_rate η, rho ρ, epsilon ε; common options: see ``Optimizer``.
    Slots: ``"v"`` (average g²), ``"d"`` (average Δ²).
    PyTorch: ``torch.optim.Adadelta`` is the same.

    >>> opt = Adadelta(learning_rate=1.0, rho=0.95, params=[w])  # doctest: +SKIP
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def slot_names(self):
        return ("v", "d")

    def update_step(self, param, grad, slots, lr):
        xp, v, d = B.xp, slots["v"], slots["d"]
        ema_(v, grad * grad, self.rho)  # v ← ρv + (1 − ρ)g²
        delta = xp.sqrt(d + self.epsilon)
        delta /= xp.sqrt(v + self.epsilon)
        delta *= grad  # Δ = √(d + ε) / √(v + ε) · g
        ema_(d, delta * delta, self.rho)  # d ← ρd + (1 − ρ)Δ²
        delta *= lr
        param -= delta  # θ ← θ − ηΔ

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
