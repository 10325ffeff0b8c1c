"""The generative and transfer examples run end to end in short forms (full runs: bench/RESULTS.md)."""
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

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
        "dense", epochs=2, n_train=4000, n_test=500, out=tmp_path, verbose=0)
    assert after > before + 2
    assert (tmp_path / "autoencoder_dense.png").stat().st_size > 0


def test_vae_lowers_the_negative_elbo(examples, tmp_path):
    nelbo, nelbo2 = examples("mnist_vae").main(epochs=2, map_epochs=1, n_train=3000, n_test=500,
                                               out=tmp_path, verbose=0)
    assert nelbo < 250 and nelbo2 < 450          # an untrained decoder: 784·log 2 ≈ 543 nats
    assert (tmp_path / "vae_latent_map.png").is_file() and (tmp_path / "vae_samples.png").is_file()


def test_transfer_learning_runs_all_three_trainings(examples):
    frozen, fine, scratch = examples("mnist_transfer").main(
        base_epochs=1, head_epochs=6, fine_epochs=2, fraction=0.02, n_train=4000, n_test=500,
        verbose=0)
    assert min(frozen, fine, scratch) > 0.35                  # chance: 0.2


def test_conditional_gan_trains_both_networks_and_draws_a_grid_per_epoch(examples, tmp_path):
    gan_module = examples("mnist_gan")
    history, _, confident, shares, asked = gan_module.main(
        "cgan", epochs=2, judge_epochs=1, n_train=256, n_test=200, out=tmp_path, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"} and len(history.history["d_loss"]) == 2
    assert all(np.isfinite(history.history["g_loss"]))
    assert shares.sum() == pytest.approx(1.0) and 0 <= confident <= 1 and 0 <= asked <= 1
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["cgan_epoch_1.png", "cgan_epoch_2.png"]
