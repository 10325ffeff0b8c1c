"""The vanishing gradient: why a simple RNN cannot learn a long dependency and an LSTM can.

The task: a sequence of T random numbers; the label says whether the FIRST one is positive.
Everything after it is noise, so the model must carry one bit from step 1 to step T.

Backpropagation through time multiplies the gradient by one Jacobian per step:

    ∂L/∂x_t = ∂L/∂h_T · (∂h_T/∂h_{T−1}) ⋯ (∂h_{t+1}/∂h_t) · ∂h_t/∂x_t

- SimpleRNN, h_k = tanh(x_k W_x + h_{k−1} W_y + b): ∂h_k/∂h_{k−1} = W_yᵀ diag(1 − h_k²), whose
  norm is mostly below 1, so the product shrinks exponentially with the distance T − t;
- LSTM: along the cell state, c_k = f ⊙ c_{k−1} + i ⊙ c̃, the factor is the forget gate f —
  close to 1 when the cell chooses to remember (the forget bias starts at 1) — so the gradient
  from step T still reaches step 1.

The script prints ‖∂L/∂x_t‖ for each time step at initialization, then trains both models.

Run:  python examples/vanishing_gradient.py [--steps 100 --epochs 8]      (a minute or two)
"""
import argparse

import numpy as np

import profundo as pf
from profundo import layers, optimizers
from profundo.layers.recurrent import LSTM, SimpleRNN


def task(n, steps, seed):
    """x (n, steps, 1) uniform in [−1, 1]; y = 1 where x[:, 0] > 0."""
    x = np.random.default_rng(seed).uniform(-1, 1, (n, steps, 1)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.float32)


def build(cell, units=32):
    model = pf.Sequential([layers.Input((None, 1)), cell(units),
                           layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.Adam(3e-3, clipnorm=1.0), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def gradient_per_step(model, x, y):
    """‖∂L/∂x_t‖ for every step t (L: the batch's mean loss)."""
    inputs = pf.tensor(x, requires_grad=True)
    loss = pf.losses.binary_crossentropy(pf.tensor(y), model(inputs)).mean()
    loss.backward()
    return np.linalg.norm(inputs.grad.reshape(len(x), x.shape[1]), axis=0)


def main(steps=100, epochs=8, verbose=0):
    pf.manual_seed(0)
    x, y = task(256, steps, seed=0)
    models = {"SimpleRNN": build(SimpleRNN), "LSTM": build(LSTM)}
    norms = {name: gradient_per_step(m, x, y) for name, m in models.items()}
    print(f"‖∂L/∂x_t‖ at initialization, T = {steps} (the label depends on x_1 only)")
    print("   t   " + "".join(f"{name:>12s}" for name in norms))
    for t in sorted({0, *range(steps - 1, -1, -max(steps // 10, 1))}):
        print(f"{t + 1:4d}   " + "".join(f"{n[t]:12.2e}" for n in norms.values()))
    for name, n in norms.items():
        print(f"{name}: the gradient at t = 1 is {n[0] / n[-1]:.1e} times the one at t = {steps}")

    x_train, y_train = task(4000, steps, seed=1)
    x_test, y_test = task(1000, steps, seed=2)
    accuracy = {}
    for name, model in models.items():
        model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=verbose)
        accuracy[name] = model.evaluate(x_test, y_test, verbose=0)[1]
        print(f"{name} after {epochs} epochs: test accuracy {accuracy[name]:.1%} (chance: 50%)")
    return norms, accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args()
    main(args.steps, args.epochs)
