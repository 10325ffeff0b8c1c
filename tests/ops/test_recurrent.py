"""simple_rnn/lstm/gru: gradcheck, parity with torch.nn.RNN/LSTM/GRU, masking, go_backwards."""

import numpy as np
import pytest

import profundo as pf
from profundo.testing import assert_close, to_numpy

# cell name: (public function, gates G, number of states, extra settings)
CELLS = {
    "rnn": (pf.simple_rnn, 1, 1, {}),
    "lstm": (pf.lstm, 4, 2, {}),
    "gru": (pf.gru, 3, 1, {}),
    "gru_reset_before": (pf.gru, 3, 1, {"reset_after": False}),
}


def weights(cell, features, units, dtype=np.float64):
    """Random kernel, recurrent_kernel and bias of the cell in Keras' layout."""
    _, g, _, settings = CELLS[cell]
    bias_shape = (2, g * units) if cell == "gru" else (g * units,)
    return [
        np.random.randn(*shape).astype(dtype) * 0.5
        for shape in [(features, g * units), (units, g * units), bias_shape]
    ]


def run(cell, x, kernel, rec, bias, states=(), **kw):
    fn, _, _, settings = CELLS[cell]
    return fn(x, kernel, rec, bias, *states, **settings, **kw)


def projection(*arrays):
    """Σ of each result times fixed random weights: checks every output's gradient at once."""
    vs = [np.random.RandomState(1).randn(*a.shape) for a in arrays]
    if not isinstance(arrays[0], pf.Tensor):  # torch tensors
        import torch

        vs = [torch.tensor(v, dtype=a.dtype) for v, a in zip(vs, arrays)]
    total = (arrays[0] * vs[0]).sum()
    for a, v in zip(arrays[1:], vs[1:]):
        total = total + (a * v).sum()
    return total


