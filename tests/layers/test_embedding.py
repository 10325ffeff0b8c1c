"""Embedding: lookup, gradient, mask, parity with torch.nn.Embedding, config, errors."""

import json

import numpy as np
import pytest

import profundo as pf
from profundo.layers.embedding import Embedding
from profundo.layers.registry import deserialize_layer, serialize_layer
from profundo.testing import assert_close, to_numpy


def test_rows_of_the_table_and_gradient_sums_repeated_ids():
    emb = Embedding(6, 3)
    ids = np.array([[1, 4, 1], [0, 5, 1]])
    y = emb(ids)
    table = emb.get_weights()[0]
    assert y.shape == (2, 3, 3) and y.dtype == np.float32
    assert_close(y, table[ids])
    assert np.all(np.abs(table) <= 0.05)  # U(−0.05, 0.05), as Keras
    (y * 2).sum().backward()
    counts = np.bincount(ids.ravel(), minlength=6)[:, None]
    assert_close(emb.embeddings.grad, np.broadcast_to(2.0 * counts, (6, 3)))


def test_parity_with_torch_embedding():
    torch = pytest.importorskip("torch")
    emb = Embedding(10, 4)
    ids = np.random.randint(0, 10, (5, 7))
    w = np.random.randn(5, 7, 4).astype(np.float32)
    (emb(ids) * w).sum().backward()
    module = torch.nn.Embedding(10, 4)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(emb.get_weights()[0]))
    out = module(torch.tensor(ids))
    (out * torch.tensor(w)).sum().backward()
    assert_close(emb(ids), out)
    assert_close(emb.embeddings.grad, module.weight.grad, rtol=1e-5, atol=1e-6)


def test_mask_zero_and_float_ids():
    emb = Embedding(5, 2, mask_zero=True)
    ids = np.array([[3, 1, 0, 0]])
    assert np.array_equal(to_numpy(emb.compute_mask(ids)), [[True, True, False, False]])
    assert Embedding(5, 2).compute_mask(ids) is None
    assert_close(emb(ids.astype(np.float32)), emb(ids))  # whole-number floats are ids too
    assert emb.compute_output_shape((None, 4)) == (None, 4, 2)


def test_in_a_model_and_config_round_trip():
    emb = Embedding(7, 3, mask_zero=True, embeddings_regularizer="l2", name="words")
    model = pf.Sequential([pf.layers.Input((4,)), emb, pf.layers.Flatten()])
    assert model.predict(np.array([[1, 2, 3, 0]])).shape == (1, 12)
    config = json.loads(json.dumps(serialize_layer(emb)))
    clone = deserialize_layer(config)
    assert serialize_layer(clone) == config and clone.mask_zero
    assert emb.regularization_loss() is not None


def test_clear_errors():
    emb = Embedding(10, 2, name="words")
    with pytest.raises(
        ValueError,
        match=r"^Embedding 'words': expected ids in \[0, 10\) \(input_dim must be the vocabulary "
        r"size: the largest id \+ 1\), got id 10$",
    ):
        emb(np.array([[1, 10]]))
    with pytest.raises(ValueError, match="got id -1$"):
        emb(np.array([[-1, 2]]))
    with pytest.raises(ValueError, match="expected whole-number ids, got floats such as 2.5"):
        emb(np.array([[2.5]]))
    if pf.get_backend() == "numpy":  # CuPy cannot hold strings at all
        with pytest.raises(
            ValueError,
            match=r"^Embedding 'words': expected ids of a number dtype, got dtype str32; "
            r"turn text into ids first \(TextVectorization\)$",
        ):
            emb(pf.Tensor(np.array([["a"]])))
    with pytest.raises(ValueError, match="input_dim must be a positive int"):
        Embedding(0, 3)
