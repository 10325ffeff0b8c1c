"""Attention layers: MultiHeadAttention against torch.nn.MultiheadAttention (weights mapped) and
against Keras 3 (weights set by position), Attention and AdditiveAttention against Keras 3, masks
from Embedding(mask_zero=True), gradcheck, save/load, and clear errors."""

import os

import numpy as np
import pytest

import profundo as pf
from profundo import layers

rng = np.random.default_rng(0)


def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras")


def arr(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def padding(batch, steps, seed=1):
    m = np.random.default_rng(seed).random((batch, steps)) > 0.3
    m[:, 0] = True
    return m


# --- MultiHeadAttention -------------------------------------------------------------------------
def torch_mha(mha, e, n):
    """torch.nn.MultiheadAttention holding the weights of profundo's ``mha`` (d = e, key_dim = e/n):
    PyTorch computes x Wᵀ + b with W (out, in); Keras' kernel (in, heads, key_dim) is Wᵀ."""
    torch = pytest.importorskip("torch")
    t = torch.nn.MultiheadAttention(e, n, batch_first=True)
    qk, qb, kk, kb, vk, vb, ok, ob = mha.get_weights()
    with torch.no_grad():
        t.in_proj_weight.copy_(
            torch.tensor(np.concatenate([w.reshape(e, e).T for w in (qk, kk, vk)]))
        )
        t.in_proj_bias.copy_(torch.tensor(np.concatenate([qb.ravel(), kb.ravel(), vb.ravel()])))
        t.out_proj.weight.copy_(torch.tensor(ok.reshape(e, e).T))
        t.out_proj.bias.copy_(torch.tensor(ob))
    return t


@pytest.mark.parametrize("kind", ["self", "cross", "key padding", "causal"])
def test_multi_head_attention_matches_torch_outputs_scores_and_gradients(kind):
    torch = pytest.importorskip("torch")
    e, n, t_len, s_len = 8, 2, 5, 5 if kind in ("self", "causal") else 7
    x, y = arr(2, t_len, e), arr(2, s_len, e, seed=1)
    if kind in ("self", "causal"):
        y = x
    mha = layers.MultiHeadAttention(n, e // n)
    kw, tkw = {}, {}
    if kind == "key padding":
        keep = padding(2, s_len)
        kw["attention_mask"] = np.broadcast_to(keep[:, None, :], (2, t_len, s_len))
        tkw["key_padding_mask"] = torch.tensor(~keep)
    if kind == "causal":
        kw["use_causal_mask"] = True
        tkw["attn_mask"] = torch.triu(torch.ones(t_len, t_len, dtype=torch.bool), 1)
    px, py = pf.tensor(x, requires_grad=True), pf.tensor(y, requires_grad=True)
    out, scores = mha(px, py, return_attention_scores=True, **kw)
    tm = torch_mha(mha, e, n)
    tx, ty = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    t_out, t_scores = tm(tx, ty, ty, average_attn_weights=False, **tkw)
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), t_scores.detach().numpy(), atol=1e-6)
    g = arr(*out.shape, seed=5)
    out.backward(g)
    t_out.backward(torch.tensor(g))
    np.testing.assert_allclose(px.grad, tx.grad.numpy(), atol=1e-5)
    if kind not in ("self", "causal"):
        np.testing.assert_allclose(py.grad, ty.grad.numpy(), atol=1e-5)
    qk, qb, kk, kb, vk, vb, ok, ob = (w.grad for w in mha.weights)
    np.testing.assert_allclose(
        np.concatenate([w.reshape(e, e).T for w in (qk, kk, vk)]),
        tm.in_proj_weight.grad.numpy(),
        atol=1e-4,
    )
    np.testing.assert_allclose(
        np.concatenate([qb.ravel(), kb.ravel(), vb.ravel()]),
        tm.in_proj_bias.grad.numpy(),
        atol=1e-4,
    )
    np.testing.assert_allclose(ok.reshape(e, e).T, tm.out_proj.weight.grad.numpy(), atol=1e-4)
    np.testing.assert_allclose(ob, tm.out_proj.bias.grad.numpy(), atol=1e-4)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"value_dim": 3, "output_shape": 6},
        {"use_bias": False},
    ],
)
def test_multi_head_attention_equals_keras_with_weights_set_by_position(settings):
    k = keras()
    q, v, key = arr(2, 4, 5), arr(2, 6, 3, seed=1), arr(2, 6, 7, seed=2)
    mask = padding(2, 6)[:, None, :] & (rng.random((2, 4, 6)) > 0.2)
    mask[..., 0] = True
    ours = layers.MultiHeadAttention(2, 4, **settings)
    out = ours(q, v, key, attention_mask=mask)
    theirs = k.layers.MultiHeadAttention(2, 4, **settings)
    theirs(q, v, key, attention_mask=mask)
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    theirs.set_weights(ours.get_weights())
    ref, ref_scores = theirs(q, v, key, attention_mask=mask, return_attention_scores=True)
    np.testing.assert_allclose(out.numpy(), k.ops.convert_to_numpy(ref), atol=1e-5)
    _, scores = ours(q, v, key, attention_mask=mask, return_attention_scores=True)
    np.testing.assert_allclose(scores.numpy(), k.ops.convert_to_numpy(ref_scores), atol=1e-6)
    causal = ours(q, v, key, use_causal_mask=True)
    ref = theirs(q, v, key, use_causal_mask=True)
    np.testing.assert_allclose(causal.numpy(), k.ops.convert_to_numpy(ref), atol=1e-5)