MASK = np.array([[True, True, False], [False, True, True]])  # a padded end and a padded start


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("with_states", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("mask", [None, MASK])
def test_gradcheck(cell, with_states, go_backwards, mask):
    n_states = CELLS[cell][2]
    x = np.random.randn(2, 3, 3)
    states = [np.random.randn(2, 2) for _ in range(n_states)] if with_states else []

    def f(x, kernel, rec, bias, *states):
        return projection(
            *run(cell, x, kernel, rec, bias, states, go_backwards=go_backwards, mask=mask)
        )

    pf.gradcheck(f, [x, *weights(cell, 3, 2), *states])


@pytest.mark.parametrize(
    "cell,activation",
    [
        ("rnn", "relu"),
        ("rnn", "sigmoid"),
        ("rnn", "hard_sigmoid"),
        ("rnn", "linear"),
        ("lstm", "relu"),
        ("gru", "linear"),
    ],
)
def test_gradcheck_activations(cell, activation):
    x = np.random.randn(2, 3, 3)

    def f(*args):
        return projection(*run(cell, *args, activation=activation))

    pf.gradcheck(f, [x, *weights(cell, 3, 2)])


@pytest.mark.parametrize("cell", ["lstm", "gru", "gru_reset_before"])
@pytest.mark.parametrize("recurrent_activation", ["hard_sigmoid", "tanh"])
def test_gradcheck_recurrent_activations(cell, recurrent_activation):
    x = np.random.randn(2, 3, 3)

    def f(*args):
        return projection(*run(cell, *args, recurrent_activation=recurrent_activation))

    pf.gradcheck(f, [x, *weights(cell, 3, 2)])


@pytest.mark.parametrize("cell", CELLS)
def test_gradcheck_without_bias_and_from_the_final_state_alone(cell):
    kernel, rec, _ = weights(cell, 3, 2)
    pf.gradcheck(
        lambda x, kernel, rec: run(cell, x, kernel, rec, None)[1],
        [np.random.randn(2, 3, 3), kernel, rec],
    )


# --- recurrent_mask (recurrent dropout) ---------------------------------------------------------
RMASK = np.array([[2.0, 0.0], [1.25, 2.0]])  # (batch, units): a dropped unit, scaled survivors


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("go_backwards,mask", [(False, None), (True, MASK)])
def test_gradcheck_with_recurrent_mask(cell, go_backwards, mask):
    states = [np.random.randn(2, 2) for _ in range(CELLS[cell][2])]

    def f(x, kernel, rec, bias, *states):
        return projection(
            *run(
                cell,
                x,
                kernel,
                rec,
                bias,
                states,
                go_backwards=go_backwards,
                mask=mask,
                recurrent_mask=RMASK,
            )
        )

    pf.gradcheck(f, [np.random.randn(2, 3, 3), *weights(cell, 3, 2), *states])


@pytest.mark.parametrize("cell", CELLS)
def test_recurrent_mask_is_each_sequence_run_with_its_recurrent_kernel_rows_scaled(cell):
    """(h ⊙ m) U = h (diag(m) U): sequence n alone, with U's rows scaled by m_n, is the reference
    for outputs, states and ∂L/∂x; and ∂L/∂U = Σₙ diag(m_n) ∂L/∂(diag(m_n) U)."""
    x, (kernel, rec, bias) = np.random.randn(2, 4, 3), weights(cell, 3, 2)
    f64 = dict(dtype=np.float64, requires_grad=True)
    xt, rt = pf.tensor(x, **f64), pf.tensor(rec, **f64)
    results = run(cell, xt, kernel, rt, bias, recurrent_mask=RMASK)
    projection(*results).backward()
    drec = np.zeros_like(rec)
    for n, m in enumerate(RMASK):
        xn, rn = pf.tensor(x[n : n + 1], **f64), pf.tensor(m[:, None] * rec, **f64)
        alone = run(cell, xn, kernel, rn, bias)
        for ours, ref in zip(results, alone):
            assert_close(ours[n : n + 1], ref, rtol=1e-10, atol=1e-12)
        vs = [np.random.RandomState(1).randn(*r.shape)[n : n + 1] for r in results]
        sum((r * v).sum() for r, v in zip(alone, vs)).backward()
        assert_close(xt.grad[n : n + 1], xn.grad, rtol=1e-10, atol=1e-12)
        drec += m[:, None] * to_numpy(rn.grad)
    assert_close(rt.grad, drec, rtol=1e-10, atol=1e-12)


# --- parity with PyTorch -------------------------------------------------------------------------
def swap_zr(w):
    """Keras' GRU gate blocks z, r, h ↔ PyTorch's r, z, n (the swap is its own inverse)."""
    u = w.shape[-1] // 3
    return np.concatenate([w[..., u : 2 * u], w[..., :u], w[..., 2 * u :]], axis=-1)


def torch_module(torch, cell, features, units, kernel, rec, bias, activation):
    """torch.nn.RNN/LSTM/GRU holding our Keras-layout weights (torch keeps W transposed)."""
    dtype = torch.float64 if kernel.dtype == np.float64 else torch.float32
    if cell == "rnn":
        module = torch.nn.RNN(
            features, units, nonlinearity=activation, batch_first=True, dtype=dtype
        )
    else:
        module = getattr(torch.nn, cell.upper())(features, units, batch_first=True, dtype=dtype)
    order = swap_zr if cell == "gru" else (lambda w: w)
    b_in, b_rec = (bias[0], bias[1]) if cell == "gru" else (bias, np.zeros_like(bias))
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.tensor(order(kernel).T))
        module.weight_hh_l0.copy_(torch.tensor(order(rec).T))
        module.bias_ih_l0.copy_(torch.tensor(order(b_in)))
        module.bias_hh_l0.copy_(torch.tensor(order(b_rec)))
    return module


