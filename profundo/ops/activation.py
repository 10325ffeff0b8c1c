"""Activation functions: the nonlinearity f in a neuron's output a = f(w·x + b).

Each is a plain function (``pf.relu(x)``) and a Tensor method (``x.relu()``); each op's forward
sits beside its backward, with the derivative f′ in the docstring (∂L/∂x = ∂L/∂y · f′(x)).
Values computed in the forward pass (the output y, a mask, σ(x)) are saved and reused by the
backward pass, as the textbook derivatives suggest (σ′ = σ(1 − σ), tanh′ = 1 − tanh²).

>>> x = pf.tensor([-2.0, 0.5, 3.0], requires_grad=True)
>>> y = x.relu().sum()
>>> y.backward(); x.grad              # 1 where x > 0, else 0
array([0., 1., 1.], dtype=float32)
"""

from __future__ import annotations

import math

from .. import backend as B
from ..autograd import Function, Tensor, as_tensor, tensor_method
from ..autograd.types import TensorLike
from .elementwise import exp

__all__ = [
    "step",
    "sigmoid",
    "tanh",
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "softplus",
    "softsign",
    "silu",
    "swish",
    "hard_sigmoid",
    "exponential",
    "linear",
]

SELU_ALPHA = 1.6732632423543772848170429916717  #: α of SELU (Klambauer et al., 2017)
SELU_SCALE = 1.0507009873554804934193349852946  #: λ of SELU


# --- array helpers shared with other ops (nn.py reuses the stable sigmoid) --------------------
def stable_sigmoid(x):
    """σ(x) = 1 / (1 + e⁻ˣ) on an array, without overflow for large |x|.

    With e = e^(−|x|) ≤ 1:  σ(x) = 1 / (1 + e) for x ≥ 0  and  e / (1 + e) for x < 0,
    so exp never sees a large positive argument.
    """
    e = B.xp.exp(-B.xp.abs(x))
    return B.xp.where(x >= 0, 1, e) / (1 + e)


# Numerical Recipes' erfcc: W. H. Press, S. A. Teukolsky, W. T. Vetterling, B. P. Flannery,
# "Numerical Recipes in C", 2nd ed. (1992), §6.2, a Chebyshev fit; coefficients c₀ … c₉.
_ERFC_COEFFS = (
    -1.26551223,
    1.00002368,
    0.37409196,
    0.09678418,
    -0.18628806,
    0.27886807,
    -1.13520398,
    1.48851587,
    -0.82215223,
    0.17087277,
)


def erfc(x):
    """The complementary error function erfc(x) = 1 − erf(x) = (2/√π) ∫ₓ^∞ e^(−u²) du, on an array.

    NumPy has no erf, so this is the Chebyshev fit of Numerical Recipes in C (2nd ed., §6.2,
    ``erfcc``), with fractional error below 1.2·10⁻⁷ for every x (in float64):

        t = 1 / (1 + |x|/2),   erfc(|x|) ≈ t · exp(−x² + c₀ + c₁t + c₂t² + … + c₉t⁹),
        erfc(−x) = 2 − erfc(x).

    The error is relative even in the far tails (erfc(5) ≈ 1.5·10⁻¹²), so x·Φ(x) in GELU stays
    accurate for very negative x, where 1 + erf(x) would cancel. In float32 arithmetic the
    rounding of −x² limits it to about 10⁻⁵ relative there.
    """
    z = B.xp.abs(x)
    t = 1 / (1 + 0.5 * z)
    poly = 0.0
    for c in reversed(_ERFC_COEFFS):  # Horner's rule over the ten coefficients
        poly = poly * t + c
    tail = t * B.xp.exp(poly - z * z)
    return B.xp.where(x >= 0, tail, 2 - tail)


def normal_cdf(x):
    """Φ(x) = P(N(0, 1) ≤ x) = ½ erfc(−x/√2), on an array."""
    return 0.5 * erfc(x * -(1 / math.sqrt(2)))


