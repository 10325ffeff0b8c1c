import numpy as np
import pytest

from profundo.models.perceptron import ConvergenceWarning, Perceptron

X2 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


@pytest.mark.parametrize(
    "gate, y", [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0])]
)
def test_learns_logic_gates(gate, y):
    p = Perceptron()
    history = p.fit(X2, y)
    assert p.converged_ and history[-1] == 0 and all(h > 0 for h in history[:-1])
    np.testing.assert_array_equal(p.predict(X2), y)
    assert p.score(X2, y) == 1.0


def test_and_by_hand():
    # θ = (θ₀, θ₁, θ₂) from zeros with α = 1, examples in order: the course's worked example
    p = Perceptron(learning_rate=1.0)
    assert p.fit(X2, [0, 0, 0, 1]) == [2, 3, 3, 2, 1, 0]
    np.testing.assert_array_equal(p.weights_, [2.0, 1.0])
    assert p.bias_ == -3.0
    np.testing.assert_array_equal(p.decision_function(X2), [-3.0, -2.0, -1.0, 0.0])


def test_learns_random_linearly_separable_set():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    w, b = rng.normal(size=5), 0.3
    z = X @ w + b
    keep = np.abs(z) > 0.1  # a margin, so convergence is quick
    X, y = X[keep], (z[keep] > 0).astype(int)
    p = Perceptron(learning_rate=0.5, max_epochs=1000)
    history = p.fit(X, y)
    assert p.converged_ and history[-1] == 0
    assert p.score(X, y) == 1.0


def test_does_not_converge_on_xor():
    p = Perceptron(max_epochs=50)
    with pytest.warns(ConvergenceWarning, match="did not converge.*linearly separable"):
        history = p.fit(X2, [0, 1, 1, 0])
    assert not p.converged_
    assert len(history) == 50 and min(history) > 0
    assert p.score(X2, [0, 1, 1, 0]) < 1.0


def test_epochs_argument_overrides_max_epochs():
    with pytest.warns(ConvergenceWarning):
        history = Perceptron(max_epochs=100).fit(X2, [0, 1, 1, 0], epochs=3)
    assert len(history) == 3


def test_errors():
    p = Perceptron()
    with pytest.raises(RuntimeError, match="not trained yet; call fit"):
        p.predict(X2)
    with pytest.raises(
        ValueError, match="expected X of shape \\(n_samples, n_features\\), got shape \\(4,\\)"
    ):
        p.fit(np.array([0, 1, 2, 3]), [0, 1, 1, 0])
    with pytest.raises(ValueError, match="expected y of shape \\(4,\\)"):
        p.fit(X2, [0, 1, 1])
    with pytest.raises(ValueError, match="labels must be 0 or 1, got \\[-1, 1\\]"):
        p.fit(X2, [-1, 1, 1, -1])
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        Perceptron(learning_rate=0)
    p.fit(X2, [0, 0, 0, 1])
    with pytest.raises(ValueError, match="trained on 2 features, but X has 3"):
        p.predict(np.zeros((1, 3)))
    p.fit(X2, np.array([[0], [1], [1], [1]]))  # a column of labels is fine
    assert p.converged_
