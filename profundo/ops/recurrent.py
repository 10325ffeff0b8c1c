"""Recurrent layers' math: a simple RNN, the LSTM and the GRU, each run over a whole sequence.

One op runs every time step of one cell and writes backpropagation through time (BPTT) by hand:
the forward loop goes t = 1 … T, the backward loop t = T … 1 carrying ∂L/∂h_t (and ∂L/∂c_t) back.
Where the math allows it, work is done for all steps at once:

- the input projection x_t W + b of every step is ONE matrix product, (N·T, in) @ (in, G·u);
- each step adds ONE product h_{t−1} U (forward) and ∂L/∂a_t Uᵀ (backward);
- ∂L/∂W, ∂L/∂U and ∂L/∂x are ONE product each over all steps, after the backward loop.

Weights have Keras' layout, so they move between Keras and profundo unchanged: ``kernel`` (in, G·u)
and ``recurrent_kernel`` (u, G·u) hold the G gates side by side (LSTM: i, f, c, o; GRU: z, r, h).
Inputs are batch-major ``(N, T, in)``. Each op returns ``(outputs, *final_states)``: ``outputs``
(N, T, u) holds the hidden state after every step, the final states are (N, u).

``mask`` (N, T), boolean: where it is False the step is skipped — the state is carried over and
the output repeats the previous output (zeros before the first real step), as in Keras; so a
right-padded batch ends in the same states as each sequence run alone. ``go_backwards`` runs the
sequence from its end and returns the outputs in that (reversed) order, as Keras does.

``recurrent_mask`` (N, u), Keras' ``recurrent_dropout``: a dropout mask on h_{t−1}, already
scaled by 1/(1 − rate), one per sequence — the same at every step. Every recurrent product sees
h_{t−1} ⊙ m instead of h_{t−1}: (h_{t−1} ⊙ m) U, one mask for all the gates (as Keras 3 does);
the rest of the cell (the GRU's z ⊙ h_{t−1}) uses h_{t−1} itself.

>>> x = pf.randn(8, 20, 5)                                  # 8 sequences, 20 steps, 5 features
>>> kernel, rec, bias = pf.randn(5, 4 * 16), pf.randn(16, 4 * 16), pf.zeros(4 * 16)
>>> outputs, h, c = pf.lstm(x, kernel, rec, bias)
>>> outputs.shape, h.shape
((8, 20, 16), (8, 16))
"""

from __future__ import annotations

from .. import backend as B
from ..autograd import Function, Tensor, as_array
from ..autograd.types import TensorLike
from . import _lstm_fast

__all__ = ["simple_rnn", "lstm", "gru"]


# --- activations, applied in place to the pre-activations; f′ from the output y -------------------
def _tanh(a):
    return B.xp.tanh(a, out=a)


def _sigmoid(a):
    """σ(a) = 1 / (1 + e⁻ᵃ), computed as (1 + tanh(a/2)) / 2, which never overflows."""
    a *= 0.5
    B.xp.tanh(a, out=a)
    a += 1
    a *= 0.5
    return a


def _relu(a):
    return B.xp.maximum(a, 0, out=a)


def _hard_sigmoid(a):
    """min(1, max(0, a/6 + 1/2)), Keras 3's definition (PyTorch's hardsigmoid)."""
    a /= 6
    a += 0.5
    return B.xp.clip(a, 0, 1, out=a)


def _linear(a):
    return a


_ACTIVATIONS = {  # name: (f in place, (y, ∂L/∂y) ↦ ∂L/∂a = ∂L/∂y · f′)
    "tanh": (_tanh, lambda y, g: g * (1 - y * y)),  # tanh′ = 1 − y²
    "sigmoid": (_sigmoid, lambda y, g: g * y * (1 - y)),  # σ′ = y(1 − y)
    "relu": (_relu, lambda y, g: g * (y > 0)),  # 1 where y > 0
    "hard_sigmoid": (_hard_sigmoid, lambda y, g: g * ((y > 0) & (y < 1)) / 6),
    "linear": (_linear, lambda y, g: g),
}


