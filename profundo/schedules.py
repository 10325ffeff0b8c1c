"""Learning-rate schedules: a learning rate that changes as training goes on.

A schedule is called with the optimizer's step count (0 for the first update) and returns the
learning rate of that step. Give one to an optimizer instead of a number::

    lr = schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96)
    opt = optimizers.SGD(learning_rate=lr)      # step t uses lr(t)
    lr(0), lr(1000)                             # 0.1, 0.096

The names, arguments and formulas are Keras' (``keras.optimizers.schedules``), so a schedule
moves between the two unchanged. Each schedule is a dataclass: its fields are its arguments, and
``get_config()`` returns them as a JSON-ready dict; ``serialize``/``deserialize`` add and read the
class name.
"""

from __future__ import annotations

import dataclasses
import math

from .serialization import deserialize as _deserialize
from .serialization import serialize

__all__ = [
    "LearningRateSchedule",
    "ExponentialDecay",
    "PiecewiseConstantDecay",
    "InverseTimeDecay",
    "PolynomialDecay",
    "CosineDecay",
    "CosineDecayRestarts",
    "serialize",
    "deserialize",
]


class LearningRateSchedule:
    """Base of every schedule: ``schedule(step) -> float``, with its arguments as its config.

    Write your own by subclassing it as a dataclass and defining ``__call__``::

        @dataclasses.dataclass
        class Halving(LearningRateSchedule):
            initial_learning_rate: float
            def __call__(self, step):
                return self.initial_learning_rate / 2 ** (step // 100)
    """

    def __call__(self, step) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict:
        """The schedule's arguments,
        e.g. ``{"initial_learning_rate": 0.1, "decay_steps": 1000, ...}``."""
        if not dataclasses.is_dataclass(self):
            raise TypeError(
                f"{type(self).__name__}: a schedule's arguments are its dataclass fields; "
                "decorate it with @dataclasses.dataclass or define get_config"
            )
        return dataclasses.asdict(self)

    @classmethod
    def from_config(cls, config: dict) -> "LearningRateSchedule":
        return cls(**config)

    def _require(self, condition: bool, message: str) -> None:
        if not condition:
            raise ValueError(f"{type(self).__name__}: {message}")


