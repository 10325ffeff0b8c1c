"""The exported script runs with profundo and repeats the page's training exactly."""

import re
import subprocess
import sys

import pytest

pytest.importorskip("pydantic")

from profundo.playground.export import script  # noqa: E402
from profundo.playground.schema import Config  # noqa: E402
from profundo.playground.session import Session  # noqa: E402


def run(tmp_path, text, *args):
    path = tmp_path / "exported.py"
    path.write_text(text)
    done = subprocess.run(
        [sys.executable, str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def losses(output):
    return [float(v) for v in re.findall(r"(?:train|test) loss: ([\d.]+)", output)]


def test_the_script_trains_the_same_network_to_the_same_loss(tmp_path):
    config = Config(
        dataset="spiral",
        n_points=200,
        noise=0.1,
        seed=4,
        hidden=[5, 5],
        features=["x1", "x2", "sin_x1", "sin_x2"],
        learning_rate=0.1,
        optimizer="adam",
        regularization="l2",
        regularization_rate=0.001,
        dropout=0.1,
        batch_norm=True,
    )
    session = Session(config)
    for _ in range(6):
        session._finish_epoch()
    output = run(tmp_path, script(config, epochs=session.epoch), "--save", "model.profundo")
    assert losses(output) == pytest.approx(session.losses, abs=1e-4)
    assert (tmp_path / "model.profundo").exists()


def test_the_script_for_the_learners_own_points_and_for_regression(tmp_path):
    points = [(x / 2, (x % 5) - 2.0, x / 40 - 0.5) for x in range(-10, 11)]
    config = Config(
        problem="regression",
        dataset="custom",
        points=points,
        hidden=[],
        optimizer="momentum",
        momentum=0.5,
        learning_rate=0.01,
    )
    text = script(config, epochs=3)
    assert "POINTS = [" in text and "custom_points(POINTS)" in text and "make_points" not in text
    assert "optimizers.SGD(learning_rate=0.01, momentum=0.5)" in text
    session = Session(config)
    for _ in range(3):
        session._finish_epoch()
    assert losses(run(tmp_path, text)) == pytest.approx(session.losses, abs=1e-4)


def test_the_perceptron_script_shows_xor_defeating_one_neuron(tmp_path):
    config = Config(mode="perceptron", dataset="xor", n_points=80)
    text = script(config, epochs=20)
    assert "from profundo import" not in text  # no layers: only pf.Perceptron
    output = run(tmp_path, text)
    assert "mistakes per epoch" in output and len(losses(output)) == 2
    assert min(losses(output)) > 0.15


@pytest.mark.parametrize(
    "fields, line",
    [
        ({"optimizer": "rmsprop", "rho": 0.8}, "optimizers.RMSprop(learning_rate=0.03, rho=0.8)"),
        ({"optimizer": "sgd"}, "optimizers.SGD(learning_rate=0.03)"),
        ({"regularization": "l1", "regularization_rate": 0.01}, "reg = regularizers.L1(0.01)"),
        ({"activation": "gelu", "hidden": [3]}, 'layers.Dense(3, activation="gelu"),'),
        ({"problem": "regression", "dataset": "plane"}, 'loss="mse"'),
    ],
)
def test_the_script_says_what_was_chosen(fields, line):
    assert line in script(Config(**fields), epochs=5)


def test_tf_playgrounds_squared_error_and_zero_weights_in_the_script_too(tmp_path):
    config = Config(
        dataset="xor",
        n_points=100,
        hidden=[3],
        loss="squared_error",
        init_zero=True,
        learning_rate=0.1,
    )
    text = script(config, epochs=2)
    assert 'loss="mse", loss_weights=0.5' in text and 'kernel_initializer="zeros"' in text
    assert "2 * y_train - 1" in text and 'Dense(1, activation="tanh"' in text
    session = Session(config)
    for _ in range(2):
        session._finish_epoch()
    assert losses(run(tmp_path, text)) == pytest.approx(session.losses, abs=1e-4)
