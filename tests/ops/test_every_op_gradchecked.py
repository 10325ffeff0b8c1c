"""Every differentiable ``Function`` of profundo is gradchecked here, without PyTorch.

``CASES`` names each op class with a small function that runs through it and its inputs (and,
rarely, gradcheck settings); the
meta-test finds every subclass of ``Function`` and fails for one that has no case, so a new op
cannot land without a finite-difference check of its backward. Each case also proves that its
graph really contains the op it claims to check.
"""

import numpy as np
import pytest

import profundo as pf
from profundo.autograd import Function


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _ops():
    """The differentiable op classes (abstract bases, named with a leading ``_``, excepted)."""
    import profundo.layers  # noqa: F401  (layers and their modules define ops too)

    return {
        cls.__name__: cls
        for cls in _subclasses(Function)
        if cls.differentiable
        and not cls.__name__.startswith("_")
        and cls.__module__.startswith("profundo.")
    }


def r(*shape, low=-1.0, high=1.0, seed=0):
    return pf.tensor(np.random.default_rng(seed).uniform(low, high, shape), dtype="float64")


def positive(*shape, seed=0):
    return r(*shape, low=0.5, high=2.0, seed=seed)


def away_from_zero(*shape, seed=0):
    """Values at least 0.1 from 0 (and from each other's ties), for kinks at 0 (abs, relu, max)."""
    x = np.random.default_rng(seed).uniform(0.1, 1.0, shape) * np.where(
        np.random.default_rng(seed + 1).random(shape) < 0.5, -1, 1
    )
    return pf.tensor(x + np.arange(x.size).reshape(shape) * 1e-3, dtype="float64")


def seeded_dropout(x):
    pf.manual_seed(0)  # the same mask at every evaluation of the finite differences
    return pf.dropout(x, 0.5)


def rnn_case(fn, gates, **kw):
    x, u = r(2, 3, 4), 3
    return (
        lambda x, k, rk, b: fn(x, k, rk, b, **kw)[0].sum() + fn(x, k, rk, b, **kw)[-1].sum(),
        [
            x,
            r(4, gates * u, seed=1),
            r(u, gates * u, seed=2),
            r(
                *(
                    (2, gates * u)
                    if kw.get("reset_after", gates == 3) and gates == 3
                    else (gates * u,)
                ),
                seed=3,
            ),
        ],
    )


