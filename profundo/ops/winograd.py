"""Winograd's minimal filtering F(2×2, 3×3): a faster kernel for 3×3 stride-1 convolutions, beside
the im2col reference of ``_conv.py`` (Lavin & Gray, "Fast Algorithms for Convolutional Neural
Networks", 2015).

The padded image is cut into 4×4 tiles d that overlap by 2 (stride 2); each gives a 2×2 block of
the output, and for each tile and each channel pair

    y = Aᵀ [ (G k Gᵀ) ⊙ (Bᵀ d B) ] A          (⊙: elementwise over the 4×4 positions ξ)

with the constant matrices

    Bᵀ = [[1, 0, −1, 0],      G = [[1,    0,    0  ],      Aᵀ = [[1, 1,  1,  0],
          [0, 1,  1, 0],           [1/2,  1/2,  1/2],            [0, 1, −1, −1]]
          [0, −1, 1, 0],           [1/2, −1/2,  1/2],
          [0, 1,  0, −1]]          [0,    0,    1  ]]

Summed over the input channels, the product at each of the 16 positions ξ is a matrix product:
M[ξ] = V[ξ] · U[ξ] with V[ξ] (tiles, C_in) the transformed input and U[ξ] (C_in, C_out) the
transformed kernel. A 2×2 output block costs 16 multiplies per channel pair instead of 36.

Backward, for ∂L/∂y with 2×2 blocks g:
  ∂L/∂x is the same algorithm on ∂L/∂y padded by (2 − padding) with the kernel flipped and its
        channels swapped (a convolution's input gradient is a "full" correlation);
  ∂L/∂k = Gᵀ [ Σ_tiles V[ξ]ᵀ · (A g Aᵀ)[ξ] ] G, the adjoint of each step above.

Everything runs a block of tile rows at a time (``TILE_BYTES``), so the transformed tiles stay in
cache; the transforms are a few whole-block additions each (the matrices hold only 0, ±1, ±1/2).
The float32 error is of the order of the im2col product's (the transforms are exact sums).
"""

from __future__ import annotations

from .. import backend as B

__all__: list = []  # internal machinery of ops/_conv.py

#: the transformed tiles are built this many bytes at a time (a block of tile rows)
TILE_BYTES = 1 << 20


def transform_kernel(kernel):
    """U = G k Gᵀ: a (3, 3, C_in, C_out) kernel → (16, C_in, C_out), one matrix per position ξ."""
    xp = B.xp
    g = xp.asarray([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], kernel.dtype)
    return xp.einsum("ai,ijco,bj->abco", g, kernel, g).reshape(16, *kernel.shape[2:])


def kernel_gradient(grad_u):
    """∂L/∂k = Gᵀ (∂L/∂U) G, the adjoint of ``transform_kernel``: (16, C_in, C_out) → (3, 3, …)."""
    xp = B.xp
    g = xp.asarray([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], grad_u.dtype)
    return xp.einsum("ai,abco,bj->ijco", g, grad_u.reshape(4, 4, *grad_u.shape[1:]), g)


def _input_stage(x, out):
    """Bᵀ along axis 1 of x (…, 2t + 2, …) → out (4, …, t, …): tile r reads rows 2r … 2r + 3,
    d0 − d2, d1 + d2, d2 − d1, d1 − d3, as whole-array differences of the even and odd rows."""
    xp, n = B.xp, out.shape[2]
    even, odd = x[:, 0::2][:, : n + 1], x[:, 1::2][:, : n + 1]
    xp.subtract(even[:, :-1], even[:, 1:], out=out[0])
    xp.add(odd[:, :-1], even[:, 1:], out=out[1])
    xp.subtract(even[:, 1:], odd[:, :-1], out=out[2])
    xp.subtract(odd[:, :-1], odd[:, 1:], out=out[3])


def transform_input(image, out):
    """V = Bᵀ d B for every 4×4 tile of a padded (N, 2·th + 2, 2·tw + 2, C) image → ``out``
    (16, N, th, tw, C), ξ = 4a + b: rows first (a), then columns (b)."""
    n, hp, wp, c = image.shape
    th, tw = (hp - 2) // 2, (wp - 2) // 2
    rows = B.scratch("winograd.rows", (4, n, th, wp, c), image.dtype)
    _input_stage(image, rows)
    tiles = out.reshape(4, 4, n, th, tw, c)
    for a in range(4):  # the same along the columns: axis 2, seen as axis 1 of the transpose
        _input_stage(rows[a].transpose(0, 2, 1, 3), tiles[a].transpose(0, 1, 3, 2, 4))
    return out


def _output_stage(m, out_even, out_odd):
    """Aᵀ along the first axis of m (4, …): m0 + m1 + m2 → ``out_even``, m1 − m2 − m3 →
    ``out_odd``."""
    xp = B.xp
    xp.add(m[0], m[1], out=out_even)
    out_even += m[2]
    xp.subtract(m[1], m[2], out=out_odd)
    out_odd -= m[3]


