"""The windows of convolution and pooling on channels-last images: where each window lies on the
padded image, Keras' padding rules, and the image helpers both families share.

A window op with kernel (kh, kw), strides s and dilation d reads, for output pixel (p, q) and
kernel offset (i, j), the padded pixel (p·s_h + i·d_h, q·s_w + j·d_w). ``Windows`` computes the
padding and output size for "valid", "same" (Keras: H' = ⌈H/s⌉, the odd pixel of padding at the
bottom/right), "causal" (1-D: all padding on the left) or explicit amounts; it gathers every window
into a row of a matrix (im2col) and adds values back onto the pixels they came from (col2im).
Stride-1 windows are also shifts of the image flattened to one row per pixel (``flat_shifts``),
which lets a convolution read them without copying.

>>> w = Windows((28, 28), kernel=(3, 3), strides=(1, 1), dilation=(1, 1), padding="same")
>>> w.padded, w.out
((30, 30), (28, 28))
"""

from __future__ import annotations

from .. import backend as B

__all__: list = []  # internal machinery of ops/conv.py and ops/pool.py; nothing public

LAYOUTS = {1: "(N, L, C)", 2: "(N, H, W, C)", 3: "(N, D, H, W, C)"}
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
            padding = tuple(
                _string_pads(padding, n, e, s) for n, e, s in zip(size, self.span, strides)
            )
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
                yield (
                    i * kw + j,
                    (
                        slice(None),
                        slice(i * dh, i * dh + (oh - 1) * sh + 1, sh),
                        slice(j * dw, j * dw + (ow - 1) * sw + 1, sw),
                    ),
                )

    def view(self, image, groups=1):
        """The windows of the padded ``image`` as a strided view, no copy:
        (G, N, H', W', kh, kw, C/G), window (n, p, q) of group g at [g, n, p, q]."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.strides, self.dilation
        n, c = image.shape[0], image.shape[-1]
        view = B.xp.lib.stride_tricks.sliding_window_view(image, self.span, axis=(1, 2))
        view = view[:, ::sh, ::sw, :, ::dh, ::dw]  # (N, H', W', C, kh, kw)
        view = view.reshape(n, *self.out, groups, c // groups, kh, kw)
        return view.transpose(3, 0, 1, 2, 5, 6, 4)

    def gather(self, image, groups=1, out=None):
        """im2col: each window of the padded ``image`` as one row, per channel group:
        (G, N·H'·W', kh·kw·C/G), columns ordered (i, j, c) like a Keras kernel.

        The windows (``view``) are copied once, into ``out`` when given (a reused workspace of
        that shape) or into a new array.
        """
        view = self.view(image, groups)
        if out is None:
            return view.reshape(groups, -1, view.shape[-3] * view.shape[-2] * view.shape[-1])
        B.xp.copyto(out.reshape(view.shape), view)
        return out

    def flat_shifts(self, n):
        """Stride-1 windows as shifts of the padded images (a batch of ``n``) flattened to one
        row per pixel, X (N·H̃·W̃, C): window (n, p, q) reads at kernel offset (i, j)
        the row t + s_ij with

            t = (n·H̃ + p)·W̃ + q,      s_ij = i·d_h·W̃ + j·d_w,

        so offset (i, j) of every window at once is the contiguous slice X[s_ij : s_ij + L].
        Returns the shifts (offset k = i·kw + j) and L, the rows t that no shift runs past;
        the rows t with p ≥ H' or q ≥ W' are not windows (a caller zeroes or drops them).

        >>> Windows((4, 4), (3, 3), (1, 1), (1, 1), "same").flat_shifts(n=1)
        ([0, 1, 2, 6, 7, 8, 12, 13, 14], 22)
        """
        if self.strides != (1, 1):
            raise ValueError(f"flat_shifts needs strides (1, 1), got {self.strides}")
        (kh, kw), (dh, dw), (hp, wp) = self.kernel, self.dilation, self.padded
        shifts = [i * dh * wp + j * dw for i in range(kh) for j in range(kw)]
        return shifts, n * hp * wp - shifts[-1]

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
    total = max((-(-n // stride) - 1) * stride + span - n, 0)  # "same": ⌈n/s⌉ windows
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
    return x[:, t : x.shape[1] - b, l : x.shape[2] - r]


def as_image(x, rank, what="input", layout=None, axis=1):
    """An (N, L, C) array (rank 1) as the (N, 1, L, C) image of height 1; (N, H, W, C) as is.
    Kernels lift with ``axis=0``: (k, C_in, C_out) becomes (1, k, C_in, C_out)."""
    if x.ndim != rank + 2:
        raise ValueError(
            f"expected the {what} of shape {layout or LAYOUTS[rank]}, got {x.ndim} "
            f"dimensions {tuple(x.shape)}"
        )
    return B.xp.expand_dims(x, axis) if rank == 1 else x


def window_ints(value: int | tuple[int, ...], rank: int, name: str) -> tuple[int, ...]:
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
        raise ValueError(
            f"padding must be 'valid', 'same'{', causal' if rank == 1 else ''}, an "
            f"int or pairs of ints, got {padding!r}"
        )
    if isinstance(padding, int):
        padding = (padding,) * rank
    padding = tuple(padding)
    if rank == 1 and len(padding) == 2 and all(isinstance(p, int) for p in padding):
        padding = (padding,)
    pairs = tuple((p, p) if isinstance(p, int) else tuple(p) for p in padding)
    if len(pairs) != rank or not all(len(p) == 2 and min(p) >= 0 for p in pairs):
        raise ValueError(
            f"padding must be 'valid', 'same', an int or pairs of non-negative ints "
            f"for {rank} axes, got {padding!r}"
        )
    return ((0, 0),) * (2 - rank) + pairs
