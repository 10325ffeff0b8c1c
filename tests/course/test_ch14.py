"""Chapter 14's lesson list (read from the playground) and checkers, right and wrong answers."""

from pathlib import Path

import pytest

import profundo as pf
from profundo import callbacks, layers
from profundo.course import ch14

COURSE = Path(__file__).resolve().parents[2] / "docs" / "course"


def test_every_playground_lesson_names_a_chapter_that_exists_in_both_languages():
    lessons = ch14.lessons()
    js = (Path(pf.__file__).parent / "playground" / "static" / "js" / "lessons.js").read_text()
    names = js[js.index("LESSONS = {") : js.index("};")]
    assert list(lessons) and all(f"{name}:" in names for name in lessons)
    assert names.count(': "') == len(lessons)  # every lesson has its chapter
    for entry in lessons.values():
        for lang in ("es", "en"):
            path = COURSE / lang / f"{entry[lang]}.ipynb"
            assert path.is_file() and path.name.startswith(f"{entry['n']:02d}_")
    assert ch14.lesson_url("backprop") == "http://127.0.0.1:8000/#tutorial=backprop"
    with pytest.raises(ValueError, match="no lesson 'nope'"):
        ch14.lesson_url("nope")


def test_lesson_link():
    assert ch14.check_lesson_link("http://127.0.0.1:8000/#tutorial=learning_rate")
    v = ch14.check_lesson_link("http://127.0.0.1:8000/#tutorial=backprop")
    assert not v and "learning_rate" in v.message
    assert not ch14.check_lesson_link("http://127.0.0.1:9000/#tutorial=learning_rate")
    assert not ch14.check_lesson_link(None)


def test_best_checkpoint():
    assert ch14.check_best_checkpoint(
        callbacks.ModelCheckpoint("best.profundo", monitor="val_loss", save_best_only=True)
    )
    v = ch14.check_best_checkpoint(callbacks.ModelCheckpoint("best.profundo"))
    assert not v and "save_best_only" in v.message
    assert not ch14.check_best_checkpoint(callbacks.EarlyStopping())


def test_round_trip(tmp_path):
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.save(tmp_path / "m.profundo")
    assert ch14.check_round_trip(model, pf.models.load_model(tmp_path / "m.profundo"))
    assert not ch14.check_round_trip(model, model)
    other = pf.Sequential([layers.Input((3,)), layers.Dense(2)])
    assert not ch14.check_round_trip(model, other)
