"""The perceptron (Rosenblatt, 1958): one neuron with a step activation and its learning rule.

The neuron computes z = θ₀ + θ₁x₁ + … + θₙxₙ = θ·x with x₀ = 1 (so θ₀ is the bias) and answers
ŷ = step(z) = 1 if z ≥ 0 else 0. Learning needs no gradients, only its mistakes: for each
example in turn,

    θ ← θ + α(y − ŷ)x

which does nothing when ŷ = y, and otherwise tilts the boundary θ·x = 0 towards the right
side of x. If a straight line (a hyperplane) separates the two classes, the perceptron finds
one after finitely many mistakes; if none does (XOR), it never stops making them.

>>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
>>> p = Perceptron()
>>> p.fit(X, np.array([0, 0, 0, 1]))       # AND: mistakes per epoch
[2, 3, 3, 2, 1, 0]
>>> p.predict(X)
array([0, 0, 0, 1])
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["Perceptron", "ConvergenceWarning"]


class ConvergenceWarning(UserWarning):
    """Training stopped at its epoch limit without reaching zero mistakes."""


class Perceptron:
    """A single-neuron binary classifier trained with the perceptron rule θ ← θ + α(y − ŷ)x.

    Args:
        learning_rate: α, the size of each correction.
        max_epochs: passes over the data before ``fit`` gives up (unless ``fit(epochs=...)``).

    After ``fit``: ``weights_`` (θ₁…θₙ, shape ``(n_features,)``), ``bias_`` (θ₀), ``converged_``
    (True when the last epoch had no mistakes).
    """

    def __init__(self, learning_rate: float = 1.0, max_epochs: int = 100):
        if not learning_rate > 0:
            raise ValueError(f"Perceptron: learning_rate must be positive, got {learning_rate}")
        if int(max_epochs) < 1:
            raise ValueError(f"Perceptron: max_epochs must be at least 1, got {max_epochs}")
        self.learning_rate, self.max_epochs = learning_rate, int(max_epochs)
        self.theta_: np.ndarray | None = None

    def fit(self, X, y, epochs: int | None = None) -> list[int]:
        """Learn from examples ``X`` (n_samples, n_features) with labels ``y`` in {0, 1}.

        Goes over the examples in order, epoch after epoch, until an epoch has no mistakes or
        ``epochs`` (default ``max_epochs``) have passed.
        Returns the number of mistakes in each epoch.
        """
        X = self._check_X(X, "fit")
        y = self._check_y(y, len(X))
        epochs = self.max_epochs if epochs is None else int(epochs)
        Xb = np.hstack([np.ones((len(X), 1)), X])  # x₀ = 1 in front of every example
        theta = np.zeros(Xb.shape[1])
        history = []
        for _ in range(epochs):
            mistakes = 0
            for x, target in zip(Xb, y):
                y_hat = 1 if theta @ x >= 0 else 0  # ŷ = step(θ·x)
                theta += self.learning_rate * (target - y_hat) * x  # θ ← θ + α(y − ŷ)x
                mistakes += int(y_hat != target)
            history.append(mistakes)
            if mistakes == 0:
                break
        self.theta_ = theta
        self.converged_ = history[-1] == 0
        if not self.converged_:
            warnings.warn(
                f"Perceptron did not converge: {history[-1]} of {len(X)} examples were still "
                f"misclassified after {epochs} epochs. The two classes may not be linearly "
                f"separable (as in XOR): one perceptron can only draw a straight line (a "
                f"hyperplane) between them; a multilayer perceptron can do more.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return history

    @property
    def weights_(self) -> np.ndarray:
        """θ₁…θₙ, one weight per feature."""
        return self._theta("weights_")[1:]

    @property
    def bias_(self) -> float:
        """θ₀, the weight of the constant input x₀ = 1."""
        return float(self._theta("bias_")[0])

    def decision_function(self, X) -> np.ndarray:
        """z = θ₀ + θ₁x₁ + … + θₙxₙ for each example."""
        theta = self._theta("decision_function")
        X = self._check_X(X, "predict", n_features=len(theta) - 1)
        return X @ theta[1:] + theta[0]

    def predict(self, X) -> np.ndarray:
        """ŷ = step(z): 1 where z ≥ 0, else 0."""
        return (self.decision_function(X) >= 0).astype(np.int64)

    def score(self, X, y) -> float:
        """Accuracy: the fraction of examples classified correctly."""
        y = self._check_y(y, len(np.asarray(X)))
        return float(np.mean(self.predict(X) == y))

    # --- checks -----------------------------------------------------------------------------------
    def _theta(self, what: str) -> np.ndarray:
        if self.theta_ is None:
            raise RuntimeError(
                f"Perceptron.{what}: the perceptron is not trained yet; call fit(X, y) first"
            )
        return self.theta_

    @staticmethod
    def _check_X(X, who: str, n_features: int | None = None) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError(
                f"Perceptron.{who}: expected X of shape (n_samples, n_features), got shape "
                f"{X.shape}; for a single feature use X.reshape(-1, 1)"
            )
        if n_features is not None and X.shape[1] != n_features:
            raise ValueError(
                f"Perceptron.{who}: the perceptron was trained on {n_features} features, "
                f"but X has {X.shape[1]} (shape {X.shape})"
            )
        return X

    @staticmethod
    def _check_y(y, n_samples: int) -> np.ndarray:
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.shape != (n_samples,):
            raise ValueError(
                f"Perceptron: expected y of shape ({n_samples},), one label per example, "
                f"got shape {y.shape}"
            )
        if not np.isin(y, (0, 1)).all():
            raise ValueError(
                f"Perceptron: labels must be 0 or 1, got {np.unique(y)[:10].tolist()}; "
                f"for labels −1/+1 use (y > 0).astype(int)"
            )
        return y.astype(np.int64)
