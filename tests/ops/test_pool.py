"""Pooling, upsampling, padding and cropping ops: gradcheck (float64), parity with PyTorch
(outputs and gradients), Keras' sizes and "same" rules, ties, dtypes, errors."""

import itertools

import numpy as np
import pytest

import profundo as pf
from profundo.testing import assert_close

POOLS = list(itertools.product((1, 2, 3), (None, 1, 2), ("valid", "same")))
POOL_IDS = [f"k{k}-s{s}-{p}" for k, s, p in POOLS]


def ceil_div(a, b):
    return -(-a // b)


def same_pads(n, k, s):
    total = max((ceil_div(n, s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def torch_pool(torch, kind, x, k, s, padding):
    """PyTorch's pooling of an NHWC (or NLC) tensor with Keras' "same" rules, back in NHWC."""
    F = torch.nn.functional
    one_d = x.ndim == 3
    xt = x.permute(0, 2, 1)[:, :, None] if one_d else x.permute(0, 3, 1, 2)
    sizes = xt.shape[2:]
    ks = (1, k) if one_d else (k, k)
    ss = (1, s) if one_d else (s, s)
    pads = (
        [(0, 0)] * 2
        if padding == "valid"
        else [same_pads(n, kk, sk) for n, kk, sk in zip(sizes, ks, ss)]
    )
    widths = (*pads[1], *pads[0])
    if kind == "max":
        y = F.max_pool2d(F.pad(xt, widths, value=-float("inf")), ks, ss)
    else:  # Keras: the mean over the input pixels only, never the padding
        total = F.avg_pool2d(F.pad(xt, widths), ks, ss, divisor_override=1)
        count = F.avg_pool2d(F.pad(torch.ones_like(xt), widths), ks, ss, divisor_override=1)
        y = total / count
    return y[:, :, 0].permute(0, 2, 1) if one_d else y.permute(0, 2, 3, 1)


def compare_with_torch(torch, fn_pf, fn_torch, x, dtype, rtol, atol):
    t = pf.tensor(x, dtype=dtype, requires_grad=True)
    y = fn_pf(t)
    g = np.random.default_rng(5).standard_normal(y.shape).astype(dtype)
    y.backward(g)
    tt = torch.tensor(x.astype(dtype), requires_grad=True)
    yt = fn_torch(tt)
    yt.backward(torch.tensor(g))
    assert y.dtype == t.grad.dtype == dtype
    assert_close(y, yt, rtol=rtol, atol=atol, what="y")
    assert_close(t.grad, tt.grad, rtol=rtol, atol=atol, what="∂x")
    return y


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("k, s, padding", POOLS, ids=POOL_IDS)
def test_pool2d_gradcheck_and_torch(kind, k, s, padding):
    torch = pytest.importorskip("torch")
    op = pf.max_pool2d if kind == "max" else pf.avg_pool2d
    fn = lambda x: op(x, k, s, padding)  # noqa: E731
    x = np.random.randn(2, 5, 6, 3)
    pf.gradcheck(fn, [x[:1]])
    stride = k if s is None else s
    for dtype, tol in ((np.float64, 1e-10), (np.float32, 1e-6)):
        y = compare_with_torch(
            torch, fn, lambda t: torch_pool(torch, kind, t, k, stride, padding), x, dtype, 1e-5, tol
        )
    keras = [ceil_div(n if padding == "same" else n - k + 1, stride) for n in (5, 6)]
    assert y.shape == (2, *keras, 3)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("k, s, padding", POOLS, ids=POOL_IDS)
def test_pool1d_gradcheck_and_torch(kind, k, s, padding):
    torch = pytest.importorskip("torch")
    op = pf.max_pool1d if kind == "max" else pf.avg_pool1d
    fn = lambda x: op(x, k, s, padding)  # noqa: E731
    x = np.random.randn(2, 7, 3)
    pf.gradcheck(fn, [x[:1]])
    stride = k if s is None else s
    compare_with_torch(
        torch,
        fn,
        lambda t: torch_pool(torch, kind, t, k, stride, padding),
        x,
        np.float64,
        1e-5,
        1e-10,
    )


def test_max_pool_ties_go_to_the_first_max_like_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).integers(0, 3, (2, 6, 6, 2)).astype(np.float64)  # many ties
    for k, s in ((2, 2), (3, 1), (3, 2)):
        compare_with_torch(
            torch,
            lambda t: pf.max_pool2d(t, k, s),
            lambda t: torch_pool(torch, "max", t, k, s, "valid"),
            x,
            np.float64,
            1e-12,
            1e-12,
        )
    x = pf.ones(1, 2, 2, 1, requires_grad=True)
    pf.max_pool2d(x, 2).sum().backward()
    assert x.grad[0, :, :, 0].tolist() == [[1, 0], [0, 0]]


def test_avg_pool_same_averages_only_the_input():
    y = pf.avg_pool2d(pf.ones(1, 3, 3, 1), 2, padding="same")
    assert_close(y, np.ones((1, 2, 2, 1)))
    x = pf.tensor(np.arange(1.0, 6.0).reshape(1, 5, 1), requires_grad=True)
    y = pf.avg_pool1d(x, 2, padding="same")  # windows [1 2] [3 4] [5]
    assert y[0, :, 0].tolist() == [1.5, 3.5, 5.0]


def test_pools_of_a_layer_sized_float32_batch():
    x = pf.randn(4, 26, 26, 8, requires_grad=True)
    y = pf.max_pool2d(x, 2)
    assert y.shape == (4, 13, 13, 8) and y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32 and float(x.grad.sum()) == 4 * 13 * 13 * 8
    z = pf.avg_pool2d(x, (3, 2), strides=(1, 2), padding="same")
    assert z.shape == (4, 26, 13, 8) and z.dtype == np.float32


# --- global pooling ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("rank", [1, 2])
def test_global_pools(kind, rank):
    op = getattr(pf, f"global_{kind}_pool{rank}d")
    shape = (2, 5, 3) if rank == 1 else (2, 4, 5, 3)
    x = np.random.randn(*shape)
    axes = tuple(range(1, rank + 1))
    expected = x.max(axis=axes) if kind == "max" else x.mean(axis=axes)
    assert_close(op(x), expected)
    assert op(x, keepdims=True).shape == (2,) + (1,) * rank + (3,)
    pf.gradcheck(op, [x])
    with pytest.raises(ValueError, match=f"global_{kind}_pool{rank}d: expected the input of shape"):
        op(np.zeros((2, 3)))


# --- upsampling ----------------------------------------------------------------------------------
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("size", [1, 2, (2, 3), (3, 1)])
def test_upsampling2d_matches_torch(interpolation, size):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    fh, fw = (size, size) if isinstance(size, int) else size
    x = np.random.randn(2, 3, 4, 2)
    fn = lambda t: pf.upsampling2d(t, size, interpolation)  # noqa: E731
    pf.gradcheck(fn, [x[:1]])

    def fn_torch(t):
        y = F.interpolate(
            t.permute(0, 3, 1, 2),
            size=(3 * fh, 4 * fw),
            mode=interpolation,
            **({"align_corners": False} if interpolation == "bilinear" else {}),
        )
        return y.permute(0, 2, 3, 1)

    y = compare_with_torch(torch, fn, fn_torch, x, np.float64, 1e-10, 1e-12)
    assert y.shape == (2, 3 * fh, 4 * fw, 2)
    compare_with_torch(torch, fn, fn_torch, x, np.float32, 1e-5, 1e-6)


def test_upsampling2d_nearest_repeats_pixels():
    x = np.arange(4.0).reshape(1, 2, 2, 1)
    assert_close(pf.upsampling2d(x, 2), x.repeat(2, axis=1).repeat(2, axis=2))


# --- zero padding and cropping -------------------------------------------------------------------
FRAMES = [(1, ((1, 1), (1, 1))), ((2, 1), ((2, 2), (1, 1))), (((1, 0), (0, 2)), ((1, 0), (0, 2)))]


@pytest.mark.parametrize("amounts, pairs", FRAMES)
def test_zero_padding2d_and_cropping2d(amounts, pairs):
    x = np.random.randn(2, 5, 6, 3)
    (t, b), (l, r) = pairs
    padded = pf.zero_padding2d(x, amounts)
    assert_close(padded, np.pad(x, ((0, 0), (t, b), (l, r), (0, 0))))
    assert_close(pf.cropping2d(padded, amounts), x)
    assert_close(pf.cropping2d(x, amounts), x[:, t : 5 - b, l : 6 - r])
    pf.gradcheck(lambda x: pf.zero_padding2d(x, amounts), [x[:1]])
    pf.gradcheck(lambda x: pf.cropping2d(x, amounts), [x[:1]])


# --- errors --------------------------------------------------------------------------------------
def test_errors():
    with pytest.raises(ValueError, match=r"input of shape \(N, H, W, C\), got 3 dimensions"):
        pf.max_pool2d(pf.randn(4, 4, 3))
    with pytest.raises(ValueError, match=r"input of shape \(N, L, C\), got 4 dimensions"):
        pf.avg_pool1d(pf.randn(1, 4, 4, 3))
    with pytest.raises(ValueError, match=r"larger than the input \(length 2"):
        pf.max_pool2d(pf.randn(1, 2, 4, 1), 3)
    with pytest.raises(ValueError, match="pool_size must be a positive int"):
        pf.avg_pool2d(pf.randn(1, 4, 4, 1), (2, 0))
    with pytest.raises(ValueError, match="interpolation must be 'nearest' or 'bilinear'"):
        pf.upsampling2d(pf.randn(1, 4, 4, 1), 2, "bicubic")
    with pytest.raises(ValueError, match=r"cropping \(\(2, 2\), \(0, 0\)\) removes all of the 4×4"):
        pf.cropping2d(pf.randn(1, 4, 4, 1), (2, 0))
    with pytest.raises(ValueError, match="zero_padding2d: expected an int"):
        pf.zero_padding2d(pf.randn(1, 4, 4, 1), "same")