def _activation(name, what):
    key = "linear" if name is None else name
    if key not in _ACTIVATIONS:
        names = ", ".join(map(repr, _ACTIVATIONS))
        raise ValueError(f"{what} must be one of {names}; got {name!r}")
    return _ACTIVATIONS[key]


# --- the loop over time, shared by the cells ---------------------------------------------------
class _Recurrence(Function):
    """One cell run over a sequence. A subclass writes one step forward and one step back:

    - ``step(t, xw_t, *states) -> new states``, given xw_t = x_t W + b (N, G·u); it appends what
      its backward needs to ``self.saved``;
    - ``step_back(t, *dstates) -> ∂L/∂(previous states)``, given ∂L/∂(its new states); it writes
      ∂L/∂xw_t into ``self.dxw[t]``.

    This class does the rest: checks, the input projection, masking, the loops, the GEMMs over all
    steps. It returns ``(outputs, *final_states)``: outputs (N, T, u), each final state (N, u).
    """

    gates = 1  # G: blocks of u columns in kernel and recurrent_kernel
    gate_names = ""
    state_names: tuple[str, ...] = ("h0",)

    def forward(
        self,
        x,
        kernel,
        recurrent_kernel,
        bias,
        *initial,
        mask=None,
        go_backwards=False,
        activation="tanh",
        recurrent_activation="sigmoid",
        recurrent_mask=None,
    ):
        xp = B.xp
        self.check(x, kernel, recurrent_kernel, bias, initial, mask, recurrent_mask)
        n, steps, _ = x.shape
        u = self.units = recurrent_kernel.shape[0]
        self.kernel, self.recurrent_kernel = kernel, recurrent_kernel
        self.go_backwards = go_backwards
        self.act, self.act_grad = _activation(activation, "activation")
        self.gate, self.gate_grad = _activation(recurrent_activation, "recurrent_activation")
        b_in, self.b_rec = self.split_bias(bias)

        # time-major from here on: xs[t] is the batch's input at step t (in processing order)
        self.xs = xp.ascontiguousarray((x[:, ::-1] if go_backwards else x).transpose(1, 0, 2))
        self.mask = self.started = None
        if mask is not None:
            mask = (mask[:, ::-1] if go_backwards else mask).T.astype(bool)[..., None]  # (T, N, 1)
            self.mask, self.started = mask, xp.cumsum(mask, axis=0) > 0
        xw = (self.xs.reshape(steps * n, -1) @ kernel).reshape(steps, n, -1)  # x_t W, all t
        if b_in is not None:
            xw += b_in
        self.rmask = None if recurrent_mask is None else recurrent_mask.astype(xw.dtype)

        # states[k][t] is state k after t steps: h_0 … h_T (and c_0 … c_T), (T + 1, N, u)
        self.states = []
        for s0 in initial:
            s = xp.empty((steps + 1, n, u), xw.dtype)
            s[0] = 0 if s0 is None else s0
            self.states.append(s)
        self.saved = []
        self.run(xw)

        outputs = self.states[0][1:]
        if self.started is not None:
            outputs = xp.where(self.started, outputs, 0)  # Keras: zeros before the first real step
        return (
            xp.ascontiguousarray(outputs.transpose(1, 0, 2)),
            *(s[steps].copy() for s in self.states),
        )

    def backward(self, grad_outputs, *grad_states):
        """∂L/∂outputs (N, T, u) and ∂L/∂(each final state) (N, u); None where none arrived."""
        xp = B.xp
        (steps, n, _), u = self.xs.shape, self.units
        dtype = self.states[0].dtype
        g_out = None if grad_outputs is None else grad_outputs.transpose(1, 0, 2)  # time-major
        if g_out is not None and self.started is not None:
            g_out = xp.where(self.started, g_out, 0)
        d = [xp.zeros((n, u), dtype) if g is None else g for g in grad_states]  # ∂L/∂(final states)
        # ∂L/∂xw_t of every step: used up by the products below, so one buffer reused call to call
        self.dxw = B.scratch("recurrent.dxw", (steps, n, self.gates * u), dtype)
        d = self.run_back(g_out, d)

        dxw = self.dxw.reshape(steps * n, -1)
        dx = None
        if self.needs_grad(0):
            dx = (dxw @ self.kernel.T).reshape(steps, n, -1).transpose(1, 0, 2)
            dx = dx[:, ::-1] if self.go_backwards else dx
        dkernel = self.xs.reshape(steps * n, -1).T @ dxw if self.needs_grad(1) else None
        drec, dbias = self.recurrent_grads()
        return (dx, dkernel, drec, dbias, *d)

    def run(self, xw):
        """The forward loop: ``step`` for t = 1 … T, each new state written into ``states``."""
        xp, (steps, n, _) = B.xp, xw.shape
        self.prepare(steps, n, xw.dtype)
        for t in range(steps):
            new = self.step(t, xw[t], *(s[t] for s in self.states))
            for s, value in zip(self.states, new):
                s[t + 1] = value if self.mask is None else xp.where(self.mask[t], value, s[t])

    def run_back(self, g_out, d):
        """The backward loop: ``step_back`` for t = T … 1, from ∂L/∂(final states) ``d`` and
        ∂L/∂outputs ``g_out`` (T, N, u) or None; returns ∂L/∂(initial states)."""
        xp = B.xp
        for t in reversed(range(len(self.xs))):
            if g_out is not None:
                d[0] = d[0] + g_out[t]
            if self.mask is None:
                d = list(self.step_back(t, *d))
            else:  # a skipped step passed its state through unchanged: so does its gradient
                m = self.mask[t]
                through = self.step_back(t, *(xp.where(m, dk, 0) for dk in d))
                d = [dt + xp.where(m, 0, dk) for dt, dk in zip(through, d)]
        return d

    def prepare(self, steps, n, dtype):
        """Before the forward loop: a cell may allocate its buffers for all steps here."""

    def masked(self, h):
        """h ⊙ m, what the recurrent products see of h (h itself without ``recurrent_mask``);
        also ∂L/∂h from ∂L/∂(h ⊙ m), and works on the stacked states (T, N, u)."""
        return h if self.rmask is None else h * self.rmask

    def recurrent_grads(self):
        """∂L/∂U = Σₜ (h_{t−1} ⊙ m)ᵀ ∂L/∂a_t and ∂L/∂b = Σₜ ∂L/∂a_t, one product over all steps."""
        dxw = self.dxw.reshape(-1, self.dxw.shape[-1])
        h_prev = self.masked(self.states[0][:-1]).reshape(-1, self.units)
        return (
            h_prev.T @ dxw if self.needs_grad(2) else None,
            dxw.sum(axis=0) if self.needs_grad(3) else None,
        )

    def bias_shape(self, units):
        return (self.gates * units,)

    def split_bias(self, bias):
        """(bias added to x_t W, bias added to h_{t−1} U); only the GRU has the second."""
        return bias, None

    def check(self, x, kernel, recurrent_kernel, bias, initial, mask, recurrent_mask):
        name, g = type(self).__name__, self.gates
        if x.ndim != 3:
            raise ValueError(f"x must be (batch, time, features), got shape {x.shape}")
        n, steps, features = x.shape
        if steps == 0:
            raise ValueError("x has no time steps")
        columns = "units" if g == 1 else f"{g}·units"
        gates = "" if g == 1 else f", the gates {self.gate_names} side by side"
        u = recurrent_kernel.shape[0] if recurrent_kernel.ndim == 2 else 0
        if recurrent_kernel.shape != (u, g * u) or u == 0:
            raise ValueError(
                f"recurrent_kernel must be (units, {columns}){gates}; "
                f"got shape {recurrent_kernel.shape}"
            )
        if kernel.shape != (features, g * u):
            raise ValueError(
                f"kernel must be (features, {columns}) = {(features, g * u)} for "
                f"{features} input features and {u} units, got shape {kernel.shape}"
            )
        if bias is not None and bias.shape != self.bias_shape(u):
            raise ValueError(
                f"bias of {name} with {u} units must have shape "
                f"{self.bias_shape(u)}, got {bias.shape}"
            )
        for what, s in zip(self.state_names, initial):
            if s is not None and s.shape != (n, u):
                raise ValueError(f"{what} must be (batch, units) = {(n, u)}, got shape {s.shape}")
        if mask is not None and mask.shape != (n, steps):
            raise ValueError(f"mask must be (batch, time) = {(n, steps)}, got shape {mask.shape}")
        if recurrent_mask is not None and recurrent_mask.shape != (n, u):
            raise ValueError(
                f"recurrent_mask must be (batch, units) = {(n, u)}, got shape "
                f"{recurrent_mask.shape}"
            )


