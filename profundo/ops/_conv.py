"""Convolutions on channels-last images (NHWC, as Keras): conv1d, conv2d, depthwise_conv2d,
conv2d_transpose.

A convolution slides a small kernel over the image. Output pixel (p, q) of channel o is

    y[n, p, q, o] = b[o] + Σ_{i, j, c} x̃[n, p·s_h + i·d_h, q·s_w + j·d_w, c] · K[i, j, c, o]

with x̃ the padded input, s the strides and d the dilation (as in every framework this is a
cross-correlation: the kernel is not flipped). It runs as ONE matrix product: copy every window
into a row of a matrix X (im2col, shape (N·H'·W', kh·kw·C)), then y = X · K with K seen as a
(kh·kw·C, C_out) matrix. Backward is two more products, ∂L/∂K = Xᵀ · ∂L/∂y and
∂L/∂X = ∂L/∂y · Kᵀ, and ∂L/∂X goes back onto the pixels the windows were read from (col2im).

Padding follows Keras: "valid" (none; H' = ⌈(H − k_d + 1)/s⌉), "same" (H' = ⌈H/s⌉; the odd
pixel of padding goes to the bottom/right), "causal" for conv1d (all padding on the left), or
explicit amounts. k_d = (k − 1)·d + 1 is the dilated kernel size.

>>> x = pf.randn(8, 28, 28, 1)                    # a batch of 8 grey 28×28 images
>>> k = pf.randn(3, 3, 1, 32, requires_grad=True)  # 32 filters of 3×3 (Keras layout)
>>> pf.conv2d(x, k, padding="same").shape
(8, 28, 28, 32)

The window machinery (``Windows``) is shared with ``pool.py``; 1-D ops are 2-D ops on images of
height 1.
"""
from __future__ import annotations

from .. import backend as B
from ..autograd import Function, Tensor

__all__ = ["conv1d", "conv2d", "depthwise_conv2d", "conv2d_transpose"]

LAYOUTS = {1: "(N, L, C)", 2: "(N, H, W, C)"}
KERNEL_LAYOUTS = {1: "(k, C_in/groups, C_out)", 2: "(kh, kw, C_in/groups, C_out)"}


