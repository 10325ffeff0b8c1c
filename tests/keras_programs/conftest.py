"""Keras programs written as Keras' docs write them, run with ``import profundo as keras``; where
real Keras 3 (torch backend) is installed, the same program's numbers are compared with it."""

import pytest


@pytest.fixture(scope="session")
def real_keras():
    """Real Keras 3 on its torch backend (tests/conftest.py sets KERAS_BACKEND), or a skip."""
    return pytest.importorskip("keras")


def copy_weights(source_model, target_model):
    """Layer by layer, in order, the weights of one model into the other (same architecture)."""
    source = [layer for layer in source_model.layers if layer.get_weights()]
    target = [layer for layer in target_model.layers if layer.get_weights()]
    assert len(source) == len(target)
    for s, t in zip(source, target):
        t.set_weights(s.get_weights())
