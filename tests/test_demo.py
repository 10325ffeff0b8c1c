"""The main job: `profundo demo` end to end (short form; the full run is marked slow)."""

import subprocess
import sys

import pytest

from profundo import cli, demo


def test_demo_trains_a_cnn_saves_and_reloads_identically(tmp_path):
    lines = []
    result = demo.run(
        "digits", epochs=8, save_to=tmp_path / "d.profundo", verbose=0, print_fn=lines.append
    )
    assert result["accuracy"] >= 0.85 and result["reload_identical"]
    assert (tmp_path / "d.profundo").exists()
    assert any("Conv2D" in line for line in lines)  # the summary shows a CNN
    assert any("test accuracy" in line for line in lines)


def test_full_demo_reaches_its_target(tmp_path):
    result = demo.run("digits", save_to=tmp_path / "d.profundo", verbose=0, print_fn=print)
    assert result["ok"] and result["accuracy"] >= 0.97


def test_cli_demo_command_runs(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "profundo",
            "demo",
            "--epochs",
            "2",
            "--verbose",
            "0",
            "--save",
            str(tmp_path / "m.profundo"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (
        "test accuracy" in out.stdout and "reloaded model predicts exactly the same" in out.stdout
    )


def test_cli_rejects_unknown_dataset():
    with pytest.raises(SystemExit):
        cli.main(["demo", "--dataset", "imagenet"])
    with pytest.raises(ValueError, match="unknown dataset"):
        demo.run("imagenet")