# --- step ----------------------------------------------------------------------------------------
class Step(Function):
    """y = 1 where x ≥ 0, else 0 (Heaviside, the perceptron's threshold; 1 at x = 0).

    Piecewise constant: its derivative is 0 almost everywhere, so no gradient flows
    (``differentiable = False``); the perceptron learns with its own rule instead of backprop.
    """

    differentiable = False

    def forward(self, x):
        return (x >= 0).astype(x.dtype)


@tensor_method("step")
def step(x: TensorLike) -> Tensor:
    """Heaviside step: 1 where x ≥ 0, 0 elsewhere, in x's dtype (no gradient).

    >>> pf.step(pf.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 1., 1.])
    """
    return Step.apply(x)


# --- sigmoid family -----------------------------------------------------------------------------
class Sigmoid(Function):
    """y = σ(x) = 1 / (1 + e⁻ˣ);  ∂L/∂x = ∂L/∂y · y (1 − y)"""

    def forward(self, x):
        self.y = stable_sigmoid(x)
        return self.y

    def backward(self, grad):
        return grad * self.y * (1 - self.y)


class Tanh(Function):
    """y = tanh x = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ);  ∂L/∂x = ∂L/∂y · (1 − y²)"""

    def forward(self, x):
        self.y = B.xp.tanh(x)
        return self.y

    def backward(self, grad):
        return grad * (1 - self.y * self.y)


class HardSigmoid(Function):
    """y = relu6(x + 3) / 6 = min(max(x/6 + ½, 0), 1);
    ∂L/∂x = ∂L/∂y / 6 where −3 < x < 3, else 0"""

    def forward(self, x):
        self.inside = (x > -3) & (x < 3)
        return B.xp.clip(x + 3, 0, 6) / 6

    def backward(self, grad):
        return grad * self.inside / 6


@tensor_method("sigmoid")
def sigmoid(x: TensorLike) -> Tensor:
    """The logistic function σ(x) = 1 / (1 + e⁻ˣ), squashing to (0, 1); stable for any x.

    >>> pf.sigmoid(pf.tensor([-2.0, 0.0, 2.0]))     # no overflow even at ±1000
    tensor([0.1192, 0.5   , 0.8808])
    """
    return Sigmoid.apply(x)


@tensor_method("tanh")
def tanh(x: TensorLike) -> Tensor:
    """Hyperbolic tangent, squashing to (−1, 1); tanh x = 2σ(2x) − 1.

    >>> pf.tanh(pf.tensor([0.0, 100.0]))
    tensor([0., 1.])
    """
    return Tanh.apply(x)


@tensor_method("hard_sigmoid")
def hard_sigmoid(x: TensorLike) -> Tensor:
    """Piecewise-linear sigmoid relu6(x + 3) / 6:
    0 below −3, 1 above 3, a line of slope 1/6 between.

    This is the definition of PyTorch's ``hardsigmoid`` and Keras 3's ``hard_sigmoid``
    (Keras 2 used 0.2·x + 0.5 instead).

    >>> pf.hard_sigmoid(pf.tensor([-4.0, 0.0, 1.5]))
    tensor([0.  , 0.5 , 0.75])
    """
    return HardSigmoid.apply(x)


# --- rectifiers ---------------------------------------------------------------------------------
class Relu(Function):
    """y = max(x, 0);  ∂L/∂x = ∂L/∂y where x > 0, else 0 (0 at the kink x = 0, as PyTorch).

    x > 0 exactly where y > 0, so backward reads the mask off the output (which the graph holds
    anyway): the forward is one pass, and no mask is kept.
    """

    def forward(self, x):
        self.y = B.xp.maximum(x, 0)
        return self.y

    def backward(self, grad):
        return grad * (self.y > 0)


class Relu6(Function):
    """y = min(max(x, 0), 6);  ∂L/∂x = ∂L/∂y where 0 < x < 6, else 0"""

    def forward(self, x):
        self.inside = (x > 0) & (x < 6)
        return B.xp.clip(x, 0, 6)

    def backward(self, grad):
        return grad * self.inside


