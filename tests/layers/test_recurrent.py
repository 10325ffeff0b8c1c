"""SimpleRNN, LSTM, GRU, Bidirectional: parity with torch.nn.RNN/LSTM/GRU (outputs, states, all
gradients), gradcheck, masking, dropout, save/load, configs, errors."""

import json

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.layers.embedding import Embedding
from profundo.layers.recurrent import GRU, LSTM, Bidirectional, SimpleRNN
from profundo.layers.registry import deserialize_layer, serialize_layer
from profundo.testing import assert_close, to_numpy

N, T, F, U = 3, 5, 4, 6
CELLS = {"rnn": SimpleRNN, "lstm": LSTM, "gru": GRU}


def projection(values):
    """Σ of each tensor times fixed random weights: every output's gradient checked at once."""
    rng = np.random.RandomState(1)
    total = 0
    for v in values:
        w = rng.randn(*v.shape).astype(np.float32)
        total = total + (v * (w if isinstance(v, pf.Tensor) else _torch().tensor(w))).sum()
    return total


def _torch():
    import torch

    return torch


# --- the weight layouts: Keras' (ours) ↔ PyTorch's ------------------------------------------------
def swap_zr(w):
    """GRU gate blocks: Keras' z, r, h ↔ PyTorch's r, z, n (its own inverse)."""
    u = w.shape[-1] // 3
    return np.concatenate([w[..., u : 2 * u], w[..., :u], w[..., 2 * u :]], axis=-1)


def to_torch(cell, layer, module, suffix="_l0"):
    """Copy a built layer's weights into ``module``'s parameters of one layer and direction."""
    torch = _torch()
    kernel, rec, bias = layer.get_weights()
    order = swap_zr if cell == "gru" else (lambda w: w)
    b_in, b_rec = (bias[0], bias[1]) if cell == "gru" else (bias, np.zeros_like(bias))
    with torch.no_grad():
        for name, value in [
            ("weight_ih", order(kernel).T),
            ("weight_hh", order(rec).T),
            ("bias_ih", order(b_in)),
            ("bias_hh", order(b_rec)),
        ]:
            getattr(module, name + suffix).copy_(torch.tensor(np.ascontiguousarray(value)))


def torch_grads(cell, module, suffix="_l0"):
    """∂L/∂(kernel, recurrent_kernel, bias) in Keras' layout from ``module``'s gradients."""
    order = swap_zr if cell == "gru" else (lambda w: w)
    g = {
        name: getattr(module, name + suffix).grad.numpy()
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    }
    bias = np.stack([order(g["bias_ih"]), order(g["bias_hh"])]) if cell == "gru" else g["bias_ih"]
    return [order(g["weight_ih"].T), order(g["weight_hh"].T), bias]


def torch_module(cell, layers_=1, bidirectional=False):
    torch = _torch()
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    return cls(F, U, num_layers=layers_, bidirectional=bidirectional, batch_first=True)


def run_torch(cell, module, x, states=None):
    """(outputs, [final states, each (layers·directions, N, U)]) of a torch module."""
    out, final = module(x, states)
    return out, list(final) if cell == "lstm" else [final]


def check_grads(layer_or_layers, cell, module, suffixes):
    sublayers = layer_or_layers if isinstance(layer_or_layers, list) else [layer_or_layers]
    for sub, suffix in zip(sublayers, suffixes):
        for w, expected in zip(sub.weights, torch_grads(cell, module, suffix)):
            assert_close(w.grad, expected, rtol=1e-4, atol=1e-5, what=w.name)


