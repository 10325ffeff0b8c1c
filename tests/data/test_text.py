"""Text tools: TextVectorization, pad_sequences, CharVocabulary, windows, passages, the
position split, and the Shakespeare/Milton tasks (on small stand-in texts)."""

import json

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.data.text import CharVocabulary, pad_sequences, passages, split_by_position, windows
from profundo.datasets import milton, shakespeare, text_tasks
from profundo.layers import TextVectorization
from profundo.layers.embedding import Embedding
from profundo.layers.recurrent import LSTM
from profundo.layers.registry import deserialize_layer, serialize_layer
from profundo.testing import assert_close, to_numpy

TEXTS = [
    "To be, or not to be: that is the question.",
    "Whether 'tis nobler in the mind",
    "to suffer the slings and arrows",
]


# --- TextVectorization ----------------------------------------------------------------------------
def test_adapt_orders_tokens_by_count_after_padding_and_unknown():
    vec = TextVectorization()
    vec.adapt(TEXTS)
    vocab = vec.get_vocabulary()
    assert vocab[:5] == ["", "[UNK]", "to", "the", "be"]  # to ×3, the ×3, be ×2
    assert "tis" in vocab and "be," not in vocab  # punctuation stripped
    assert (
        vec.vocabulary_size()
        == len(
            set(
                " ".join(TEXTS)
                .lower()
                .replace(",", "")
                .replace(":", "")
                .replace(".", "")
                .replace("'", "")
                .split()
            )
        )
        + 2
    )


def test_int_output_pads_truncates_and_marks_unknown_tokens():
    vec = TextVectorization(max_tokens=6, output_sequence_length=4)
    vec.adapt(TEXTS)
    assert vec.get_vocabulary() == ["", "[UNK]", "to", "the", "be", "or"]
    ids = to_numpy(vec(["to be or", "the mind is not a question of words"]))
    assert ids.dtype == np.int64
    assert np.array_equal(ids, [[2, 4, 5, 0], [3, 1, 1, 1]])
    unpadded = to_numpy(TextVectorization(vocabulary=["a", "b"])(["a b a", "b"]))
    assert np.array_equal(unpadded, [[2, 3, 2], [3, 0, 0]])  # to the longest text


def test_round_trip_ids_back_to_tokens():
    vec = TextVectorization(standardize="lower")
    vec.adapt(TEXTS)
    vocab = vec.get_vocabulary()
    for text, row in zip(TEXTS, to_numpy(vec(TEXTS))):
        assert " ".join(vocab[i] for i in row if i) == text.lower()


@pytest.mark.parametrize(
    "mode,expected",
    [("count", [[0, 2, 1, 0], [1, 0, 0, 1]]), ("multi_hot", [[0, 1, 1, 0], [1, 0, 0, 1]])],
)
def test_bag_of_words_modes(mode, expected):
    vec = TextVectorization(output_mode=mode, vocabulary=["a", "b", "c"])
    assert vec.get_vocabulary() == ["[UNK]", "a", "b", "c"]
    assert np.array_equal(to_numpy(vec(["a b a", "c zz"])), expected)


def test_characters_and_2d_string_arrays():
    vec = TextVectorization(standardize=None, split="character", vocabulary=list("abc"))
    assert np.array_equal(to_numpy(vec(np.array([["abca"], ["cx"]]))), [[2, 3, 4, 2], [4, 1, 0, 0]])
    assert np.array_equal(
        to_numpy(
            TextVectorization(split=str.split, standardize=str.upper, vocabulary=["A"])("a b")
        ),
        [[2, 1]],
    )


def test_config_keeps_the_vocabulary():
    vec = TextVectorization(max_tokens=50, output_sequence_length=8, name="words")
    vec.adapt(TEXTS)
    config = json.loads(json.dumps(serialize_layer(vec)))
    clone = deserialize_layer(config)
    assert clone.get_vocabulary() == vec.get_vocabulary()
    assert np.array_equal(to_numpy(clone(TEXTS)), to_numpy(vec(TEXTS)))
    with pytest.raises(ValueError, match="custom standardize function cannot be saved"):
        TextVectorization(standardize=str.upper).get_config()


