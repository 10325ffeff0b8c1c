"""The generative and transfer examples run end to end in short forms
(full runs: bench/RESULTS.md)."""

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

import profundo as pf

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MIRROR = EXAMPLES.parents[1] / "shared" / "data"


@pytest.fixture
def examples(monkeypatch, tmp_path):
    if not (MIRROR / "mnist").is_dir():
        pytest.skip("the dataset mirror (../shared/data) is absent")
    monkeypatch.setenv("PROFUNDO_DATASETS_MIRROR", str(MIRROR))
    monkeypatch.setenv("PROFUNDO_HOME", str(tmp_path / "home"))
    monkeypatch.syspath_prepend(str(EXAMPLES))
    return lambda name: importlib.import_module(name)


def test_image_grid_tiles_images_in_rows():
    sys.path.insert(0, str(EXAMPLES))
    try:
        from generative_common import image_grid, psnr
    finally:
        sys.path.remove(str(EXAMPLES))
    grid = image_grid(np.zeros((3, 2, 2, 1)), ncols=2, pad=1)
    assert grid.shape == (7, 7) and grid.dtype == np.uint8
    assert grid[1:3, 1:3].max() == 0 and grid[0].min() == 255 and grid[4:6, 4:6].min() == 255
    assert psnr(np.zeros((2, 4)), np.full((2, 4), 0.1)) == pytest.approx(20.0)


def test_denoising_autoencoder_improves_psnr(examples, tmp_path):
    before, after = examples("mnist_autoencoder").main(
        "dense", epochs=2, n_train=4000, n_test=500, out=tmp_path, verbose=0
    )
    assert after > before + 2
    assert (tmp_path / "autoencoder_dense.png").stat().st_size > 0


def test_vae_lowers_the_negative_elbo(examples, tmp_path):
    nelbo, nelbo2 = examples("mnist_vae").main(
        epochs=2, map_epochs=1, n_train=3000, n_test=500, out=tmp_path, verbose=0
    )
    assert nelbo < 250 and nelbo2 < 450  # an untrained decoder: 784·log 2 ≈ 543 nats
    assert (tmp_path / "vae_latent_map.png").is_file() and (tmp_path / "vae_samples.png").is_file()


def test_transfer_learning_runs_all_three_trainings(examples):
    frozen, fine, scratch = examples("mnist_transfer").main(
        base_epochs=1,
        head_epochs=6,
        fine_epochs=2,
        fraction=0.02,
        n_train=4000,
        n_test=500,
        verbose=0,
    )
    assert min(frozen, fine, scratch) > 0.35  # chance: 0.2


def test_transfer_curve_restarts_every_comparison_from_the_pretrained_base(examples):
    module = examples("mnist_transfer")
    results = module.curve(
        fractions=(0.02,),
        seeds=(0, 1),
        base_epochs=1,
        head_epochs=3,
        fine_epochs=1,
        n_train=3000,
        n_test=300,
    )
    assert list(results) == [0.02] and results[0.02].shape == (2, 3)
    assert results[0.02].min() > 0.3  # chance: 0.2
    assert not np.array_equal(results[0.02][0], results[0.02][1])  # other labels, other seed


def test_conditional_gan_trains_both_networks_and_draws_a_grid_per_epoch(examples, tmp_path):
    gan_module = examples("mnist_gan")
    history, _, confident, shares, asked = gan_module.main(
        "cgan", epochs=2, judge_epochs=1, n_train=256, n_test=200, out=tmp_path, verbose=0
    )
    assert set(history.history) == {"d_loss", "g_loss"} and len(history.history["d_loss"]) == 2
    assert all(np.isfinite(history.history["g_loss"]))
    assert shares.sum() == pytest.approx(1.0) and 0 <= confident <= 1 and 0 <= asked <= 1
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "cgan_epoch_1.png",
        "cgan_epoch_2.png",
    ]


@pytest.fixture
def style_transfer(monkeypatch):
    pytest.importorskip("skimage")
    monkeypatch.syspath_prepend(str(EXAMPLES))
    return importlib.import_module("style_transfer")


def test_style_transfer_lowers_the_style_loss_tenfold_and_keeps_the_content(
    style_transfer, tmp_path
):
    history, result, content = style_transfer.main(
        "chelsea", "brick", size=48, steps=40, out=tmp_path, report=None
    )
    assert history[0][0] / history[-1][0] >= 10
    assert 10 * np.log10(1 / np.mean((result - content) ** 2)) > 15  # PSNR vs the photo, dB
    assert (tmp_path / "style_chelsea_brick.png").is_file()


def test_style_transfer_reads_torchvision_vgg16_weights(style_transfer, tmp_path):
    torch = pytest.importorskip("torch")
    features, c_in = [], 3
    for v in style_transfer.VGG16:  # torchvision's vgg16().features layout
        if v == "M":
            features.append(torch.nn.MaxPool2d(2))
        else:
            features += [torch.nn.Conv2d(c_in, v, 3, padding=1), torch.nn.ReLU()]
            c_in = v
    vgg = torch.nn.Module()
    vgg.features = torch.nn.Sequential(*features)
    vgg.classifier = torch.nn.Linear(4, 2)  # ignored: only the features are loaded
    torch.save(vgg.state_dict(), tmp_path / "vgg16.pth")
    net, style_layers, content_layers = style_transfer.vgg16_features(tmp_path / "vgg16.pth")
    assert len(style_layers) == 5 and len(content_layers) == 1
    conv = net.get_layer("vgg_features_28")  # the last conv: features.28
    assert np.array_equal(
        conv.get_weights()[0], vgg.features[28].weight.detach().numpy().transpose(2, 3, 1, 0)
    )
    x = np.random.default_rng(0).random((1, 32, 32, 3)).astype(np.float32)
    with torch.no_grad():
        ref = vgg.features[:4](torch.tensor(np.moveaxis(x, -1, 1))).numpy()
    ours = style_transfer.activations(net, pf.tensor(x), [1])[0].numpy()  # conv1_2 + ReLU
    np.testing.assert_allclose(ours, np.moveaxis(ref, 1, -1), rtol=1e-4, atol=1e-5)
