"""Chapter 9's checkers, each with a right and a wrong answer; the vanishing gradient measured."""

import numpy as np

import profundo as pf
from profundo import layers
from profundo.course import ch09


def test_rnn_step():
    assert ch09.check_rnn_step(lambda x, h, w_x, w_h, b: np.tanh(x @ w_x + h @ w_h + b))
    v = ch09.check_rnn_step(lambda x, h, w_x, w_h, b: np.tanh(x @ w_x + b))  # no memory
    assert not v and "t = 2" in v.message
    assert not ch09.check_rnn_step(lambda x, h, w_x, w_h, b: None)


def test_parameter_counts():
    lstm = lambda i, u: 4 * (u * (i + u) + u)
    gru = lambda i, u: 3 * (u * (i + u) + 2 * u)
    assert ch09.check_parameter_counts(lstm, gru)
    v = ch09.check_parameter_counts(lstm, lambda i, u: 3 * (u * (i + u) + u))  # one bias only
    assert not v and "GRU" in v.message
    assert not ch09.check_parameter_counts(lambda i, u: 4 * u * (i + u), gru)


def test_many_to_many():
    def model(return_sequences):
        return pf.Sequential(
            [
                layers.Input((12, 3)),
                layers.SimpleRNN(4, return_sequences=return_sequences),
                layers.Dense(1, activation="sigmoid"),
            ]
        )

    assert ch09.check_many_to_many(model(True))
    v = ch09.check_many_to_many(model(False))
    assert not v and "return_sequences" in v.message
    assert not ch09.check_many_to_many(None)


def test_the_gradient_vanishes_unless_a_memory_gate_is_held_open():
    pf.manual_seed(0)
    rnn = ch09.gradient_per_step(layers.SimpleRNN(16), steps=30)
    lstm = ch09.gradient_per_step(ch09.hold_gate_open(layers.LSTM(16)), steps=30)
    gru = ch09.gradient_per_step(ch09.hold_gate_open(layers.GRU(16)), steps=30)
    assert rnn.shape == (30,) and rnn[0] < 1e-2 * rnn[-1]
    assert lstm[0] > 0.1 * lstm[-1] and gru[0] > 0.1 * gru[-1]