def transform_output(m, y):
    """y = Aᵀ M A: products M (16, N·th·tw, O) → the 2×2 output blocks of y (N, 2·th, 2·tw, O)."""
    n, h2, w2, o = y.shape
    m = m.reshape(4, 4, n, h2 // 2, w2 // 2, o)
    half = B.scratch("winograd.half", (2, 4, n, h2 // 2, w2 // 2, o), y.dtype)
    _output_stage(m, half[0], half[1])  # rows: (2, 4 columns b, …)
    for a in range(2):
        _output_stage(half[a], y[:, a::2, 0::2], y[:, a::2, 1::2])
    return y


def _gradient_stage(g, out):
    """A along axis 1 of g (…, 2t, …), the adjoint of ``_output_stage``: from rows g0, g1 of each
    block, g0, g0 + g1, g0 − g1, −g1 → out (4, …, t, …)."""
    xp = B.xp
    even, odd = g[:, 0::2], g[:, 1::2]
    xp.copyto(out[0], even)
    xp.add(even, odd, out=out[1])
    xp.subtract(even, odd, out=out[2])
    xp.negative(odd, out=out[3])


def transform_gradient(grad, out):
    """A g Aᵀ for every 2×2 block g of ∂L/∂y (N, 2·th, 2·tw, O) → ``out`` (16, N, th, tw, O)."""
    n, h2, w2, o = grad.shape
    rows = B.scratch("winograd.grad_rows", (4, n, h2 // 2, w2, o), grad.dtype)
    _gradient_stage(grad, rows)
    tiles = out.reshape(4, 4, n, h2 // 2, w2 // 2, o)
    for a in range(4):
        _gradient_stage(rows[a].transpose(0, 2, 1, 3), tiles[a].transpose(0, 1, 3, 2, 4))
    return out


def _blocks(n, th, tw, channels, itemsize):
    """(images, tile rows) slices whose 16 transformed tiles fit in ``TILE_BYTES``: several
    whole images, or a few tile rows of one image when an image alone is larger."""
    rows = max(1, TILE_BYTES // (16 * tw * channels * itemsize))
    if rows < th:
        return [
            (slice(i, i + 1), slice(r, min(r + rows, th)))
            for i in range(n)
            for r in range(0, th, rows)
        ]
    step = rows // th
    return [(slice(i, min(i + step, n)), slice(0, th)) for i in range(0, n, step)]


def _even_image(image, out_size):
    """The padded image with, when an output side is odd, one more zero row/column at the
    bottom/right: (N, 2·th + 2, 2·tw + 2, C) for th, tw = ⌈H'/2⌉, ⌈W'/2⌉."""
    n, hp, wp, c = image.shape
    th, tw = (out_size[0] + 1) // 2, (out_size[1] + 1) // 2
    if (hp, wp) == (2 * th + 2, 2 * tw + 2):
        return image, th, tw
    even = B.xp.zeros((n, 2 * th + 2, 2 * tw + 2, c), image.dtype)
    even[:, :hp, :wp] = image
    return even, th, tw


def convolve(image, u, out):
    """A 3×3 stride-1 'valid' convolution of the padded ``image`` (N, H' + 2, W' + 2, C) with the
    transformed kernel ``u`` (16, C, O) (``transform_kernel``), written into ``out`` (N, H', W',
    O)."""
    xp = B.xp
    (oh, ow), (c, o) = out.shape[1:3], u.shape[1:]
    image, th, tw = _even_image(image, (oh, ow))
    y = out if (oh, ow) == (2 * th, 2 * tw) else xp.empty((len(out), 2 * th, 2 * tw, o), out.dtype)
    for images, rows in _blocks(len(image), th, tw, max(c, o), image.itemsize):
        m, h = images.stop - images.start, rows.stop - rows.start
        v = transform_input(
            image[images, 2 * rows.start : 2 * rows.stop + 2],
            B.scratch("winograd.v", (16, m, h, tw, c), image.dtype),
        )
        products = B.scratch("winograd.m", (16, m * h * tw, o), out.dtype)
        xp.matmul(v.reshape(16, -1, c), u, out=products)
        transform_output(products, y[images, 2 * rows.start : 2 * rows.stop])
    if y is not out:
        out[...] = y[:, :oh, :ow]
    return out


def convolve_kernel_gradient(image, grad):
    """∂L/∂k (3, 3, C, O) of ``convolve(image, transform_kernel(k))`` for ∂L/∂y ``grad``
    (N, H', W', O): Gᵀ [Σ_tiles V[ξ]ᵀ · (A g Aᵀ)[ξ]] G."""
    xp = B.xp
    n, oh, ow, o = grad.shape
    c = image.shape[-1]
    image, th, tw = _even_image(image, (oh, ow))
    if (oh, ow) != (2 * th, 2 * tw):
        padded = xp.zeros((n, 2 * th, 2 * tw, o), grad.dtype)
        padded[:, :oh, :ow] = grad
        grad = padded
    grad_u = xp.zeros((16, c, o), grad.dtype)
    for images, rows in _blocks(n, th, tw, max(c, o), image.itemsize):
        m, h = images.stop - images.start, rows.stop - rows.start
        v = transform_input(
            image[images, 2 * rows.start : 2 * rows.stop + 2],
            B.scratch("winograd.v", (16, m, h, tw, c), image.dtype),
        )
        g = transform_gradient(
            grad[images, 2 * rows.start : 2 * rows.stop],
            B.scratch("winograd.g", (16, m, h, tw, o), grad.dtype),
        )
        grad_u += v.reshape(16, -1, c).transpose(0, 2, 1) @ g.reshape(16, -1, o)
    return kernel_gradient(grad_u)
