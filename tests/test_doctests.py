"""The examples in profundo's docstrings run as written (doctest), one test per module.

An example that needs the reader's own objects (their model, their data, a file or a download)
is marked ``# doctest: +SKIP`` where it stands; every other example runs, and its output must
be the one shown (``...`` matches any text; whitespace is normalized). The names the docstrings
take for granted, as the README does, are given: ``np``, ``pf`` and profundo's modules.
"""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import profundo as pf
from profundo import course

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(pf.__path__, "profundo.")
    if not m.name.endswith("__main__")
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def names() -> dict:
    """What a docstring example may use without importing it."""
    from profundo import (
        activations,
        callbacks,
        constraints,
        datasets,
        layers,
        losses,
        metrics,
        models,
        ops,
        optimizers,
    )
    from profundo.datasets import text_tasks
    from profundo.models import zoo

    return dict(
        np=np,
        numpy=np,
        pf=pf,
        profundo=pf,
        activations=activations,
        callbacks=callbacks,
        constraints=constraints,
        datasets=datasets,
        layers=layers,
        losses=losses,
        metrics=metrics,
        models=models,
        ops=ops,
        optimizers=optimizers,
        text_tasks=text_tasks,
        zoo=zoo,
    )


def test_every_module_is_listed():
    assert len(MODULES) > 100 and "profundo.layers.core" in MODULES


class _Runner(doctest.DocTestRunner):
    """Notes the optional packages an example found missing (an extra that is not installed:
    a ModuleNotFoundError outside profundo, or profundo's ImportError naming the extra)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.missing = set()

    def report_unexpected_exception(self, out, test, example, exc_info):
        err = exc_info[1]
        if (
            isinstance(err, ModuleNotFoundError)
            and err.name
            and err.name.split(".")[0] != "profundo"
        ):
            self.missing.add(err.name)
        elif isinstance(err, ImportError) and "pip install 'profundo[" in str(err):
            self.missing.add(str(err).split("pip install ")[-1])
        super().report_unexpected_exception(out, test, example, exc_info)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run_as_written(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as err:  # an optional extra that is not installed
        if err.name and err.name.split(".")[0] == "profundo":
            raise
        pytest.skip(f"{name} needs {err.name}")
    tests = [
        t
        for t in doctest.DocTestFinder(exclude_empty=True).find(module, extraglobs=names())
        if t.examples
    ]
    if not tests:
        pytest.skip(f"{name} has no examples")
    report = []
    runner = _Runner(optionflags=FLAGS)
    lang = course.language()  # an example may switch the course's language: set it back
    try:
        for test in tests:
            runner.run(test, out=report.append)
    finally:
        course.set_language(lang)
    if runner.failures and runner.missing:  # an example of an optional extra's feature
        pytest.skip(f"{name}'s examples need {', '.join(sorted(runner.missing))}")
    try:
        import matplotlib.pyplot as plt

        plt.close("all")
    except ImportError:
        pass
    assert runner.failures == 0, "".join(report)