class SimpleRNN(_Recurrence):
    """h_t = f(a_t),  a_t = x_t W + h_{t−1} U + b
    (the course's y_t = σ(W_x x_t + W_y y_{t−1} + b), with Keras' row-vector layout).

    Back, from the output: ∂L/∂a_t = ∂L/∂h_t · f′(h_t);  ∂L/∂h_{t−1} = ∂L/∂a_t Uᵀ.
    """

    def step(self, t, xw, h):
        a = self.masked(h) @ self.recurrent_kernel
        a += xw
        return (self.act(a),)

    def step_back(self, t, dh):
        da = self.dxw[t]
        da[...] = self.act_grad(self.states[0][t + 1], dh)
        return (self.masked(da @ self.recurrent_kernel.T),)


class LSTM(_Recurrence):
    """Gates from a_t = x_t W + h_{t−1} U + b, split in Keras' order i, f, c, o:

        i = σ(a_i),  f = σ(a_f),  c̃ = tanh(a_c),  o = σ(a_o)
        c_t = f ⊙ c_{t−1} + i ⊙ c̃,   h_t = o ⊙ tanh(c_t)

    (σ is ``recurrent_activation``, tanh is ``activation``.) Back, given ∂L/∂h_t and ∂L/∂c_t:

        ∂L/∂c_t += ∂L/∂h_t ⊙ o ⊙ tanh′(c_t)
        ∂L/∂i = ∂L/∂c_t ⊙ c̃,  ∂L/∂f = ∂L/∂c_t ⊙ c_{t−1},  ∂L/∂c̃ = ∂L/∂c_t ⊙ i,
        ∂L/∂o = ∂L/∂h_t ⊙ tanh(c_t),  then through each gate's activation to ∂L/∂a_t
        ∂L/∂h_{t−1} = ∂L/∂a_t Uᵀ,   ∂L/∂c_{t−1} = ∂L/∂c_t ⊙ f
    """

    gates, gate_names, state_names = 4, "i, f, c, o", ("h0", "c0")
    #: σ and tanh without a mask run the same math arranged for speed (``_lstm_fast``); set
    #: False to run the loops of ``step`` and ``step_back`` below (the tests compare the two)
    fast = True

    def forward(self, x, kernel, recurrent_kernel, bias, h0, c0, *, mask=None, **settings):
        self.fast_now = (
            self.fast
            and mask is None
            and settings.get("activation", "tanh") == "tanh"
            and settings.get("recurrent_activation", "sigmoid") == "sigmoid"
        )
        if not self.fast_now:
            return super().forward(x, kernel, recurrent_kernel, bias, h0, c0, mask=mask, **settings)
        rmask = settings.get("recurrent_mask")
        self.check(x, kernel, recurrent_kernel, bias, (h0, c0), mask, rmask)
        self.go_backwards = settings.get("go_backwards", False)
        return _lstm_fast.forward(
            self, x, kernel, recurrent_kernel, bias, h0, c0, self.go_backwards, rmask
        )

    def release(self) -> None:
        if self.__dict__.get("fast_now"):
            _lstm_fast.release(self)
        super().release()

    def prepare(self, steps, n, dtype):
        """The gates i, f, c̃, o and tanh(c_t) of every step, kept for backward (T, N, ·)."""
        self.z = B.xp.empty((steps, n, 4 * self.units), dtype)
        self.tanh_c = B.xp.empty((steps, n, self.units), dtype)

    def step(self, t, xw, h, c):
        u = self.units
        z = B.xp.matmul(self.masked(h), self.recurrent_kernel, out=self.z[t])  # (N, 4u)
        z += xw  # a_t, then i, f, c̃, o in place
        self.gate(z[:, : 2 * u])
        self.act(z[:, 2 * u : 3 * u])
        self.gate(z[:, 3 * u :])
        i, f, g, o = z[:, :u], z[:, u : 2 * u], z[:, 2 * u : 3 * u], z[:, 3 * u :]
        c_new = f * c
        c_new += i * g
        tanh_c = self.tanh_c[t]
        tanh_c[...] = c_new
        return o * self.act(tanh_c), c_new

    def backward(self, grad_outputs, *grad_states):
        """First the activations' slopes of every gate at every step, a few large array ops
        (f′ from the outputs: σ′ = y(1 − y), tanh′ = 1 − y²), so each step back is products."""
        if self.fast_now:
            return _lstm_fast.backward(self, grad_outputs, *grad_states)
        u = self.units
        self.slope = B.xp.empty_like(self.z)
        self.slope[..., : 2 * u] = self.gate_grad(self.z[..., : 2 * u], 1.0)
        self.slope[..., 2 * u : 3 * u] = self.act_grad(self.z[..., 2 * u : 3 * u], 1.0)
        self.slope[..., 3 * u :] = self.gate_grad(self.z[..., 3 * u :], 1.0)
        self.slope_c = B.xp.empty_like(self.tanh_c)
        self.slope_c[...] = self.act_grad(self.tanh_c, 1.0)
        return super().backward(grad_outputs, *grad_states)

    def step_back(self, t, dh, dc):
        xp, u = B.xp, self.units
        z = self.z[t]
        i, f, g, o = z[:, :u], z[:, u : 2 * u], z[:, 2 * u : 3 * u], z[:, 3 * u :]
        dc = dc + dh * o * self.slope_c[t]
        da = self.dxw[t]  # ∂L/∂(i, f, c̃, o), then ∂L/∂a_t
        xp.multiply(dc, g, out=da[:, :u])
        xp.multiply(dc, self.states[1][t], out=da[:, u : 2 * u])
        xp.multiply(dc, i, out=da[:, 2 * u : 3 * u])
        xp.multiply(dh, self.tanh_c[t], out=da[:, 3 * u :])
        da *= self.slope[t]
        return self.masked(da @ self.recurrent_kernel.T), dc * f