# --- parity with PyTorch --------------------------------------------------------------------------
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_parity_with_torch_outputs_states_and_all_gradients(cell, return_sequences, go_backwards):
    torch = pytest.importorskip("torch")
    x_np = np.random.randn(N, T, F).astype(np.float32)
    states_np = [np.random.randn(N, U).astype(np.float32) for _ in CELLS[cell].state_names]
    layer = CELLS[cell](
        U,
        return_sequences=return_sequences,
        return_state=True,
        go_backwards=go_backwards,
        bias_initializer="random_normal",
    )
    x = pf.tensor(x_np, requires_grad=True)
    states = [pf.tensor(s, requires_grad=True) for s in states_np]
    y, *finals = layer(x, initial_state=states)
    projection([y, *finals]).backward()

    module = torch_module(cell)
    to_torch(cell, layer, module)
    tx = torch.tensor(x_np[:, ::-1].copy() if go_backwards else x_np, requires_grad=True)
    t_states = [torch.tensor(s[None], requires_grad=True) for s in states_np]
    t_out, t_finals = run_torch(
        cell, module, tx, tuple(t_states) if cell == "lstm" else t_states[0]
    )
    t_y = t_out if return_sequences else t_finals[0][0]
    projection([t_y, *(s[0] for s in t_finals)]).backward()

    assert_close(y, t_y, rtol=1e-5, atol=1e-6, what="outputs")
    for ours, theirs in zip(finals, t_finals):
        assert_close(ours, theirs[0], rtol=1e-5, atol=1e-6, what="final state")
    t_dx = tx.grad.numpy()
    assert_close(x.grad, t_dx[:, ::-1] if go_backwards else t_dx, rtol=1e-4, atol=1e-5)
    for s, ts in zip(states, t_states):
        assert_close(s.grad, ts.grad[0], rtol=1e-4, atol=1e-5, what="initial state")
    check_grads(layer, cell, module, ["_l0"])


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_matches_torch_bidirectional(cell, merge_mode):
    torch = pytest.importorskip("torch")
    x_np = np.random.randn(N, T, F).astype(np.float32)
    layer = Bidirectional(
        CELLS[cell](U, return_sequences=True, return_state=True, bias_initializer="random_normal"),
        merge_mode=merge_mode,
    )
    x = pf.tensor(x_np, requires_grad=True)
    out = layer(x)
    n_states = len(CELLS[cell].state_names)
    ys, finals = out[: len(out) - 2 * n_states], out[len(out) - 2 * n_states :]
    projection([*ys, *finals]).backward()

    module = torch_module(cell, bidirectional=True)
    to_torch(cell, layer.forward_layer, module, "_l0")
    to_torch(cell, layer.backward_layer, module, "_l0_reverse")
    tx = torch.tensor(x_np, requires_grad=True)
    t_out, t_finals = run_torch(cell, module, tx)
    fwd, bwd = t_out[..., :U], t_out[..., U:]
    t_ys = {
        "concat": [t_out],
        "sum": [fwd + bwd],
        "mul": [fwd * bwd],
        "ave": [(fwd + bwd) / 2],
        None: [fwd, bwd],
    }[merge_mode]
    t_states = [s[0] for s in t_finals] + [s[1] for s in t_finals]  # forward's, then backward's
    projection([*t_ys, *t_states]).backward()

    for ours, theirs in zip(ys + finals, t_ys + t_states):
        assert_close(ours, theirs, rtol=1e-5, atol=1e-6)
    assert_close(x.grad, tx.grad, rtol=1e-4, atol=1e-5)
    check_grads([layer.forward_layer, layer.backward_layer], cell, module, ["_l0", "_l0_reverse"])


@pytest.mark.parametrize("cell", CELLS)
def test_two_stacked_layers_match_torch_num_layers_2(cell):
    torch = pytest.importorskip("torch")
    x_np = np.random.randn(N, T, F).astype(np.float32)
    first = CELLS[cell](U, return_sequences=True, bias_initializer="random_normal")
    second = CELLS[cell](
        U, return_sequences=True, return_state=True, bias_initializer="random_normal"
    )
    x = pf.tensor(x_np, requires_grad=True)
    y, *finals = second(first(x))
    projection([y, *finals]).backward()

    module = torch_module(cell, layers_=2)
    to_torch(cell, first, module, "_l0")
    to_torch(cell, second, module, "_l1")
    tx = torch.tensor(x_np, requires_grad=True)
    t_out, t_finals = run_torch(cell, module, tx)
    projection([t_out, *(s[1] for s in t_finals)]).backward()

    assert_close(y, t_out, rtol=1e-5, atol=1e-6)
    for ours, theirs in zip(finals, t_finals):
        assert_close(ours, theirs[1], rtol=1e-5, atol=1e-6)
    assert_close(x.grad, tx.grad, rtol=1e-4, atol=1e-5)
    check_grads([first, second], cell, module, ["_l0", "_l1"])