@pytest.mark.parametrize(
    "cell,activation", [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
)
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-10), (np.float32, 1e-4)])
def test_parity_with_torch(cell, activation, dtype, rtol):
    torch = pytest.importorskip("torch")
    n, steps, features, units = 3, 5, 4, 6
    n_states = CELLS[cell][2]
    arrays = [
        np.random.randn(n, steps, features).astype(dtype),
        *weights(cell, features, units, dtype),
        *(np.random.randn(n, units).astype(dtype) for _ in range(n_states)),
    ]
    ours = [pf.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    settings = {"activation": activation} if cell == "rnn" else {}
    results = run(cell, *ours[:4], ours[4:], **settings)
    projection(*results).backward()

    module = torch_module(torch, cell, features, units, *arrays[1:4], activation)
    tx = torch.tensor(arrays[0], requires_grad=True)
    t_states = [torch.tensor(s[None], requires_grad=True) for s in arrays[4:]]
    t_out, t_final = module(tx, tuple(t_states) if cell == "lstm" else t_states[0])
    t_final = t_final if cell == "lstm" else (t_final,)
    expected = [t_out] + [s[0] for s in t_final]
    projection(*expected).backward()

    for what, ours_r, theirs in zip(["outputs", "h", "c"], results, expected):
        assert_close(ours_r, theirs, rtol=rtol, atol=rtol, what=what)
    order = swap_zr if cell == "gru" else (lambda w: w)
    kernel_grad = order(module.weight_ih_l0.grad.numpy().T)
    rec_grad = order(module.weight_hh_l0.grad.numpy().T)
    if cell == "gru":
        bias_grad = np.stack(
            [order(module.bias_ih_l0.grad.numpy()), order(module.bias_hh_l0.grad.numpy())]
        )
    else:
        bias_grad = module.bias_ih_l0.grad.numpy()
    expected_grads = [tx.grad, kernel_grad, rec_grad, bias_grad] + [s.grad[0] for s in t_states]
    for k, (t, g) in enumerate(zip(ours, expected_grads)):
        assert_close(t.grad, g, rtol=rtol, atol=rtol, what=f"gradient of input {k}")
        assert t.grad.dtype == dtype


def test_gru_reset_before_matches_a_loop_over_the_formulas():
    x = np.random.randn(2, 4, 3)
    kernel, rec, bias = weights("gru_reset_before", 3, 5)
    h = np.random.randn(2, 5)
    sigmoid = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    outputs, h_T = run("gru_reset_before", x, kernel, rec, bias, [h])
    u = 5
    for t in range(4):
        xw = x[:, t] @ kernel + bias
        z = sigmoid(xw[:, :u] + h @ rec[:, :u])
        r = sigmoid(xw[:, u : 2 * u] + h @ rec[:, u : 2 * u])
        h = z * h + (1 - z) * np.tanh(xw[:, 2 * u :] + (r * h) @ rec[:, 2 * u :])
        assert_close(outputs.numpy()[:, t], h, rtol=1e-10, atol=1e-10)
    assert_close(h_T, h, rtol=1e-10, atol=1e-10)


# --- masking and go_backwards ----------------------------------------------------------------
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_right_padded_batch_matches_each_sequence_alone(cell, go_backwards):
    lengths, steps = [5, 2, 4], 5
    x = np.random.randn(3, steps, 3)
    kernel, rec, bias = weights(cell, 3, 4)
    mask = np.arange(steps)[None, :] < np.array(lengths)[:, None]
    x[~mask] = 7.0  # padding must not matter
    outputs, *finals = run(cell, x, kernel, rec, bias, mask=mask, go_backwards=go_backwards)
    for i, length in enumerate(lengths):
        alone, *alone_finals = run(
            cell, x[i : i + 1, :length], kernel, rec, bias, go_backwards=go_backwards
        )
        for final, alone_final in zip(finals, alone_finals):
            assert_close(final.numpy()[i], alone_final.numpy()[0], rtol=1e-12, atol=1e-12)
        out = outputs.numpy()[i]
        if go_backwards:  # the padding comes first: zeros, then the sequence's own outputs
            assert_close(out[: steps - length], np.zeros((steps - length, 4)))
            assert_close(out[steps - length :], alone.numpy()[0], rtol=1e-12, atol=1e-12)
        else:  # the real steps, then the last output repeated
            assert_close(out[:length], alone.numpy()[0], rtol=1e-12, atol=1e-12)
            assert_close(out[length:], np.broadcast_to(out[length - 1], (steps - length, 4)))


def test_mask_skips_steps_in_the_middle_and_padding_gets_no_gradient():
    x = pf.randn(2, 4, 3, requires_grad=True)
    kernel, rec, bias = weights("lstm", 3, 2, np.float32)
    mask = np.array([[True, False, True, True], [True, True, True, False]])
    outputs, h, c = pf.lstm(x, kernel, rec, bias, mask=mask)
    assert_close(outputs.numpy()[0, 1], outputs.numpy()[0, 0])
    kept = x.numpy()[:, mask[0]][:1]
    alone, h_alone, c_alone = pf.lstm(kept, kernel, rec, bias)
    assert_close(h.numpy()[0], h_alone.numpy()[0])
    assert_close(c.numpy()[0], c_alone.numpy()[0])
    (outputs.sum() + h.sum() + c.sum()).backward()
    grad = to_numpy(x.grad)
    assert not grad[~mask].any() and grad[mask].all()


def test_leading_masked_steps_output_zeros_and_carry_the_initial_state():
    x = np.random.randn(1, 3, 3)
    h0 = np.random.randn(1, 2)
    kernel, rec, bias = weights("rnn", 3, 2)
    outputs, h = pf.simple_rnn(x, kernel, rec, bias, h0, mask=[[False, False, True]])
    assert not outputs.numpy()[0, :2].any()
    _, h_alone = pf.simple_rnn(x[:, 2:], kernel, rec, bias, h0)
    assert_close(h, h_alone)


def test_go_backwards_is_the_reversed_sequence():
    x = np.random.randn(2, 4, 3)
    kernel, rec, bias = weights("lstm", 3, 2)
    back = pf.lstm(x, kernel, rec, bias, go_backwards=True)
    forward_on_reversed = pf.lstm(x[:, ::-1], kernel, rec, bias)
    for a, b in zip(back, forward_on_reversed):
        assert_close(a, b, rtol=1e-12, atol=1e-12)


# --- dtypes, graph handling, errors ---------------------------------------------------------------
@pytest.mark.parametrize("cell", CELLS)
def test_float32_stays_float32(cell):
    x = pf.randn(2, 3, 3, requires_grad=True)
    params = [pf.tensor(w, requires_grad=True) for w in weights(cell, 3, 4, np.float32)]
    results = run(cell, x, *params, mask=np.ones((2, 3), bool))
    assert all(r.dtype == np.float32 for r in results)
    projection(*results).backward()
    assert all(t.grad.dtype == np.float32 for t in [x, *params])


def test_no_grad_and_retain_graph():
    x = pf.randn(2, 3, 3, requires_grad=True)
    kernel, rec, bias = weights("gru", 3, 2, np.float32)
    with pf.no_grad():
        assert not pf.gru(x, kernel, rec, bias)[0].requires_grad
    outputs, h = pf.gru(x, kernel, rec, bias)
    loss = outputs.sum() + h.sum()
    loss.backward(retain_graph=True)
    first = x.grad.copy()
    loss.backward()
    assert_close(x.grad, 2 * first)


X = np.zeros((2, 3, 3), np.float32)
ERRORS = [  # (call with the LSTM weights k, r, b of 3 features and 2 units, expected message)
    (lambda k, r, b: pf.lstm(X[0], k, r, b), r"LSTM: x must be \(batch, time, features\)"),
    (
        lambda k, r, b: pf.lstm(np.zeros((2, 3, 5)), k, r, b),
        r"kernel must be \(features, 4·units\) = \(5, 8\) for 5 input features and 2 units",
    ),
    (
        lambda k, r, b: pf.lstm(X, k, r[:, :6], b),
        r"recurrent_kernel must be \(units, 4·units\), the gates i, f, c, o side by side",
    ),
    (lambda k, r, b: pf.lstm(X, k, r, b[:4]), r"bias of LSTM with 2 units must have shape \(8,\)"),
    (
        lambda k, r, b: pf.lstm(X, k, r, b, c0=pf.zeros(3, 2)),
        r"c0 must be \(batch, units\) = \(2, 2\), got shape \(3, 2\)",
    ),
    (
        lambda k, r, b: pf.lstm(X, k, r, b, mask=np.ones((2, 4))),
        r"mask must be \(batch, time\) = \(2, 3\)",
    ),
    (
        lambda k, r, b: pf.lstm(X, k, r, b, recurrent_mask=np.ones((2, 3))),
        r"recurrent_mask must be \(batch, units\) = \(2, 2\), got shape \(2, 3\)",
    ),
    (
        lambda k, r, b: pf.lstm(X, k, r, b, activation="swish"),
        r"activation must be one of 'tanh', .*; got 'swish'",
    ),
    (
        lambda k, r, b: pf.gru(X, k[:, :6], r[:, :6], b[:6]),
        r"GRU: bias of GRU with 2 units must have shape \(2, 6\)",
    ),
    (
        lambda k, r, b: pf.simple_rnn(X, k[:, :2], r, b[:2]),
        r"SimpleRNN: recurrent_kernel must be \(units, units\); got shape \(2, 8\)",
    ),
]


@pytest.mark.parametrize("call,message", ERRORS)
def test_errors_name_what_went_wrong(call, message):
    kernel, rec, bias = (pf.tensor(w) for w in weights("lstm", 3, 2, np.float32))
    with pytest.raises(ValueError, match=message):
        call(kernel, rec, bias)


# --- the LSTM's fast loops (σ and tanh, no mask) against its reference loops ------------------
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 2e-6)])
@pytest.mark.parametrize("go_backwards,rmask,bias", [(False, None, True), (True, RMASK, False)])
def test_lstm_fast_loops_equal_the_reference_loops(
    monkeypatch, dtype, tol, go_backwards, rmask, bias
):
    kernel, rec, b = weights("lstm", 3, 2, dtype)
    arrays = [np.random.randn(2, 4, 3).astype(dtype), kernel, rec, b * 4]  # some gates saturate
    arrays += [np.random.randn(2, 2).astype(dtype) for _ in range(2)]
    runs = []
    for fast in (True, False):
        monkeypatch.setattr(pf.ops.recurrent.LSTM, "fast", fast)
        ts = [pf.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
        results = pf.lstm(
            ts[0],
            ts[1],
            ts[2],
            ts[3] if bias else None,
            *ts[4:],
            go_backwards=go_backwards,
            recurrent_mask=rmask,
        )
        projection(*results).backward()
        runs.append([to_numpy(r) for r in results] + [t.grad for t in ts if t.grad is not None])
    assert len(runs[0]) == len(runs[1]) == 3 + 5 + bias
    for k, (fast, reference) in enumerate(zip(*runs)):
        assert fast.dtype == dtype
        assert_close(fast, reference, rtol=tol, atol=tol, what=f"result {k}")


def test_lstm_fast_loop_saturates_without_warnings():
    kernel, rec, bias = weights("lstm", 3, 2, np.float32)
    x = np.full((1, 2, 3), 1e4, np.float32)  # e^(±huge): σ = 0 or 1, tanh = ±1, no NaN
    with np.errstate(over="raise"):
        outputs, h, c = pf.lstm(x, kernel, rec, bias)
    assert np.isfinite(to_numpy(outputs)).all() and np.isfinite(to_numpy(c)).all()


@pytest.mark.parametrize("shape", [(2, 4, 3), (1, 1, 3)])
def test_lstm_results_stay_when_the_next_call_reuses_the_buffers(shape):
    """After its backward the fast LSTM hands its buffers to the next call of the same shape:
    what it returned must not share them, and stays unchanged by that call."""
    kernel, rec, bias = (
        pf.tensor(w, requires_grad=True) for w in weights("lstm", 3, 2, np.float32)
    )
    x = np.random.randn(*shape).astype(np.float32)
    first = pf.lstm(x, kernel, rec, bias)
    kept = [to_numpy(r).copy() for r in first]
    projection(*first).backward()
    second = pf.lstm(-2 * x, kernel, rec, bias)
    projection(*second).backward()
    assert not np.allclose(to_numpy(second[0]), kept[0])
    for r, k in zip(first, kept):
        assert_close(r, k, rtol=0, atol=0)
