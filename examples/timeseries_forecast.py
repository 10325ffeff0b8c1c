"""Forecasting a time series with a GRU: read the last 48 values, predict the next one.

The signal is synthetic — two seasonal waves and noise:

    s(t) = sin(2πt/50) + ½ sin(2πt/12) + ε,   ε ~ N(0, 0.1²)

Each example is a window s(t−47) … s(t) (shape (48, 1): one feature per step) and its target
s(t+1): many-to-one. The model's test error is compared with two baselines: "tomorrow equals
today" (the last value) and the mean of the window. Then the model forecasts 50 steps ahead by
feeding its own predictions back in.

Run:  python examples/timeseries_forecast.py [--epochs 10]      (about a minute)
"""

import argparse

import numpy as np

import profundo as pf
from profundo import layers, optimizers

WINDOW = 48


def signal(n=6000, seed=0):
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0, 0.1, n)
    return (np.sin(2 * np.pi * t / 50) + 0.5 * np.sin(2 * np.pi * t / 12) + noise).astype(
        np.float32
    )


def windows(series):
    """(inputs (n, WINDOW, 1), targets (n, 1)): every window and the value after it."""
    view = np.lib.stride_tricks.sliding_window_view(series, WINDOW + 1)
    return view[:, :-1, None].copy(), view[:, -1:].copy()


def main(epochs=10, verbose=2):
    pf.manual_seed(0)
    series = signal()
    cut = int(len(series) * 0.8)  # the past to train on, the future to test on
    x_train, y_train = windows(series[:cut])
    x_test, y_test = windows(series[cut:])
    model = pf.Sequential([layers.Input((WINDOW, 1)), layers.GRU(32), layers.Dense(1)])
    model.compile(optimizer=optimizers.Adam(3e-3), loss="mse", metrics=["mae"])
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, validation_split=0.1, verbose=verbose)

    mae = float(np.mean(np.abs(model.predict(x_test, batch_size=256) - y_test)))
    last = float(np.mean(np.abs(x_test[:, -1] - y_test)))
    mean = float(np.mean(np.abs(x_test.mean(axis=1) - y_test)))
    print(
        f"test MAE: GRU {mae:.3f}   last value {last:.3f}   window mean {mean:.3f}   "
        f"(noise alone: {0.1 * np.sqrt(2 / np.pi):.3f})"
    )

    window = x_test[:1].copy()  # forecast 50 steps, feeding predictions back
    forecast = []
    for _ in range(50):
        nxt = model.predict(window)[0, 0]
        forecast.append(nxt)
        window = np.concatenate([window[:, 1:], [[[nxt]]]], axis=1)
    truth = series[cut + WINDOW : cut + WINDOW + 50]
    print("50 steps ahead, every 10th:  forecast " + " ".join(f"{v:6.2f}" for v in forecast[::10]))
    print("                             truth    " + " ".join(f"{v:6.2f}" for v in truth[::10]))
    return mae, last


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    main(epochs=parser.parse_args().epochs)
