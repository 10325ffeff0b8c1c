"""scaled_dot_product_attention: gradcheck (float64), parity with PyTorch's
F.scaled_dot_product_attention (outputs and every gradient) over masks, causal, length 1, unequal
query/key lengths and fully masked rows; dropout; error messages."""

import numpy as np
import pytest

import profundo as pf

rng = np.random.default_rng(0)


def qkv(batch=(2, 3), n_q=5, n_k=6, e=4, ev=7, seed=0):
    g = np.random.default_rng(seed)
    return (
        g.standard_normal(batch + (n_q, e)),
        g.standard_normal(batch + (n_k, e)),
        g.standard_normal(batch + (n_k, ev)),
    )


def bool_mask(shape, seed=1):
    m = np.random.default_rng(seed).random(shape) > 0.4
    m[..., 0] = True  # every row sees at least one key (fully masked rows: own test)
    return m


CASES = {
    "plain": (qkv(), {}),
    "causal": (qkv(n_k=5), {"is_causal": True}),
    "causal, fewer queries than keys": (qkv(n_q=3, n_k=6), {"is_causal": True}),
    "bool mask (L, S)": (qkv(), {"attn_mask": bool_mask((5, 6))}),
    "key padding (B, 1, 1, S)": (qkv(), {"attn_mask": bool_mask((2, 1, 1, 6))}),
    "additive mask per head (1, H, L, S)": (
        qkv(),
        {"attn_mask": rng.standard_normal((1, 3, 5, 6))},
    ),
    "additive −inf mask": (qkv(), {"attn_mask": np.where(bool_mask((5, 6)), 0.0, -np.inf)}),
    "length 1": (qkv(n_q=1, n_k=1), {}),
    "one query, many keys": (qkv(n_q=1, n_k=9), {}),
    "unbatched (L, E)": (qkv(batch=()), {"scale": 0.3}),
    "scale": (qkv(), {"scale": 2.0}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradcheck(case):
    (q, k, v), kw = CASES[case]
    assert pf.gradcheck(lambda q, k, v: pf.scaled_dot_product_attention(q, k, v, **kw), [q, k, v])


def torch_attention(q, k, v, attn_mask=None, dtype=np.float64, **kw):
    torch = pytest.importorskip("torch")
    ts = [torch.tensor(a.astype(dtype), requires_grad=True) for a in (q, k, v)]
    mask = (
        None
        if attn_mask is None
        else torch.tensor(attn_mask if attn_mask.dtype == bool else attn_mask.astype(dtype))
    )
    out = torch.nn.functional.scaled_dot_product_attention(*ts, attn_mask=mask, **kw)
    g = np.random.default_rng(7).standard_normal(out.shape).astype(dtype)
    out.backward(torch.tensor(g))
    return out.detach().numpy(), [t.grad.numpy() for t in ts], g


def pf_attention(q, k, v, g, dtype="float64", **kw):
    ts = [pf.tensor(a, dtype=dtype, requires_grad=True) for a in (q, k, v)]
    out = pf.scaled_dot_product_attention(*ts, **kw)
    out.backward(g)
    return out.numpy(), [t.grad for t in ts]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_matches_torch(case, dtype, tol):
    (q, k, v), kw = CASES[case]
    t_out, t_grads, g = torch_attention(q, k, v, dtype=dtype, **kw)
    out, grads = pf_attention(q, k, v, g, dtype=np.dtype(dtype).name, **kw)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, t_out, atol=tol, rtol=tol)
    for name, a, b in zip("qkv", grads, t_grads):
        np.testing.assert_allclose(a, b, atol=tol * 10, rtol=tol * 10, err_msg=f"∂L/∂{name}")


def test_a_fully_masked_row_gives_zeros_not_nan_with_zero_gradients():
    q, k, v = qkv()
    mask = bool_mask((5, 6))
    mask[2] = False  # query 2 may look at nothing
    t_out, t_grads, g = torch_attention(q, k, v, attn_mask=mask)
    out, grads = pf_attention(q, k, v, g, attn_mask=mask)
    assert np.all(out[..., 2, :] == 0) and not np.isnan(out).any()
    assert np.all(grads[0][..., 2, :] == 0)
    np.testing.assert_allclose(out, t_out, atol=1e-12)
    for a, b in zip(grads, t_grads):
        np.testing.assert_allclose(a, b, atol=1e-12)
    out, _ = pf_attention(q, k, v, g, attn_mask=np.where(mask, 0.0, -np.inf))  # −inf rows too
    assert np.all(out[..., 2, :] == 0)


def test_masked_keys_get_exactly_zero_weight():
    q, k, v = qkv()
    mask = bool_mask((2, 1, 1, 6))
    v2 = v.copy()
    v2[np.broadcast_to(~mask[:, :, 0, :, None], v.shape)] = 1e6  # change only masked values
    a = pf.scaled_dot_product_attention(q, k, v, attn_mask=mask).numpy()
    b = pf.scaled_dot_product_attention(q, k, v2, attn_mask=mask).numpy()
    np.testing.assert_array_equal(a, b)


def test_the_gradient_of_an_additive_mask_matches_torch():
    torch = pytest.importorskip("torch")
    q, k, v = qkv()
    bias = rng.standard_normal((3, 5, 6))
    tb = torch.tensor(bias, requires_grad=True)
    tq, tk, tv = (torch.tensor(a) for a in (q, k, v))
    torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=tb).sum().backward()
    b = pf.tensor(bias, dtype="float64", requires_grad=True)
    pf.scaled_dot_product_attention(q, k, v, attn_mask=b).sum().backward()
    np.testing.assert_allclose(b.grad, tb.grad.numpy(), atol=1e-12)
    assert pf.gradcheck(lambda b: pf.scaled_dot_product_attention(q, k, v, attn_mask=b), [bias])