class LeakyRelu(Function):
    """y = x for x > 0, a·x otherwise;  ∂L/∂x = ∂L/∂y · (1 for x > 0, a otherwise)"""

    def forward(self, x, negative_slope=0.2):
        self.slope = B.xp.where(x > 0, 1, negative_slope).astype(x.dtype, copy=False)
        return x * self.slope

    def backward(self, grad):
        return grad * self.slope


class Elu(Function):
    """y = λ·x for x > 0,  λ·α(eˣ − 1) otherwise  (λ = 1 for ELU; SELU's constants for SELU);
    ∂L/∂x = ∂L/∂y · (λ for x > 0,  y + λα otherwise, since d/dx λα(eˣ − 1) = λαeˣ = y + λα)"""

    def forward(self, x, alpha=1.0, scale=1.0):
        self.positive, self.scale, self.alpha = x > 0, scale, alpha
        # expm1 is exact near 0; min(x, 0) keeps eˣ from overflowing in the branch not taken
        self.y = scale * B.xp.where(self.positive, x, alpha * B.xp.expm1(B.xp.minimum(x, 0)))
        return self.y

    def backward(self, grad):
        return grad * B.xp.where(self.positive, self.scale, self.y + self.scale * self.alpha)


@tensor_method("relu")
def relu(x: TensorLike) -> Tensor:
    """Rectified linear unit max(x, 0).

    >>> pf.relu(pf.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return Relu.apply(x)


@tensor_method("relu6")
def relu6(x: TensorLike) -> Tensor:
    """ReLU capped at 6: min(max(x, 0), 6) (MobileNet's activation).

    >>> pf.relu6(pf.tensor([-1.0, 3.0, 8.0]))
    tensor([0., 3., 6.])
    """
    return Relu6.apply(x)


@tensor_method("leaky_relu")
def leaky_relu(x: TensorLike, negative_slope: float = 0.2) -> Tensor:
    """x for x > 0, ``negative_slope``·x otherwise, so negative inputs keep a small gradient.

    The default slope 0.2 is Keras 3's (``keras.activations.leaky_relu``); PyTorch's
    ``F.leaky_relu`` defaults to 0.01 — pass ``negative_slope=0.01`` to match it.

    >>> pf.leaky_relu(pf.tensor([-1.0, 2.0]))
    tensor([-0.2,  2. ])
    """
    return LeakyRelu.apply(x, negative_slope=negative_slope)


@tensor_method("elu")
def elu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: x for x > 0, α(eˣ − 1) otherwise (smooth, saturates at −α).

    >>> pf.elu(pf.tensor([-100.0, 0.0, 2.0]))
    tensor([-1.,  0.,  2.])
    """
    return Elu.apply(x, alpha=alpha)


@tensor_method("selu")
def selu(x: TensorLike) -> Tensor:
    """Scaled ELU, λ·elu(x, α), with the self-normalizing constants of Klambauer et al. (2017):
    α = 1.6732632423543772848…, λ = 1.0507009873554804934….

    With LeCun-normal weights, it keeps activations near zero mean and unit variance.

    >>> pf.selu(pf.tensor([1.0]))
    tensor([1.0507])
    """
    return Elu.apply(x, alpha=SELU_ALPHA, scale=SELU_SCALE)


# --- smooth rectifiers --------------------------------------------------------------------------
class Gelu(Function):
    """y = x·Φ(x), Φ the standard normal CDF;  ∂L/∂x = ∂L/∂y · (Φ(x) + x·φ(x)),
    φ(x) = e^(−x²/2) / √(2π) the normal density"""

    def forward(self, x):
        self.x, self.cdf = x, normal_cdf(x)
        return x * self.cdf

    def backward(self, grad):
        pdf = B.xp.exp(-0.5 * self.x * self.x) * (1 / math.sqrt(2 * math.pi))
        return grad * (self.cdf + self.x * pdf)


class GeluTanh(Function):
    """y = ½x(1 + t),  t = tanh(u),  u = √(2/π)(x + 0.044715x³);
    ∂L/∂x = ∂L/∂y · (½(1 + t) + ½x(1 − t²) · √(2/π)(1 + 3·0.044715x²))"""

    c = math.sqrt(2 / math.pi)

    def forward(self, x):
        self.x = x
        self.t = B.xp.tanh(self.c * (x + 0.044715 * x**3))
        return 0.5 * x * (1 + self.t)

    def backward(self, grad):
        x, t = self.x, self.t
        du = self.c * (1 + 3 * 0.044715 * x * x)
        return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)