@pytest.mark.skipif(pf.get_backend() != "numpy", reason="CuPy arrays cannot hold strings")
def test_model_on_raw_strings_saves_and_loads(tmp_path):
    vec = TextVectorization(output_sequence_length=6)
    vec.adapt(TEXTS)
    model = pf.Sequential(
        [
            layers.Input((), dtype="str"),
            vec,
            Embedding(vec.vocabulary_size(), 4, mask_zero=True),
            LSTM(3),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    before = model.predict(np.array(TEXTS))
    assert before.shape == (3, 1)
    model.save(tmp_path / "text.profundo")
    loaded = pf.models.load_model(tmp_path / "text.profundo")
    assert_close(loaded.predict(np.array(TEXTS)), before, rtol=1e-6)


def test_text_vectorization_errors():
    with pytest.raises(ValueError, match="no vocabulary; call adapt"):
        TextVectorization()(["a"])
    with pytest.raises(ValueError, match="output_mode must be one of 'int', 'multi_hot', 'count'"):
        TextVectorization(output_mode="tf_idf")
    with pytest.raises(ValueError, match="split must be one of"):
        TextVectorization(split="words")
    with pytest.raises(ValueError, match="max_tokens counts the special tokens"):
        TextVectorization(max_tokens=2)
    with pytest.raises(ValueError, match="only with output_mode='int'"):
        TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="must not repeat a token"):
        TextVectorization(vocabulary=["a", "a"])
    with pytest.raises(TypeError, match="expected strings"):
        TextVectorization(vocabulary=["a"])(np.zeros((2, 3)))


# --- pad_sequences --------------------------------------------------------------------------------
def test_pad_sequences_matches_keras_rules():
    seqs = [[1, 2, 3], [4], []]
    assert np.array_equal(pad_sequences(seqs), [[1, 2, 3], [0, 0, 4], [0, 0, 0]])
    assert np.array_equal(pad_sequences(seqs, maxlen=2), [[2, 3], [0, 4], [0, 0]])
    assert np.array_equal(
        pad_sequences(seqs, maxlen=2, padding="post", truncating="post", value=-1),
        [[1, 2], [4, -1], [-1, -1]],
    )
    assert pad_sequences(seqs).dtype == np.int32 and pad_sequences([]).shape == (0, 0)
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post'"):
        pad_sequences(seqs, padding="left")


# --- characters, windows, passages, split ---------------------------------------------------------
def test_char_vocabulary_round_trip_and_unknown_characters():
    vocab = CharVocabulary("hello world\n")
    assert vocab.chars == "\n dehlorw" and len(vocab) == 9
    ids = vocab.encode("world\nhello")
    assert ids.dtype == np.int32 and vocab.decode(ids) == "world\nhello"
    assert vocab.decode(vocab.encode(vocab.chars)) == vocab.chars
    with pytest.raises(ValueError, match="not in the vocabulary: 'Zx'"):
        vocab.encode("hex Zoo")
    with pytest.raises(ValueError, match="empty"):
        CharVocabulary("")


def test_windows_targets_are_the_next_ids():
    x, y = windows(np.arange(10), 3)
    assert np.array_equal(x, [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    assert np.array_equal(y, x + 1)
    x, y = windows(np.arange(6), 4, step=1)
    assert x.shape == (2, 4) and np.array_equal(y[1], [2, 3, 4, 5])
    with pytest.raises(ValueError, match="more than length ids"):
        windows(np.arange(3), 3)


def test_passages_do_not_overlap():
    text = " ".join(f"w{k}" for k in range(10))
    assert passages(text, 4) == ["w0 w1 w2 w3", "w4 w5 w6 w7"]
    assert passages("a\nb  c", 3) == ["a b c"]


def test_split_by_position_holds_out_whole_blocks_spread_evenly():
    held = split_by_position(1000, 0.2, block=50)
    assert held.sum() == 200
    blocks = held.reshape(20, 50)
    assert np.all(blocks.all(axis=1) | ~blocks.any(axis=1))  # whole blocks
    assert np.array_equal(np.flatnonzero(blocks[:, 0]), [4, 9, 14, 19])
    with pytest.raises(ValueError, match="test_fraction must be in"):
        split_by_position(10, 1.0)


# --- the tasks, on stand-in texts -----------------------------------------------------------------
@pytest.fixture
def small_texts(monkeypatch):
    monkeypatch.setattr(
        shakespeare, "load_data", lambda progress=None: " ".join(f"s{k}" for k in range(400))
    )
    monkeypatch.setattr(
        milton, "load_data", lambda progress=None: " ".join(f"m{k}" for k in range(200))
    )


def test_authorship_passages_split_by_position(small_texts):
    (x_train, y_train), (x_test, y_test) = text_tasks.authorship(words=10, block=2)
    assert len(x_train) + len(x_test) == 60 and len(x_test) == 12
    assert np.bincount(y_test).tolist() == [8, 4]
    assert x_train.dtype.kind == "U" and y_train.dtype == np.int64
    words = [set(p.split()) for p in np.concatenate([x_train, x_test])]
    assert sum(len(w) for w in words) == len(set().union(*words))  # no word in two passages
    assert all(p.startswith("m") == bool(label) for p, label in zip(x_test, y_test))


def test_shakespeare_chars_windows_and_vocabulary(small_texts):
    vocab, (x, y), (x_val, y_val) = text_tasks.shakespeare_chars(length=20, block=5)
    assert x.shape[1] == 20 and len(x) + len(x_val) == (len(shakespeare.load_data()) - 1) // 20
    assert vocab.decode(x[0]) == shakespeare.load_data()[:20]
    assert np.array_equal(x[:, 1:], y[:, :-1])
