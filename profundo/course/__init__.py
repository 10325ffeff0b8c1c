"""The course's machinery: what every chapter notebook of ``docs/course/`` uses.

A notebook starts with::

    import profundo as pf
    from profundo import course
    from profundo.course import ch01
    SHORT = course.setup("es")          # the language of the verdicts, seeds, the short mode

``course.pick(full=200, short=5)`` chooses a size by the mode: ``PROFUNDO_COURSE_SHORT=1`` (the
tests) shrinks data and epochs so that every notebook runs in seconds. Each chapter's module
(``ch01``, ``ch02``, …) holds the checkers of its exercises: they take the student's answer and
return a ``Verdict`` — ✅ or ❌ with an explanation in the notebook's language — never raise.
``python -m profundo.course.notebooks`` runs notebooks top to bottom (``notebooks.py``).
"""

from __future__ import annotations

import os
import warnings

from .verdict import Verdict, language, say, set_language, verdict

__all__ = ["setup", "short_mode", "pick", "Verdict", "verdict", "say", "language", "set_language"]

#: the environment variable of the short mode ("1": small data, few epochs)
SHORT_ENV = "PROFUNDO_COURSE_SHORT"


def short_mode() -> bool:
    """True when ``PROFUNDO_COURSE_SHORT`` is set to something other than ``""``/``0``."""
    return os.environ.get(SHORT_ENV, "").strip() not in ("", "0")


def pick(full, short):
    """``short`` in the short mode, else ``full``: ``epochs = course.pick(full=200, short=5)``."""
    return short if short_mode() else full


def setup(lang: str = "en", seed: int = 0) -> bool:
    """Start a chapter: the verdicts' language (``"es"`` or ``"en"``), figures shown inline in
    Jupyter (also ``pf.viz``'s, which are made without pyplot), every random generator seeded
    (profundo's and NumPy's global one), a line saying when the short mode is on.
    Returns whether the short mode is on."""
    import numpy

    from .. import backend

    set_language(lang)
    _inline_figures()
    # tqdm (used by Optuna) warns in a kernel without ipywidgets; its bars are not used here
    warnings.filterwarnings("ignore", message="IProgress not found")
    backend.manual_seed(seed)
    numpy.random.seed(seed)
    short = short_mode()
    if short:
        print(
            say(
                es=f"Modo corto ({SHORT_ENV}=1): datos y épocas reducidos.",
                en=f"Short mode ({SHORT_ENV}=1): less data, fewer epochs.",
            )
        )
    return short


def _inline_figures() -> None:
    """In IPython/Jupyter, ``%matplotlib inline``: a returned matplotlib ``Figure`` is drawn."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.enable_matplotlib("inline")