@pytest.mark.parametrize(
    "axes, value_shape, mask_shape",
    [
        (None, (2, 3, 5, 6), None),  # the default on images: every axis between batch and C
        ((2,), (2, 3, 4, 6), (2, 3, 5, 4)),  # each of the 3 rows attends along its own axis 2
        ((1, 2), (2, 3, 5, 6), (2, 3, 5, 3, 5)),
        ((-2,), (2, 3, 4, 6), None),
        (1, (2, 3, 5, 6), None),
    ],
)
def test_multi_head_attention_axes_equal_keras(axes, value_shape, mask_shape):
    k = keras()
    q, v = arr(2, 3, 5, 6), arr(*value_shape, seed=1)
    mask = None if mask_shape is None else rng.random(mask_shape) > 0.3
    ours = layers.MultiHeadAttention(2, 4, attention_axes=axes)
    out, scores = ours(q, v, attention_mask=mask, return_attention_scores=True)
    theirs = k.layers.MultiHeadAttention(2, 4, attention_axes=axes)
    theirs(q, v, attention_mask=mask)
    theirs.set_weights(ours.get_weights())
    ref, ref_scores = theirs(q, v, attention_mask=mask, return_attention_scores=True)
    assert scores.shape == tuple(ref_scores.shape)
    np.testing.assert_allclose(out.numpy(), k.ops.convert_to_numpy(ref), atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), k.ops.convert_to_numpy(ref_scores), atol=1e-6)


def test_attention_over_image_axes_in_a_model_gradchecks_and_saves(tmp_path):
    image = layers.Input((3, 4, 5))
    mha = layers.MultiHeadAttention(2, 3, attention_axes=(1, 2))
    out, scores = mha(image, image, return_attention_scores=True)
    assert out.shape == (None, 3, 4, 5) and scores.shape == (None, 2, 3, 4, 3, 4)
    model = pf.Model(image, out)
    x = arr(2, 3, 4, 5)
    model.save(tmp_path / "m.profundo")
    again = pf.models.load_model(tmp_path / "m.profundo")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    row = layers.MultiHeadAttention(2, 3, attention_axes=2, dtype="float64")
    xs = pf.tensor(arr(2, 3, 4, 5), dtype="float64")
    assert pf.gradcheck(lambda x: row(x, x, use_causal_mask=True), [xs])


def test_multi_head_attention_gradcheck():
    mha = layers.MultiHeadAttention(2, 3, value_dim=2, dtype="float64")
    x, y = (
        pf.tensor(arr(2, 3, 4), dtype="float64"),
        pf.tensor(arr(2, 5, 4, seed=1), dtype="float64"),
    )
    mask = padding(2, 5)[:, None, :]
    assert pf.gradcheck(lambda x, y: mha(x, y, attention_mask=mask, use_causal_mask=True), [x, y])


def test_an_embedding_mask_reaches_attention_as_key_padding():
    ids = layers.Input((6,), dtype="int64")
    h = layers.Embedding(20, 8, mask_zero=True)(ids)
    model = pf.Model(ids, layers.MultiHeadAttention(2, 4)(h, h))
    tokens = np.array([[3, 5, 7, 0, 0, 0]])
    table = model.layers[1].embeddings.data
    table[0] = 100.0  # the padding's vector: seen, it would change every output
    first = model(tokens).numpy()
    table[0] = -50.0
    second = model(tokens).numpy()
    np.testing.assert_allclose(first[0, :3], second[0, :3], atol=1e-5)  # real tokens never see it
    assert np.all(first[0, 3:] == 0)  # padded queries see nothing: zeros (their mask is all False)


