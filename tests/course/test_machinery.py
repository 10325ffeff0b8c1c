"""The course's machinery: verdicts in the notebook's language, the short mode, checkers that
never raise at the student."""

import pytest

from profundo import course
from profundo.course.verdict import checker


@pytest.fixture(autouse=True)
def _english_after():
    yield
    course.set_language("en")


def test_verdicts_speak_the_notebook_language():
    course.set_language("es")
    v = course.verdict(True, es="bien", en="well done")
    assert v and repr(v) == "✅ Correcto: bien"
    course.set_language("en")
    v = course.verdict(False, es="mal", en="wrong")
    assert not v and repr(v) == "❌ Not yet: wrong"


def test_unknown_language_is_named():
    with pytest.raises(ValueError, match="course.set_language.*'fr'"):
        course.set_language("fr")


def test_short_mode_by_environment(monkeypatch):
    monkeypatch.setenv(course.SHORT_ENV, "1")
    assert course.short_mode() and course.pick(full=200, short=5) == 5
    monkeypatch.setenv(course.SHORT_ENV, "0")
    assert not course.short_mode() and course.pick(full=200, short=5) == 200
    monkeypatch.delenv(course.SHORT_ENV)
    assert course.setup("es") is False and course.language() == "es"


def test_a_checker_turns_the_students_exception_into_a_verdict():
    @checker
    def check(fn):
        return course.verdict(fn(2) == 4, es="", en="")

    course.set_language("es")
    v = check(lambda x: 1 / 0)
    assert not v and "ZeroDivisionError" in v.message and v.message.startswith("al comprobar")


def test_a_function_that_returns_none_is_told_what_to_write():
    from profundo.course import ch08, ch10

    course.set_language("en")
    v = ch10.check_attention(lambda q, k, v: None)
    assert not v and v.message == "your function returns None: write the attention."
    course.set_language("es")
    v = ch08.check_conv2d(lambda image, kernel: None)
    assert not v and v.message == "tu función devuelve None: escribe la convolución."
