"""Convolution ops: gradcheck (float64) and parity with PyTorch (outputs and all gradients) over
a grid of kernel sizes, strides, paddings, dilations and groups; Keras' sizes; dtypes; errors."""

import itertools

import numpy as np
import pytest

import profundo as pf
from profundo import backend as B
from profundo.testing import assert_close

C_IN = 4
GRID = list(itertools.product((1, 2, 3), (1, 2), ("valid", "same"), (1, 2), (1, 2, "depthwise")))
GRID_IDS = [f"k{k}-s{s}-{p}-d{d}-g{g}" for k, s, p, d, g in GRID]


def ceil_div(a, b):
    return -(-a // b)


def keras_length(n, k, s, d, padding):
    """Keras' conv output length along one axis."""
    span = (k - 1) * d + 1
    return ceil_div(n, s) if padding == "same" else ceil_div(n - span + 1, s)


def same_pads(n, k, s, d):
    """TensorFlow's "same" padding of one axis: (before, after), the extra pixel after."""
    total = max((ceil_div(n, s) - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def conv_inputs(k, groups, rng, x_shape=(2, 6, 7, C_IN)):
    """x, a Keras kernel and a bias for conv2d (or depthwise_conv2d when groups == "depthwise")."""
    x = rng.standard_normal(x_shape)
    kernel_shape = (k, k, C_IN, 2) if groups == "depthwise" else (k, k, C_IN // groups, 6)
    kernel = rng.standard_normal(kernel_shape)
    return x, kernel, rng.standard_normal(6 if groups != "depthwise" else 2 * C_IN)


def pf_conv(x, kernel, bias, s, padding, d, groups):
    if groups == "depthwise":
        return pf.depthwise_conv2d(x, kernel, bias, strides=s, padding=padding, dilation=d)
    return pf.conv2d(x, kernel, bias, strides=s, padding=padding, dilation=d, groups=groups)


def torch_conv(torch, x, kernel, bias, s, padding, d, groups):
    """The same convolution in PyTorch (NCHW, explicit asymmetric padding) back in NHWC."""
    F = torch.nn.functional
    kh, kw = kernel.shape[:2]
    if groups == "depthwise":
        groups, kernel = x.shape[-1], kernel.reshape(kh, kw, 1, -1)
    xt = x.permute(0, 3, 1, 2)
    if padding == "same":
        (t, b), (l, r) = (same_pads(n, k, s, d) for n, k in zip(x.shape[1:3], (kh, kw)))
        xt = F.pad(xt, (l, r, t, b))
    y = F.conv2d(xt, kernel.permute(3, 2, 0, 1), bias, stride=s, dilation=d, groups=groups)
    return y.permute(0, 2, 3, 1)


def torch_and_pf(torch, fn_pf, fn_torch, arrays, dtype, seed=1):
    """Outputs and gradients of both for the same inputs and the same random ∂L/∂y."""
    tensors = [pf.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    y = fn_pf(*tensors)
    g = np.random.default_rng(seed).standard_normal(y.shape).astype(dtype)
    y.backward(g)
    ts = [torch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    yt = fn_torch(*ts)
    yt.backward(torch.tensor(g))
    return (y, *(t.grad for t in tensors)), (yt, *(t.grad for t in ts))


def assert_matches_torch(torch, fn_pf, fn_torch, arrays):
    """Output and every gradient agree with PyTorch: within 1e-5 relative in float64, and within
    a looser 1e-4 in float32 (where rounding alone reaches 1e-5), float32 staying float32.
    Returns profundo's float64 output."""
    names = ("y",) + tuple(f"∂input{i}" for i in range(len(arrays)))
    ours, theirs = torch_and_pf(torch, fn_pf, fn_torch, arrays, np.float64)
    for a, b, what in zip(ours, theirs, names):
        assert_close(a, b, rtol=1e-5, atol=1e-8, what=what)
    y = ours[0]
    ours, theirs = torch_and_pf(torch, fn_pf, fn_torch, arrays, np.float32)
    for a, b, what in zip(ours, theirs, names):
        assert a.dtype == np.float32, what
        assert_close(a, b, rtol=1e-4, atol=1e-4, what=what)
    return y


@pytest.mark.parametrize("k, s, padding, d, groups", GRID, ids=GRID_IDS)
def test_conv2d_gradcheck(k, s, padding, d, groups):
    rng = np.random.default_rng(k + 10 * s + 100 * d)
    x, kernel, bias = conv_inputs(k, groups, rng, x_shape=(1, 5, 6, C_IN))
    pf.gradcheck(lambda x, w, b: pf_conv(x, w, b, s, padding, d, groups), [x, kernel, bias])


@pytest.mark.parametrize("k, s, padding, d, groups", GRID, ids=GRID_IDS)
def test_conv2d_matches_torch_and_keras_sizes(k, s, padding, d, groups):
    torch = pytest.importorskip("torch")
    x, kernel, bias = conv_inputs(k, groups, np.random.default_rng(k + 10 * s + 100 * d))
    fn_pf = lambda x, w, b: pf_conv(x, w, b, s, padding, d, groups)  # noqa: E731
    fn_torch = lambda x, w, b: torch_conv(torch, x, w, b, s, padding, d, groups)  # noqa: E731
    y = assert_matches_torch(torch, fn_pf, fn_torch, [x, kernel, bias])
    n_out = 6 if groups != "depthwise" else 2 * C_IN
    assert y.shape == (
        2,
        keras_length(6, k, s, d, padding),
        keras_length(7, k, s, d, padding),
        n_out,
    )


@pytest.mark.parametrize(
    "k, s, padding, d, groups",
    list(itertools.product((1, 2, 3), (1, 2), ("valid", "same", "causal"), (1, 2), (1, 2))),
)
def test_conv1d_gradcheck_and_torch(k, s, padding, d, groups):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(k + 10 * s + 100 * d)
    x = rng.standard_normal((2, 7, C_IN))
    kernel, bias = rng.standard_normal((k, C_IN // groups, 4)), rng.standard_normal(4)
    fn_pf = lambda x, w, b: pf.conv1d(x, w, b, s, padding, d, groups)  # noqa: E731
    pf.gradcheck(fn_pf, [x[:1], kernel, bias])
    span = (k - 1) * d + 1
    pads = {"valid": (0, 0), "same": same_pads(7, k, s, d), "causal": (span - 1, 0)}[padding]

    def fn_torch(x, w, b):
        y = F.conv1d(
            F.pad(x.permute(0, 2, 1), pads),
            w.permute(2, 1, 0),
            b,
            stride=s,
            dilation=d,
            groups=groups,
        )
        return y.permute(0, 2, 1)

    y = assert_matches_torch(torch, fn_pf, fn_torch, [x, kernel, bias])
    length = ceil_div(7, s) if padding != "valid" else keras_length(7, k, s, d, "valid")
    assert y.shape == (2, length, 4)


def test_conv2d_explicit_padding_forms_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x, kernel = np.random.randn(2, 5, 6, 3), np.random.randn(3, 2, 3, 4)
    for padding, torch_pads in [
        (1, (1, 1, 1, 1)),
        ((2, 0), (0, 0, 2, 2)),
        (((1, 0), (0, 2)), (0, 2, 1, 0)),
    ]:
        y = pf.conv2d(x, kernel, padding=padding, strides=(2, 1))
        yt = F.conv2d(
            F.pad(torch.tensor(x).permute(0, 3, 1, 2), torch_pads),
            torch.tensor(kernel).permute(3, 2, 0, 1),
            stride=(2, 1),
        )
        assert_close(y, yt.permute(0, 2, 3, 1), what=str(padding))


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_output_sizes_follow_keras(padding):
    x = np.zeros((1, 9, 9, 1))
    for n, k, s, d in itertools.product(range(1, 10), (1, 2, 3, 4), (1, 2, 3), (1, 2)):
        kernel = np.zeros((k, k, 1, 1))
        if padding == "valid" and (k - 1) * d + 1 > n:
            with pytest.raises(ValueError, match="larger than the input"):
                pf.conv2d(x[:, :n, :n], kernel, strides=s, padding=padding, dilation=d)
            continue
        y = pf.conv2d(x[:, :n, :n], kernel, strides=s, padding=padding, dilation=d)
        assert y.shape[1:3] == (keras_length(n, k, s, d, padding),) * 2, (n, k, s, d)


def test_float32_stays_float32_and_inputs_may_be_non_contiguous():
    base = pf.randn(2, 3, 6, 5).data
    x = pf.Tensor(base.transpose(0, 2, 3, 1), requires_grad=True)  # (2, 6, 5, 3), strided
    assert not x.data.flags.c_contiguous
    x2 = pf.Tensor(B.xp.ascontiguousarray(x.data), requires_grad=True)
    kernel = pf.randn(3, 3, 3, 4, requires_grad=True)
    bias = pf.randn(4, requires_grad=True)
    for t in (x, x2):
        y = pf.conv2d(t, kernel, bias, padding="same")
        assert y.dtype == np.float32
        (y * y).sum().backward()
    assert x2.data.flags.c_contiguous
    assert x.grad.dtype == kernel.grad.dtype == bias.grad.dtype == np.float32
    assert_close(x.grad, x2.grad)


def test_gradcheck_with_the_input_used_twice():
    x = np.random.randn(1, 4, 5, 2)
    k1, k2 = np.random.randn(2, 2, 2, 3), np.random.randn(3, 3, 2, 3)
    pf.gradcheck(
        lambda x, a, b: pf.conv2d(x, a) * pf.conv2d(x, b, padding=((0, 1), (1, 0))), [x, k1, k2]
    )


def test_no_gradient_work_for_inputs_without_grad():
    x = np.random.randn(2, 5, 5, 1).astype(np.float32)  # data: no gradient wanted
    kernel = pf.randn(3, 3, 1, 2, requires_grad=True)
    pf.conv2d(x, kernel).sum().backward()
    assert kernel.grad.shape == (3, 3, 1, 2)


# --- transposed convolution ----------------------------------------------------------------------
def keras_transposed_length(n, k, s, d, padding, output_padding):
    span = (k - 1) * d + 1
    if output_padding is None:
        return n * s + max(span - s, 0) if padding == "valid" else n * s
    pad = span // 2 if padding == "same" else 0
    return (n - 1) * s + span - 2 * pad + output_padding


TRANSPOSED = list(itertools.product((1, 2, 3), (1, 2), ("valid", "same"), (1, 2), (None, 0, 1)))


@pytest.mark.parametrize(
    "k, s, padding, d, output_padding",
    TRANSPOSED,
    ids=[f"k{k}-s{s}-{p}-d{d}-op{o}" for k, s, p, d, o in TRANSPOSED],
)
def test_conv2d_transpose_matches_torch_and_gradcheck(k, s, padding, d, output_padding):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(k + 10 * s + 100 * d)
    x = rng.standard_normal((2, 3, 4, 3))
    kernel, bias = rng.standard_normal((k, k, 2, 3)), rng.standard_normal(2)
    sizes = [keras_transposed_length(n, k, s, d, padding, output_padding) for n in (3, 4)]

    def fn_pf(x, w, b):
        return pf.conv2d_transpose(x, w, b, s, padding, output_padding, d)

    # valid only when a convolution of the output gives back the input's size (as in Keras/TF)
    if [keras_length(m, k, s, d, padding) for m in sizes] != [3, 4]:
        with pytest.raises(ValueError, match="output_padding"):
            fn_pf(x, kernel, bias)
        return
    pf.gradcheck(fn_pf, [x[:1, :2], kernel, bias])

    def fn_torch(x, w, b):
        full = F.conv_transpose2d(
            x.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1), stride=s, dilation=d
        )
        (top, _), (left, _) = (
            same_pads(m, k, s, d) if padding == "same" else (0, 0) for m in sizes
        )
        crop = (-left, sizes[1] + left - full.shape[3], -top, sizes[0] + top - full.shape[2])
        return F.pad(full, crop).permute(0, 2, 3, 1) + b

    y = assert_matches_torch(torch, fn_pf, fn_torch, [x, kernel, bias])
    assert y.shape == (2, *sizes, 2)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    """⟨conv2d(y, K), x⟩ = ⟨y, conv2d_transpose(x, K)⟩ for every y and x."""
    kernel = np.random.randn(3, 3, 2, 5)  # conv: 2 → 5 channels; transposed: 5 → 2
    y, x = np.random.randn(2, 9, 8, 2), np.random.randn(2, 5, 4, 5)
    conv = pf.conv2d(y, kernel, strides=2, padding="same").numpy()
    back = pf.conv2d_transpose(x, kernel, strides=2, padding="same", output_padding=(0, 1)).numpy()
    assert back.shape == y.shape
    np.testing.assert_allclose((conv * x).sum(), (y * back).sum(), rtol=1e-10)


def test_conv2d_transpose_float32():
    x, kernel = pf.randn(2, 4, 4, 3, requires_grad=True), pf.randn(3, 3, 5, 3, requires_grad=True)
    y = pf.conv2d_transpose(x, kernel, strides=2, padding="same")
    assert y.shape == (2, 8, 8, 5) and y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == kernel.grad.dtype == np.float32


# --- errors --------------------------------------------------------------------------------------
def test_channel_mismatch_names_both_counts():
    with pytest.raises(ValueError, match=r"input has 3 channels but the kernel .* expects 4"):
        pf.conv2d(pf.randn(1, 5, 5, 3), pf.randn(3, 3, 4, 8))
    with pytest.raises(ValueError, match=r"input has 4 channels .* expects 2 .*groups=1"):
        pf.conv2d(pf.randn(1, 5, 5, 4), pf.randn(3, 3, 2, 8))
    with pytest.raises(ValueError, match=r"input has 3 channels .* expects 2"):
        pf.depthwise_conv2d(pf.randn(1, 5, 5, 3), pf.randn(3, 3, 2, 1))
    with pytest.raises(ValueError, match=r"input has 3 channels .* expects 2"):
        pf.conv2d_transpose(pf.randn(1, 5, 5, 3), pf.randn(3, 3, 4, 2))


def test_groups_must_divide_the_channels():
    with pytest.raises(ValueError, match=r"groups=3 must divide the input channels \(4\)"):
        pf.conv2d(pf.randn(1, 5, 5, 4), pf.randn(3, 3, 1, 6), groups=3)
    with pytest.raises(ValueError, match=r"groups=2 must divide the kernel's output channels"):
        pf.conv2d(pf.randn(1, 5, 5, 4), pf.randn(3, 3, 2, 5), groups=2)


def test_kernel_larger_than_the_input_with_valid_padding():
    with pytest.raises(ValueError, match=r"spans 5\) is larger than the input \(length 4"):
        pf.conv2d(pf.randn(1, 4, 8, 1), pf.randn(3, 3, 1, 1), dilation=2)
    assert pf.conv2d(
        pf.randn(1, 4, 8, 1), pf.randn(3, 3, 1, 1), padding="same", dilation=2
    ).shape == (1, 4, 8, 1)


def test_wrong_ndim():
    with pytest.raises(ValueError, match=r"input of shape \(N, H, W, C\), got 3 dimensions"):
        pf.conv2d(pf.randn(5, 5, 3), pf.randn(3, 3, 3, 1))
    with pytest.raises(ValueError, match=r"input of shape \(N, L, C\), got 4 dimensions"):
        pf.conv1d(pf.randn(1, 5, 5, 3), pf.randn(3, 3, 1))
    with pytest.raises(ValueError, match=r"kernel of shape \(kh, kw, C_in/groups, C_out\), got 3"):
        pf.conv2d(pf.randn(1, 5, 5, 3), pf.randn(3, 3, 1))


def test_bad_settings():
    x, kernel = pf.randn(1, 5, 5, 1), pf.randn(3, 3, 1, 2)
    with pytest.raises(ValueError, match="padding must be 'valid', 'same'"):
        pf.conv2d(x, kernel, padding="full")
    with pytest.raises(ValueError, match="padding must be 'valid', 'same'"):
        pf.conv2d(x, kernel, padding="causal")
    with pytest.raises(ValueError, match="strides must be a positive int or 2 positive ints"):
        pf.conv2d(x, kernel, strides=0)
    with pytest.raises(ValueError, match=r"bias must have shape \(2,\)"):
        pf.conv2d(x, kernel, pf.randn(3))
    with pytest.raises(ValueError, match="pairs of non-negative ints"):
        pf.conv2d(x, kernel, padding=-1)
    with pytest.raises(ValueError, match="conv2d_transpose: padding must be 'valid' or 'same'"):
        pf.conv2d_transpose(x, pf.randn(3, 3, 2, 1), padding=1)
    with pytest.raises(ValueError, match="output_padding must be smaller than the strides"):
        pf.conv2d_transpose(x, pf.randn(3, 3, 2, 1), strides=2, output_padding=2)


# --- the fast stride-1 backward against the im2col/col2im reference -------------------------------
FAST = list(itertools.product((1, 2, 3), ("valid", "same", ((2, 0), (1, 3))), (1, 2), (1, 2)))


@pytest.mark.parametrize(
    "k, padding, d, rank", FAST, ids=[f"k{k}-{p}-d{d}-rank{r}" for k, p, d, r in FAST]
)
def test_shifted_gradients_equal_the_reference(k, padding, d, rank, monkeypatch):
    """Both backward kernels give the same gradients for every stride-1 convolution without
    groups (the fast one is the default; ``implementation = "reference"`` selects col2im)."""
    from profundo.ops import _conv as conv_ops

    rng = np.random.default_rng(k + 10 * d + 100 * rank)
    if rank == 1:
        if not isinstance(padding, str):
            padding = padding[1]
        x_np, k_np = rng.standard_normal((3, 11, 5)), rng.standard_normal((k, 5, 4))
        op = pf.conv1d
    else:
        x_np, k_np = rng.standard_normal((3, 8, 9, 5)), rng.standard_normal((k, k, 5, 4))
        op = pf.conv2d
    upstream = None
    grads = {}
    for kernel_name in ("reference", "fast"):
        monkeypatch.setattr(conv_ops, "implementation", kernel_name)
        x = pf.tensor(x_np, "float64", requires_grad=True)
        kernel = pf.tensor(k_np, "float64", requires_grad=True)
        bias = pf.tensor(np.ones(4), "float64", requires_grad=True)
        y = op(x, kernel, bias, padding=padding, dilation=d)
        if upstream is None:
            upstream = rng.standard_normal(y.shape)
        y.backward(upstream)
        grads[kernel_name] = (x.grad, kernel.grad, bias.grad)
    for ref, fast in zip(grads["reference"], grads["fast"]):
        np.testing.assert_allclose(fast, ref, rtol=1e-10, atol=1e-10)


def test_shifted_input_gradient_in_float32(monkeypatch):
    """float32 stays float32 and agrees with the reference to float32 precision."""
    from profundo.ops import _conv as conv_ops

    x_np = np.random.default_rng(0).standard_normal((4, 10, 10, 3)).astype(np.float32)
    kernel = pf.randn(3, 3, 3, 8)
    grads = []
    for kernel_name in ("fast", "reference"):
        monkeypatch.setattr(conv_ops, "implementation", kernel_name)
        x = pf.tensor(x_np, requires_grad=True)
        (pf.conv2d(x, kernel, padding="same") ** 2).sum().backward()
        grads.append(x.grad)
    assert grads[0].dtype == np.float32
    assert_close(grads[0], grads[1], rtol=1e-4, atol=1e-4)


def test_flat_shifts_name_the_rows_each_kernel_offset_reads():
    """Row t + s_k of the flattened padded image is pixel (p + i·d, q + j·d) of window (p, q)."""
    from profundo.ops.windows import Windows

    win = Windows((5, 6), (2, 3), (1, 1), (2, 1), "same")
    image = np.arange(2 * win.padded[0] * win.padded[1]).reshape(2, *win.padded)
    shifts, rows = win.flat_shifts(n=2)
    flat = image.reshape(-1)
    n, p, q = 1, 2, 3
    t = (n * win.padded[0] + p) * win.padded[1] + q
    for k, (i, j) in enumerate(itertools.product(range(2), range(3))):
        assert flat[t + shifts[k]] == image[n, p + 2 * i, q + j]
    assert rows + shifts[-1] == flat.size
    with pytest.raises(ValueError, match="strides"):
        Windows((5, 5), (3, 3), (2, 2), (1, 1), "same").flat_shifts(1)


@pytest.mark.parametrize("groups, strides", [(1, 1), (2, 2)])
def test_windows_built_a_slice_of_the_batch_at_a_time_give_the_same_results(
    groups, strides, monkeypatch
):
    """With WINDOW_BYTES and SHIFT_BYTES tiny, the windows are built one output row at a time and
    the shifted input gradient runs one row at a time: the same outputs and gradients."""
    from profundo.ops import _conv as conv_ops

    rng = np.random.default_rng(5)
    x_np, k_np = rng.standard_normal((5, 7, 6, 4)), rng.standard_normal((3, 3, 4 // groups, 6))
    results = []
    for window_bytes in (conv_ops.WINDOW_BYTES, 1):
        monkeypatch.setattr(conv_ops, "WINDOW_BYTES", window_bytes)
        monkeypatch.setattr(conv_ops, "SHIFT_BYTES", window_bytes)
        x = pf.tensor(x_np, "float64", requires_grad=True)
        kernel = pf.tensor(k_np, "float64", requires_grad=True)
        y = pf.conv2d(x, kernel, strides=strides, padding="same", groups=groups)
        (y * y).sum().backward()
        results.append((y.numpy(), x.grad, kernel.grad))
    for whole, sliced in zip(*results):
        np.testing.assert_allclose(sliced, whole, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("strides, dilation", [(1, 1), (2, 1), (1, 2)])
@pytest.mark.parametrize("window_bytes", [None, 1])
def test_few_channel_windows_equal_the_reference(
    channels, strides, dilation, window_bytes, monkeypatch
):
    """With ≤ FEW_CHANNELS input channels the window matrix is copied one kernel offset at a time
    (as its transpose): the same output and gradients as the reference, whole batch or one
    output row at a time."""
    from profundo.ops import _conv as conv_ops

    assert channels <= conv_ops.FEW_CHANNELS
    if window_bytes is not None:
        monkeypatch.setattr(conv_ops, "WINDOW_BYTES", window_bytes)
    rng = np.random.default_rng(channels)
    x_np, k_np = rng.standard_normal((3, 9, 8, channels)), rng.standard_normal((3, 3, channels, 5))
    results = {}
    for name in ("fast", "reference"):
        monkeypatch.setattr(conv_ops, "implementation", name)
        x = pf.tensor(x_np, "float64", requires_grad=True)
        kernel = pf.tensor(k_np, "float64", requires_grad=True)
        y = pf.conv2d(x, kernel, strides=strides, dilation=dilation, padding="same")
        (y * y).sum().backward()
        results[name] = (y.numpy(), x.grad, kernel.grad)
    for fast, ref in zip(results["fast"], results["reference"]):
        np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("path", ["im2col", "few channels", "winograd", "reference", "conv1d"])
def test_fused_relu_equals_relu_of_the_convolution(path, monkeypatch):
    """conv2d(..., activation="relu") — max(y, 0) in the product's output pass — gives relu of
    the plain convolution and the same gradients, on every path of the op."""
    from profundo.ops import _conv as conv_ops

    monkeypatch.setattr(conv_ops, "implementation", "reference" if path == "reference" else "fast")
    monkeypatch.setattr(conv_ops, "WINOGRAD_CHANNELS", 1 if path == "winograd" else 64)
    channels = 2 if path == "few channels" else 6
    rng = np.random.default_rng(7)
    shape = (2, 9, channels) if path == "conv1d" else (2, 7, 6, channels)
    x_np = rng.standard_normal(shape)
    k_np = rng.standard_normal((3, channels, 5) if path == "conv1d" else (3, 3, channels, 5))
    b_np, upstream = rng.standard_normal(5), None
    conv = pf.conv1d if path == "conv1d" else pf.conv2d
    results = []
    for fused in (True, False):
        x, kernel, bias = (pf.tensor(a, "float64", requires_grad=True) for a in (x_np, k_np, b_np))
        y = conv(x, kernel, bias, padding="same", activation="relu" if fused else None)
        y = y if fused else pf.relu(y)
        upstream = rng.standard_normal(y.shape) if upstream is None else upstream
        y.backward(upstream)
        results.append((y.numpy(), x.grad, kernel.grad, bias.grad))
    assert (results[0][0] == 0).any() and (results[0][0] > 0).any()
    for fused, plain in zip(*results):
        np.testing.assert_allclose(fused, plain, rtol=1e-12, atol=1e-12)
    x, kernel, bias = (pf.tensor(a, "float64", requires_grad=True) for a in (x_np, k_np, b_np))
    pf.gradcheck(
        lambda x, k, b: conv(x, k, b, padding="same", activation="relu"), [x, kernel, bias]
    )


def test_only_relu_is_fused():
    with pytest.raises(ValueError, match="Conv: activation must be None or 'relu', got 'tanh'"):
        pf.conv2d(pf.randn(1, 4, 4, 1), pf.randn(3, 3, 1, 2), activation="tanh")


# --- Winograd F(2×2, 3×3) beside the reference ----------------------------------------------------
WINOGRAD = [  # (image side (h, w), padding): even and odd outputs, 'same', 'valid', explicit
    ((8, 8), "same"),
    ((7, 9), "same"),
    ((8, 7), "valid"),
    ((6, 5), ((2, 0), (1, 2))),
]


def run_conv(x_np, k_np, b_np, padding, implementation, dtype, monkeypatch, upstream):
    """y and the three gradients of one conv2d under ``implementation`` ("winograd": the fast
    one with Winograd on for any channel count)."""
    from profundo.ops import _conv as conv_ops

    monkeypatch.setattr(
        conv_ops, "implementation", "reference" if implementation == "reference" else "fast"
    )
    monkeypatch.setattr(conv_ops, "WINOGRAD_CHANNELS", 1)
    x, kernel, bias = (pf.tensor(a, dtype, requires_grad=True) for a in (x_np, k_np, b_np))
    y = pf.conv2d(x, kernel, bias, padding=padding)
    y.backward(upstream.astype(dtype))
    return y.numpy(), x.grad, kernel.grad, bias.grad


@pytest.mark.parametrize("side, padding", WINOGRAD, ids=[f"{s}-{p}" for s, p in WINOGRAD])
def test_winograd_equals_the_reference_forward_and_backward(side, padding, monkeypatch):
    """Winograd (3×3, stride 1) gives the im2col reference's output and gradients: to rounding in
    float64, within 1e-4 relative in float32 (its transforms are exact sums; float32 stays)."""
    rng = np.random.default_rng(side[0] * 10 + side[1])
    x_np, k_np = rng.standard_normal((3, *side, 5)), rng.standard_normal((3, 3, 5, 4))
    b_np = rng.standard_normal(4)
    out = pf.conv2d(pf.tensor(x_np), pf.tensor(k_np), padding=padding).shape
    upstream = rng.standard_normal(out)
    for dtype, tol in (("float64", 1e-12), ("float32", 1e-4)):
        ref = run_conv(x_np, k_np, b_np, padding, "reference", dtype, monkeypatch, upstream)
        fast = run_conv(x_np, k_np, b_np, padding, "winograd", dtype, monkeypatch, upstream)
        for a, b, what in zip(fast, ref, ("y", "∂x", "∂K", "∂b")):
            assert a.dtype == np.dtype(dtype), what
            scale = np.abs(b).max()
            assert_close(a / scale, b / scale, rtol=tol, atol=tol, what=what)


def test_winograd_gradcheck_and_torch(monkeypatch):
    """Winograd's gradients against finite differences (float64) and against PyTorch."""
    from profundo.ops import _conv as conv_ops

    monkeypatch.setattr(conv_ops, "WINOGRAD_CHANNELS", 1)
    rng = np.random.default_rng(3)
    x, kernel, bias = (
        rng.standard_normal((2, 5, 6, 3)),
        rng.standard_normal((3, 3, 3, 2)),
        rng.standard_normal(2),
    )
    pf.gradcheck(lambda x, w, b: pf.conv2d(x, w, b, padding="same"), [x, kernel, bias])
    torch = pytest.importorskip("torch")
    fn_pf = lambda x, w, b: pf_conv(x, w, b, 1, "same", 1, 1)  # noqa: E731
    fn_torch = lambda x, w, b: torch_conv(torch, x, w, b, 1, "same", 1, 1)  # noqa: E731
    assert_matches_torch(torch, fn_pf, fn_torch, [x, kernel, bias])


def test_winograd_is_chosen_only_where_it_applies(monkeypatch):
    """3×3, stride 1, no dilation, no groups, padding ≤ 2, enough channels, "fast"."""
    from profundo.ops import _conv as conv_ops
    from profundo.ops.windows import Windows

    def applies(kernel=(3, 3), strides=(1, 1), dilation=(1, 1), padding="same", groups=1, c=64):
        win = Windows((8, 8), kernel, strides, dilation, padding)
        return conv_ops._winograd_applies(win, groups, c, c)

    assert applies()
    assert applies(padding=((2, 2), (0, 1)))
    assert not applies(kernel=(5, 5))
    assert not applies(strides=(2, 2))
    assert not applies(dilation=(2, 2))
    assert not applies(groups=2)
    assert not applies(padding=((3, 0), (0, 0)))
    assert not applies(c=conv_ops.WINOGRAD_CHANNELS - 1)
    monkeypatch.setattr(conv_ops, "implementation", "reference")
    assert not applies()


def test_winograd_runs_by_default_on_wide_layers_and_matches_the_reference(monkeypatch):
    """With the default settings a 64 → 64 3×3 'same' layer runs by Winograd (no monkeypatched
    threshold) and agrees with the reference in float32."""
    from profundo.ops import _conv as conv_ops
    from profundo.ops import winograd

    calls = []
    convolve = winograd.convolve
    monkeypatch.setattr(winograd, "convolve", lambda *a: calls.append(1) or convolve(*a))
    rng = np.random.default_rng(7)
    x_np = rng.standard_normal((2, 6, 5, 64)).astype(np.float32)
    k_np = (rng.standard_normal((3, 3, 64, 64)) * 0.1).astype(np.float32)
    results = []
    for name in ("fast", "reference"):
        monkeypatch.setattr(conv_ops, "implementation", name)
        x, kernel = pf.tensor(x_np, requires_grad=True), pf.tensor(k_np, requires_grad=True)
        y = pf.conv2d(x, kernel, padding="same")
        (y * y).sum().backward()
        results.append((y.numpy(), x.grad, kernel.grad))
    assert len(calls) == 2  # the forward and ∂L/∂x of the "fast" run
    for fast, ref, what in zip(*results, ("y", "∂x", "∂K")):
        scale = np.abs(ref).max()
        assert_close(fast / scale, ref / scale, rtol=1e-4, atol=1e-4, what=what)