# --- gradcheck ------------------------------------------------------------------------------------
def with_weights(sublayers, fn):
    """A function of (x, *weights) that runs ``fn(x)`` with these tensors as the layers' weights."""

    def run(x, *weights):
        for k, sub in enumerate(sublayers):
            sub.kernel, sub.recurrent_kernel, sub.bias = weights[3 * k : 3 * k + 3]
        return fn(x)

    return run


@pytest.mark.parametrize("cell", CELLS)
def test_gradcheck_bidirectional_with_mask(cell):
    layer = Bidirectional(
        CELLS[cell](2, return_sequences=True, dtype="float64", bias_initializer="random_normal"),
        dtype="float64",
    )
    x = np.random.randn(2, 3, 2)
    mask = np.array([[True, True, False], [True, True, True]])
    layer(pf.tensor(x, dtype="float64"))
    subs = [layer.forward_layer, layer.backward_layer]
    weights = [w.data for sub in subs for w in sub.weights]
    pf.gradcheck(with_weights(subs, lambda x: layer(x, mask=mask)), [x, *weights])


@pytest.mark.parametrize("cell", CELLS)
def test_gradcheck_go_backwards_last_output_and_states(cell):
    layer = CELLS[cell](2, go_backwards=True, return_state=True, dtype="float64")
    x = np.random.randn(2, 3, 2)
    layer(pf.tensor(x, dtype="float64"))

    def fn(x):
        y, *states = layer(x)
        return pf.concatenate([y, *states], axis=1)

    pf.gradcheck(with_weights([layer], fn), [x, *(w.data for w in layer.weights)])


