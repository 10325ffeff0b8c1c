"""Chapter 9 — recurrent networks: the checkers of its exercises, and the vanishing gradient.

One step of a simple RNN, h_t = tanh(x_t W_x + h_{t−1} W_h + b), run over a whole sequence and
compared with ``layers.SimpleRNN`` holding the same weights; the parameter counts of LSTM and GRU
against ``count_params``; a many-to-many model judged by its output shape.
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, returns_none, verdict


def gradient_per_step(recurrent_layer, steps: int = 30, n: int = 128, seed: int = 0) -> np.ndarray:
    """‖∂L/∂x_t‖ for t = 1…steps at initialization, L the mean output of ``recurrent_layer`` (the
    last step's) on random inputs: how much the first inputs can still move the result."""
    from ..autograd import tensor

    x = np.random.default_rng(seed).uniform(-3, 3, (n, steps, 1)).astype(np.float32)
    inputs = tensor(x, requires_grad=True)
    recurrent_layer(inputs).mean().backward()
    return np.linalg.norm(inputs.grad.reshape(n, steps), axis=0)


def hold_gate_open(layer, bias: float = 5.0, input_dim: int = 1):
    """``layer`` (an LSTM or a GRU) built with the bias of its memory gate set to ``bias``: the
    LSTM's forget gate (f ≈ σ(5) ≈ 0.993: keep the cell) or the GRU's update gate (z ≈ 0.993:
    keep the state) — what training can learn where a task needs a long memory."""
    block = {"LSTM": 1, "GRU": 0}[type(layer).__name__]  # Keras' gate orders: i f c o; z r h
    layer(np.zeros((1, 1, input_dim), np.float32))
    weights = layer.get_weights()
    units = layer.units
    weights[2][..., block * units : (block + 1) * units] = bias
    layer.set_weights(weights)
    return layer


@checker
def check_rnn_step(step):
    """Exercise 1: ``step(x_t, h_prev, W_x, W_h, b)`` = tanh(x_t W_x + h_prev W_h + b) for a batch;
    run over 6 steps from h = 0 and compared with ``layers.SimpleRNN``."""
    from ..layers import SimpleRNN

    rng = np.random.default_rng(9)
    x = rng.normal(size=(2, 6, 3)).astype(np.float32)
    rnn = SimpleRNN(4, return_sequences=True)
    want = rnn(x).numpy()
    w_x, w_h, b = rnn.get_weights()
    h = np.zeros((2, 4), np.float32)
    for t in range(x.shape[1]):
        h = step(x[:, t], h, w_x, w_h, b)
        if h is None:
            return returns_none("escribe el paso", "write the step")
        h = np.asarray(h, dtype=np.float32)
        if h.shape != (2, 4):
            return verdict(
                False,
                es=f"h_t debe tener forma (lote, unidades) = (2, 4); tiene {h.shape}.",
                en=f"h_t must have shape (batch, units) = (2, 4); it has {h.shape}.",
            )
        if not np.allclose(h, want[:, t], atol=1e-5):
            return verdict(
                False,
                es=f"en el paso t = {t + 1} tu h_t no coincide con SimpleRNN: "
                f"h_t = tanh(x_t·W_x + h_(t−1)·W_h + b).",
                en=f"at step t = {t + 1} your h_t differs from SimpleRNN's: "
                f"h_t = tanh(x_t·W_x + h_(t−1)·W_h + b).",
            )
    return verdict(
        True,
        es="tus 6 pasos dan la misma secuencia que layers.SimpleRNN.",
        en="your 6 steps give the same sequence as layers.SimpleRNN.",
    )


@checker
def check_parameter_counts(lstm_params, gru_params):
    """Exercise 2: ``lstm_params(input_dim, units)`` and ``gru_params(input_dim, units)`` (GRU with
    Keras' reset_after, two bias vectors) against ``count_params`` of the layers."""
    from ..layers import GRU, LSTM

    for name, fn, layer in (("LSTM", lstm_params, LSTM), ("GRU", gru_params, GRU)):
        for input_dim, units in ((3, 4), (10, 32), (1, 7)):
            built = layer(units)
            built(np.zeros((1, 2, input_dim), np.float32))
            got, want = fn(input_dim, units), built.count_params()
            if got is None:
                return verdict(
                    False,
                    es=f"tu función de {name} devuelve None.",
                    en=f"your {name} function returns None.",
                )
            if int(got) != want:
                return verdict(
                    False,
                    es=f"{name}({units}) sobre {input_dim} entradas: dices {got}, "
                    f"count_params da {want}.",
                    en=f"{name}({units}) on {input_dim} inputs: you say {got}, "
                    f"count_params gives {want}.",
                )
    return verdict(
        True,
        es="tus cuentas coinciden con count_params para LSTM y GRU.",
        en="your counts match count_params for LSTM and GRU.",
    )


@checker
def check_many_to_many(model, steps: int = 12, features: int = 3):
    """Exercise 3: a model that takes sequences (steps, features) and gives one probability per
    step: output shape (batch, steps, 1)."""
    if model is None:
        return verdict(False, es="construye el modelo.", en="build the model.")
    x = np.random.default_rng(3).normal(size=(5, steps, features)).astype(np.float32)
    out = np.asarray(model.predict(x, verbose=0))
    if out.shape == (5, 1) or out.shape == (5,):
        return verdict(
            False,
            es=f"da una salida por secuencia {out.shape}: eso es muchos a uno; "
            f"usa return_sequences=True.",
            en=f"it gives one output per sequence {out.shape}: that is many-to-one; "
            f"use return_sequences=True.",
        )
    if out.shape != (5, steps, 1):
        return verdict(
            False,
            es=f"para 5 secuencias de {steps} pasos la salida debe ser "
            f"(5, {steps}, 1); es {out.shape}.",
            en=f"for 5 sequences of {steps} steps the output must be (5, {steps}, 1); "
            f"it is {out.shape}.",
        )
    if out.min() < 0 or out.max() > 1:
        return verdict(
            False,
            es="las salidas deben ser probabilidades: termina con una sigmoide.",
            en="the outputs must be probabilities: end with a sigmoid.",
        )
    return verdict(
        True,
        es=f"una probabilidad por paso: salida {out.shape}.",
        en=f"one probability per step: output {out.shape}.",
    )
