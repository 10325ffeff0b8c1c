"""A two-layer neural network written with raw profundo tensors:
forward, backward, gradient descent.

The data: two interleaved spirals in the plane, one per class — not linearly separable, so the
hidden layer has to bend the decision boundary. No layers, no optimizer objects: just

    h = tanh(x W₁ + b₁)          hidden layer, 32 neurons
    z = h W₂ + b₂                one score (logit) per class
    L = cross_entropy(z, y)      mean of −log softmax(z)[y]
    θ ← θ − η ∂L/∂θ              gradient descent, gradients from L.backward()

Run:  python examples/tensor_mlp.py   (about two seconds)
"""

import numpy as np

import profundo as pf


def spirals(n_per_class=200, noise=0.2, seed=0):
    """Two spirals of points (x₁, x₂) with labels 0 and 1."""
    rng = np.random.default_rng(seed)
    t = np.sqrt(rng.random(n_per_class)) * 3 * np.pi
    arms = [
        np.stack([t * np.cos(t + k * np.pi), t * np.sin(t + k * np.pi)], axis=1) for k in (0, 1)
    ]
    x = np.concatenate(arms) / (3 * np.pi) + rng.normal(
        0, noise / (3 * np.pi), (2 * n_per_class, 2)
    )
    y = np.repeat([0, 1], n_per_class)
    return x.astype(np.float32), y


def train(steps=1500, hidden=32, learning_rate=0.5, report_every=150, seed=0):
    rng = np.random.default_rng(seed)
    x, y = spirals(seed=seed)
    # weights drawn with variance 1/fan_in, so tanh starts neither saturated nor flat
    w1 = pf.tensor(rng.normal(0, 1 / np.sqrt(2), (2, hidden)), requires_grad=True)
    b1 = pf.zeros(hidden, requires_grad=True)
    w2 = pf.tensor(rng.normal(0, 1 / np.sqrt(hidden), (hidden, 2)), requires_grad=True)
    b2 = pf.zeros(2, requires_grad=True)
    params = [w1, b1, w2, b2]
    x_t = pf.tensor(x * 3)  # scale the inputs to about [-3, 3]
    for step in range(steps + 1):
        h = pf.tanh(x_t @ w1 + b1)  # forward pass
        logits = h @ w2 + b2
        loss = pf.cross_entropy(logits, y)
        loss.backward()  # backward pass: the chain rule
        with pf.no_grad():  # gradient descent step
            for p in params:
                p.data -= learning_rate * p.grad
                p.zero_grad()
        if step % report_every == 0:
            accuracy = (logits.numpy().argmax(axis=1) == y).mean()
            print(f"step {step:5d}   loss {loss.item():.4f}   accuracy {accuracy:.1%}")
    return loss.item(), accuracy


if __name__ == "__main__":
    final_loss, final_accuracy = train()
    print(f"final training accuracy: {final_accuracy:.1%}")