# --- masking --------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("padding", ["post", "pre"])
def test_padded_batch_gives_the_outputs_of_each_sequence_alone(cell, padding):
    lengths = [5, 2, 4]
    layer = CELLS[cell](U, return_sequences=True, return_state=True)
    seqs = [np.random.randn(n, F).astype(np.float32) for n in lengths]
    x = np.full((N, T, F), 9.0, np.float32)  # padding values must not matter
    mask = np.zeros((N, T), bool)
    for i, s in enumerate(seqs):
        place = slice(0, len(s)) if padding == "post" else slice(T - len(s), T)
        x[i, place], mask[i, place] = s, True
    y, *finals = layer(x, mask=mask)
    for i, s in enumerate(seqs):
        alone, *alone_finals = layer(s[None])
        assert_close(to_numpy(y)[i][mask[i]], to_numpy(alone)[0], rtol=1e-5, atol=1e-6)
        for final, alone_final in zip(finals, alone_finals):
            assert_close(to_numpy(final)[i], to_numpy(alone_final)[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_bidirectional_masked_batch_matches_sequences_alone(merge_mode):
    lengths = [5, 3, 1]
    layer = Bidirectional(LSTM(U, return_sequences=True), merge_mode=merge_mode)
    x = np.random.randn(N, T, F).astype(np.float32)
    mask = np.arange(T)[None] < np.array(lengths)[:, None]
    out = layer(x, mask=mask)
    for i, n in enumerate(lengths):
        alone = layer(x[i : i + 1, :n])
        for ours, theirs in zip(*(o if merge_mode is None else [o] for o in (out, alone))):
            assert_close(to_numpy(ours)[i, :n], to_numpy(theirs)[0], rtol=1e-5, atol=1e-6)


def test_embedding_mask_zero_feeds_the_recurrent_layer():
    emb, rnn = Embedding(10, 4, mask_zero=True), GRU(3)
    ids = np.array([[4, 2, 7, 0, 0], [5, 0, 0, 0, 0]])
    last = rnn(emb(ids), mask=emb.compute_mask(ids))
    for i, n in enumerate([3, 1]):
        assert_close(last[i], rnn(emb(ids[i : i + 1, :n]))[0], rtol=1e-5, atol=1e-6)
    assert rnn.compute_mask(ids, emb.compute_mask(ids)) is None
    seq = LSTM(3, return_sequences=True)
    assert seq.compute_mask(ids, emb.compute_mask(ids)) is not None


# --- layer behaviour ------------------------------------------------------------------------------
def test_weights_have_keras_shapes_and_initial_values():
    x = np.zeros((2, 5, 3), np.float32)
    lstm, gru, old_gru, rnn = LSTM(4), GRU(4), GRU(4, reset_after=False), SimpleRNN(4)
    for layer in (lstm, gru, old_gru, rnn):
        layer(x)
    assert [w.shape for w in lstm.get_weights()] == [(3, 16), (4, 16), (16,)]
    assert [w.shape for w in gru.get_weights()] == [(3, 12), (4, 12), (2, 12)]
    assert [w.shape for w in old_gru.get_weights()] == [(3, 12), (4, 12), (12,)]
    assert [w.shape for w in rnn.get_weights()] == [(3, 4), (4, 4), (4,)]
    assert_close(lstm.bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])  # unit_forget_bias
    u = lstm.recurrent_kernel.numpy()
    assert_close(u @ u.T, np.eye(4), atol=1e-5)  # orthogonal rows
    assert [w.name for w in lstm.weights] == [
        f"{lstm.name}/{w}" for w in ("kernel", "recurrent_kernel", "bias")
    ]


def test_simple_rnn_is_the_course_formula():
    layer = SimpleRNN(3, activation="sigmoid", return_sequences=True)
    x = np.random.randn(2, 4, 2).astype(np.float32)
    y = to_numpy(layer(x))
    w_x, w_y, b = layer.get_weights()
    prev = np.zeros((2, 3), np.float32)
    for t in range(4):
        prev = 1 / (1 + np.exp(-(x[:, t] @ w_x + prev @ w_y + b)))
        assert_close(y[:, t], prev, rtol=1e-5, atol=1e-6)


def test_input_dropout_uses_one_mask_per_sequence_and_only_in_training():
    layer = LSTM(4, dropout=0.5)
    x = pf.randn(6, 5, 8, requires_grad=True)
    assert_close(layer(x), layer(x))  # inference: no dropout
    layer(x, training=True).sum().backward()
    dropped = np.all(to_numpy(x.grad) == 0, axis=1)  # (6, 8): feature k of sample n
    assert dropped.any() and not dropped.all()
    assert np.array_equal(np.any(to_numpy(x.grad) == 0, axis=1), dropped)  # at every step alike


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: SimpleRNN(4, **kw),
        lambda **kw: LSTM(4, **kw),
        lambda **kw: GRU(4, **kw),
        lambda **kw: GRU(4, reset_after=False, **kw),
    ],
)
def test_recurrent_dropout_only_in_training_and_reproducible_under_manual_seed(make):
    x = pf.randn(3, 5, 2)
    layer, plain = make(recurrent_dropout=0.5, return_sequences=True), make(return_sequences=True)
    layer(x)
    plain(x)
    plain.set_weights(layer.get_weights())
    assert_close(layer(x), plain(x))  # inference: the identity
    assert_close(layer(x, training=False), plain(x))
    pf.manual_seed(7)
    first = to_numpy(layer(x, training=True))
    pf.manual_seed(7)
    assert_close(layer(x, training=True), first)  # same seed, same masks
    assert not np.allclose(first, to_numpy(plain(x)))
    assert_close(first[:, 0], plain(x)[:, 0])  # h_0 = 0: the first step has nothing to drop