def test_dropout_zeroes_weights_and_keeps_the_expectation():
    q = np.zeros((1, 1, 2000, 4))  # equal scores: every weight is 1/S
    k, v = np.zeros((1, 1, 10, 4)), np.ones((1, 1, 10, 3))
    pf.manual_seed(0)
    out = pf.scaled_dot_product_attention(q, k, v, dropout_p=0.3).numpy()
    assert abs(out.mean() - 1.0) < 0.03  # E[M/(1 − p)] = 1
    assert out.std() > 0.1  # and it really dropped weights
    pf.manual_seed(0)
    again = pf.scaled_dot_product_attention(q, k, v, dropout_p=0.3).numpy()
    np.testing.assert_array_equal(out, again)


def test_dropout_gradcheck():
    q, k, v = qkv()

    def f(q, k, v):
        pf.manual_seed(3)  # the same dropout mask at every evaluation
        return pf.scaled_dot_product_attention(q, k, v, dropout_p=0.4)

    assert pf.gradcheck(f, [q, k, v])


@pytest.mark.parametrize(
    "args, kw, words",
    [
        ((np.ones((2, 4)), np.ones((3, 5)), np.ones((3, 4))), {}, "same feature size"),
        ((np.ones((2, 4)), np.ones((3, 4)), np.ones((2, 4))), {}, "same length"),
        ((np.ones(4), np.ones((3, 4)), np.ones((3, 4))), {}, "at least 2 dimensions"),
        (
            (np.ones((2, 4)), np.ones((3, 4)), np.ones((3, 4))),
            {"attn_mask": np.ones((4, 3), bool)},
            "does not broadcast",
        ),
        (
            (np.ones((2, 4)), np.ones((3, 4)), np.ones((3, 4))),
            {"attn_mask": np.ones((2, 3), bool), "is_causal": True},
            "not both",
        ),
        ((np.ones((2, 4)), np.ones((3, 4)), np.ones((3, 4))), {"dropout_p": 1.0}, "dropout_p"),
    ],
)
def test_bad_input_is_explained(args, kw, words):
    with pytest.raises(ValueError, match="scaled_dot_product_attention") as err:
        pf.scaled_dot_product_attention(*args, **kw)
    assert words in str(err.value)


def test_the_returned_weights_are_the_softmax_and_carry_gradients():
    q, k, v = qkv()
    mask = bool_mask((2, 1, 5, 6))
    out, w = pf.scaled_dot_product_attention(q, k, v, attn_mask=mask, return_weights=True)
    np.testing.assert_allclose(w.numpy().sum(-1), 1.0)
    assert np.all(w.numpy()[np.broadcast_to(~mask, w.shape)] == 0)
    np.testing.assert_allclose(out.numpy(), w.numpy() @ v)
    c = rng.standard_normal(w.shape)

    def both(q, k, v):
        o, w = pf.scaled_dot_product_attention(q, k, v, attn_mask=mask, return_weights=True)
        return o.sum() + (w * c).sum()

    def weights_only(q, k, v):
        return pf.scaled_dot_product_attention(q, k, v, is_causal=True, return_weights=True)[1] * c

    assert pf.gradcheck(both, [q, k, v])
    assert pf.gradcheck(weights_only, [q, k, v])
