"""Tensor construction, conversion, dtype rules and repr."""

import numpy as np
import pytest

import profundo as pf


def test_creation_functions_default_to_float32():
    for t in [
        pf.zeros(2, 3),
        pf.ones((2, 3)),
        pf.full((2, 3), 7.0),
        pf.randn(2, 3),
        pf.rand(2, 3),
        pf.eye(3),
        pf.tensor([[1.0, 2.0]]),
        pf.tensor(np.random.randn(2)),
        pf.zeros_like(pf.zeros(2, 2)),
        pf.randn_like(pf.zeros(2)),
    ]:
        assert t.dtype == np.float32
    assert pf.arange(5).dtype.kind == "i"
    assert pf.tensor([1.0], dtype="float64").dtype == np.float64
    assert pf.full((2,), 3.0).numpy().tolist() == [3.0, 3.0]
    assert pf.arange(1, 7, 2).tolist() == [1, 3, 5]
    assert pf.arange(6.0).dtype == np.float32
    assert pf.ones_like(pf.zeros(3, dtype="float64")).dtype == np.float64


def test_tensor_copies_its_data():
    a = np.zeros(3, np.float32)
    t = pf.tensor(a)
    a[0] = 5
    assert t.numpy()[0] == 0


def test_python_and_numpy_scalars_never_promote_float32():
    x = pf.ones(3)
    for y in [
        x * 2.5,
        2.5 * x,
        x + np.float64(1),
        x / 3,
        x**2,
        1 - x,
        x * [1.0, 2.0, 3.0],
        np.ones(3) + x,
        x - np.ones(3, np.float64),
    ]:
        assert isinstance(y, pf.Tensor) and y.dtype == np.float32


def test_manual_seed_reproduces_draws():
    pf.manual_seed(42)
    a = pf.randn(4).numpy()
    pf.manual_seed(42)
    assert np.array_equal(a, pf.randn(4).numpy())


def test_item_numpy_len_and_repr():
    t = pf.tensor([[1.5, 2.0]], requires_grad=True)
    assert t.shape == (1, 2) and t.ndim == 2 and t.size == 2 and len(t) == 1
    assert pf.tensor([3.0]).item() == 3.0
    with pytest.raises(ValueError, match="one-element"):
        t.item()
    assert "requires_grad=True" in repr(t)
    assert "grad_fn=Mul" in repr(t * 2)
    assert "dtype=float64" in repr(pf.zeros(1, dtype="float64"))
    assert np.asarray(t).shape == (1, 2)


def test_comparisons_give_boolean_tensors_without_grad():
    a = pf.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for r, expected in [
        (a > 2, [0, 0, 1]),
        (a >= 2, [0, 1, 1]),
        (a < 2, [1, 0, 0]),
        (a <= 2, [1, 1, 0]),
        (a == 2, [0, 1, 0]),
        (a != 2, [1, 0, 1]),
    ]:
        assert r.dtype == bool and not r.requires_grad
        assert r.numpy().astype(int).tolist() == expected


def test_truth_value_of_many_elements_is_ambiguous():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(pf.ones(2))
    assert bool(pf.ones(1))


def test_default_dtype_can_be_float64():
    pf.set_default_dtype("float64")
    try:
        assert pf.randn(2).dtype == np.float64
    finally:
        pf.set_default_dtype("float32")
    with pytest.raises(TypeError, match="floating"):
        pf.set_default_dtype("int32")


def test_backend_selection_errors():
    with pytest.raises(ValueError, match="'numpy' or 'cupy'"):
        pf.set_backend("tpu")
    assert pf.get_backend() in ("numpy", "cupy")  # unchanged by the failed call


def test_blas_threads_are_capped_at_available_cores():
    from threadpoolctl import threadpool_info

    from profundo import backend

    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas and all(p["num_threads"] <= backend.available_cores() for p in blas)
    with pytest.raises(ValueError, match="positive"):
        pf.set_num_threads(0)


def test_thread_policy_leaves_the_cores_other_processes_use(monkeypatch):
    """As many BLAS threads as cores the load leaves free, at least one; our own busy cores are
    not counted as others'; a count set by the user is kept (backend.threads_for_load)."""
    from threadpoolctl import threadpool_info

    from profundo import backend

    assert backend.threads_for_load(cores=2, load=0.1, own=0.0) == 2
    assert backend.threads_for_load(cores=2, load=1.2, own=0.0) == 1  # one other busy process
    assert backend.threads_for_load(cores=2, load=9.0, own=1.0) == 1  # never fewer than one
    assert backend.threads_for_load(cores=16, load=16.0, own=15.5) == 16
    monkeypatch.setattr(backend, "_auto_threads", True)
    monkeypatch.setattr(backend, "available_cores", lambda: 2)
    monkeypatch.setattr(backend.os, "getloadavg", lambda: (7.0, 7.0, 7.0))
    try:
        backend.refresh_threads()
        blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
        assert all(p["num_threads"] == 1 for p in blas)
        pf.set_num_threads(2)  # fixed by the user: the policy steps aside
        assert backend._auto_threads is False
        backend.refresh_threads()
        assert backend._threads == 2
    finally:
        pf.set_num_threads(1)