class GRU(_Recurrence):
    """The GRU with ``reset_after=True`` (Keras' default, cuDNN's and PyTorch's GRU). Gates z, r, h:

        x_t W + b_in = [x_z, x_r, x_h],   h_{t−1} U + b_rec = [u_z, u_r, u_h]
        z = σ(x_z + u_z),  r = σ(x_r + u_r),  h̃ = tanh(x_h + r ⊙ u_h)
        h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃

    ``bias`` is (2, 3u): row 0 is b_in, row 1 is b_rec. Back, given ∂L/∂h_t (a_h = x_h + r ⊙ u_h):

        ∂L/∂a_h = ∂L/∂h_t ⊙ (1 − z) ⊙ tanh′,  ∂L/∂z = ∂L/∂h_t ⊙ (h_{t−1} − h̃),
        ∂L/∂r = ∂L/∂a_h ⊙ u_h,  ∂L/∂u_h = ∂L/∂a_h ⊙ r,
        ∂L/∂h_{t−1} = ∂L/∂h_t ⊙ z + ∂L/∂[u_z, u_r, u_h] Uᵀ
    """

    gates, gate_names = 3, "z, r, h"

    def bias_shape(self, units):
        return (2, 3 * units)

    def split_bias(self, bias):
        return (None, None) if bias is None else (bias[0], bias[1])

    def step(self, t, xw, h):
        u = self.units
        hu = self.masked(h) @ self.recurrent_kernel
        if self.b_rec is not None:
            hu += self.b_rec
        zr = xw[:, : 2 * u] + hu[:, : 2 * u]
        self.gate(zr)
        z, r = zr[:, :u], zr[:, u:]
        candidate = xw[:, 2 * u :] + r * hu[:, 2 * u :]
        self.act(candidate)
        self.saved.append((zr, candidate, hu[:, 2 * u :]))
        return (candidate + z * (h - candidate),)

    def backward(self, grad_outputs, *grad_states):
        steps, n, _ = self.xs.shape
        self.dhu = B.xp.empty(
            (steps, n, 3 * self.units), self.states[0].dtype
        )  # ∂L/∂(h_{t−1}U + b_rec)
        return super().backward(grad_outputs, *grad_states)

    def step_back(self, t, dh):
        u = self.units
        zr, candidate, hu_h = self.saved[t]
        z, r = zr[:, :u], zr[:, u:]
        da, dhu = self.dxw[t], self.dhu[t]
        da_h = self.act_grad(candidate, dh * (1 - z))
        da[:, :u] = self.gate_grad(z, dh * (self.states[0][t] - candidate))
        da[:, u : 2 * u] = self.gate_grad(r, da_h * hu_h)
        da[:, 2 * u :] = da_h
        dhu[:, : 2 * u] = da[:, : 2 * u]
        dhu[:, 2 * u :] = da_h * r
        return (dh * z + self.masked(dhu @ self.recurrent_kernel.T),)

    def recurrent_grads(self):
        """∂L/∂U = Σₜ (h_{t−1} ⊙ m)ᵀ ∂L/∂(h_{t−1} U);  ∂L/∂b = [Σₜ ∂L/∂xw_t, Σₜ ∂L/∂(h_{t−1} U)]."""
        dhu = self.dhu.reshape(-1, 3 * self.units)
        h_prev = self.masked(self.states[0][:-1]).reshape(-1, self.units)
        dbias = None
        if self.needs_grad(3):
            dbias = B.xp.stack([self.dxw.reshape(dhu.shape).sum(axis=0), dhu.sum(axis=0)])
        return (h_prev.T @ dhu if self.needs_grad(2) else None), dbias


