"""Every example runs (short forms), and the image examples say how to get data they cannot find."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
MIRROR = ROOT.parent / "shared" / "data"


def example(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def mirror(monkeypatch, tmp_path):
    if not (MIRROR / "shakespeare").is_dir():
        pytest.skip("the dataset mirror (../shared/data) is absent")
    monkeypatch.setenv("PROFUNDO_DATASETS_MIRROR", str(MIRROR))
    monkeypatch.setenv("PROFUNDO_HOME", str(tmp_path / "home"))


def test_tensor_mlp_example_learns_the_spirals(capsys):
    loss, accuracy = example("tensor_mlp").train(steps=1200, report_every=400)
    out = capsys.readouterr().out
    first_loss = float(out.splitlines()[0].split("loss")[1].split()[0])
    assert loss < first_loss / 3
    assert accuracy > 0.85


def test_seq2seq_reverse_learns_something():
    digits, _ = example("seq2seq_reverse").main(epochs=2, n_train=2000, verbose=0)
    assert digits > 0.2  # chance is 0.1


def test_timeseries_forecast_beats_repeating_the_last_value():
    mae, last = example("timeseries_forecast").main(epochs=2, verbose=0)
    assert mae < last


def test_vanishing_gradient_is_visible_at_initialization():
    module = example("vanishing_gradient")
    x, y = module.task(64, seed=0)
    rnn = module.build(module.layers.SimpleRNN(module.UNITS))
    norms = module.gradient_per_step(rnn, x, y)
    assert norms.shape == (module.STEPS,) and np.all(np.isfinite(norms))


def test_authorship_example_runs(mirror):
    accuracy = example("authorship_lstm").main(epochs=1, verbose=0)
    assert accuracy > 0.85


def test_shakespeare_example_trains_and_generates(mirror):
    module = example("shakespeare_char_lstm")
    model, vocab, curve = module.train(minutes=0.02, units=32, chunk=2)
    assert curve and np.isfinite(curve[-1][2])
    text = module.generate(model, vocab, length=20)
    assert isinstance(text, str) and len(text) >= 20


@pytest.mark.parametrize(
    "name,loader", [("fashion_mnist_cnn", "load_fashion_mnist"), ("cifar10_cnn", "load_cifar10")]
)
def test_image_examples_say_how_to_get_missing_data(name, loader, monkeypatch, tmp_path):
    empty = tmp_path / "mirror"
    empty.mkdir()
    monkeypatch.setenv("PROFUNDO_DATASETS_MIRROR", str(empty))
    monkeypatch.setenv("PROFUNDO_HOME", str(tmp_path / "home"))
    module = example(name)
    with pytest.raises(SystemExit) as exit_info:
        getattr(module, loader)()
    assert "PROFUNDO_DATASETS_MIRROR" in str(exit_info.value)
    model = module.build_model()
    assert model.count_params() > 0


def test_tune_example_compares_random_and_bayesian_search(mirror, tmp_path):
    pytest.importorskip("optuna")
    curves = example("tune_mnist_mlp").main(
        trials=2, epochs=1, n_train=600, n_val=300, directory=tmp_path, plot=False
    )
    assert set(curves) == {"random", "bayesian"}
    assert all(len(c) == 2 and c[1] >= c[0] > 0.3 for c in curves.values())


def test_seeing_inside_draws_every_picture(mirror, tmp_path):
    pytest.importorskip("matplotlib")
    accuracy, paths = example("seeing_inside").main(
        tmp_path / "pictures", epochs=1, n_train=2000, verbose=0
    )
    assert accuracy > 0.5  # one short epoch; chance is 0.1
    assert sorted(paths) == sorted(
        ["history", "confusion_matrix", "filters", "feature_maps", "grad_cam", "saliency"]
    )
    for path in paths.values():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_optimizers_race_draws_and_adam_wins_on_the_bowl(tmp_path):
    pytest.importorskip("matplotlib")
    module = example("optimizers_race")
    out = module.main(tmp_path / "race.png", steps=60)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    results = module.race("quadratic", steps=300)
    assert results["Adam"][1] < 1e-6 < results["SGD"][1]


def test_spam_detection_example_short_form(mirror):
    results = example("spam_detection").main(epochs=3, limit=600, verbose=0)
    assert set(results) == {"profundo", "baseline"}
    assert results["profundo"]["accuracy"] > 0.9 and results["profundo"]["spam_f1"] > 0.8
    assert 0 <= results["profundo"]["hard_ham_kept"] <= 1


def test_spam_detection_reads_what_a_reader_sees():
    raw = (
        b"From: Ann <ann@example.com>\nSubject: Cheap pills\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/alternative; boundary=B\n\n--B\nContent-Type: text/html; "
        b"charset=x-unknown\n\n<p>Visit <a href=x>http://spam.example.com/buy</a> for 50% &amp; "
        b"more</p>\n--B\nContent-Type: image/png\n\nAAAA\n--B--\n"
    )
    text = example("spam_detection").message_text(raw)
    assert "subject Cheap pills" in text and "htmlpart" in text and "urladdress" in text
    assert "<p>" not in text and "&amp;" not in text and "numbertoken%" in text.replace(" ", "")
    assert "AAAA" not in text and "mailaddress" in text


# --- attention and Transformers -------------------------------------------------------------------
def test_spanish_dates_generator_writes_every_format_readably():
    import datetime

    module = example("spanish_dates_seq2seq")
    assert module.number_words(22) == "veintidós" and module.number_words(47) == "cuarenta y siete"
    assert module.year_words(1984) == "mil novecientos ochenta y cuatro"
    assert module.year_words(2000) == "dos mil" and module.year_words(2007) == "dos mil siete"
    rng = np.random.default_rng(0)
    for f in module.FORMATS:
        for day in (datetime.date(1977, 9, 27), datetime.date(2000, 1, 1)):
            text = f(day, rng)
            assert len(text) <= module.SOURCE_LENGTH
            assert module.SOURCE.decode(module.SOURCE.encode([text], 60)[0]) == text
    train, test = module.dates()
    assert not set(train) & set(test) and len(test) > 3000


@pytest.mark.parametrize("model", ["additive", "transformer"])
def test_spanish_dates_seq2seq_short_form(model, tmp_path):
    plot = tmp_path / "attention.png" if model == "additive" else None
    if plot is not None:
        pytest.importorskip("matplotlib")
    exact = example("spanish_dates_seq2seq").main(
        model, epochs=1, n_train=600, n_test=20, plot=plot, verbose=0
    )
    assert 0.0 <= exact <= 1.0
    assert plot is None or plot.stat().st_size > 10_000


def test_authorship_transformer_short_form():
    module = example("authorship_transformer")
    model = module.build_model(300, length=16, d=16, heads=2)
    x = np.random.default_rng(0).integers(0, 300, (64, 16))
    y = (x[:, :1] > 150).astype("float32")  # learnable from the first word
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.slow
def test_authorship_transformer_reaches_98_percent(mirror):
    assert example("authorship_transformer").main(epochs=1, verbose=0) >= 0.98


def test_shakespeare_transformer_trains_and_generates(mirror):
    module = example("shakespeare_char_transformer")
    model, vocab, curve = module.train(minutes=0.01, d=16, depth=1, chunk=2, validation_windows=8)
    assert curve and np.isfinite(curve[-1][3])
    text = module.generate(model, vocab, length=10)
    assert isinstance(text, str) and len(text) >= 10
