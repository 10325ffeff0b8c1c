"""Shape ops and indexing: gradcheck (float64), parity with PyTorch (float32), errors,
in-place rules."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import profundo as pf
from profundo.testing import assert_close, to_numpy


def transposed(*shape):
    """A non-contiguous input: the transpose of a random array of the reversed shape."""
    return pf.randn(*reversed(shape)).numpy().T


# (name, function of the input tensors, input shapes)
GRADCHECK_CASES = [
    ("reshape", lambda t: t.reshape(3, -1), [(2, 6)]),
    ("reshape of a transpose", lambda t: pf.reshape(t.T, (12,)), [(3, 4)]),
    ("flatten", lambda t: t.flatten(1), [(2, 3, 2)]),
    ("flatten middle", lambda t: pf.flatten(t, 0, -2), [(2, 3, 2)]),
    ("squeeze all", lambda t: t.squeeze(), [(2, 1, 3, 1)]),
    ("squeeze axis", lambda t: pf.squeeze(t, axis=(1, -1)), [(2, 1, 3, 1)]),
    ("unsqueeze", lambda t: t.unsqueeze(1), [(2, 3)]),
    ("expand_dims", lambda t: pf.expand_dims(t, (0, -1)), [(2, 3)]),
    ("transpose", lambda t: t.transpose(2, 0, 1), [(2, 3, 2)]),
    ("T", lambda t: t.T, [(2, 3, 2)]),
    ("permute", lambda t: t.permute(1, 2, 0), [(2, 3, 2)]),
    ("swapaxes", lambda t: pf.swapaxes(t, 0, -1), [(2, 3, 2)]),
    ("broadcast_to", lambda t: t.broadcast_to((2, 3, 4)), [(3, 1)]),
    ("repeat int", lambda t: t.repeat(2, axis=1), [(2, 3)]),
    ("repeat counts", lambda t: pf.repeat(t, [1, 0, 3], axis=1), [(2, 3)]),
    ("repeat flat", lambda t: pf.repeat(t, 2), [(2, 3)]),
    ("tile", lambda t: t.tile((2, 1, 2)), [(2, 3)]),
    ("concatenate", lambda a, b: pf.concatenate([a, b, a], axis=1), [(2, 3), (2, 1)]),
    ("cat", lambda a, b: pf.cat([a, b]), [(2, 3), (1, 3)]),
    ("stack", lambda a, b: pf.stack([a, b, a * b], axis=-1), [(2, 3), (2, 3)]),
    ("split sections", lambda t: pf.concatenate(pf.split(t, 2, axis=1)[::-1]), [(2, 4)]),
    ("split indices", lambda t: pf.split(t, [1, 3], axis=0)[1] * 2, [(4, 3)]),
    ("pad constant", lambda t: pf.pad(t, ((1, 2), (0, 1)), value=1.5), [(2, 3)]),
    ("pad edge", lambda t: pf.pad(t, ((1, 2), (2, 1)), mode="edge"), [(2, 3)]),
    ("pad reflect", lambda t: pf.pad(t, 2, mode="reflect"), [(3, 4)]),
    ("pad symmetric", lambda t: pf.pad(t, (1, 3), mode="symmetric"), [(3, 2)]),
    ("pad wrap", lambda t: pf.pad(t, ((0, 0), (3, 1)), mode="wrap"), [(2, 3)]),
]

INDICES = [
    ("int", 1),
    ("negative int", (-1, 2)),
    ("slices", (slice(None, None, 2), slice(1, None))),
    ("negative step", (slice(None, None, -1), slice(3, 0, -2))),
    ("None and Ellipsis", (None, Ellipsis, 1)),
    ("repeated rows", [0, 0, 2, 0]),
    ("2-D ids with negatives", np.array([[-1, 0], [2, -1]])),
    ("ids tensor", pf.tensor([2, 2, 1])),
    ("two arrays", ([0, 0, 2], [3, 3, 1])),
    ("ids on axis 1", (slice(None), [0, 0, 3, -1])),
    ("2-D ids on axis 1", (slice(None), np.array([[1, 3], [3, 3]]))),
    ("array after a slice", (slice(1, None), [0, 0, 3])),
    (
        "bool mask",
        np.array(
            [[True, False, True, False], [False, True, True, True], [True, True, False, False]]
        ),
    ),
    ("bool rows and ids", (np.array([True, False, True]), [1, 1])),
]


@pytest.mark.parametrize("name,fn,shapes", GRADCHECK_CASES, ids=[c[0] for c in GRADCHECK_CASES])
def test_gradcheck(name, fn, shapes):
    pf.gradcheck(fn, [pf.randn(*s) for s in shapes])


@pytest.mark.parametrize(
    "name,fn,shapes", GRADCHECK_CASES[::3], ids=[c[0] for c in GRADCHECK_CASES[::3]]
)
def test_gradcheck_non_contiguous(name, fn, shapes):
    pf.gradcheck(fn, [transposed(*s) for s in shapes])


@pytest.mark.parametrize("name,index", INDICES, ids=[c[0] for c in INDICES])
def test_getitem_gradcheck(name, index):
    pf.gradcheck(lambda t: t[index], [pf.randn(3, 4)])
    pf.gradcheck(lambda t: t[index] * t[index], [transposed(3, 4)])  # used twice


def test_tensor_used_twice_through_shape_ops():
    pf.gradcheck(
        lambda t: pf.concatenate([t.T.reshape(-1), t[1], t.flatten()]) * t.sum(), [pf.randn(2, 3)]
    )


def test_cast_gradient_goes_back_in_the_input_dtype():
    pf.gradcheck(lambda t: t.float() * 2, [pf.randn(3, 2)], eps=1e-3, atol=1e-3)
    x = pf.randn(2, 3, requires_grad=True)
    y = x.double()
    assert y.dtype == np.float64
    (y * 3).sum().backward()
    assert x.grad.dtype == np.float32
    assert_close(x.grad, np.full((2, 3), 3.0))


def test_astype_same_dtype_and_integers():
    x = pf.randn(3, requires_grad=True)
    assert x.astype("float32") is x and x.float() is x
    ints = x.astype("int64")
    assert ints.dtype == np.int64 and not ints.requires_grad


def test_functions_take_arrays_lists_and_numpy_ints():
    assert pf.reshape(np.arange(6.0), (2, 3)).shape == (2, 3)
    assert pf.transpose([[1.0, 2.0]]).shape == (2, 1)
    assert [p.shape for p in pf.split(pf.randn(4, 2), np.int64(2))] == [(2, 2), (2, 2)]
    assert pf.tile(pf.randn(2), np.int64(3)).shape == (6,)
    assert pf.squeeze(pf.randn(2, 1), np.int64(1)).shape == (2,)
    assert pf.repeat([1, 2], 2).tolist() == [1, 1, 2, 2]


# --- indexing -------------------------------------------------------------------------------------
def test_repeated_indices_accumulate():
    x = pf.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 1]].sum().backward()
    assert_close(x.grad, [2.0, 1.0, 0.0])
    x.zero_grad()
    x[pf.tensor([[2, -1], [0, 2]])].sum().backward()  # -1 is the last row, as 2
    assert_close(x.grad, [1.0, 0.0, 3.0])


def test_embedding_lookup_gradient_in_float32():
    table = pf.randn(5, 4, requires_grad=True)
    ids = np.array([[1, 3, 1], [4, 1, 0]], dtype=np.uint8)
    out = table[ids]
    v = np.random.randn(*out.shape).astype(np.float32)
    (out * v).sum().backward()
    expected = np.zeros((5, 4), np.float32)
    np.add.at(expected, ids, v)
    assert out.dtype == np.float32 and table.grad.dtype == np.float32
    assert_close(table.grad, expected)


def test_iteration_and_empty_index():
    x = pf.randn(3, 2)
    assert [r.shape for r in x] == [(2,)] * 3
    assert x[[]].shape == (0, 2)


def test_setitem_writes_into_tensors_without_gradient():
    x = pf.zeros(3, 4)
    x[0] = 1.0
    x[pf.tensor([1, 1])] = pf.tensor([2.0, 2.0, 2.0, 2.0])
    x[x == 0] = 5.0
    x[:, -1] = [7.0, 8.0, 9.0]
    assert x.tolist() == [[1, 1, 1, 7], [2, 2, 2, 8], [5, 5, 5, 9]]
    assert x.dtype == np.float32


def test_setitem_refuses_tensors_in_the_graph():
    with pytest.raises(RuntimeError, match=r"in place .* shape \(3,\) that requires grad"):
        pf.zeros(3, requires_grad=True)[0] = 1.0
    with pytest.raises(RuntimeError, match="requires grad"):
        (pf.zeros(3, requires_grad=True) * 2)[0] = 1.0
    with pytest.raises(RuntimeError, match=r"value \(shape \(2,\)\) requires grad"):
        pf.zeros(3)[:2] = pf.ones(2, requires_grad=True)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_getitem_backward_matches_a_reference_scatter(data):
    """Random shapes and indices: the gradient is the output gradient summed back to the places
    it came from (the reference: bincount over the flat position of every picked element)."""
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3), label="shape")
    index = []
    for n in shape:
        kind = data.draw(st.sampled_from(["int", "slice", "ids", "all"]))
        if kind == "int":
            index.append(data.draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            bounds = st.one_of(st.none(), st.integers(-n, n))
            step = data.draw(st.sampled_from([None, 1, 2, -1, -2]))
            index.append(slice(data.draw(bounds), data.draw(bounds), step))
        elif kind == "ids":
            index.append(
                np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=4)))
            )
        else:
            index.append(slice(None))
    index = tuple(index)
    arrays = [i for i in index if isinstance(i, np.ndarray)]
    if len({a.shape for a in arrays}) > 1:  # index arrays must broadcast together
        index = tuple(a[:1] if isinstance(a, np.ndarray) else a for a in index)
    x = pf.randn(*shape, requires_grad=True)
    y = x[index]
    v = np.asarray(np.random.randn(*y.shape), np.float32)
    (y * v).sum().backward()
    places = np.arange(x.size).reshape(shape)[index]
    expected = np.bincount(places.ravel(), v.ravel(), minlength=x.size).reshape(shape)
    assert_close(x.grad, expected, what=str(index))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_transpose_and_reshape_backward_is_the_adjoint(shape, rnd):
    """For a linear map y = A x the backward must be Aᵀ: ⟨A x, v⟩ = ⟨x, Aᵀ v⟩ for all x, v."""
    perm = list(range(len(shape)))
    rnd.shuffle(perm)
    x = pf.randn(*shape, dtype="float64", requires_grad=True)
    y = x.permute(perm).reshape(-1, shape[0])
    v = np.random.randn(*y.shape)
    (y * v).sum().backward()
    assert_close((y.numpy() * v).sum(), (x.numpy() * to_numpy(x.grad)).sum(), rtol=1e-10)
    assert_close(x.grad, v.reshape(np.transpose(x.numpy(), perm).shape).transpose(np.argsort(perm)))


# --- parity with PyTorch (float32) ----------------------------------------------------------------
def torch_cases(torch):
    F = torch.nn.functional
    return (
        [  # (name, profundo function, torch function, input shapes)
            ("reshape", lambda t: t.reshape(3, -1), lambda t: t.reshape(3, -1), [(2, 6)]),
            ("flatten", lambda t: t.flatten(1), lambda t: t.flatten(1), [(2, 3, 4)]),
            ("squeeze", lambda t: t.squeeze(), lambda t: t.squeeze(), [(2, 1, 3, 1)]),
            ("squeeze axis", lambda t: t.squeeze(1), lambda t: t.squeeze(1), [(2, 1, 3, 1)]),
            ("unsqueeze", lambda t: t.unsqueeze(-1), lambda t: t.unsqueeze(-1), [(2, 3)]),
            (
                "transpose",
                lambda t: t.transpose(2, 0, 1),
                lambda t: t.permute(2, 0, 1),
                [(2, 3, 4)],
            ),
            ("T", lambda t: t.T, lambda t: t.permute(2, 1, 0), [(2, 3, 4)]),
            ("swapaxes", lambda t: t.swapaxes(0, 2), lambda t: t.swapaxes(0, 2), [(2, 3, 4)]),
            (
                "broadcast_to",
                lambda t: t.broadcast_to((2, 3, 4)),
                lambda t: t.broadcast_to((2, 3, 4)),
                [(3, 1)],
            ),
            (
                "repeat",
                lambda t: t.repeat(2, axis=1),
                lambda t: t.repeat_interleave(2, dim=1),
                [(2, 3)],
            ),
            (
                "repeat counts",
                lambda t: pf.repeat(t, [1, 0, 2], axis=0),
                lambda t: t.repeat_interleave(torch.tensor([1, 0, 2]), dim=0),
                [(3, 2)],
            ),
            ("tile", lambda t: t.tile((2, 1, 2)), lambda t: t.tile((2, 1, 2)), [(2, 3)]),
            (
                "concatenate",
                lambda a, b: pf.concatenate([a, b], axis=1),
                lambda a, b: torch.cat([a, b], dim=1),
                [(2, 3), (2, 2)],
            ),
            (
                "stack",
                lambda a, b: pf.stack([a, b], axis=1),
                lambda a, b: torch.stack([a, b], dim=1),
                [(2, 3), (2, 3)],
            ),
            (
                "split",
                lambda t: pf.concatenate(pf.split(t, [1, 3], axis=1)[::-1], axis=1),
                lambda t: torch.cat(torch.tensor_split(t, [1, 3], dim=1)[::-1], dim=1),
                [(2, 5)],
            ),
            (
                "pad constant",
                lambda t: pf.pad(t, ((1, 2), (2, 1)), value=0.5),
                lambda t: F.pad(t, (2, 1, 1, 2), value=0.5),
                [(3, 4)],
            ),
            (
                "pad reflect",
                lambda t: pf.pad(t, ((0, 0), (1, 2), (2, 1)), mode="reflect"),
                lambda t: F.pad(t, (2, 1, 1, 2), mode="reflect"),
                [(2, 3, 4)],
            ),
            (
                "pad edge",
                lambda t: pf.pad(t, ((0, 0), (1, 2), (2, 1)), mode="edge"),
                lambda t: F.pad(t, (2, 1, 1, 2), mode="replicate"),
                [(2, 3, 4)],
            ),
            (
                "pad wrap",
                lambda t: pf.pad(t, ((0, 0), (1, 2), (2, 1)), mode="wrap"),
                lambda t: F.pad(t, (2, 1, 1, 2), mode="circular"),
                [(2, 3, 4)],
            ),
            ("double", lambda t: t.double(), lambda t: t.double(), [(2, 3)]),
        ]
        + [
            (
                f"getitem {name}",
                lambda t, i=index: t[i],
                lambda t, i=index: t[torch_index(torch, i)],
                [(3, 4)],
            )
            for name, index in INDICES
            if name not in ("negative step", "None and Ellipsis")
        ]
        + [
            (
                "getitem negative step",
                lambda t: t[::-1, 3:0:-2],
                lambda t: t.flip(0)[:, [3, 1]],
                [(3, 4)],
            ),
            (
                "getitem None and Ellipsis",
                lambda t: t[None, ..., 1],
                lambda t: t[None, ..., 1],
                [(3, 4)],
            ),
        ]
    )


def torch_index(torch, index):
    convert = lambda i: (
        torch.as_tensor(np.asarray(i)) if isinstance(i, (list, np.ndarray, pf.Tensor)) else i
    )
    return tuple(map(convert, index)) if isinstance(index, tuple) else convert(index)


def test_parity_with_torch():
    torch = pytest.importorskip("torch")
    for name, ours, theirs, shapes in torch_cases(torch):
        arrays = [np.random.randn(*s).astype(np.float32) for s in shapes]
        xs = [pf.tensor(a, requires_grad=True) for a in arrays]
        txs = [torch.tensor(a, requires_grad=True) for a in arrays]
        y, ty = ours(*xs), theirs(*txs)
        assert_close(y, ty, what=name)
        v = np.asarray(np.random.randn(*y.shape), y.dtype)
        (y * v).sum().backward()
        (ty * torch.as_tensor(v)).sum().backward()
        for x, tx in zip(xs, txs):
            assert_close(x.grad, tx.grad, what=f"{name} grad")
            assert x.grad.dtype == np.float32, name
        assert y.dtype == (np.float64 if name == "double" else np.float32), name


# --- errors name the op and the shapes -----------------------------------------------------------
@pytest.mark.parametrize(
    "call,error,pattern",
    [
        (
            lambda: pf.randn(2, 3).reshape(4, 2),
            ValueError,
            (
                r"Reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) "
                r"into shape \(4, 2\) \(8 elements\)"
            ),
        ),
        (
            lambda: pf.randn(2, 3).reshape(-1, 4),
            ValueError,
            r"Reshape: .*\(2, 3\).*\(-1, 4\) \(a multiple of 4",
        ),
        (
            lambda: pf.randn(2, 3).reshape(-1, -1),
            ValueError,
            r"Reshape: shape \(-1, -1\) has more than one -1",
        ),
        (
            lambda: pf.randn(2, 3, 4).transpose(0, 2),
            ValueError,
            r"transpose: axes \(0, 2\) must list each of the 3 axes.*swapaxes\(x, 0, 2\)",
        ),
        (lambda: pf.randn(2, 3).permute(0, 0), ValueError, r"permute: axes \(0, 0\)"),
        (
            lambda: pf.swapaxes(pf.randn(2, 3), 0, 2),
            ValueError,
            "swapaxes: axis 2 is out of range .* 2 dim",
        ),
        (
            lambda: pf.randn(2, 3, 4).flatten(2, 1),
            ValueError,
            r"flatten: start_axis 2 comes after end_axis 1 for a tensor of shape \(2, 3, 4\)",
        ),
        (
            lambda: pf.randn(2, 3).squeeze(1),
            ValueError,
            r"squeeze: axis 1 of a tensor of shape \(2, 3\) has size 3, not 1",
        ),
        (
            lambda: pf.randn(2, 3).unsqueeze(3),
            ValueError,
            "unsqueeze: axis 3 is out of range .* 3 dim",
        ),
        (
            lambda: pf.randn(2, 3).unsqueeze((1, -3)),
            ValueError,
            r"unsqueeze: axes \(1, -3\) repeat an axis",
        ),
        (
            lambda: pf.randn(2, 3).broadcast_to((2, 4)),
            ValueError,
            r"BroadcastTo: cannot broadcast a tensor of shape \(2, 3\) to shape \(2, 4\)",
        ),
        (
            lambda: pf.repeat(pf.randn(2, 3), [1, 2], axis=1),
            ValueError,
            (
                r"repeat: expected one count per element along axis 1 \(3 counts\), "
                r"got repeats of shape \(2,\)"
            ),
        ),
        (lambda: pf.repeat(pf.randn(2), -1), ValueError, "repeat: repeats must not be negative"),
        (
            lambda: pf.concatenate([pf.randn(2, 3), pf.randn(2, 4)]),
            ValueError,
            r"Concatenate: .*\(input shapes: \(2, 3\), \(2, 4\)\)",
        ),
        (lambda: pf.concatenate([]), ValueError, "concatenate: needs at least one tensor"),
        (lambda: pf.stack([]), ValueError, "stack: needs at least one tensor"),
        (
            lambda: pf.stack([pf.randn(2, 3), pf.randn(3, 2)]),
            ValueError,
            r"Stack: .*same shape.*\(2, 3\), \(3, 2\)",
        ),
        (
            lambda: pf.split(pf.randn(5, 2), 2),
            ValueError,
            r"split: axis 0 of a tensor of shape \(5, 2\) has size 5, which does not divide into 2",
        ),
        (lambda: pf.pad(pf.randn(2, 3), 1, mode="mean"), ValueError, "pad: mode must be one of"),
        (
            lambda: pf.pad(pf.randn(2, 3), ((1, 1), (1, 1), (1, 1))),
            ValueError,
            r"pad: pad_width .* does not fit a tensor of shape \(2, 3\)",
        ),
        (lambda: pf.pad(pf.randn(2, 3), (1, -1)), ValueError, "pad: pad_width .* negative"),
        (
            lambda: pf.randn(2, 3)[0, 3],
            IndexError,
            (
                r"GetItem: [Ii]ndex 3 is out of bounds for axis 1 with size 3 "
                r"\(indexing a tensor of shape \(2, 3\)\)"
            ),
        ),
        (
            lambda: pf.randn(2, 3)[pf.tensor([0.0, 1.0])],
            IndexError,
            "must hold integers or booleans, got float32",
        ),
    ],
)
def test_errors(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
