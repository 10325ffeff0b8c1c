"""Stochastic gradient descent, with momentum and Nesterov momentum."""

from __future__ import annotations

from .optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent: θ ← θ − η∇L, with optional momentum.

    With momentum β (the course's and Keras' form), m is a velocity that remembers past steps:

        m ← βm − η∇L
        θ ← θ + m                  (nesterov=True: θ ← θ + βm − η∇L, a look-ahead step)

    PyTorch writes the same method with a velocity b that leaves out the learning rate:
    b ← βb + ∇L, θ ← θ − ηb (Nesterov: θ ← θ − η(∇L + βb)). With a constant η the two give the
    same parameters (m = −ηb). When η changes (a schedule, ReduceLROnPlateau) they part: here the
    old velocity keeps the old rates, in PyTorch the new η rescales the whole velocity.

    Args:
        learning_rate: η (or a schedule).  momentum: β in [0, 1).  nesterov: Nesterov momentum.
        Common options (params, weight_decay, clipnorm, clipvalue, global_clipnorm, name):
        see ``Optimizer``.

    Slots: ``"m"`` (only when momentum > 0).

    >>> opt = SGD(learning_rate=0.1, momentum=0.9, params=[w])  # doctest: +SKIP
    >>> loss.backward(); opt.step(); opt.zero_grad()  # doctest: +SKIP
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum}")
        super().__init__(learning_rate, **kwargs)
        self.momentum, self.nesterov = momentum, nesterov

    def slot_names(self):
        return ("m",) if self.momentum else ()

    def update_step(self, param, grad, slots, lr):
        if not self.momentum:
            param -= lr * grad  # θ ← θ − η∇L
            return
        m = slots["m"]
        m *= self.momentum
        m -= lr * grad  # m ← βm − η∇L
        if self.nesterov:
            param += self.momentum * m - lr * grad  # θ ← θ + βm − η∇L
        else:
            param += m  # θ ← θ + m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
