"""ONNX export of the attention layers, position encodings, group/unit normalization and the
Transformer blocks: onnx.checker passes (inside to_onnx) and ONNX Runtime's outputs equal
profundo's, masks and causal attention included."""

import numpy as np
import pytest

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import profundo as pf
from profundo import layers
from profundo.io.onnx_export import OnnxExportError, to_onnx

RNG = np.random.default_rng(0)


def seq(steps, d=8, n=3):
    return RNG.normal(size=(n, steps, d)).astype("float32")


def assert_parity(model, xs):
    proto = to_onnx(model)
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, {i.name: v for i, v in zip(session.get_inputs(), xs)})
    want = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    want = want if isinstance(want, list) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=2e-6)


def q_and_v():
    return layers.Input((6, 8)), layers.Input((4, 8))


@pytest.mark.parametrize(
    "make",
    [
        lambda: layers.Attention(),
        lambda: layers.Attention(use_scale=True),
        lambda: layers.Attention(score_mode="concat", use_scale=True),
        lambda: layers.AdditiveAttention(),
        lambda: layers.AdditiveAttention(use_scale=False),
    ],
    ids=["dot", "dot_scaled", "concat", "additive", "additive_unscaled"],
)
def test_luong_and_bahdanau_attention(make):
    q, v = q_and_v()
    layer = make()
    model = pf.Model([q, v], layer([q, v]))
    for w in layer.weights:  # away from the initial ones, so the weights are tested
        w.data[...] = RNG.normal(size=w.shape)
    assert_parity(model, [seq(6), seq(4)])


def test_attention_causal_with_scores():
    q, _ = q_and_v()
    out, scores = layers.Attention()([q, q], use_causal_mask=True, return_attention_scores=True)
    assert_parity(pf.Model(q, [out, scores]), [seq(6)])


def test_multi_head_self_attention_causal_with_other_sizes():
    q, _ = q_and_v()
    mha = layers.MultiHeadAttention(2, 4, value_dim=3, output_shape=5)
    assert_parity(pf.Model(q, mha(q, q, use_causal_mask=True)), [seq(6)])


def test_multi_head_cross_attention_with_a_mask_input_and_scores():
    q, v = q_and_v()
    mask_in = layers.Input((6, 4))
    out, scores = layers.MultiHeadAttention(2, 4)(
        q, v, attention_mask=mask_in, return_attention_scores=True
    )
    mask = (RNG.random((3, 6, 4)) > 0.4).astype("float32")
    mask[0, 0] = 0  # a query that may see nothing: zeros, as profundo gives, not NaN
    model = pf.Model([q, v, mask_in], [out, scores])
    assert_parity(model, [seq(6), seq(4), mask])
    assert np.all(model.predict([seq(6), seq(4), mask], verbose=0)[1][0, :, 0] == 0)


def test_multi_head_attention_with_separate_key_and_no_bias():
    q, v = q_and_v()
    k = layers.Input((4, 5))
    mha = layers.MultiHeadAttention(3, 2, use_bias=False)
    assert_parity(pf.Model([q, v, k], mha(q, v, key=k)), [seq(6), seq(4), seq(4, 5)])


@pytest.mark.parametrize("normalize_first", [False, True])
def test_transformer_encoder(normalize_first):
    x = layers.Input((6, 8))
    block = layers.TransformerEncoder(16, 2, activation="gelu", normalize_first=normalize_first)
    assert_parity(pf.Model(x, block(x)), [seq(6)])


def test_transformer_decoder_alone_and_with_an_encoder_sequence():
    x, memory = q_and_v()
    assert_parity(pf.Model(x, layers.TransformerDecoder(16, 2)(x)), [seq(6)])
    decoder = layers.TransformerDecoder(16, 2)
    assert_parity(pf.Model([x, memory], decoder(x, memory)), [seq(6), seq(4)])


def test_a_small_transformer_classifier_runs_on_other_sequence_lengths():
    """Token + position embedding, an encoder block, pooling, a softmax head; the causal
    decoder's mask is built in the graph, so a shorter sequence than the model's runs too."""
    ids = layers.Input((None,))
    h = layers.TokenAndPositionEmbedding(30, 12, 8)(ids)
    h = layers.TransformerDecoder(16, 2)(layers.TransformerEncoder(16, 2)(h))
    out = layers.Dense(3, activation="softmax")(layers.GlobalAveragePooling1D()(h))
    model = pf.Model(ids, out)
    for steps in (12, 5):
        assert_parity(model, [RNG.integers(0, 30, size=(4, steps)).astype("float32")])


def test_position_encodings_and_normalizations():
    x = layers.Input((6, 8))
    h = layers.Add()([x, layers.PositionEmbedding(10)(x)])
    h = layers.Add()([h, layers.SinePositionEncoding()(h)])
    assert_parity(pf.Model(x, layers.UnitNormalization()(h)), [seq(6)])
    image = layers.Input((5, 5, 8))
    norm = layers.GroupNormalization(4)
    model = pf.Model(image, norm(image))
    norm.gamma.data[...] = RNG.normal(size=8)
    norm.beta.data[...] = RNG.normal(size=8)
    assert_parity(model, [RNG.normal(size=(2, 5, 5, 8)).astype("float32")])


def test_a_padding_mask_from_embedding_is_refused_naming_the_layer():
    ids = layers.Input((6,))
    h = layers.Embedding(20, 8, mask_zero=True)(ids)
    with pytest.raises(OnnxExportError, match="embedding"):
        to_onnx(pf.Model(ids, layers.MultiHeadAttention(2, 4)(h, h)))


def test_attention_over_image_axes_is_refused_naming_the_layer():
    image = layers.Input((3, 4, 5))
    model = pf.Model(image, layers.MultiHeadAttention(2, 3, name="spatial")(image, image))
    with pytest.raises(OnnxExportError, match="spatial.*rank > 3"):
        to_onnx(model)
