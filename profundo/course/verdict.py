"""Verdicts of the exercise checkers, in the notebook's language.

>>> set_language("es")
>>> verdict(True, es="la puerta OR es correcta", en="the OR gate is right")
✅ Correcto: la puerta OR es correcta

A checker never raises at the student: ``checker`` turns an exception from the student's code
into a ❌ verdict that names it.
"""

from __future__ import annotations

import functools

LANGUAGES = ("es", "en")
_state = {"lang": "en"}

_PREFIX = {
    ("es", True): "✅ Correcto",
    ("es", False): "❌ Todavía no",
    ("en", True): "✅ Correct",
    ("en", False): "❌ Not yet",
}


def set_language(lang: str) -> None:
    """The language of every verdict and message from now on: ``"es"`` or ``"en"``."""
    if lang not in LANGUAGES:
        raise ValueError(f"course.set_language: language must be one of {LANGUAGES}, got {lang!r}")
    _state["lang"] = lang


def language() -> str:
    """The current language, ``"es"`` or ``"en"``."""
    return _state["lang"]


def say(es: str, en: str) -> str:
    """The text in the current language."""
    return es if _state["lang"] == "es" else en


class Verdict:
    """The outcome of a checker: ``passed`` (also its truth value) and ``message``; it shows as
    one line, ✅ or ❌ first."""

    __slots__ = ("passed", "message")

    def __init__(self, passed: bool, message: str):
        self.passed, self.message = bool(passed), message

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"{_PREFIX[(language(), self.passed)]}: {self.message}"


def verdict(passed: bool, es: str, en: str) -> Verdict:
    """A ``Verdict`` whose message is ``es`` or ``en`` by the current language."""
    return Verdict(passed, say(es, en))


def returns_none(es: str, en: str) -> Verdict:
    """❌ for an exercise's function that returns None (its body not written yet), with what to
    write: ``returns_none("escribe la fórmula", "write the formula")``."""
    return verdict(
        False,
        es=f"tu función devuelve None: {es}.",
        en=f"your function returns None: {en}.",
    )


def checker(fn):
    """Decorate a checker: an exception raised while checking (the student's function failed,
    an answer of the wrong kind) becomes a ❌ verdict naming it, instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 - the student's code may raise anything
            name = type(err).__name__
            return verdict(
                False,
                es=f"al comprobar tu respuesta saltó {name}: {err}",
                en=f"checking your answer raised {name}: {err}",
            )

    return wrapper
