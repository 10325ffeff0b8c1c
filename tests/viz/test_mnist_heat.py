"""On a LeNet-5 trained briefly on real MNIST, Grad-CAM and saliency put their heat on the digit:
most of the heat mass falls on the strokes and the pixels next to them (ink dilated by 2 pixels,
about a third of the image), far more than an even spread would (that third)."""

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")
ndimage = pytest.importorskip("scipy.ndimage")

import profundo as pf
from profundo.models import zoo
from profundo.viz.attribution import feature_grid

MIRROR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def test_feature_grid_places_units_at_their_receptive_field_centres():
    model = zoo.lenet5()
    grids = [feature_grid(model, layer) for layer in model.layers[:4]]
    # conv 5×5 same, pool 2, conv 5×5 valid, pool 2: unit i looks at input pixel s·i + o
    assert grids == [
        ((1, 1), (0, 0)),
        ((2, 2), (0.5, 0.5)),
        ((2, 2), (4.5, 4.5)),
        ((4, 4), (5.5, 5.5)),
    ]


@pytest.fixture(scope="module")
def lenet_on_mnist(tmp_path_factory):
    if not (MIRROR / "mnist").exists():
        pytest.skip(f"no MNIST in the data set mirror {MIRROR}")
    mp = pytest.MonkeyPatch()
    mp.setenv("PROFUNDO_DATASETS_MIRROR", str(MIRROR.resolve()))
    mp.setenv("PROFUNDO_HOME", str(tmp_path_factory.mktemp("home")))
    try:
        (x, y), (xt, yt) = pf.datasets.mnist.load_data()
    finally:
        mp.undo()
    pf.manual_seed(0)
    model = zoo.lenet5()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:6000, ..., None] / np.float32(255), y[:6000], epochs=1, batch_size=64, verbose=0)
    return model, xt[:16, ..., None] / np.float32(255), yt[:16]


@pytest.mark.parametrize("method", ["grad_cam", "saliency"])
def test_heat_concentrates_on_the_digit(lenet_on_mnist, method):
    model, images, labels = lenet_on_mnist
    assert (model.predict(images).argmax(1) == labels).mean() >= 0.75
    on_digit, share = [], []
    for image, label in zip(images, labels):
        heat = getattr(pf.viz, method)(model, image, int(label))
        assert heat.shape == (28, 28) and heat.min() >= 0
        near_ink = ndimage.binary_dilation(image[..., 0] > 0.2, iterations=2)
        on_digit.append(heat[near_ink].sum() / heat.sum())
        share.append(near_ink.mean())
    assert np.mean(on_digit) > 0.5
    assert np.mean(on_digit) > 1.5 * np.mean(share)
