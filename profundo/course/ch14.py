"""Chapter 14 — the tools: the playground's lessons, and the checkers of the chapter's exercises.

``lessons()`` lists the playground's lessons with the course chapter each goes with, read from the
playground's own ``lessons.js`` (one list for the page and the course); ``lesson_url(name)`` is
the link that opens the playground set up for a lesson (``profundo playground`` serves it).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np

from .verdict import checker, verdict

_LESSONS_JS = Path(__file__).resolve().parents[1] / "playground" / "static" / "js" / "lessons.js"


def lessons() -> dict:
    """{lesson name: {"n": chapter, "es": file, "en": file}}, in the playground's order."""
    text = _LESSONS_JS.read_text(encoding="utf-8")
    block = text[text.index("export const CHAPTERS") :]
    pattern = r'(\w+): \{ n: (\d+), es: "(\w+)", en: "(\w+)" \}'
    return {
        name: {"n": int(n), "es": es, "en": en} for name, n, es, en in re.findall(pattern, block)
    }


def lesson_url(name: str, host: str = "127.0.0.1", port: int = 8000) -> str:
    """The address that opens the playground at lesson ``name``."""
    if name not in lessons():
        raise ValueError(f"lesson_url: no lesson {name!r}; lessons: {', '.join(lessons())}")
    return f"http://{host}:{port}/#tutorial={name}"


@checker
def check_lesson_link(url, chapter: int = 3, port: int = 8000):
    """The playground's address on ``port`` opened at the lesson that goes with ``chapter``."""
    wanted = [name for name, c in lessons().items() if c["n"] == chapter]
    if not url:
        return verdict(False, es="escribe la dirección.", en="write the address.")
    parts = urlsplit(str(url))
    if parts.port != port or parts.hostname not in ("127.0.0.1", "localhost"):
        return verdict(
            False,
            es=f"el patio de juegos está en http://127.0.0.1:{port}/; tu dirección va a "
            f"{parts.hostname}:{parts.port}.",
            en=f"the playground is at http://127.0.0.1:{port}/; your address goes to "
            f"{parts.hostname}:{parts.port}.",
        )
    lesson = parse_qs(parts.fragment).get("tutorial", [""])[0]
    if lesson not in wanted:
        return verdict(
            False,
            es=f"la lección va tras # como tutorial=NOMBRE; la del capítulo {chapter} es "
            f"{' o '.join(wanted)}, y la tuya es {lesson or 'ninguna'}.",
            en=f"the lesson goes after # as tutorial=NAME; chapter {chapter}'s is "
            f"{' or '.join(wanted)}, and yours is {lesson or 'none'}.",
        )
    return verdict(
        True,
        es=f"esta dirección abre el patio de juegos preparado para la lección {lesson}.",
        en=f"this address opens the playground set up for the lesson {lesson}.",
    )


@checker
def check_best_checkpoint(callback):
    """A ``ModelCheckpoint`` that keeps only the model with the lowest validation loss, in a
    profundo or Keras model file."""
    from ..callbacks import ModelCheckpoint

    if not isinstance(callback, ModelCheckpoint):
        return verdict(
            False,
            es="crea un callbacks.ModelCheckpoint.",
            en="create a callbacks.ModelCheckpoint.",
        )
    if callback.monitor != "val_loss" or not callback.save_best_only:
        return verdict(
            False,
            es="vigila monitor='val_loss' y guarda solo el mejor: save_best_only=True.",
            en="watch monitor='val_loss' and keep only the best: save_best_only=True.",
        )
    if callback.save_weights_only or not callback.filepath.endswith((".profundo", ".keras")):
        return verdict(
            False,
            es="guarda el modelo entero en un archivo .profundo (o .keras).",
            en="save the whole model in a .profundo (or .keras) file.",
        )
    return verdict(
        True,
        es="tras cada época con menor val_loss, el archivo se reescribe de forma atómica.",
        en="after every epoch with a lower val_loss, the file is rewritten atomically.",
    )


@checker
def check_round_trip(model, loaded):
    """``loaded``: ``model`` saved to a file and loaded back — another object, the same answers."""
    if loaded is None:
        return verdict(False, es="carga el modelo guardado.", en="load the saved model.")
    if loaded is model:
        return verdict(
            False,
            es="ese es el mismo objeto: carga el archivo con pf.models.load_model.",
            en="that is the same object: load the file with pf.models.load_model.",
        )
    x = np.random.default_rng(14).normal(size=(4,) + tuple(model.inputs[0].shape[1:]))
    x = x.astype("float32")
    same = np.allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0), atol=1e-6)
    if not same:
        return verdict(
            False,
            es="el modelo cargado no responde igual: ¿guardaste después de entrenar?",
            en="the loaded model answers differently: did you save after training?",
        )
    return verdict(
        True,
        es="el modelo cargado responde igual que el original.",
        en="the loaded model answers as the original does.",
    )
