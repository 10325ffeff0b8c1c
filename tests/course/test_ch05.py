"""Chapter 5's checkers, each with a right and a wrong answer."""

import numpy as np

from profundo import optimizers
from profundo.course import ch05


def momentum(theta, m, grad, lr, beta):
    m = beta * m - lr * grad
    return theta + m, m


def adam(theta, m, v, grad, t, lr, b1, b2, eps):
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad**2
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def test_momentum():
    assert ch05.check_momentum(momentum)
    wrong = ch05.check_momentum(
        lambda theta, m, grad, lr, beta: (theta - lr * grad, m)
    )  # no memory
    assert not wrong and "step 2" in wrong.message
    assert not ch05.check_momentum(lambda *a: (None, None))


def test_adam():
    assert ch05.check_adam(adam)
    no_correction = ch05.check_adam(
        lambda theta, m, v, g, t, lr, b1, b2, eps: adam(theta, m, v, g, 10**6, lr, b1, b2, eps)
    )
    assert not no_correction and "step 1" in no_correction.message


def test_rosenbrock():
    assert ch05.check_rosenbrock(optimizers.SGD(2e-3, momentum=0.9))
    assert not ch05.check_rosenbrock(optimizers.SGD(1e-3))
    assert "infinity" in ch05.check_rosenbrock(optimizers.SGD(0.1, momentum=0.9)).message
    assert not ch05.check_rosenbrock("adam")