def test_regularizers_and_training_in_a_model():
    model = pf.Sequential(
        [
            layers.Input((5, 3)),
            GRU(4, kernel_regularizer="l2", recurrent_regularizer="l2"),
            layers.Dense(1),
        ]
    )
    assert model.layers[0].regularization_loss() is not None
    model.compile(optimizer="adam", loss="mse")
    x, y = np.random.randn(16, 5, 3).astype(np.float32), np.random.randn(16, 1).astype(np.float32)
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=20, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < first


def test_functional_encoder_decoder_with_initial_state_saves_and_loads(tmp_path):
    enc_in, dec_in = layers.Input((6, 3)), layers.Input((4, 2))
    _, h, c = LSTM(5, return_state=True)(enc_in)
    dec = LSTM(5, return_sequences=True)(dec_in, initial_state=[h, c])
    model = pf.Model([enc_in, dec_in], layers.Dense(2)(dec))
    xs = [np.random.randn(3, 6, 3).astype(np.float32), np.random.randn(3, 4, 2).astype(np.float32)]
    before = model.predict(xs)
    assert before.shape == (3, 4, 2)
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "seq2seq.profundo")
    loaded = pf.models.load_model(tmp_path / "seq2seq.profundo")
    assert_close(loaded.predict(xs), before, rtol=1e-6, atol=1e-7)