def test_the_mask_passes_through_a_sequential_transformer_encoder():
    model = pf.Sequential(
        [
            layers.Input((5,), dtype="int64"),
            layers.TokenAndPositionEmbedding(10, 5, 8, mask_zero=True),
            layers.TransformerEncoder(16, 2),
        ]
    )
    tokens = np.array([[4, 2, 0, 0, 0]])
    first = model(tokens).numpy()
    model.layers[0].token_embedding.embeddings.data[0] += 3.0
    np.testing.assert_allclose(model(tokens).numpy()[0, :2], first[0, :2], atol=1e-5)


# --- Attention, AdditiveAttention ----------------------------------------------------------------
@pytest.mark.parametrize(
    "cls, settings",
    [
        ("Attention", {}),
        ("Attention", {"use_scale": True}),
        ("Attention", {"score_mode": "concat", "use_scale": True}),
        ("AdditiveAttention", {}),
        ("AdditiveAttention", {"use_scale": False}),
    ],
)
@pytest.mark.parametrize("causal", [False, True])
def test_luong_and_bahdanau_attention_equal_keras(cls, settings, causal):
    k = keras()
    q, v, key = arr(2, 4, 5), arr(2, 6, 3, seed=1), arr(2, 6, 5, seed=2)
    masks = [padding(2, 4, seed=3), padding(2, 6)]
    ours = getattr(layers, cls)(**settings)
    out, scores = ours(
        [q, v, key], mask=masks, return_attention_scores=True, use_causal_mask=causal
    )
    theirs = getattr(k.layers, cls)(**settings)
    theirs([q, v, key])
    weights = [w + 0.3 * i for i, w in enumerate(ours.get_weights())]  # not all ones
    ours.set_weights(weights)
    theirs.set_weights(weights)
    out, scores = ours(
        [q, v, key], mask=masks, return_attention_scores=True, use_causal_mask=causal
    )
    ref, ref_scores = theirs(
        [q, v, key], mask=masks, return_attention_scores=True, use_causal_mask=causal
    )
    np.testing.assert_allclose(out.numpy(), k.ops.convert_to_numpy(ref), atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), k.ops.convert_to_numpy(ref_scores), atol=1e-6)


def test_attention_layers_gradcheck():
    q, v = (
        pf.tensor(arr(2, 3, 4), dtype="float64"),
        pf.tensor(arr(2, 5, 4, seed=1), dtype="float64"),
    )
    mask = [None, padding(2, 5)]
    for layer in (
        layers.Attention(use_scale=True, dtype="float64"),
        layers.AdditiveAttention(dtype="float64"),
    ):
        assert pf.gradcheck(lambda q, v, layer=layer: layer([q, v], mask=mask), [q, v])


# --- normalization and positions ---------------------------------------------------------------
@pytest.mark.parametrize(
    "cls, kw, shape",
    [
        ("GroupNormalization", {"groups": 2}, (2, 5, 6)),
        ("GroupNormalization", {"groups": 3, "axis": 1}, (2, 6, 4, 2)),
        ("GroupNormalization", {"groups": 4}, (2, 3, 3, 8)),
        ("UnitNormalization", {}, (3, 7)),
        ("UnitNormalization", {"axis": [1, 2]}, (2, 3, 4)),
    ],
)
def test_group_and_unit_normalization_equal_keras(cls, kw, shape):
    k = keras()
    x = arr(*shape) * 3 + 1
    ours, theirs = getattr(layers, cls)(**kw), getattr(k.layers, cls)(**kw)
    ours(x)
    theirs(x)
    weights = [w + rng.standard_normal(w.shape).astype("float32") for w in ours.get_weights()]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    np.testing.assert_allclose(ours(x).numpy(), k.ops.convert_to_numpy(theirs(x)), atol=1e-5)
    xt = pf.tensor(x[:1], dtype="float64")
    layer = getattr(layers, cls)(dtype="float64", **kw)
    assert pf.gradcheck(lambda t: layer(t), [xt])


