"""Convolutions on channels-last images (NHWC, as Keras): conv1d, conv2d, depthwise_conv2d,
conv2d_transpose.

A convolution slides a small kernel over the image. Output pixel (p, q) of channel o is

    y[n, p, q, o] = b[o] + Σ_{i, j, c} x̃[n, p·s_h + i·d_h, q·s_w + j·d_w, c] · K[i, j, c, o]

with x̃ the padded input, s the strides and d the dilation (as in every framework this is a
cross-correlation: the kernel is not flipped). It runs as ONE matrix product: copy every window
into a row of a matrix X (im2col, shape (N·H'·W', kh·kw·C)), then y = X · K with K seen as a
(kh·kw·C, C_out) matrix. Backward is two more products, ∂L/∂K = Xᵀ · ∂L/∂y and
∂L/∂X = ∂L/∂y · Kᵀ, and ∂L/∂X goes back onto the pixels the windows were read from (col2im).
That is the reference, readable and used for every convolution when
``implementation = "reference"``. By default (``"fast"``), stride-1 convolutions without groups
take ∂L/∂X by one GEMM per kernel offset over shifted slices of the flattened image instead
(``_shifted_input_grad``: no col2im), and 3×3 stride-1 convolutions with at least
``WINOGRAD_CHANNELS`` channels in and out run forward and backward by Winograd's F(2×2, 3×3)
(``winograd.py``: 16 multiplies per 2×2 output block instead of 36); both are tested against the
reference. Only the padded input is kept for backward; the kh·kw times larger window matrix is
recomputed into a reused buffer.

Padding follows Keras: "valid" (none; H' = ⌈(H − k_d + 1)/s⌉), "same" (H' = ⌈H/s⌉; the odd
pixel of padding goes to the bottom/right), "causal" for conv1d (all padding on the left), or
explicit amounts. k_d = (k − 1)·d + 1 is the dilated kernel size.

>>> x = pf.randn(8, 28, 28, 1)                    # a batch of 8 grey 28×28 images
>>> k = pf.randn(3, 3, 1, 32, requires_grad=True)  # 32 filters of 3×3 (Keras layout)
>>> pf.conv2d(x, k, padding="same").shape
(8, 28, 28, 32)

The window machinery (``windows.Windows``) is shared with ``pool.py``; 1-D ops are 2-D ops on
images of height 1.
"""

from __future__ import annotations

from .. import backend as B
from ..autograd import Function, Tensor
from ..autograd.types import Pads, Shape, TensorLike
from . import winograd
from .windows import KERNEL_LAYOUTS, Windows, as_image, pad_image, window_ints, window_padding

__all__ = ["conv1d", "conv2d", "depthwise_conv2d", "conv2d_transpose"]

