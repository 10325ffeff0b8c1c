"""Chapter 3's checkers, each with a right and a wrong answer."""

import numpy as np

from profundo.course import ch03


def test_mse():
    assert ch03.check_mse(lambda y, p: np.mean((y - p) ** 2))
    assert not ch03.check_mse(lambda y, p: np.mean(np.abs(y - p)))
    assert "one number" in ch03.check_mse(lambda y, p: (y - p) ** 2).message
    assert "None" in ch03.check_mse(lambda y, p: None).message


def test_bce():
    assert ch03.check_bce(lambda y, p: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert not ch03.check_bce(lambda y, p: -np.mean(y * np.log(p)))


def test_gradient_step():
    def step(w, b, x, y, lr):
        e = w * x + b - y
        return w - lr * 2 * np.mean(e * x), b - lr * 2 * np.mean(e)

    def no_two(w, b, x, y, lr):
        e = w * x + b - y
        return w - lr * np.mean(e * x), b - lr * np.mean(e)

    assert ch03.check_gradient_step(step)
    assert not ch03.check_gradient_step(no_two)
    assert not ch03.check_gradient_step(lambda *a: (None, None))


def test_learning_rate():
    assert ch03.check_learning_rate(0.5)
    small, large = ch03.check_learning_rate(0.01), ch03.check_learning_rate(1.1)
    assert "zigzags" in ch03.check_learning_rate(0.95).message
    assert not small and "too small" in small.message
    assert not large and "too large" in large.message
    assert not ch03.check_learning_rate(None)


def test_descend_matches_the_least_squares_line():
    x, y = ch03.line_data()
    best = np.mean((np.polyval(np.polyfit(x, y, 1), x) - y) ** 2)
    assert abs(ch03.descend(0.5, 200, x, y)[-1] - best) < 1e-9
