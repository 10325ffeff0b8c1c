"""Item 3 of issue 15: ``keras.ops`` names and signatures, each compared with real Keras 3 (torch
backend) on the same inputs."""

import numpy as np
import pytest

import profundo as pf
from profundo import ops

RNG = np.random.default_rng(0)
A = RNG.normal(size=(3, 4)).astype("float32")
B = RNG.normal(size=(4, 5)).astype("float32")
P = RNG.uniform(0.05, 0.95, size=(3, 4)).astype("float32")
V = RNG.normal(size=(5,)).astype("float32")
IMG = RNG.normal(size=(2, 6, 6, 3)).astype("float32")
SEQ = RNG.normal(size=(2, 7, 3)).astype("float32")
LABELS = np.array([0, 3, 1])

CALLS = [
    ("shape", (A,), {}),
    ("cast", (A, "int32"), {}),
    ("square", (A,), {}),
    ("multiply", (A, 2.0), {}),
    ("subtract", (A, A[0]), {}),
    ("divide", (A, 3.0), {}),
    ("negative", (A,), {}),
    ("power", (P, 2.0), {}),
    ("reciprocal", (P,), {}),
    ("rsqrt", (P,), {}),
    ("log1p", (P,), {}),
    ("expm1", (A,), {}),
    ("log2", (P,), {}),
    ("log10", (P,), {}),
    ("sin", (A,), {}),
    ("cos", (A,), {}),
    ("tan", (P,), {}),
    ("arctan", (A,), {}),
    ("arcsin", (P,), {}),
    ("tanh", (A,), {}),
    ("sinh", (A,), {}),
    ("cosh", (A,), {}),
    ("erf", (A,), {}),
    ("floor", (A,), {}),
    ("ceil", (A,), {}),
    ("round", (A,), {}),
    ("logaddexp", (A, A[::-1]), {}),
    ("arctan2", (A, A[::-1]), {}),
    ("hypot", (A, P), {}),
    ("mod", (A, 0.7), {}),
    ("equal", (LABELS, 3), {}),
    ("greater", (A, 0), {}),
    ("logical_and", (A > 0, P > 0.5), {}),
    ("all", (A > -5,), {}),
    ("any", (A > 1,), {"axis": 1}),
    ("isnan", (A,), {}),
    ("isfinite", (A,), {}),
    ("count_nonzero", (A > 0,), {}),
    ("ones", ((2, 3),), {}),
    ("zeros", ((2, 3),), {}),
    ("full", ((2, 2), 7.0), {}),
    ("zeros_like", (A,), {}),
    ("ones_like", (A,), {}),
    ("eye", (3,), {}),
    ("eye", (3, 4, 1), {}),
    ("arange", (5,), {}),
    ("arange", (1, 7, 2), {}),
    ("arange", (0.0, 1.0, 0.25), {}),
    ("linspace", (0.0, 1.0, 5), {}),
    ("tri", (3,), {}),
    ("identity", (3,), {}),
    ("expand_dims", (A, 0), {}),
    ("squeeze", (A[None],), {}),
    ("ravel", (A,), {}),
    ("moveaxis", (IMG, -1, 1), {}),
    ("flip", (A,), {"axis": 1}),
    ("roll", (A, 2), {"axis": 1}),
    ("take", (A, np.array([2, 0])), {"axis": 1}),
    ("take", (A, np.array([5, 1])), {}),
    ("take_along_axis", (A, np.argsort(A, axis=1)), {"axis": 1}),
    ("tril", (A,), {}),
    ("triu", (A, 1), {}),
    ("diagonal", (A,), {}),
    ("diag", (V,), {}),
    ("trace", (A,), {}),
    ("sort", (A,), {}),
    ("argsort", (A,), {"axis": 0}),
    ("tensordot", (A, B), {"axes": 1}),
    ("outer", (V, V), {}),
    ("inner", (A, A), {}),
    ("vdot", (V, V), {}),
    ("einsum", ("ij,jk->ik", A, B), {}),
    ("einsum", ("ij->j", A), {}),
    ("cumsum", (A,), {"axis": 1}),
    ("cumprod", (P,), {"axis": 0}),
    ("prod", (P,), {"axis": 1}),
    ("amax", (A,), {"axis": 0}),
    ("amin", (A,), {}),
    ("average", (A,), {"axis": 1, "weights": V[:4]}),
    ("median", (A,), {"axis": 1}),
    ("quantile", (A, 0.25), {}),
    ("norm", (A,), {}),
    ("norm", (A,), {"ord": 1, "axis": 1}),
    ("hstack", ([A, A],), {}),
    ("vstack", ([A, A],), {}),
    ("append", (A, A), {"axis": 0}),
    ("diff", (A,), {}),
    ("clip", (A, -0.5, 0.5), {}),
    ("where", (A > 0, A, 0.0), {}),
    ("maximum", (A, 0.0), {}),
    ("convert_to_numpy", (A,), {}),
    ("one_hot", (LABELS, 4), {}),
    ("multi_hot", ([[0, 2], [1, 1]], 3), {}),
    ("softmax", (A,), {}),
    ("log_softmax", (A,), {"axis": 0}),
    ("sigmoid", (A,), {}),
    ("relu", (A,), {}),
    ("silu", (A,), {}),
    ("log_sigmoid", (A,), {}),
    ("hard_silu", (A,), {}),
    ("hard_tanh", (A * 2,), {}),
    ("celu", (A,), {}),
    ("glu", (A,), {}),
    ("squareplus", (A,), {}),
    ("soft_shrink", (A,), {}),
    ("hard_shrink", (A,), {}),
    ("tanh_shrink", (A,), {}),
    ("sparse_plus", (A * 2,), {}),
    ("normalize", (A,), {}),
    ("moments", (A, [0]), {}),
    ("moments", (IMG, [0, 1, 2]), {"keepdims": True}),
    ("batch_normalization", (A, V[:4], P[0], -1), {"offset": V[:4], "scale": P[1]}),
    ("binary_crossentropy", ((P > 0.5).astype("float32"), P), {}),
    ("binary_crossentropy", ((P > 0.5).astype("float32"), A), {"from_logits": True}),
    ("categorical_crossentropy", (np.eye(4)[[0, 3, 1]], P), {}),
    ("categorical_crossentropy", (np.eye(4)[[0, 3, 1]], A), {"from_logits": True}),
    ("sparse_categorical_crossentropy", (LABELS, A), {"from_logits": True}),
    ("conv", (IMG, RNG.normal(size=(3, 3, 3, 4)).astype("float32")), {"padding": "same"}),
    ("conv", (SEQ, RNG.normal(size=(3, 3, 2)).astype("float32")), {"strides": 2}),
    ("depthwise_conv", (IMG, RNG.normal(size=(3, 3, 3, 2)).astype("float32")), {}),
    ("conv_transpose", (IMG, RNG.normal(size=(3, 3, 5, 3)).astype("float32")), {"strides": 2}),
    ("max_pool", (IMG, 2), {}),
    ("average_pool", (SEQ, 2), {"strides": 1, "padding": "same"}),
    ("top_k", (A, 2), {}),
    ("in_top_k", (LABELS, A, 2), {}),
    ("dot_product_attention", (IMG[:, :4, :2, :], IMG[:, 2:, :2, :], IMG[:, 2:, :2, :]), {}),
    ("dot_product_attention", (IMG[:, :4, :2, :],) * 3, {"is_causal": True}),
]


