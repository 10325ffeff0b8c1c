"""pf.random: Keras' keras.random names, signatures and seeding."""

import numpy as np
import pytest

import profundo as pf


def test_an_int_seed_gives_the_same_draws_and_leaves_the_global_generator_alone():
    state = pf.backend.get_rng_state()
    a = pf.random.normal((3, 4), mean=1.0, stddev=2.0, seed=7)
    b = pf.random.normal((3, 4), mean=1.0, stddev=2.0, seed=7)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype == np.float32 and a.shape == (3, 4)
    assert pf.backend.get_rng_state() == state


def test_a_seed_generator_moves_on_between_draws():
    gen = pf.random.SeedGenerator(3)
    first, second = pf.random.uniform((5,), seed=gen), pf.random.uniform((5,), seed=gen)
    assert not np.array_equal(first.numpy(), second.numpy())
    np.testing.assert_array_equal(
        first.numpy(), pf.random.uniform((5,), seed=pf.random.SeedGenerator(3)).numpy()
    )


def test_ranges_of_the_draws():
    u = pf.random.uniform((2000,), minval=-2, maxval=3, seed=0).numpy()
    assert u.min() >= -2 and u.max() < 3
    t = pf.random.truncated_normal((2000,), mean=5, stddev=1, seed=0).numpy()
    assert np.abs(t - 5).max() <= 2
    r = pf.random.randint((2000,), 3, 6, seed=0).numpy()
    assert set(np.unique(r)) == {3, 4, 5} and r.dtype == np.int32
    assert 0 < pf.random.beta((100,), 2.0, 3.0, seed=0).numpy().min()
    assert pf.random.binomial((100,), 10, 0.5, seed=0).numpy().max() <= 10
    assert pf.random.gamma((100,), 2.0, seed=0).numpy().min() > 0


def test_categorical_follows_the_softmax_of_the_logits():
    logits = pf.tensor(np.log([[0.1, 0.9], [0.8, 0.2]]))
    draws = pf.random.categorical(logits, 4000, seed=0).numpy()
    assert draws.shape == (2, 4000)
    np.testing.assert_allclose(draws.mean(axis=1), [0.9, 0.2], atol=0.03)


def test_dropout_keeps_the_expectation_and_has_a_gradient():
    x = pf.ones(4000, requires_grad=True)
    y = pf.random.dropout(x, 0.25, seed=1)
    kept = y.numpy() != 0
    np.testing.assert_allclose(y.numpy()[kept], 1 / 0.75)
    assert abs(kept.mean() - 0.75) < 0.03
    y.sum().backward()
    np.testing.assert_allclose(x.grad, kept / 0.75, rtol=1e-6)
    with pytest.raises(ValueError, match="rate"):
        pf.random.dropout(x, 1.0)


def test_shuffle_permutes_along_an_axis_and_bad_seeds_fail():
    x = np.arange(12).reshape(3, 4)
    s = pf.random.shuffle(x, axis=1, seed=0).numpy()
    np.testing.assert_array_equal(np.sort(s, axis=1), x)
    with pytest.raises(TypeError, match="seed"):
        pf.random.normal((2,), seed="x")