CASES = {
    # activations
    "Elu": (pf.elu, [away_from_zero(3, 4)]),
    "Gelu": (pf.gelu, [r(3, 4)]),
    "GeluTanh": (lambda x: pf.gelu(x, approximate=True), [r(3, 4)]),
    "HardSigmoid": (pf.hard_sigmoid, [r(3, 4, low=-2, high=2)]),
    "LeakyRelu": (pf.leaky_relu, [away_from_zero(3, 4)]),
    "Relu": (pf.relu, [away_from_zero(3, 4)]),
    "Relu6": (pf.relu6, [r(3, 4, low=-3, high=8)]),
    "Sigmoid": (pf.sigmoid, [r(3, 4)]),
    "Silu": (pf.silu, [r(3, 4)]),
    "Softplus": (pf.softplus, [r(3, 4)]),
    "Softsign": (pf.softsign, [r(3, 4)]),
    "Tanh": (pf.tanh, [r(3, 4)]),
    # elementwise
    "Abs": (pf.abs, [away_from_zero(3, 4)]),
    "Add": (lambda a, b: a + b, [r(3, 4), r(4, seed=1)]),
    "Sub": (lambda a, b: a - b, [r(3, 4), r(3, 1, seed=1)]),
    "Mul": (lambda a, b: a * b, [r(3, 4), r(4, seed=1)]),
    "Div": (lambda a, b: a / b, [r(3, 4), positive(4, seed=1)]),
    "Neg": (lambda a: -a, [r(3, 4)]),
    "Pow": (lambda a, b: a**b, [positive(3, 4), r(4, seed=1)]),
    "Exp": (pf.exp, [r(3, 4)]),
    "Log": (pf.log, [positive(3, 4)]),
    "Sqrt": (pf.sqrt, [positive(3, 4)]),
    "Clip": (lambda x: pf.clip(x, -0.5, 0.5), [away_from_zero(3, 4)]),
    "Maximum": (pf.maximum, [r(3, 4), r(3, 4, seed=1)]),
    "Minimum": (pf.minimum, [r(3, 4), r(3, 4, seed=1)]),
    "Where": (lambda a, b: pf.where(a > 0, a, b), [away_from_zero(3, 4), r(3, 4, seed=1)]),
    # linear algebra, reductions, shapes
    "MatMul": (lambda a, b: a @ b, [r(2, 3, 4), r(4, 5, seed=1)]),
    "Sum": (lambda x: x.sum(axis=1), [r(3, 4)]),
    "Mean": (lambda x: x.mean(axis=0), [r(3, 4)]),
    "Var": (lambda x: pf.var(x, axis=1), [r(3, 4)]),
    "Extremum": (lambda x: pf.max(x, axis=1), [away_from_zero(3, 4)]),
    "Min": (lambda x: pf.min(x, axis=0), [away_from_zero(3, 4)]),
    "LogSumExp": (lambda x: pf.logsumexp(x, axis=-1), [r(3, 4)]),
    "Reshape": (lambda x: x.reshape(4, 3), [r(3, 4)]),
    "Transpose": (lambda x: x.transpose(), [r(3, 4)]),
    "BroadcastTo": (lambda x: pf.broadcast_to(x, (2, 3, 4)), [r(3, 1)]),
    "Concatenate": (lambda a, b: pf.concatenate([a, b], axis=1), [r(3, 2), r(3, 4, seed=1)]),
    "Stack": (lambda a, b: pf.stack([a, b], axis=0), [r(3, 4), r(3, 4, seed=1)]),
    "GetItem": (lambda x: x[1:, ::2], [r(3, 4)]),
    "Pad": (lambda x: pf.pad(x, ((1, 0), (0, 2))), [r(3, 4)]),
    # float32 rounds the finite differences: a larger step (the op is linear, so still exact)
    "Cast": (lambda x: pf.astype(x, "float32"), [r(3, 4)], {"eps": 1e-2}),
    # neural-network ops
    "Softmax": (lambda x: pf.softmax(x, axis=-1), [r(3, 4)]),
    "LogSoftmax": (lambda x: pf.log_softmax(x, axis=-1), [r(3, 4)]),
    "CrossEntropy": (lambda x: pf.cross_entropy(x, [0, 3, 1]), [r(3, 4)]),
    "BinaryCrossEntropyWithLogits": (
        lambda x: pf.binary_cross_entropy_with_logits(x, pf.tensor([[0.0, 1.0], [1.0, 0.0]])),
        [r(2, 2)],
    ),
    "Dropout": (seeded_dropout, [r(3, 4)]),
    "Normalize": (
        lambda x, g, b: pf.ops.normalization.normalize(x, 0.1, 0.5, g, b, stats_from_x=False),
        [r(3, 4), positive(4, seed=1), r(4, seed=2)],
    ),
    "ChannelNormalize": (
        lambda x, g, b: pf.channel_normalize(x, *pf.channel_moments(x), g, b, stats_from_x=True),
        [r(3, 2, 4), positive(4, seed=1), r(4, seed=2)],
    ),
    "ScaledDotProductAttention": (
        lambda q, k, v, b: pf.scaled_dot_product_attention(q, k, v, attn_mask=b),
        [r(2, 3, 4), r(2, 5, 4, seed=1), r(2, 5, 3, seed=2), r(3, 5, seed=3)],
    ),
    # convolution and pooling
    "Conv": (lambda x, k: pf.conv2d(x, k, padding="same"), [r(1, 5, 5, 2), r(3, 3, 2, 3, seed=1)]),
    "ConvTranspose": (
        lambda x, k: pf.conv2d_transpose(x, k, strides=2),
        [r(1, 3, 3, 2), r(3, 3, 3, 2, seed=1)],
    ),
    "MaxPool": (lambda x: pf.max_pool2d(x, 2), [away_from_zero(1, 4, 4, 2)]),
    "AvgPool": (lambda x: pf.avg_pool2d(x, 2, padding="same"), [r(1, 5, 5, 2)]),
    "Resize": (lambda x: pf.upsampling2d(x, 2, interpolation="bilinear"), [r(1, 3, 3, 2)]),
    "ZeroPad": (lambda x: pf.zero_padding2d(x, 1), [r(1, 3, 3, 2)]),
    "Crop": (lambda x: pf.cropping2d(x, ((1, 0), (0, 1))), [r(1, 4, 4, 2)]),
    # recurrent
    "SimpleRNN": rnn_case(pf.simple_rnn, 1),
    "LSTM": rnn_case(pf.lstm, 4),
    "GRU": rnn_case(pf.gru, 3),
    "GRUResetBefore": rnn_case(pf.gru, 3, reset_after=False),
    # more math (ops/math.py)
    "Sin": (pf.sin, [r(3, 4)]),
    "Cos": (pf.cos, [r(3, 4)]),
    "Tan": (pf.tan, [r(3, 4)]),
    "Arcsin": (pf.arcsin, [r(3, 4, low=-0.8, high=0.8)]),
    "Arccos": (pf.arccos, [r(3, 4, low=-0.8, high=0.8)]),
    "Arctan": (pf.arctan, [r(3, 4, low=-3, high=3)]),
    "Sinh": (pf.sinh, [r(3, 4)]),
    "Cosh": (pf.cosh, [r(3, 4)]),
    "Arcsinh": (pf.arcsinh, [r(3, 4, low=-3, high=3)]),
    "Arccosh": (pf.arccosh, [r(3, 4, low=1.5, high=3)]),
    "Arctanh": (pf.arctanh, [r(3, 4, low=-0.8, high=0.8)]),
    "Erf": (pf.erf, [r(3, 4, low=-2, high=2)]),
    "Log1p": (pf.log1p, [r(3, 4, low=-0.5, high=2)]),
    "Expm1": (pf.expm1, [r(3, 4)]),
    "Cumsum": (lambda x: pf.cumsum(x, axis=1) * pf.cumsum(x, axis=1), [r(3, 4)]),
    "Prod": (lambda x: pf.prod(x, axis=(0, 2)) + pf.prod(x).sum(), [r(2, 3, 2, low=0.5, high=1.5)]),
    "Einsum": (
        lambda a, b: (
            pf.einsum("bij,jk->bik", a, b)
            + pf.einsum("ii->i", b[:, :4])[0]
            + pf.einsum("bij->b", a)[0]
        ),
        [r(2, 3, 4), r(4, 5, seed=1)],
    ),
}


def test_every_differentiable_op_has_a_gradcheck_case():
    missing = sorted(set(_ops()) - set(CASES))
    assert not missing, f"add a gradcheck case to CASES for: {', '.join(missing)}"


def _graph_ops(out) -> set:
    seen, stack, found = set(), [out], set()
    while stack:
        t = stack.pop()
        fn = t.grad_fn
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        found.add(type(fn).__name__)
        stack.extend(x for x in fn.inputs if isinstance(x, pf.Tensor))
    return found


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, inputs, *settings = CASES[name]
    leaves = [x.detach().requires_grad_() if isinstance(x, pf.Tensor) else x for x in inputs]
    assert name in _graph_ops(fn(*leaves)), f"the case for {name} does not run through {name}"
    assert pf.gradcheck(fn, inputs, **(settings[0] if settings else {}))