# --- the window machinery, shared by convolution and pooling -------------------------------------
class Windows:
    """Where the windows of a convolution or a pooling lie on a padded (N, H, W, C) image.

    Window (p, q) at kernel offset (i, j) reads padded pixel (p·s_h + i·d_h, q·s_w + j·d_w).
    ``size`` is the unpadded (H, W); ``padding`` is "valid", "same", "causal" or one
    (before, after) pair per axis. Sets ``pads``, ``padded`` (the padded size) and ``out``
    (H', W'), the number of windows along each axis.

    >>> w = Windows((5, 5), kernel=(3, 3), strides=(2, 2), dilation=(1, 1), padding="same")
    >>> w.pads, w.out
    (((1, 1), (1, 1)), (3, 3))
    """

    def __init__(self, size, kernel, strides, dilation, padding):
        self.size, self.kernel, self.strides, self.dilation = size, kernel, strides, dilation
        self.span = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))  # dilated kernel
        if isinstance(padding, str):
            padding = tuple(_string_pads(padding, n, e, s)
                            for n, e, s in zip(size, self.span, strides))
        self.pads = padding
        self.padded = tuple(n + b + a for n, (b, a) in zip(size, padding))
        for n, p, e, k, d in zip(size, self.padded, self.span, kernel, dilation):
            if p < e:
                raise ValueError(
                    f"the window (size {k}, dilation {d}: spans {e}) is larger than the input "
                    f"(length {n}, {p} after padding); use padding='same' or a smaller window"
                )
        self.out = tuple((p - e) // s + 1 for p, e, s in zip(self.padded, self.span, strides))

    def pad(self, x, value=0):
        """x (N, H, W, C) with the padding around it (``value``: 0, or −∞ for max pooling)."""
        return pad_image(x, self.pads, value)

    def crop(self, image):
        """The inverse of ``pad``: the (N, H, W, C) interior of a padded image."""
        return crop_image(image, self.pads)

    def offsets(self):
        """For each kernel offset k = i·kw + j: k and the index of the pixels it reads in every
        window, ``image[index]`` of shape (N, H', W', C)."""
        (kh, kw), (sh, sw), (dh, dw), (oh, ow) = self.kernel, self.strides, self.dilation, self.out
        for i in range(kh):
            for j in range(kw):
                yield i * kw + j, (slice(None), slice(i * dh, i * dh + (oh - 1) * sh + 1, sh),
                                   slice(j * dw, j * dw + (ow - 1) * sw + 1, sw))

    def gather(self, image, groups=1):
        """im2col: each window of the padded ``image`` as one row, per channel group:
        (G, N·H'·W', kh·kw·C/G), columns ordered (i, j, c) like a Keras kernel.

        The windows are a strided view of the image (no copy); the reshape copies them once.
        """
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.strides, self.dilation
        n, c = image.shape[0], image.shape[-1]
        view = B.xp.lib.stride_tricks.sliding_window_view(image, self.span, axis=(1, 2))
        view = view[:, ::sh, ::sw, :, ::dh, ::dw]              # (N, H', W', C, kh, kw)
        view = view.reshape(n, *self.out, groups, c // groups, kh, kw)
        return view.transpose(3, 0, 1, 2, 5, 6, 4).reshape(groups, -1, kh * kw * (c // groups))

    def scatter(self, part, shape, dtype):
        """col2im, the adjoint of reading the windows: a zero image of the padded ``shape`` with
        ``part(k)`` (one value per window, (N, H', W', ...)) added at the pixels offset k read.
        One strided add per kernel offset; overlapping windows accumulate."""
        image = B.xp.zeros(shape, dtype)
        for k, index in self.offsets():
            image[index] += part(k)
        return image


def _string_pads(mode, n, span, stride):
    """(before, after) padding of one axis of length n for "valid", "same" or "causal"."""
    if mode == "valid":
        return 0, 0
    if mode == "causal":
        return span - 1, 0
    total = max((-(-n // stride) - 1) * stride + span - n, 0)   # "same": ⌈n/s⌉ windows
    return total // 2, total - total // 2


def pad_image(x, pads, value=0):
    """x (N, H, W, ...) with pads ((top, bottom), (left, right)) of ``value`` (no copy if none)."""
    if not any(a or b for a, b in pads):
        return x
    widths = ((0, 0),) + tuple(pads) + ((0, 0),) * (x.ndim - 3)
    return B.xp.pad(x, widths, constant_values=value)


def crop_image(x, pads):
    """x (N, H, W, ...) without ((top, bottom), (left, right)) pixels at its borders (a view)."""
    (t, b), (l, r) = pads
    return x[:, t:x.shape[1] - b, l:x.shape[2] - r]


def as_image(x, rank, what="input", layout=None, axis=1):
    """An (N, L, C) array (rank 1) as the (N, 1, L, C) image of height 1; (N, H, W, C) as is.
    Kernels lift with ``axis=0``: (k, C_in, C_out) becomes (1, k, C_in, C_out)."""
    if x.ndim != rank + 2:
        raise ValueError(f"expected the {what} of shape {layout or LAYOUTS[rank]}, got {x.ndim} "
                         f"dimensions {tuple(x.shape)}")
    return B.xp.expand_dims(x, axis) if rank == 1 else x


def window_ints(value, rank, name):
    """Kernel/pool size, strides or dilation (an int or ``rank`` ints) as 2-D (h, w) ints."""
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    if len(values) != rank or not all(isinstance(v, int) and v >= 1 for v in values):
        raise ValueError(f"{name} must be a positive int or {rank} positive ints, got {value!r}")
    return (1,) * (2 - rank) + values


def window_padding(padding, rank):
    """Padding as Keras and PyTorch write it, as "valid"/"same"/"causal" or 2-D (before, after)
    pairs: an int p (p on every side), per axis ints (ph, pw), or per axis pairs
    ((top, bottom), (left, right)); for 1-D an int pair is (left, right)."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode in ("valid", "same") or (mode == "causal" and rank == 1):
            return mode
        raise ValueError(f"padding must be 'valid', 'same'{', causal' if rank == 1 else ''}, an "
                         f"int or pairs of ints, got {padding!r}")
    if isinstance(padding, int):
        padding = (padding,) * rank
    padding = tuple(padding)
    if rank == 1 and len(padding) == 2 and all(isinstance(p, int) for p in padding):
        padding = (padding,)
    pairs = tuple((p, p) if isinstance(p, int) else tuple(p) for p in padding)
    if len(pairs) != rank or not all(len(p) == 2 and min(p) >= 0 for p in pairs):
        raise ValueError(f"padding must be 'valid', 'same', an int or pairs of non-negative ints "
                         f"for {rank} axes, got {padding!r}")
    return ((0, 0),) * (2 - rank) + pairs


# --- convolution ---------------------------------------------------------------------------------
def _grouped_kernel(kernel, groups):
    """(kh, kw, C/G, G·O) → (G, kh·kw·C/G, O): one (rows × O) matrix per channel group."""
    rows = kernel.shape[0] * kernel.shape[1] * kernel.shape[2]
    return kernel.reshape(rows, groups, -1).transpose(1, 0, 2)


def _grouped_channels(y, groups):
    """(..., G·O) → (G, M, O): the channels of each group as one matrix of M rows."""
    return y.reshape(-1, groups, y.shape[-1] // groups).transpose(1, 0, 2)


def _ungrouped(z, shape):
    """The inverse of ``_grouped_channels`` and ``_grouped_kernel``: (G, M, O) → ``shape``."""
    return z.transpose(1, 0, 2).reshape(shape)


def _bias_grad(grad):
    """∂L/∂b = Σ_{n, p, q} ∂L/∂y, written 1ᵀ · ∂L/∂y: one matrix-vector product, several times
    faster than ``sum(axis=(0, 1, 2))`` over a (N·H'·W', C) gradient."""
    rows = grad.reshape(-1, grad.shape[-1])
    return B.xp.ones(rows.shape[0], rows.dtype) @ rows


def _windows_to_image(win, cols, shape):
    """col2im: window rows (G, N·H'·W', kh·kw·C/G) added back onto the pixels of the padded
    image they were read from, one kernel offset at a time; returns the (N, H, W, C) interior."""
    n, c = shape[0], shape[-1]
    groups = cols.shape[0]
    blocks = cols.reshape(groups, n, *win.out, -1, c // groups)   # (G, N, H', W', kh·kw, C/G)
    padded = (n, *win.padded, groups, c // groups)
    image = win.scatter(lambda k: blocks[..., k, :].transpose(1, 2, 3, 0, 4), padded, cols.dtype)
    return win.crop(image.reshape(n, *win.padded, c))


class Conv(Function):
    """Convolution of NHWC images with a Keras kernel (kh, kw, C_in/G, C_out), as one GEMM:

        X = im2col(x̃)  (G, N·H'·W', kh·kw·C_in/G)      y = X · K + b   (a product per group)
        ∂L/∂K = Xᵀ · ∂L/∂y      ∂L/∂X = ∂L/∂y · Kᵀ → col2im → crop the padding
        ∂L/∂b = Σ_{n, p, q} ∂L/∂y

    Groups G split the channels into G independent convolutions (output channel o belongs to
    group o // (C_out/G)); ``depthwise`` reads a (kh, kw, C_in, M) kernel as G = C_in groups.
    ``rank`` 1 runs (N, L, C) inputs as images of height 1.
    """

    def forward(self, x, kernel, bias=None, rank=2, strides=(1, 1), padding="valid",
                dilation=(1, 1), groups=1, depthwise=False):
        self.x_shape, self.kernel_shape = x.shape, kernel.shape
        x = as_image(x, rank)
        kernel = as_image(kernel, rank, "kernel", KERNEL_LAYOUTS[rank], axis=0)
        n, h, w, c = x.shape
        kh, kw, kc, c_out = kernel.shape
        groups = c if depthwise else groups
        if c % groups:
            raise ValueError(f"groups={groups} must divide the input channels ({c})")
        if kc != (c if depthwise else c // groups):
            raise ValueError(
                f"the input has {c} channels but the kernel of shape {self.kernel_shape} expects "
                f"{kc if depthwise else kc * groups} (its axis −2 is C_in"
                f"{'' if depthwise else f'/groups with groups={groups}'})")
        if depthwise:   # (kh, kw, C, M): C groups of one channel, M filters each
            kernel, c_out = kernel.reshape(kh, kw, 1, kc * c_out), kc * c_out
        if c_out % groups:
            raise ValueError(f"groups={groups} must divide the kernel's output channels ({c_out})")
        if bias is not None and bias.shape != (c_out,):
            raise ValueError(f"bias must have shape ({c_out},), one per output channel, got "
                             f"{tuple(bias.shape)}")
        self.win = Windows((h, w), (kh, kw), strides, dilation, padding)
        self.image_shape, self.groups = (n, h, w, c), groups
        self.cols = self.win.gather(self.win.pad(x), groups)
        self.k = _grouped_kernel(kernel, groups)
        y = _ungrouped(self.cols @ self.k, (n, *self.win.out, c_out))
        if bias is not None:
            y += bias
        return y[:, 0] if rank == 1 else y

    def backward(self, grad):
        g = _grouped_channels(grad, self.groups)                  # (G, N·H'·W', O)
        gx = gk = gb = None
        if self.needs_grad(0):
            cols = g @ self.k.transpose(0, 2, 1)                 # (G, N·H'·W', kh·kw·C/G)
            gx = _windows_to_image(self.win, cols, self.image_shape).reshape(self.x_shape)
        if self.needs_grad(1):
            gk = _ungrouped(self.cols.transpose(0, 2, 1) @ g, self.kernel_shape)
        if self.needs_grad(2):
            gb = _bias_grad(grad)
        return gx, gk, gb


class ConvTranspose(Function):
    """Transposed convolution: the adjoint of ``Conv`` (its backward to the input, run forward).
    With a Keras Conv2DTranspose kernel K (kh, kw, C_out, C_in), read as a conv kernel from
    C_out to C_in channels:

        y = crop(col2im(x · Kᵀ)) + b          (x: (N·H·W, C_in), K: (kh·kw·C_out, C_in))
        ∂L/∂x = im2col(∂L/∂ỹ) · K      ∂L/∂K = im2col(∂L/∂ỹ)ᵀ · x      ∂L/∂b = Σ_{n,p,q} ∂L/∂y

    where ỹ is y padded as a convolution of y would pad it.
    """

    def forward(self, x, kernel, bias=None, strides=(1, 1), padding="valid", output_padding=None,
                dilation=(1, 1)):
        self.x_shape, self.kernel_shape = x.shape, kernel.shape
        n, h, w, c = as_image(x, 2).shape
        kh, kw, c_out, kc = as_image(kernel, 2, "kernel", "(kh, kw, C_out, C_in)").shape
        if kc != c:
            raise ValueError(f"the input has {c} channels but the kernel of shape {kernel.shape} "
                             f"expects {kc} (Conv2DTranspose kernels are (kh, kw, C_out, C_in))")
        if bias is not None and bias.shape != (c_out,):
            raise ValueError(f"bias must have shape ({c_out},), one per output channel, got "
                             f"{tuple(bias.shape)}")
        size = tuple(_transposed_length(*a, padding) for a in
                     zip((h, w), (kh, kw), strides, dilation, output_padding or (None, None)))
        self.win = Windows(size, (kh, kw), strides, dilation, padding)
        if self.win.out != (h, w):
            raise ValueError(f"output_padding={output_padding} gives a {size[0]}×{size[1]} output "
                             f"whose convolution is {self.win.out[0]}×{self.win.out[1]}, not the "
                             f"input's {h}×{w}; output_padding must be smaller than the strides")
        self.x, self.k = x, kernel.reshape(1, -1, c)                # (1, kh·kw·C_out, C_in)
        cols = x.reshape(1, -1, c) @ self.k.transpose(0, 2, 1)      # (1, N·H·W, kh·kw·C_out)
        y = _windows_to_image(self.win, cols, (n, *size, c_out))
        if bias is not None:
            y += bias
        return y

    def backward(self, grad):
        cols = self.win.gather(self.win.pad(grad))               # (1, N·H·W, kh·kw·C_out)
        gx = (cols @ self.k).reshape(self.x_shape) if self.needs_grad(0) else None
        gk = None
        if self.needs_grad(1):
            x = self.x.reshape(1, -1, self.x_shape[-1])
            gk = (cols.transpose(0, 2, 1) @ x).reshape(self.kernel_shape)
        gb = _bias_grad(grad) if self.needs_grad(2) else None
        return gx, gk, gb


def _transposed_length(n, k, stride, dilation, output_padding, padding):
    """Keras' output length of a transposed convolution along one axis of input length n."""
    span = (k - 1) * dilation + 1
    if output_padding is None:
        return n * stride + max(span - stride, 0) if padding == "valid" else n * stride
    pad = span // 2 if padding == "same" else 0
    return (n - 1) * stride + span - 2 * pad + output_padding


# --- the public functions ------------------------------------------------------------------------
def conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation=1, groups=1) -> Tensor:
    """2-D convolution of channels-last images (Keras' Conv2D).

    x: (N, H, W, C_in); kernel: (kh, kw, C_in/groups, C_out); bias: (C_out,) or None.
    Returns (N, H', W', C_out) with H' = ⌈(H − k_d + 1)/s⌉ for "valid" and ⌈H/s⌉ for "same",
    k_d = (kh − 1)·dilation + 1. ``strides``/``dilation``: an int or (h, w); ``padding``:
    "valid", "same", an int, (ph, pw) or ((top, bottom), (left, right)); ``groups``: split the
    channels into independent convolutions (groups = C_in is depthwise).

    >>> pf.conv2d(pf.randn(2, 5, 5, 3), pf.randn(3, 3, 3, 4), strides=2, padding="same").shape
    (2, 3, 3, 4)
    """
    return Conv.apply(x, kernel, bias, rank=2, strides=window_ints(strides, 2, "strides"),
                      padding=window_padding(padding, 2),
                      dilation=window_ints(dilation, 2, "dilation"), groups=groups)


def conv1d(x, kernel, bias=None, strides=1, padding="valid", dilation=1, groups=1) -> Tensor:
    """1-D convolution of sequences (Keras' Conv1D), run as conv2d on images of height 1.

    x: (N, L, C_in); kernel: (k, C_in/groups, C_out); bias: (C_out,) or None → (N, L', C_out).
    ``padding``: "valid", "same", "causal" (k_d − 1 zeros on the left: output t sees inputs ≤ t),
    an int or (left, right).

    >>> pf.conv1d(pf.randn(2, 10, 3), pf.randn(3, 3, 8), padding="causal").shape
    (2, 10, 8)
    """
    return Conv.apply(x, kernel, bias, rank=1, strides=window_ints(strides, 1, "strides"),
                      padding=window_padding(padding, 1),
                      dilation=window_ints(dilation, 1, "dilation"), groups=groups)


def depthwise_conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation=1) -> Tensor:
    """Depthwise 2-D convolution (Keras' DepthwiseConv2D): each input channel convolved with its
    own M filters, no mixing across channels.

    x: (N, H, W, C); kernel: (kh, kw, C, M) (M the depth multiplier); bias: (C·M,) or None.
    Returns (N, H', W', C·M), channel c·M + m from input channel c and filter m.

    >>> pf.depthwise_conv2d(pf.randn(2, 8, 8, 3), pf.randn(3, 3, 3, 2)).shape
    (2, 6, 6, 6)
    """
    return Conv.apply(x, kernel, bias, rank=2, strides=window_ints(strides, 2, "strides"),
                      padding=window_padding(padding, 2),
                      dilation=window_ints(dilation, 2, "dilation"), depthwise=True)


def conv2d_transpose(x, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                     dilation=1) -> Tensor:
    """Transposed 2-D convolution (Keras' Conv2DTranspose), the gradient of conv2d with respect
    to its input: each input pixel spreads a kernel-sized patch into the (larger) output.

    x: (N, H, W, C_in); kernel: (kh, kw, C_out, C_in) (Keras' layout); bias: (C_out,) or None.
    Output (N, H', W', C_out) with Keras' sizes, k_d = (kh − 1)·dilation + 1:
      output_padding None:  "valid" H' = H·s + max(k_d − s, 0);   "same" H' = H·s
      output_padding p:     H' = (H − 1)·s + k_d − 2·pad + p, pad = ⌊k_d/2⌋ ("same") or 0,
    p < s. ``padding``: "valid" or "same"; ``output_padding``: None, an int or (h, w).

    >>> pf.conv2d_transpose(pf.randn(2, 7, 7, 16), pf.randn(3, 3, 8, 16), strides=2,
    ...                     padding="same").shape
    (2, 14, 14, 8)
    """
    if not (isinstance(padding, str) and padding.lower() in ("valid", "same")):
        raise ValueError(f"conv2d_transpose: padding must be 'valid' or 'same', got {padding!r}")
    if output_padding is not None:
        output_padding = ((output_padding,) * 2 if isinstance(output_padding, int)
                          else tuple(output_padding))
    return ConvTranspose.apply(x, kernel, bias, strides=window_ints(strides, 2, "strides"),
                               padding=padding.lower(), output_padding=output_padding,
                               dilation=window_ints(dilation, 2, "dilation"))