class GRUResetBefore(_Recurrence):
    """The GRU with ``reset_after=False`` (the original GRU): the reset gate acts before U_h.

        z = σ(x_z + h_{t−1} U_z),  r = σ(x_r + h_{t−1} U_r),  h̃ = tanh(x_h + (r ⊙ h_{t−1}) U_h)
        h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃

    ``bias`` is (3u,), added to x_t W. Back (a_h = x_h + (r ⊙ h_{t−1}) U_h):

        ∂L/∂a_h = ∂L/∂h_t ⊙ (1 − z) ⊙ tanh′,   ∂L/∂(r ⊙ h_{t−1}) = ∂L/∂a_h U_hᵀ =: q,
        ∂L/∂r = q ⊙ h_{t−1},   ∂L/∂z = ∂L/∂h_t ⊙ (h_{t−1} − h̃),
        ∂L/∂h_{t−1} = ∂L/∂h_t ⊙ z + q ⊙ r + ∂L/∂[a_z, a_r] U_zrᵀ
    Two products per step: the second waits for r. With ``recurrent_mask`` m both products see
    h_{t−1} ⊙ m (r ⊙ h_{t−1} ⊙ m for U_h), and their gradients to h_{t−1} are multiplied by m.
    """

    gates, gate_names = 3, "z, r, h"

    def step(self, t, xw, h):
        u, rec = self.units, self.recurrent_kernel
        hm = self.masked(h)
        zr = hm @ rec[:, : 2 * u]
        zr += xw[:, : 2 * u]
        self.gate(zr)
        z, r = zr[:, :u], zr[:, u:]
        rh = r * hm
        candidate = rh @ rec[:, 2 * u :]
        candidate += xw[:, 2 * u :]
        self.act(candidate)
        self.saved.append((zr, candidate, rh))
        return (candidate + z * (h - candidate),)

    def step_back(self, t, dh):
        u, rec = self.units, self.recurrent_kernel
        zr, candidate, _ = self.saved[t]
        z, r = zr[:, :u], zr[:, u:]
        h = self.states[0][t]
        da = self.dxw[t]
        da[:, 2 * u :] = self.act_grad(candidate, dh * (1 - z))
        q = da[:, 2 * u :] @ rec[:, 2 * u :].T
        da[:, :u] = self.gate_grad(z, dh * (h - candidate))
        da[:, u : 2 * u] = self.gate_grad(r, q * self.masked(h))
        return (dh * z + self.masked(q * r + da[:, : 2 * u] @ rec[:, : 2 * u].T),)

    def recurrent_grads(self):
        """∂L/∂U_zr = Σₜ h_{t−1}ᵀ ∂L/∂a_zr,  ∂L/∂U_h = Σₜ (r ⊙ h_{t−1})ᵀ ∂L/∂a_h,
        ∂L/∂b = Σₜ ∂L/∂a_t."""
        xp, u = B.xp, self.units
        dxw = self.dxw.reshape(-1, 3 * u)
        drec = None
        if self.needs_grad(2):
            h_prev = self.masked(self.states[0][:-1]).reshape(-1, u)
            rh = xp.stack([s[2] for s in self.saved]).reshape(-1, u)
            drec = xp.concatenate([h_prev.T @ dxw[:, : 2 * u], rh.T @ dxw[:, 2 * u :]], axis=1)
        return drec, (dxw.sum(axis=0) if self.needs_grad(3) else None)