#: "fast": stride-1 convolutions without groups take ∂L/∂x by shifted GEMMs
#: (``_shifted_input_grad``), 3×3 ones with enough channels run by Winograd; "reference": every
#: convolution by im2col and col2im.
implementation = "fast"
#: Winograd runs 3×3 stride-1 convolutions with at least this many input and output channels:
#: its transforms are whole-array NumPy passes that cost about what they save in the products
#: below 64 channels (measured at 1 thread: slower at 32, 10–30% faster at 64, 35% at 128).
WINOGRAD_CHANNELS = 64
#: the window matrix (im2col) is built this many bytes at a time, a slice of the batch at once
WINDOW_BYTES = 2 << 20
#: the shifted input gradient runs through its rows this many bytes of ∂L/∂y at a time
SHIFT_BYTES = 256 << 10
#: up to this many input channels (and without groups) the window matrix is copied one kernel
#: offset at a time, as its transpose (``Conv._windows``): a window's runs of C numbers are too
#: short to copy fast (measured at 1 thread, C = 1: 5× faster; C = 3: 1.3×; C = 8: slower)
FEW_CHANNELS = 4


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
    blocks = cols.reshape(groups, n, *win.out, -1, c // groups)  # (G, N, H', W', kh·kw, C/G)
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

    ``activation="relu"`` gives max(y, 0), applied to each block of y while it is in cache (no
    second full-size array, no second pass); backward first keeps ∂L/∂y where y > 0.
    """

    def forward(
        self,
        x,
        kernel,
        bias=None,
        rank=2,
        strides=(1, 1),
        padding="valid",
        dilation=(1, 1),
        groups=1,
        depthwise=False,
        activation=None,
    ):
        if activation not in (None, "relu"):
            raise ValueError(f"activation must be None or 'relu', got {activation!r}")
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
                f"{'' if depthwise else f'/groups with groups={groups}'})"
            )
        if depthwise:  # (kh, kw, C, M): C groups of one channel, M filters each
            kernel, c_out = kernel.reshape(kh, kw, 1, kc * c_out), kc * c_out
        if c_out % groups:
            raise ValueError(f"groups={groups} must divide the kernel's output channels ({c_out})")
        if bias is not None and bias.shape != (c_out,):
            raise ValueError(
                f"bias must have shape ({c_out},), one per output channel, got {tuple(bias.shape)}"
            )
        self.win = Windows((h, w), (kh, kw), strides, dilation, padding)
        self.image_shape, self.groups = (n, h, w, c), groups
        self.image = B.xp.ascontiguousarray(self.win.pad(x))  # kept for backward (1× x)
        self.windows = self.win.view(self.image, groups)  # strided, no copy
        self.k = _grouped_kernel(kernel, groups)
        self.winograd = _winograd_applies(self.win, groups, c, c_out)
        y = B.xp.empty((n, *self.win.out, c_out), B.xp.result_type(self.image, self.k))
        self.y = y if activation == "relu" else None  # the mask of y > 0, for backward
        if self.winograd:
            winograd.convolve(self.image, winograd.transform_kernel(kernel), y)
            if bias is not None:
                y += bias
            if self.y is not None:
                B.xp.maximum(y, 0, out=y)
            return y
        for part in self._parts():
            if groups == 1:  # the product straight into y
                B.xp.matmul(
                    self._windows(part), self.k, out=y[part].reshape(self.k.shape[:1] + (-1, c_out))
                )
            else:  # (G, N_part·H'·W', O/G)
                y[part] = _ungrouped(self._windows(part) @ self.k, y[part].shape)
            if bias is not None:
                y[part] += bias  # while the slice is in cache
            if self.y is not None:
                B.xp.maximum(y[part], 0, out=y[part])
        return y[:, 0] if rank == 1 else y

    def _parts(self):
        """Blocks of output rows whose window matrix fits in ``WINDOW_BYTES``: slices of the
        batch, or of one image's rows when an image alone is larger. The windows are copied,
        multiplied and dropped a block at a time, in cache and in a buffer of that size, not all
        N·H'·W' rows at once. Each block is an index (images, output rows) into y."""
        n, (oh, ow) = self.image.shape[0], self.win.out
        per_row = ow * self.k.shape[1] * self.groups * self.image.itemsize
        rows = max(1, WINDOW_BYTES // per_row)
        if rows < oh:  # one image at a time, ``rows`` output rows at once
            return [(i, slice(r, min(r + rows, oh))) for i in range(n) for r in range(0, oh, rows)]
        step = rows // oh
        return [(slice(i, min(i + step, n)), slice(None)) for i in range(0, n, step)]

    def _windows(self, part):
        """im2col of the output rows ``part`` (``_parts``) of the kept padded input, into a reused
        buffer (recomputed for backward instead of kept: it is kh·kw times the size of the
        input)."""
        view = self.windows[(slice(None),) + part]  # (G, [N_part,] H_part, W', kh, kw, C/G)
        rows = view[..., 0, 0, 0].size // self.groups
        *_, kh, kw, c = view.shape
        if self.groups == 1 and c <= FEW_CHANNELS and implementation == "fast":
            # Xᵀ, (kh, kw, C) × the output pixels: each offset's pixels are one shifted image
            cols_t = B.scratch("conv.cols_t", (kh, kw, c, *view.shape[1:-3]), view.dtype)
            for i in range(kh):
                for j in range(kw):
                    B.xp.copyto(cols_t[i, j], B.xp.moveaxis(view[0, ..., i, j, :], -1, 0))
            return cols_t.reshape(1, kh * kw * c, rows).transpose(0, 2, 1)
        cols = B.scratch("conv.cols", (self.groups, rows, self.k.shape[1]), view.dtype)
        B.xp.copyto(cols.reshape(view.shape), view)
        return cols

    def backward(self, grad):
        gx = gk = gb = None
        if self.y is not None:  # through the ReLU first
            grad = grad * (self.y.reshape(grad.shape) > 0)
        if self.needs_grad(0):
            if self.winograd:
                gx = self._winograd_input_grad(grad)
            elif self.groups == 1 and self.win.strides == (1, 1) and implementation == "fast":
                gx = _shifted_input_grad(self.win, self.k[0], grad, self.image.shape)
            else:
                g = _grouped_channels(grad, self.groups)  # (G, N·H'·W', O)
                cols = g @ self.k.transpose(0, 2, 1)  # (G, N·H'·W', kh·kw·C/G)
                gx = _windows_to_image(self.win, cols, self.image_shape)
            gx = gx.reshape(self.x_shape)
        if self.needs_grad(1) and self.winograd:
            gk = winograd.convolve_kernel_gradient(self.image, grad).reshape(self.kernel_shape)
        elif self.needs_grad(1):  # ∂L/∂K = Σ over slices of Xᵀ · ∂L/∂y
            gk = _ungrouped(
                sum(
                    self._windows(part).transpose(0, 2, 1)
                    @ _grouped_channels(grad[part], self.groups)
                    for part in self._parts()
                ),
                self.kernel_shape,
            )
        if self.needs_grad(2):
            gb = _bias_grad(grad)
        return gx, gk, gb

    def _winograd_input_grad(self, grad):
        """∂L/∂x of a 3×3 stride-1 convolution by Winograd: the correlation of ∂L/∂y, padded by
        2 − p on each side p of the forward's padding, with the kernel flipped (K[2 − i, 2 − j])
        and its input and output channels swapped."""
        (top, bottom), (left, right) = self.win.pads
        padded = pad_image(grad, ((2 - top, 2 - bottom), (2 - left, 2 - right)))
        flipped = self.k[0].reshape(3, 3, -1, grad.shape[-1])[::-1, ::-1].transpose(0, 1, 3, 2)
        gx = B.xp.empty(self.image_shape, grad.dtype)
        return winograd.convolve(padded, winograd.transform_kernel(flipped), gx)


def _winograd_applies(win, groups, c_in, c_out):
    """Whether ``Conv`` runs by Winograd: a 3×3 stride-1, undilated kernel without groups, padding
    of at most 2 on each side (the input gradient pads ∂L/∂y by 2 − p), ≥ ``WINOGRAD_CHANNELS``
    channels in and out, and ``implementation = "fast"``."""
    return (
        implementation == "fast"
        and win.kernel == (3, 3)
        and win.strides == (1, 1)
        and win.dilation == (1, 1)
        and groups == 1
        and max(max(p) for p in win.pads) <= 2
        and min(c_in, c_out) >= WINOGRAD_CHANNELS
    )


def _shifted_input_grad(win, kernel, grad, padded_shape):
    """∂L/∂x of a stride-1 convolution without col2im: one GEMM per kernel offset.

    With the padded input flattened to rows of pixels X (P, C) (``Windows.flat_shifts``: kernel
    offset k of every window is the slice X[s_k : s_k + L]) and ∂L/∂y laid on the same padded grid
    as G (L, O), zero on the rows that are not windows, y = Σ_k X[s_k : s_k + L] · K_k gives

        ∂L/∂X[s_k : s_k + L] += G · K_kᵀ          (K_k: the (C, O) kernel of offset k)

    each a product into contiguous rows; the padding is then cropped. The windows of one image
    never reach into the next, so this runs ``WINDOW_BYTES`` of images at a time (bounded
    buffers), and through their rows ``SHIFT_BYTES`` of G at a time, every offset on one block
    of rows while it is in cache. ``kernel``: (kh·kw·C, O); returns the (N, H, W, C) gradient.
    """
    xp = B.xp
    n, hp, wp, c = padded_shape
    (oh, ow), o = win.out, grad.shape[-1]
    k = kernel.reshape(-1, c, o)
    gx = xp.zeros((n, hp * wp, c), grad.dtype)
    step = max(1, WINDOW_BYTES // (hp * wp * max(o, c) * grad.itemsize))
    for start in range(0, n, step):
        images = slice(start, min(start + step, n))
        m = images.stop - start
        shifts, rows = win.flat_shifts(m)
        grid = B.scratch("conv.grad", (m, hp, wp, o), grad.dtype)
        grid[:, :oh, :ow] = grad[images].reshape(m, oh, ow, o)
        grid[:, oh:] = 0
        grid[:, :oh, ow:] = 0
        g = grid.reshape(-1, o)
        out = gx[images].reshape(-1, c)
        block = max(1, SHIFT_BYTES // (max(o, c) * grad.itemsize))
        part = B.scratch("conv.part", (min(block, rows), c), grad.dtype)
        for a in range(0, rows, block):  # a block of rows in cache, through every offset
            b = min(a + block, rows)
            for i, s in enumerate(shifts):
                out[a + s : b + s] += xp.matmul(g[a:b], k[i].T, out=part[: b - a])
    return win.crop(gx.reshape(padded_shape))


class ConvTranspose(Function):
    """Transposed convolution: the adjoint of ``Conv`` (its backward to the input, run forward).
    With a Keras Conv2DTranspose kernel K (kh, kw, C_out, C_in), read as a conv kernel from
    C_out to C_in channels:

        y = crop(col2im(x · Kᵀ)) + b          (x: (N·H·W, C_in), K: (kh·kw·C_out, C_in))
        ∂L/∂x = im2col(∂L/∂ỹ) · K      ∂L/∂K = im2col(∂L/∂ỹ)ᵀ · x      ∂L/∂b = Σ_{n,p,q} ∂L/∂y

    where ỹ is y padded as a convolution of y would pad it.
    """

    def forward(
        self,
        x,
        kernel,
        bias=None,
        strides=(1, 1),
        padding="valid",
        output_padding=None,
        dilation=(1, 1),
    ):
        self.x_shape, self.kernel_shape = x.shape, kernel.shape
        n, h, w, c = as_image(x, 2).shape
        kh, kw, c_out, kc = as_image(kernel, 2, "kernel", "(kh, kw, C_out, C_in)").shape
        if kc != c:
            raise ValueError(
                f"the input has {c} channels but the kernel of shape {kernel.shape} "
                f"expects {kc} (Conv2DTranspose kernels are (kh, kw, C_out, C_in))"
            )
        if bias is not None and bias.shape != (c_out,):
            raise ValueError(
                f"bias must have shape ({c_out},), one per output channel, got {tuple(bias.shape)}"
            )
        size = tuple(
            _transposed_length(*a, padding)
            for a in zip((h, w), (kh, kw), strides, dilation, output_padding or (None, None))
        )
        self.win = Windows(size, (kh, kw), strides, dilation, padding)
        if self.win.out != (h, w):
            raise ValueError(
                f"output_padding={output_padding} gives a {size[0]}×{size[1]} output "
                f"whose convolution is {self.win.out[0]}×{self.win.out[1]}, not the "
                f"input's {h}×{w}; output_padding must be smaller than the strides"
            )
        self.x, self.k = x, kernel.reshape(1, -1, c)  # (1, kh·kw·C_out, C_in)
        cols = x.reshape(1, -1, c) @ self.k.transpose(0, 2, 1)  # (1, N·H·W, kh·kw·C_out)
        y = _windows_to_image(self.win, cols, (n, *size, c_out))
        if bias is not None:
            y += bias
        return y

    def backward(self, grad):
        cols = self.win.gather(self.win.pad(grad))  # (1, N·H·W, kh·kw·C_out)
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
def conv2d(
    x: TensorLike,
    kernel: TensorLike,
    bias: TensorLike | None = None,
    strides: Shape = 1,
    padding: str | Pads = "valid",
    dilation: Shape = 1,
    groups: int = 1,
    activation: str | None = None,
) -> Tensor:
    """2-D convolution of channels-last images (Keras' Conv2D).

    x: (N, H, W, C_in); kernel: (kh, kw, C_in/groups, C_out); bias: (C_out,) or None.
    Returns (N, H', W', C_out) with H' = ⌈(H − k_d + 1)/s⌉ for "valid" and ⌈H/s⌉ for "same",
    k_d = (kh − 1)·dilation + 1. ``strides``/``dilation``: an int or (h, w); ``padding``:
    "valid", "same", an int, (ph, pw) or ((top, bottom), (left, right)); ``groups``: split the
    channels into independent convolutions (groups = C_in is depthwise). ``activation="relu"``
    applies max(·, 0) in the same pass (what ``Conv2D(activation="relu")`` runs).

    >>> pf.conv2d(pf.randn(2, 5, 5, 3), pf.randn(3, 3, 3, 4), strides=2, padding="same").shape
    (2, 3, 3, 4)
    """
    return Conv.apply(
        x,
        kernel,
        bias,
        rank=2,
        strides=window_ints(strides, 2, "strides"),
        padding=window_padding(padding, 2),
        dilation=window_ints(dilation, 2, "dilation"),
        groups=groups,
        activation=activation,
    )


def conv1d(
    x: TensorLike,
    kernel: TensorLike,
    bias: TensorLike | None = None,
    strides: Shape = 1,
    padding: str | Pads = "valid",
    dilation: Shape = 1,
    groups: int = 1,
    activation: str | None = None,
) -> Tensor:
    """1-D convolution of sequences (Keras' Conv1D), run as conv2d on images of height 1.

    x: (N, L, C_in); kernel: (k, C_in/groups, C_out); bias: (C_out,) or None → (N, L', C_out).
    ``padding``: "valid", "same", "causal" (k_d − 1 zeros on the left: output t sees inputs ≤ t),
    an int or (left, right). ``activation="relu"``: max(·, 0) in the same pass.

    >>> pf.conv1d(pf.randn(2, 10, 3), pf.randn(3, 3, 8), padding="causal").shape
    (2, 10, 8)
    """
    return Conv.apply(
        x,
        kernel,
        bias,
        rank=1,
        strides=window_ints(strides, 1, "strides"),
        padding=window_padding(padding, 1),
        dilation=window_ints(dilation, 1, "dilation"),
        groups=groups,
        activation=activation,
    )


def depthwise_conv2d(
    x: TensorLike,
    kernel: TensorLike,
    bias: TensorLike | None = None,
    strides: Shape = 1,
    padding: str | Pads = "valid",
    dilation: Shape = 1,
) -> Tensor:
    """Depthwise 2-D convolution (Keras' DepthwiseConv2D): each input channel convolved with its
    own M filters, no mixing across channels.

    x: (N, H, W, C); kernel: (kh, kw, C, M) (M the depth multiplier); bias: (C·M,) or None.
    Returns (N, H', W', C·M), channel c·M + m from input channel c and filter m.

    >>> pf.depthwise_conv2d(pf.randn(2, 8, 8, 3), pf.randn(3, 3, 3, 2)).shape
    (2, 6, 6, 6)
    """
    return Conv.apply(
        x,
        kernel,
        bias,
        rank=2,
        strides=window_ints(strides, 2, "strides"),
        padding=window_padding(padding, 2),
        dilation=window_ints(dilation, 2, "dilation"),
        depthwise=True,
    )


def conv2d_transpose(
    x: TensorLike,
    kernel: TensorLike,
    bias: TensorLike | None = None,
    strides: Shape = 1,
    padding: str | Pads = "valid",
    output_padding: Shape | None = None,
    dilation: Shape = 1,
) -> Tensor:
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
        output_padding = (
            (output_padding,) * 2 if isinstance(output_padding, int) else tuple(output_padding)
        )
    return ConvTranspose.apply(
        x,
        kernel,
        bias,
        strides=window_ints(strides, 2, "strides"),
        padding=padding.lower(),
        output_padding=output_padding,
        dilation=window_ints(dilation, 2, "dilation"),
    )
