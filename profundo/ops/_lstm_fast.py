"""The LSTM op's fast loops: σ and tanh gates without a mask (Keras' defaults), the math of
``recurrent.LSTM`` arranged for speed. ``recurrent.LSTM`` stays the version to read (its ``step``
and ``step_back`` are the formulas); the tests hold the two equal (``LSTM.fast = False`` runs the
reference). The changes, each measured on one core (batch N = 64, u = 128 units):

- **transposed**: h_t and c_t are (u, N), the gates of a step (4u, N), so each gate is a block of
  whole rows and every elementwise op runs on contiguous memory (an op on a (N, u) column block
  of a row-major (N, 4u) array costs 2-4× as much). The products become h_tᵀ ↦ Uᵀ h_tᵀ, and the
  input projection of all steps and the weight gradients stay one product each.
- **one exp for the four gates**: σ(a) = 1 / (1 + e⁻ᵃ) and tanh(a) = 2σ(2a) − 1, so with
  s = [−1, −1, −2, −1] (per gate block i, f, c̃, o) folded into W, U and b, z_t = s ⊙ a_t gives
  [i, f, c̃, o] = 1 / (1 + e^z_t), then c̃ ← 2c̃ − 1.
- **no new arrays in the loops**: every step writes into buffers made once per call; the gates,
  c and tanh(c) go back to a small per-thread pool when the op is released after its backward,
  for the next call (h is new each call: the outputs are a view of it).

Back, σ′ = y(1 − y) and tanh′ = (1 − y)(1 + y): ∂L/∂a_t = ∂L/∂(gates) ⊙ (1 − y) ⊙ [y or 1 + y].
"""

from __future__ import annotations

import threading

import numpy

from .. import backend as B

#: buffers of released ops, per thread, for the next forward: fresh arrays this large cost a
#: page fault for every 4 KiB on each call (measured: 12% of a T = 25 training step)
_released = threading.local()
KEEP = 2  # sets of buffers kept (one per layer of a stack of two)


def _take(shapes, dtype):
    """Arrays of ``shapes``: a released op's set when one matches, else new ones."""
    kept = getattr(_released, "sets", [])
    for k, arrays in enumerate(kept):
        if arrays[0].dtype == dtype and tuple(a.shape for a in arrays) == shapes:
            return kept.pop(k)
    return tuple(B.xp.empty(shape, dtype) for shape in shapes)


def release(op):
    """Keep the buffers of ``op`` (its backward has run for the last time) for the next call."""
    saved = op.__dict__.get("fast_saved")
    if saved is not None:
        kept = _released.__dict__.setdefault("sets", [])
        kept.insert(0, (saved[3], saved[5], saved[6]))  # gates, c, tanh_c
        del kept[KEEP:]


def _gate_scale(units, dtype):
    """s (4u, 1): −1 for the σ gates i, f, o, −2 for c̃, each repeated over its u rows."""
    return B.xp.repeat(B.xp.asarray([-1, -1, -2, -1], dtype), units)[:, None]


def forward(op, x, kernel, recurrent_kernel, bias, h0, c0, go_backwards, recurrent_mask):
    """(outputs (N, T, u), h_T, c_T); keeps on ``op`` what ``backward`` needs."""
    xp = B.xp
    n, steps, features = x.shape
    u = recurrent_kernel.shape[0]
    dtype = xp.result_type(x.dtype, kernel.dtype)
    s = _gate_scale(u, dtype)
    # xs[t] is x_t (N, in) in processing order; s ⊙ (x_t W + b)ᵀ of all steps in one call (a
    # product per step, each reading x_tᵀ in place), into a buffer reused call to call
    xs = xp.ascontiguousarray((x[:, ::-1] if go_backwards else x).transpose(1, 0, 2))
    scaled_kernel = (kernel.T * s).astype(dtype)
    xw = B.scratch("lstm.xw", (steps, 4 * u, n), dtype)
    xp.matmul(scaled_kernel, xs.transpose(0, 2, 1), out=xw)
    if bias is not None:  # as a (4u, N) block: a (4u, 1) column broadcasts 2.5× slower
        xw += xp.ascontiguousarray(xp.broadcast_to(bias[:, None] * s, (4 * u, n)))
    rec_t = xp.ascontiguousarray((recurrent_kernel.T * s).astype(dtype))  # s ⊙ Uᵀ, (4u, u)
    m = None if recurrent_mask is None else xp.ascontiguousarray(recurrent_mask.T.astype(dtype))

    # i, f, c̃, o of every step; h_0 … h_T, c_0 … c_T; tanh(c_1) … tanh(c_T): kept for backward
    gates, c, tanh_c = _take(((steps, 4 * u, n), (steps + 1, u, n), (steps, u, n)), dtype)
    h = xp.empty((steps + 1, u, n), dtype)  # not reused: the outputs are a view of it
    h[0] = 0 if h0 is None else h0.T
    c[0] = 0 if c0 is None else c0.T
    hu, ig = xp.empty((4 * u, n), dtype), xp.empty((u, n), dtype)
    with numpy.errstate(over="ignore"):  # e^z = inf: σ = 0 and tanh = −1, as they should
        for t in range(steps):
            z = gates[t]
            xp.matmul(rec_t, h[t] if m is None else h[t] * m, out=hu)
            xp.add(hu, xw[t], out=z)
            xp.exp(z, out=z)
            z += 1
            xp.reciprocal(z, out=z)
            i, f, g, o = z[:u], z[u : 2 * u], z[2 * u : 3 * u], z[3 * u :]
            g *= 2
            g -= 1
            xp.multiply(f, c[t], out=c[t + 1])  # c_t = f ⊙ c_{t−1} + i ⊙ c̃
            c[t + 1] += xp.multiply(i, g, out=ig)
            xp.tanh(c[t + 1], out=tanh_c[t])  # h_t = o ⊙ tanh(c_t)
            xp.multiply(o, tanh_c[t], out=h[t + 1])

    op.fast_saved = xs, kernel, recurrent_kernel, gates, h, c, tanh_c, m
    outputs = h[1:].transpose(2, 0, 1)  # a view: copied only where it is used
    return outputs, h[steps].T.copy(), c[steps].T.copy()