def _run(op, x, kernel, recurrent_kernel, bias, initial, mask, recurrent_mask, **settings):
    """Run ``op``: (outputs, *final states)."""
    mask = None if mask is None else as_array(mask)
    recurrent_mask = None if recurrent_mask is None else as_array(recurrent_mask)
    return op.apply(
        x,
        kernel,
        recurrent_kernel,
        bias,
        *initial,
        mask=mask,
        recurrent_mask=recurrent_mask,
        **settings,
    )


# --- the public functions ------------------------------------------------------------------------
def simple_rnn(
    x: TensorLike,
    kernel: TensorLike,
    recurrent_kernel: TensorLike,
    bias: TensorLike | None,
    h0: TensorLike | None = None,
    activation: str = "tanh",
    go_backwards: bool = False,
    mask: TensorLike | None = None,
    recurrent_mask: TensorLike | None = None,
) -> tuple[Tensor, Tensor]:
    """The simple (Elman) RNN over a sequence: h_t = f(x_t W + h_{t−1} U + b).

    x (N, T, in); kernel W (in, u); recurrent_kernel U (u, u); bias b (u,) or None; h0 (N, u),
    zeros when None; activation f: "tanh", "relu", "sigmoid", "hard_sigmoid" or "linear".
    Returns (outputs (N, T, u), h_T (N, u)). See the module's docstring for ``mask``,
    ``go_backwards`` and ``recurrent_mask`` (N, u): h_{t−1} U becomes (h_{t−1} ⊙ m) U.

    >>> outputs, h = pf.simple_rnn(pf.randn(2, 7, 3), pf.randn(3, 4), pf.randn(4, 4), pf.zeros(4))
    >>> outputs.shape, h.shape
    ((2, 7, 4), (2, 4))
    """
    return _run(
        SimpleRNN,
        x,
        kernel,
        recurrent_kernel,
        bias,
        (h0,),
        mask,
        recurrent_mask,
        go_backwards=go_backwards,
        activation=activation,
    )