@dataclasses.dataclass
class _DecayOverSteps(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: progress p = t / decay_steps."""

    initial_learning_rate: float
    decay_steps: int
    decay_rate: float
    staircase: bool = False

    def __post_init__(self):
        self._require(self.decay_steps > 0, f"decay_steps must be positive, got {self.decay_steps}")

    def progress(self, step) -> float:
        """p = t / decay_steps, floored when ``staircase``."""
        p = float(step) / self.decay_steps
        return math.floor(p) if self.staircase else p


@dataclasses.dataclass
class ExponentialDecay(_DecayOverSteps):
    """lr(t) = initial_learning_rate · decay_rateᵖ,  p = t / decay_steps
    (⌊t / decay_steps⌋ if staircase).

    >>> ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)(200)
    0.025
    """

    def __call__(self, step) -> float:
        return self.initial_learning_rate * self.decay_rate ** self.progress(step)


@dataclasses.dataclass
class PiecewiseConstantDecay(LearningRateSchedule):
    """lr(t) = values[0] while t ≤ boundaries[0], values[1] while t ≤ boundaries[1], …,
    values[-1] after.

    >>> lr = PiecewiseConstantDecay(boundaries=[100, 110], values=[1.0, 0.5, 0.1])
    >>> lr(100), lr(101), lr(111)
    (1.0, 0.5, 0.1)
    """

    boundaries: list
    values: list

    def __post_init__(self):
        self.boundaries, self.values = list(self.boundaries), list(self.values)
        self._require(
            len(self.values) == len(self.boundaries) + 1,
            f"needs one more value than boundaries, got {len(self.values)} values for "
            f"{len(self.boundaries)} boundaries",
        )
        self._require(
            all(a < b for a, b in zip(self.boundaries, self.boundaries[1:])),
            f"boundaries must increase, got {self.boundaries}",
        )

    def __call__(self, step) -> float:
        passed = sum(float(step) > b for b in self.boundaries)  # boundaries already left behind
        return self.values[passed]


@dataclasses.dataclass
class InverseTimeDecay(_DecayOverSteps):
    """lr(t) = initial_learning_rate / (1 + decay_rate · p),  p = t / decay_steps
    (floored if staircase).

    >>> InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)(30)
    0.025
    """

    def __call__(self, step) -> float:
        return self.initial_learning_rate / (1 + self.decay_rate * self.progress(step))


@dataclasses.dataclass
class PolynomialDecay(LearningRateSchedule):
    """lr(t) = (initial − end) · (1 − t/T)^power + end, with T = decay_steps.

    Without ``cycle`` t stops at T (the rate stays at ``end_learning_rate``); with ``cycle``,
    T grows to the first multiple of ``decay_steps`` at or above t, so the rate jumps back up.

    >>> PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0, power=2.0)(5)
    0.25
    """

    initial_learning_rate: float
    decay_steps: int
    end_learning_rate: float = 0.0001
    power: float = 1.0
    cycle: bool = False

    def __post_init__(self):
        self._require(self.decay_steps > 0, f"decay_steps must be positive, got {self.decay_steps}")

    def __call__(self, step) -> float:
        t, total = float(step), float(self.decay_steps)
        if self.cycle:
            total *= max(1, math.ceil(t / total))
        else:
            t = min(t, total)
        span = self.initial_learning_rate - self.end_learning_rate
        return span * (1 - t / total) ** self.power + self.end_learning_rate


@dataclasses.dataclass
class CosineDecay(LearningRateSchedule):
    """Half a cosine from the rate down to α times the rate, after an optional linear warm-up.

    Without warm-up:  lr(t) = initial · ((1 − α) · ½(1 + cos(π · min(t, T)/T)) + α),
    T = decay_steps.
    With ``warmup_target`` and ``warmup_steps`` W: the rate first rises linearly from
    ``initial_learning_rate`` to ``warmup_target`` over W steps, then decays from ``warmup_target``
    as above with t − W in place of t.

    >>> CosineDecay(1.0, decay_steps=100, alpha=0.0)(50)
    0.5
    """

    initial_learning_rate: float
    decay_steps: int
    alpha: float = 0.0
    warmup_target: float | None = None
    warmup_steps: int = 0

    def __post_init__(self):
        self._require(self.decay_steps > 0, f"decay_steps must be positive, got {self.decay_steps}")
        self._require(
            self.warmup_target is None or self.warmup_steps > 0,
            f"warmup_target needs warmup_steps > 0, got {self.warmup_steps}",
        )

    def __call__(self, step) -> float:
        t = float(step)
        if self.warmup_target is None:
            return self._decay(min(t, self.decay_steps), self.initial_learning_rate)
        t = min(t, self.decay_steps + self.warmup_steps)
        if t < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return self.initial_learning_rate + rise * t / self.warmup_steps
        return self._decay(t - self.warmup_steps, self.warmup_target)

    def _decay(self, t: float, start: float) -> float:
        cosine = 0.5 * (1 + math.cos(math.pi * t / self.decay_steps))
        return start * ((1 - self.alpha) * cosine + self.alpha)


@dataclasses.dataclass
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay that restarts (SGDR): period i lasts first_decay_steps · t_mulⁱ steps and
    starts from initial_learning_rate · m_mulⁱ.

    With f = t / first_decay_steps, the period is i = ⌊log(1 − f(1 − t_mul)) / log t_mul⌋
    (i = ⌊f⌋ when t_mul = 1), and the fraction done within it is
    r = (f − (1 − t_mulⁱ)/(1 − t_mul)) / t_mulⁱ  (r = f − i when t_mul = 1). Then
    lr(t) = initial · ((1 − α) · m_mulⁱ · ½(1 + cos πr) + α).

    >>> lr = CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0)
    >>> lr(5), lr(10), lr(20)      # half-way, first restart, half-way through the 20-step period
    (0.5, 1.0, 0.5)
    """

    initial_learning_rate: float
    first_decay_steps: int
    t_mul: float = 2.0
    m_mul: float = 1.0
    alpha: float = 0.0

    def __post_init__(self):
        self._require(
            self.first_decay_steps > 0,
            f"first_decay_steps must be positive, got {self.first_decay_steps}",
        )
        self._require(self.t_mul > 0, f"t_mul must be positive, got {self.t_mul}")

    def __call__(self, step) -> float:
        f = float(step) / self.first_decay_steps
        if self.t_mul == 1.0:
            i = math.floor(f)
            r = f - i
        else:
            i = math.floor(math.log(1 - f * (1 - self.t_mul)) / math.log(self.t_mul))
            done = (1 - self.t_mul**i) / (
                1 - self.t_mul
            )  # periods before this one, in units of the first
            r = (f - done) / self.t_mul**i
        cosine = 0.5 * self.m_mul**i * (1 + math.cos(math.pi * r))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)


_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        PiecewiseConstantDecay,
        InverseTimeDecay,
        PolynomialDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def deserialize(config: dict) -> LearningRateSchedule:
    """The schedule that ``serialize`` described."""
    return _deserialize(config, _SCHEDULES, "schedule")