def test_sine_position_encoding_is_the_formula():
    pe = layers.SinePositionEncoding()(np.zeros((1, 50, 16), "float32")).numpy()[0]
    p, i = np.arange(50)[:, None], np.arange(16)[None, :]
    angle = p / 10000 ** (2 * (i // 2) / 16)
    np.testing.assert_allclose(pe, np.where(i % 2 == 0, np.sin(angle), np.cos(angle)), atol=1e-6)
    assert layers.SinusoidalPositionEncoding is layers.SinePositionEncoding


def test_position_embedding_slices_and_checks_the_length():
    layer = layers.PositionEmbedding(8)
    out = layer(np.zeros((2, 5, 3)))
    np.testing.assert_array_equal(out.numpy()[1], layer.get_weights()[0][:5])
    with pytest.raises(ValueError, match="sequence_length 8"):
        layer(np.zeros((2, 9, 3)))
    assert layers.PositionalEmbedding is layers.PositionEmbedding


# --- errors, saving, ONNX -------------------------------------------------------------------------
def test_bad_calls_are_explained():
    with pytest.raises(ValueError, match="mha\\(query, value\\)"):
        layers.MultiHeadAttention(2, 4)(np.ones((1, 3, 4)))
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 4)
    with pytest.raises(ValueError, match="attention_axes must be None"):
        layers.MultiHeadAttention(2, 4, attention_axes="rows")
    with pytest.raises(ValueError, match="among \\[1, 2\\]"):
        layers.MultiHeadAttention(2, 4, attention_axes=(0,))(
            np.ones((1, 3, 5, 4)), np.ones((1, 3, 5, 4))
        )
    images = np.ones((1, 3, 5, 4))
    with pytest.raises(ValueError, match="single attention axis"):
        layers.MultiHeadAttention(2, 4)(images, images, use_causal_mask=True)
    with pytest.raises(
        ValueError, match=r"expected 3-D inputs \(batch, steps, features\) with padding masks"
    ):
        layers.MultiHeadAttention(2, 4)(images, images, query_mask=np.ones((1, 3)))
    with pytest.raises(ValueError, match="same rank"):
        layers.MultiHeadAttention(2, 4)(images, np.ones((1, 3, 4)))
    with pytest.raises(
        ValueError, match=r"expected inputs \[query, value\] \(and optionally key\)"
    ):
        layers.Attention()(np.ones((1, 3, 4)))
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="cosine")
    with pytest.raises(ValueError, match="multiple of groups=4"):
        layers.GroupNormalization(4)(np.ones((1, 3, 6)))
    dec = layers.TransformerDecoder(8, 2)
    dec(np.ones((1, 3, 4)))
    with pytest.raises(ValueError, match="built without"):
        dec(np.ones((1, 3, 4)), np.ones((1, 2, 4)))


def seq2seq_model():
    src, tgt = layers.Input((6,), dtype="int64"), layers.Input((5,), dtype="int64")
    enc = layers.TokenAndPositionEmbedding(20, 6, 8, mask_zero=True)(src)
    enc = layers.TransformerEncoder(16, 2, normalize_first=True)(enc)
    dec = layers.Embedding(20, 8, mask_zero=True)(tgt)
    dec = layers.Add()([dec, layers.SinePositionEncoding()(dec)])
    dec = layers.TransformerDecoder(16, 2)(dec, enc)
    h = layers.MultiHeadAttention(2, 4)(dec, enc)
    h = layers.GroupNormalization(2)(h)
    h = layers.UnitNormalization()(h)
    ctx = layers.AdditiveAttention()([h, enc])
    ctx = layers.Attention(use_scale=True)([ctx, enc])
    return pf.Model([src, tgt], layers.Dense(20)(ctx))


@pytest.mark.parametrize("suffix", [".profundo", ".keras"])
def test_every_attention_layer_saves_and_loads(tmp_path, suffix):
    if suffix == ".keras":
        pytest.importorskip("h5py")  # Keras' format: the keras-io extra
    model = seq2seq_model()
    src = np.array([[3, 4, 5, 0, 0, 0], [1, 2, 3, 4, 5, 6]])
    tgt = np.array([[1, 2, 0, 0, 0], [3, 3, 3, 3, 3]])
    before = model([src, tgt]).numpy()
    model.save(tmp_path / f"m{suffix}")
    loaded = pf.models.load_model(tmp_path / f"m{suffix}")
    np.testing.assert_allclose(loaded([src, tgt]).numpy(), before, atol=1e-6)
    assert len(loaded.get_weights()) == len(model.get_weights())


