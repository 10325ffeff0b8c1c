import json
import math

import pytest

from profundo import schedules as S


def test_exponential_decay():
    lr = S.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
    for t in (0, 30, 100, 250):
        assert lr(t) == pytest.approx(0.1 * 0.5 ** (t / 100))
    stairs = S.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5, staircase=True)
    assert [stairs(t) for t in (0, 99, 100, 250)] == pytest.approx([0.1, 0.1, 0.05, 0.025])
    # Keras' docstring example: 0.1, decaying by 0.96 every 100000 steps
    assert S.ExponentialDecay(0.1, 100000, 0.96)(100000) == pytest.approx(0.096)


def test_piecewise_constant_decay_keras_example():
    # Keras: 1.0 for the first 100001 steps, 0.5 for the next 10000 steps, and 0.1 for the rest
    lr = S.PiecewiseConstantDecay(boundaries=[100000, 110000], values=[1.0, 0.5, 0.1])
    assert [lr(t) for t in (0, 100000, 100001, 110000, 110001, 10**7)] == [
        1.0,
        1.0,
        0.5,
        0.5,
        0.1,
        0.1,
    ]


def test_inverse_time_decay():
    # Keras' example: decay_steps=1, decay_rate=0.5 → 0.1 / (1 + 0.5 t)
    lr = S.InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
    for t in (0, 1, 7):
        assert lr(t) == pytest.approx(0.1 / (1 + 0.5 * t))
    stairs = S.InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0, staircase=True)
    assert [stairs(t) for t in (9, 10, 25)] == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_polynomial_decay():
    # Keras' example: from 0.1 to 0.01 in 10000 steps with power 0.5
    lr = S.PolynomialDecay(0.1, 10000, end_learning_rate=0.01, power=0.5)
    assert lr(0) == pytest.approx(0.1)
    assert lr(2500) == pytest.approx(0.09 * math.sqrt(0.75) + 0.01)
    assert lr(10000) == pytest.approx(0.01) and lr(50000) == pytest.approx(0.01)
    cyc = S.PolynomialDecay(0.1, 10000, end_learning_rate=0.01, power=0.5, cycle=True)
    assert cyc(0) == pytest.approx(0.1)  # multiplier 1 at step 0
    assert cyc(10000) == pytest.approx(0.01)
    assert cyc(15000) == pytest.approx(0.09 * math.sqrt(1 - 15000 / 20000) + 0.01)  # T = 20000


def test_cosine_decay():
    lr = S.CosineDecay(1.0, decay_steps=100, alpha=0.1)
    for t in (0, 25, 50, 100, 150):
        expected = 0.9 * 0.5 * (1 + math.cos(math.pi * min(t, 100) / 100)) + 0.1
        assert lr(t) == pytest.approx(expected)
    assert lr(100) == pytest.approx(0.1) and lr(1000) == pytest.approx(0.1)


def test_cosine_decay_with_warmup_keras_example():
    # Keras: from 0 up to 0.1 over 1000 steps, then cosine decay over 10000 steps
    lr = S.CosineDecay(0.0, decay_steps=10000, warmup_target=0.1, warmup_steps=1000)
    assert lr(0) == 0.0
    assert lr(500) == pytest.approx(0.05)
    assert lr(1000) == pytest.approx(0.1)
    assert lr(6000) == pytest.approx(0.05)
    assert lr(11000) == pytest.approx(0.0, abs=1e-12) and lr(20000) == pytest.approx(0.0, abs=1e-12)


def test_cosine_decay_restarts():
    lr = S.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.0)
    # periods: [0, 10) of 10 steps, [10, 30) of 20 steps at half height, [30, 70) at a quarter
    assert [lr(t) for t in (0, 5, 10, 20, 30, 50)] == pytest.approx(
        [1.0, 0.5, 0.5, 0.25, 0.25, 0.125]
    )
    assert lr(29) == pytest.approx(0.5 * 0.5 * (1 + math.cos(math.pi * 19 / 20)))
    same = S.CosineDecayRestarts(2.0, first_decay_steps=10, t_mul=1.0, alpha=0.1)
    for t in (0, 4, 10, 17, 30):
        assert same(t) == pytest.approx(
            2.0 * (0.9 * 0.5 * (1 + math.cos(math.pi * (t % 10) / 10)) + 0.1)
        )


ALL = [
    S.ExponentialDecay(0.1, 10, 0.5, staircase=True),
    S.PiecewiseConstantDecay((5, 9), (1.0, 0.5, 0.1)),
    S.InverseTimeDecay(0.1, 10, 0.5),
    S.PolynomialDecay(0.1, 10, power=2.0, cycle=True),
    S.CosineDecay(0.1, 10, alpha=0.1, warmup_target=0.2, warmup_steps=5),
    S.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.9, alpha=0.01),
]


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_config_round_trip(schedule):
    text = json.dumps(S.serialize(schedule))
    again = S.deserialize(json.loads(text))
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()
    assert [again(t) for t in range(25)] == [schedule(t) for t in range(25)]


def test_errors():
    with pytest.raises(ValueError, match="ExponentialDecay: decay_steps must be positive, got 0"):
        S.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(
        ValueError, match="one more value than boundaries, got 2 values for 2 boundaries"
    ):
        S.PiecewiseConstantDecay([1, 2], [1.0, 0.5])
    with pytest.raises(ValueError, match="boundaries must increase"):
        S.PiecewiseConstantDecay([5, 2], [1.0, 0.5, 0.1])
    with pytest.raises(ValueError, match="warmup_target needs warmup_steps > 0"):
        S.CosineDecay(0.0, 10, warmup_target=0.1)
    with pytest.raises(ValueError, match="expected \\{'class_name': one of"):
        S.deserialize({"class_name": "Nope", "config": {}})


def test_a_schedule_that_is_not_a_dataclass_is_told_how_to_give_its_config():
    class Halving(S.LearningRateSchedule):
        def __call__(self, step):
            return 0.1 / 2 ** (step // 100)

    with pytest.raises(TypeError, match=r"Halving: .* @dataclasses.dataclass or define get_config"):
        Halving().get_config()