def backward(op, grad_outputs, grad_h, grad_c):
    """∂L/∂(x, kernel, recurrent_kernel, bias, h0, c0) from ∂L/∂outputs (N, T, u) and
    ∂L/∂h_T, ∂L/∂c_T (N, u); None where none arrived."""
    xp = B.xp
    xs, kernel, rec, gates, h, c, tanh_c, m = op.fast_saved
    steps, u4, n = gates.shape
    u, dtype = u4 // 4, gates.dtype
    g_out = None
    if grad_outputs is not None:  # (T, u, N), in processing order
        g_out = xp.ascontiguousarray(grad_outputs.transpose(1, 2, 0))
    dh = xp.zeros((u, n), dtype) if grad_h is None else xp.array(grad_h.T, dtype)
    dc = xp.zeros((u, n), dtype) if grad_c is None else xp.array(grad_c.T, dtype)
    # ∂L/∂a_t of every step (T, 4u, N); used up below, so reused call to call
    da_all = B.scratch("lstm.da", (steps, u4, n), dtype)
    slope, tmp = xp.empty((u4, n), dtype), xp.empty((u, n), dtype)
    rec = xp.ascontiguousarray(rec.astype(dtype, copy=False))
    for t in reversed(range(steps)):
        if g_out is not None:
            dh += g_out[t]
        y, tc, da = gates[t], tanh_c[t], da_all[t]
        i, f, g, o = y[:u], y[u : 2 * u], y[2 * u : 3 * u], y[3 * u :]
        xp.multiply(tc, tc, out=tmp)  # ∂L/∂c_t += ∂L/∂h_t ⊙ o ⊙ (1 − tanh²(c_t))
        xp.subtract(1, tmp, out=tmp)
        tmp *= o
        tmp *= dh
        dc += tmp
        xp.multiply(dc, g, out=da[:u])  # ∂L/∂(i, f, c̃, o)
        xp.multiply(dc, c[t], out=da[u : 2 * u])
        xp.multiply(dc, i, out=da[2 * u : 3 * u])
        xp.multiply(dh, tc, out=da[3 * u :])
        da *= xp.subtract(1, y, out=slope)  # ⊙ (1 − y), then ⊙ y (σ) or ⊙ (1 + y) (tanh)
        da[: 2 * u] *= y[: 2 * u]
        da[2 * u : 3 * u] *= xp.add(1, g, out=tmp)
        da[3 * u :] *= o
        xp.matmul(rec, da, out=dh)  # ∂L/∂h_{t−1} = U ∂L/∂a_t (transposed), ∂L/∂c_{t−1}
        if m is not None:
            dh *= m
        dc *= f

    # the products over all steps contract over (t, j): columns t·N + j, as (4u, T·N) and (·, T·N)
    columns = B.scratch("lstm.xw", (u4, steps, n), dtype)  # the forward's buffer: free now
    xp.copyto(columns, da_all.transpose(1, 0, 2))
    da_all = columns.reshape(u4, -1)
    dx = dkernel = drec = dbias = None
    if op.needs_grad(0):  # ∂L/∂x_t = ∂L/∂a_t Wᵀ
        dx = (kernel @ da_all).reshape(-1, steps, n).transpose(2, 1, 0)
        dx = dx[:, ::-1] if op.go_backwards else dx
    if op.needs_grad(1):
        dkernel = xs.reshape(steps * n, -1).T @ da_all.T
    if op.needs_grad(2):  # Σₜ (h_{t−1} ⊙ m)ᵀ ∂L/∂a_t
        h_prev = B.scratch("lstm.h_columns", (u, steps, n), dtype)
        xp.copyto(h_prev, h[:-1].transpose(1, 0, 2))
        if m is not None:
            h_prev *= m[:, None, :]
        drec = h_prev.reshape(u, -1) @ da_all.T
    if op.needs_grad(3):
        dbias = da_all.sum(axis=1)
    return dx, dkernel, drec, dbias, xp.ascontiguousarray(dh.T), xp.ascontiguousarray(dc.T)