def test_a_seq2seq_transformer_trains():
    pf.manual_seed(0)
    model = seq2seq_model()
    model.compile(
        optimizer=pf.optimizers.Adam(3e-3),
        loss=pf.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    g = np.random.default_rng(0)
    src = g.integers(1, 20, (64, 6))
    tgt = src[:, :5]
    history = model.fit([src, tgt], tgt, epochs=4, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# --- Transformer blocks against PyTorch's -------------------------------------------------------
def copy_linear(t_linear, dense):
    kernel, bias = dense.get_weights()
    t_linear.weight.data[...] = pytest.importorskip("torch").tensor(kernel.T)
    t_linear.bias.data[...] = pytest.importorskip("torch").tensor(bias)


def copy_norm(t_norm, norm):
    torch = pytest.importorskip("torch")
    gamma, beta = norm.get_weights()
    t_norm.weight.data[...], t_norm.bias.data[...] = torch.tensor(gamma), torch.tensor(beta)


def copy_mha(t_mha, mha, e, n):
    t_mha.load_state_dict(torch_mha(mha, e, n).state_dict())


@pytest.mark.parametrize("normalize_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_transformer_encoder_matches_torch_encoder_layer(normalize_first, activation):
    torch = pytest.importorskip("torch")
    e, n, ff = 8, 2, 16
    x = arr(3, 5, e)
    keep = padding(3, 5)
    ours = layers.TransformerEncoder(ff, n, activation=activation, normalize_first=normalize_first)
    px = pf.tensor(x, requires_grad=True)
    out = ours(px, padding_mask=keep)
    t = torch.nn.TransformerEncoderLayer(
        e, n, ff, dropout=0.0, activation=activation, batch_first=True, norm_first=normalize_first
    )
    copy_mha(t.self_attn, ours.self_attention_layer, e, n)
    copy_linear(t.linear1, ours.feedforward_intermediate_dense)
    copy_linear(t.linear2, ours.feedforward_output_dense)
    copy_norm(t.norm1, ours.self_attention_layer_norm)
    copy_norm(t.norm2, ours.feedforward_layer_norm)
    tx = torch.tensor(x, requires_grad=True)
    t_out = t(tx, src_key_padding_mask=torch.tensor(~keep))
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), atol=2e-5)
    g = arr(*out.shape, seed=9)
    out.backward(g)
    t_out.backward(torch.tensor(g))
    np.testing.assert_allclose(px.grad, tx.grad.numpy(), atol=2e-5)
    np.testing.assert_allclose(
        ours.feedforward_intermediate_dense.kernel.grad.T, t.linear1.weight.grad.numpy(), atol=2e-5
    )


def test_transformer_decoder_matches_torch_decoder_layer():
    torch = pytest.importorskip("torch")
    e, n, ff = 8, 2, 16
    x, memory = arr(2, 5, e), arr(2, 7, e, seed=1)
    keep = padding(2, 7)
    ours = layers.TransformerDecoder(ff, n)
    px, pm = pf.tensor(x, requires_grad=True), pf.tensor(memory, requires_grad=True)
    out = ours(px, pm, encoder_padding_mask=keep)
    t = torch.nn.TransformerDecoderLayer(e, n, ff, dropout=0.0, batch_first=True)
    copy_mha(t.self_attn, ours.self_attention, e, n)
    copy_mha(t.multihead_attn, ours.cross_attention, e, n)
    copy_linear(t.linear1, ours.feedforward_intermediate_dense)
    copy_linear(t.linear2, ours.feedforward_output_dense)
    copy_norm(t.norm1, ours.self_attention_layer_norm)
    copy_norm(t.norm2, ours.cross_attention_layer_norm)
    copy_norm(t.norm3, ours.feedforward_layer_norm)
    tx, tm = torch.tensor(x, requires_grad=True), torch.tensor(memory, requires_grad=True)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(5)
    t_out = t(tx, tm, tgt_mask=causal, memory_key_padding_mask=torch.tensor(~keep))
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), atol=2e-5)
    g = arr(*out.shape, seed=9)
    out.backward(g)
    t_out.backward(torch.tensor(g))
    np.testing.assert_allclose(px.grad, tx.grad.numpy(), atol=2e-5)
    np.testing.assert_allclose(pm.grad, tm.grad.numpy(), atol=2e-5)


def test_transformer_blocks_return_scores_and_keep_kerashub_weight_order():
    enc = layers.TransformerEncoder(16, 2)
    out, scores = enc(arr(2, 4, 8), return_attention_scores=True)
    assert out.shape == (2, 4, 8) and scores.shape == (2, 2, 4, 4)
    assert [p for p, _ in enc.named_weights()][:2] == [
        "self_attention_layer/query_kernel",
        "self_attention_layer/query_bias",
    ]
    dec = layers.TransformerDecoder(16, 2)
    dec(arr(2, 4, 8), arr(2, 3, 8))
    order = [p.split("/")[0] for p, _ in dec.named_weights()]
    assert list(dict.fromkeys(order)) == [
        "self_attention",
        "self_attention_layer_norm",
        "cross_attention",
        "cross_attention_layer_norm",
        "feedforward_intermediate_dense",
        "feedforward_output_dense",
        "feedforward_layer_norm",
    ]