class Softplus(Function):
    """y = log(1 + eˣ), computed as max(x, 0) + log(1 + e^(−|x|)) (no overflow);
    ∂L/∂x = ∂L/∂y · σ(x)"""

    def forward(self, x):
        self.x = x
        return B.xp.maximum(x, 0) + B.xp.log1p(B.xp.exp(-B.xp.abs(x)))

    def backward(self, grad):
        return grad * stable_sigmoid(self.x)


class Softsign(Function):
    """y = x / (1 + |x|);  ∂L/∂x = ∂L/∂y / (1 + |x|)²"""

    def forward(self, x):
        self.denom = 1 + B.xp.abs(x)
        return x / self.denom

    def backward(self, grad):
        return grad / (self.denom * self.denom)


class Silu(Function):
    """y = x·σ(x);  ∂L/∂x = ∂L/∂y · σ(x)(1 + x(1 − σ(x)))"""

    def forward(self, x):
        self.x, self.s = x, stable_sigmoid(x)
        return x * self.s

    def backward(self, grad):
        return grad * self.s * (1 + self.x * (1 - self.s))


@tensor_method("gelu")
def gelu(x: TensorLike, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit x·Φ(x) = ½x(1 + erf(x/√2)) (Hendrycks & Gimpel, 2016).

    ``approximate=True`` uses the tanh form ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as Keras'
    ``gelu(approximate=True)``; PyTorch's spellings ``"tanh"`` and ``"none"`` are accepted too.
    The exact form uses ``erfc`` of this module (Numerical Recipes' fit, error below 1.2·10⁻⁷).

    >>> pf.gelu(pf.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.    ,  0.8413])
    """
    if approximate not in (False, True, "none", "tanh"):
        raise ValueError(
            f"gelu: approximate must be False or True (PyTorch's 'none' or 'tanh'), "
            f"got {approximate!r}"
        )
    return (GeluTanh if approximate in (True, "tanh") else Gelu).apply(x)


@tensor_method("softplus")
def softplus(x: TensorLike) -> Tensor:
    """log(1 + eˣ), a smooth ReLU; stable for large |x| (≈ x for x ≫ 0, ≈ eˣ for x ≪ 0).

    >>> pf.softplus(pf.tensor([-2.0, 0.0, 100.0]))
    tensor([  0.1269,   0.6931, 100.    ])
    """
    return Softplus.apply(x)


@tensor_method("softsign")
def softsign(x: TensorLike) -> Tensor:
    """x / (1 + |x|), squashing to (−1, 1) more gently than tanh.

    >>> pf.softsign(pf.tensor([-3.0, 1.0]))
    tensor([-0.75,  0.5 ])
    """
    return Softsign.apply(x)


@tensor_method("silu", "swish")
def silu(x: TensorLike) -> Tensor:
    """Sigmoid linear unit x·σ(x), also called swish.

    >>> pf.silu(pf.tensor([0.0, 1.0]))
    tensor([0.    , 0.7311])
    """
    return Silu.apply(x)


swish = silu


# --- exponential and identity -------------------------------------------------------------------
@tensor_method("exponential")
def exponential(x: TensorLike) -> Tensor:
    """eˣ as an activation (Keras' ``exponential``); the same op as ``pf.exp``: ∂y/∂x = y.

    >>> pf.exponential(pf.tensor([0.0, 1.0]))
    tensor([1.    , 2.7183])
    """
    return exp(x)


def linear(x: TensorLike) -> Tensor:
    """The identity activation f(x) = x (Keras' ``linear``, a layer with no nonlinearity);
    ∂y/∂x = 1. Returns ``x`` itself as a Tensor.

    >>> pf.linear(pf.tensor([-1.0, 2.0]))
    tensor([-1.,  2.])
    """
    return as_tensor(x)