def _numpy(keras_ops, value):
    if isinstance(value, (tuple, list)):
        return [_numpy(keras_ops, v) for v in value]
    return (
        np.asarray(keras_ops.convert_to_numpy(value))
        if not isinstance(value, (int, float))
        else np.asarray(value)
    )


@pytest.mark.parametrize(
    "name, args, kwargs", CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)]
)
def test_an_op_matches_keras(real_keras, name, args, kwargs):
    ours = getattr(ops, name)(*args, **kwargs)
    theirs = getattr(real_keras.ops, name)(*args, **kwargs)
    ours, theirs = _numpy(real_keras.ops, ours), _numpy(real_keras.ops, theirs)
    if isinstance(theirs, list):
        assert len(ours) == len(theirs)
    for a, b in zip(
        ours if isinstance(ours, list) else [ours], theirs if isinstance(theirs, list) else [theirs]
    ):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, (a.shape, b.shape)
        if b.dtype.kind in "biu":
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(
                a.astype("float64"), b.astype("float64"), rtol=2e-5, atol=2e-6
            )


def test_gradients_flow_through_keras_named_ops():
    x = pf.tensor(A, requires_grad=True)
    loss = ops.sum(ops.square(ops.take(x, [1, 2], axis=1))) + ops.mean(ops.einsum("ij,ij->i", x, x))
    loss.backward()
    expected = np.zeros_like(A)
    expected[:, 1:3] = 2 * A[:, 1:3]
    np.testing.assert_allclose(x.grad, expected + 2 * A / 3, rtol=1e-5)


def test_numpy_functions_and_scalars():
    t = pf.tensor(A)
    assert np.mean(t) == pytest.approx(A.mean())
    assert ops.sigmoid(np.float32(0.5)).dtype == np.float32
    assert ops.convert_to_tensor([1, 2]).dtype == np.int64
    assert ops.is_tensor(t) and not ops.is_tensor(A)
    x = pf.tensor(A, requires_grad=True)
    assert not ops.stop_gradient(x).requires_grad
    assert ops.cond(ops.greater(1, 0), lambda: 1, lambda: 2) == 1
    assert ops.fori_loop(0, 4, lambda i, v: v + i, 0) == 6
    assert ops.while_loop(lambda i: i < 5, lambda i: i + 2, 0) == 6
    with pytest.raises(ValueError, match="conv"):
        ops.conv(np.ones((1, 2, 2, 2, 1)), np.ones((1, 1, 1, 1, 1)))