def lstm(
    x: TensorLike,
    kernel: TensorLike,
    recurrent_kernel: TensorLike,
    bias: TensorLike | None,
    h0: TensorLike | None = None,
    c0: TensorLike | None = None,
    go_backwards: bool = False,
    mask: TensorLike | None = None,
    activation: str = "tanh",
    recurrent_activation: str = "sigmoid",
    recurrent_mask: TensorLike | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """The LSTM over a sequence, gates in Keras' order i, f, c, o:

        [i, f, c̃, o] = [σ, σ, tanh, σ](x_t W + h_{t−1} U + b)
        c_t = f ⊙ c_{t−1} + i ⊙ c̃,   h_t = o ⊙ tanh(c_t)

    x (N, T, in); kernel W (in, 4u); recurrent_kernel U (u, 4u); bias b (4u,) or None;
    h0, c0 (N, u), zeros when None. σ is ``recurrent_activation``, tanh is ``activation``.
    ``recurrent_mask`` m (N, u): h_{t−1} U becomes (h_{t−1} ⊙ m) U, one mask for all four gates
    (as Keras 3's LSTM). Returns (outputs (N, T, u), h_T (N, u), c_T (N, u)).

    >>> outputs, h, c = pf.lstm(pf.randn(2, 7, 3), pf.randn(3, 16), pf.randn(4, 16), pf.zeros(16))
    >>> c.shape
    (2, 4)
    """
    return _run(
        LSTM,
        x,
        kernel,
        recurrent_kernel,
        bias,
        (h0, c0),
        mask,
        recurrent_mask,
        go_backwards=go_backwards,
        activation=activation,
        recurrent_activation=recurrent_activation,
    )


def gru(
    x: TensorLike,
    kernel: TensorLike,
    recurrent_kernel: TensorLike,
    bias: TensorLike | None,
    h0: TensorLike | None = None,
    go_backwards: bool = False,
    mask: TensorLike | None = None,
    reset_after: bool = True,
    activation: str = "tanh",
    recurrent_activation: str = "sigmoid",
    recurrent_mask: TensorLike | None = None,
) -> tuple[Tensor, Tensor]:
    """The GRU over a sequence, gates in Keras' order z, r, h:

        z = σ(x_z + u_z),  r = σ(x_r + u_r),  h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃
        h̃ = tanh(x_h + r ⊙ u_h)           with reset_after=True,  bias (2, 3u): [b_in, b_rec]
        h̃ = tanh(x_h + (r ⊙ h_{t−1}) U_h)  with reset_after=False, bias (3u,)

    where [x_z, x_r, x_h] = x_t W + b_in and [u_z, u_r, u_h] = h_{t−1} U + b_rec.
    x (N, T, in); kernel W (in, 3u); recurrent_kernel U (u, 3u); bias as above, or None; h0 (N, u).
    PyTorch's GRU is the reset_after form with gates r, z, n and h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}:
    the same z. ``recurrent_mask`` m (N, u): every recurrent product sees h_{t−1} ⊙ m (one mask for
    all gates), while z ⊙ h_{t−1} keeps h_{t−1}. Returns (outputs (N, T, u), h_T (N, u)).

    >>> outputs, h = pf.gru(pf.randn(2, 7, 3), pf.randn(3, 12), pf.randn(4, 12), pf.zeros(2, 12))
    >>> h.shape
    (2, 4)
    """
    return _run(
        GRU if reset_after else GRUResetBefore,
        x,
        kernel,
        recurrent_kernel,
        bias,
        (h0,),
        mask,
        recurrent_mask,
        go_backwards=go_backwards,
        activation=activation,
        recurrent_activation=recurrent_activation,
    )