def test_sequential_recurrent_model_saves_and_loads(tmp_path):
    model = pf.Sequential(
        [
            layers.Input((7,)),
            Embedding(20, 8, mask_zero=True),
            Bidirectional(LSTM(6, return_sequences=True), merge_mode="ave"),
            SimpleRNN(5, return_sequences=True, go_backwards=True),
            GRU(4),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    ids = np.random.randint(0, 20, (4, 7))
    model.fit(ids, np.array([[0], [1], [1], [0]], np.float32), epochs=1, verbose=0)
    model.save(tmp_path / "rnn.profundo")
    loaded = pf.models.load_model(tmp_path / "rnn.profundo")
    assert_close(loaded.predict(ids), model.predict(ids), rtol=1e-6, atol=1e-7)
    assert [w.name for w in loaded.weights] == [w.name for w in model.weights]


@pytest.mark.parametrize(
    "layer",
    [
        SimpleRNN(3, activation="relu", go_backwards=True, name="r"),
        LSTM(
            3,
            return_sequences=True,
            return_state=True,
            unit_forget_bias=False,
            dropout=0.25,
            recurrent_dropout=0.125,
            recurrent_activation="hard_sigmoid",
            kernel_regularizer="l2",
        ),
        GRU(3, reset_after=False, use_bias=False, recurrent_initializer="glorot_uniform"),
        Bidirectional(LSTM(3, return_sequences=True), merge_mode="mul"),
        Bidirectional(GRU(3), merge_mode=None),
    ],
)
def test_config_round_trip(layer):
    config = json.loads(json.dumps(serialize_layer(layer)))
    if getattr(layer, "dropout", 0):
        assert config["config"]["recurrent_dropout"] == 0.125
    clone = deserialize_layer(config)
    assert type(clone) is type(layer) and serialize_layer(clone) == config
    x = np.random.randn(2, 4, 3).astype(np.float32)
    layer(x)
    clone(x)
    clone.set_weights(layer.get_weights())
    for a, b in zip(pf.layers.nest.flatten(layer(x)), pf.layers.nest.flatten(clone(x))):
        assert_close(a, b)


@pytest.mark.parametrize(
    "layer,shape,expected",
    [
        (LSTM(4), (None, 5, 3), (None, 4)),
        (GRU(4, return_sequences=True, return_state=True), (None, 5, 3), [(None, 5, 4), (None, 4)]),
        (Bidirectional(SimpleRNN(4, return_sequences=True)), (None, 5, 3), (None, 5, 8)),
        (Bidirectional(LSTM(4, return_state=True), merge_mode=None), (None, 5, 3), [(None, 4)] * 6),
    ],
)
def test_compute_output_shape_matches_the_outputs(layer, shape, expected):
    assert layer.compute_output_shape(shape) == expected
    out = layer(np.zeros((2,) + shape[1:], np.float32))
    shapes = [t.shape for t in out] if isinstance(out, list) else out.shape
    assert shapes == (
        [(2,) + s[1:] for s in expected] if isinstance(expected, list) else (2,) + expected[1:]
    )


def test_clear_errors():
    x = np.zeros((2, 5, 3), np.float32)
    with pytest.raises(
        ValueError,
        match=r"LSTM 'seq': expected inputs of shape \(batch, time, "
        r"features\), got shape \(2, 5\).*Embedding",
    ):
        LSTM(4, name="seq")(np.zeros((2, 5), np.float32))
    layer = GRU(4)
    layer(x)
    with pytest.raises(
        ValueError, match=r"GRU '\w+': expected 3 features \(last axis\), got shape \(2, 5, 7\)"
    ):
        layer(np.zeros((2, 5, 7), np.float32))
    with pytest.raises(ValueError, match=r"initial_state must hold 2 tensor\(s\) \(h, c\)"):
        LSTM(4)(x, initial_state=[pf.zeros(2, 4)])
    with pytest.raises(ValueError, match="activation must be one of tanh.*got 'softmax'"):
        SimpleRNN(4, activation="softmax")
    with pytest.raises(ValueError, match=r"LSTM: recurrent_dropout must be in \[0, 1\), got 1"):
        LSTM(4, recurrent_dropout=1.0)
    with pytest.raises(ValueError, match="units must be a positive int"):
        GRU(0)
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        GRU(2, dropout=1.0)
    with pytest.raises(TypeError, match="expected a recurrent layer.*Dense"):
        Bidirectional(layers.Dense(3))
    with pytest.raises(ValueError, match="merge_mode must be one of"):
        Bidirectional(LSTM(3), merge_mode="max")
    with pytest.raises(ValueError, match="mask must be"):
        LSTM(2)(x, mask=np.ones((2, 4), bool))


def test_models_carry_the_embedding_mask_to_the_recurrent_layers():
    ids = np.array([[4, 2, 7, 0, 0], [5, 0, 0, 0, 0], [1, 2, 3, 4, 5]])
    emb, drop, rnn = Embedding(10, 4, mask_zero=True), layers.Dropout(0.3), LSTM(3)
    inputs = layers.Input((5,))
    models = [
        pf.Sequential([layers.Input((5,)), emb, drop, rnn]),
        pf.Model(inputs, rnn(drop(emb(inputs)))),
    ]
    for model in models:
        out = model.predict(ids)
        for i, n in enumerate([3, 1, 5]):
            assert_close(out[i], rnn(emb(ids[i : i + 1, :n]))[0], rtol=1e-5, atol=1e-6)


def test_mask_reaches_stacked_bidirectional_and_stateful_calls_in_a_functional_model():
    ids = np.array([[4, 2, 7, 0, 0], [5, 0, 0, 0, 0]])
    emb, lstm = Embedding(10, 4, mask_zero=True), LSTM(2)
    bi = Bidirectional(GRU(3, return_sequences=True))
    inputs, h0, c0 = layers.Input((5,)), layers.Input((2,)), layers.Input((2,))
    model = pf.Model([inputs, h0, c0], lstm(bi(emb(inputs)), initial_state=[h0, c0]))
    h, c = np.random.randn(2, 2).astype(np.float32), np.random.randn(2, 2).astype(np.float32)
    out = model.predict([ids, h, c])
    for i, n in enumerate([3, 1]):
        alone = lstm(bi(emb(ids[i : i + 1, :n])), initial_state=[h[i : i + 1], c[i : i + 1]])
        assert_close(out[i], alone[0], rtol=1e-5, atol=1e-6)
