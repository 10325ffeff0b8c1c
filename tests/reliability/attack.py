"""The attack harness of issue 10: profundo attacked as a hostile user and a careless one would.

It re-runs the same kinds of attacks as the issue's report and counts, per kind, what happened:

- **model files** — crafted ``.profundo`` archives (forged configs that name foreign classes,
  absurd sizes and types, compute bombs, forged weights headers, zip tricks, FIFOs, devices),
  random ones, and valid files with bits flipped or cut short: ``load_model``;
- **pickles** — crafted pickles, many trying to run code (``os.system``, ``eval``, ``open``,
  ``subprocess``, ``numpy.save``, by every protocol and by INST/OBJ/EXT opcodes), resource bombs,
  and random and bit-flipped ones: the restricted pickle reader;
- **kills during saves and downloads** — a process that saves a model over and over, or that is
  downloading, is killed (SIGKILL) at a random moment: the file must still load, the next
  download must get the right file, and no litter may stay;
- **HTTP** — a server that trickles, stalls, never answers, sends forever, lies about or garbles
  its ``Content-Length``, breaks off, errs, or sends the wrong bytes: the data set downloader;
- **the playground's server** — fuzzed messages (random bytes, random JSON, valid messages with a
  field spoilt, cut or garbled), floods of unread messages, more pages than it takes: each refused
  with an error reply and the server still answering;
- **API calls** — bad arguments to layers, ``compile``, ``fit``, ops, saving.

Outcomes (the worst one counts): *ok* (worked; for an API call that should fail: *accepted*, a
silent acceptance), *clear error* (an error profundo raised on purpose — the raising line is a
``raise`` in profundo — or the error type the reader documents, with a message), *crashed* (any
other exception: a raw ``KeyError``, ``MemoryError``...), *hung* (no answer within the time
limit), *lost* (a file that was there is gone, changed or unloadable; the cache holds a bad file),
*executed* (code from the input ran: a canary file appeared).

    python tests/reliability/attack.py            # the short form (seconds), as the tests run it
    python tests/reliability/attack.py --long     # the long form (minutes); --json for the counts

The process caps its own address space (``--memory-gb``, default 6) so that a memory bomb shows as
a ``MemoryError`` here instead of exhausting the machine.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import functools
import hashlib
import io
import json
import operator
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

import profundo as pf
from profundo import layers
from profundo.datasets import download, restricted_pickle
from profundo.files import TEMP_SUFFIX
from profundo.io.saving import ModelFileError

OUTCOMES = ("ok", "accepted", "clear error", "crashed", "hung", "lost", "executed")
_SEVERITY = {name: rank for rank, name in enumerate(OUTCOMES)}
PROFUNDO_DIR = str(Path(pf.__file__).resolve().parent)


# --- counting -----------------------------------------------------------------------------------
class Tally:
    """Outcomes per kind of attack, with the first few attacks of each outcome described."""

    def __init__(self):
        self.counts = collections.defaultdict(collections.Counter)
        self.examples = collections.defaultdict(list)  # (kind, outcome) → descriptions
        self.notes = collections.Counter()  # "kind: what" → how many times

    def add(self, kind: str, outcome: str, what: str, detail: str = "") -> None:
        self.counts[kind][outcome] += 1
        if len(self.examples[kind, outcome]) < 10:
            self.examples[kind, outcome].append(f"{what} {detail}".strip())

    @property
    def failures(self) -> dict:
        """{kind: ["outcome: what → error"]} for the outcomes that are failures."""
        out = collections.defaultdict(list)
        for (kind, outcome), examples in self.examples.items():
            if outcome not in ("ok", "clear error"):
                out[kind] += [f"{outcome}: {e}" for e in examples]
        return dict(out)

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())

    def as_dict(self) -> dict:
        return {
            "counts": {
                k: {"tried": sum(c.values()), **{o: c[o] for o in OUTCOMES}}
                for k, c in self.counts.items()
            },
            "failures": dict(self.failures),
            "notes": dict(self.notes),
        }

    def table(self) -> str:
        rows = [
            "| attack | tried | " + " | ".join(OUTCOMES) + " |",
            "|---|---:|" + "---:|" * len(OUTCOMES),
        ]
        for kind, c in self.counts.items():
            rows.append(
                f"| {kind} | {sum(c.values())} | " + " | ".join(str(c[o]) for o in OUTCOMES) + " |"
            )
        every = collections.Counter()
        for c in self.counts.values():
            every.update(c)
        rows.append(
            f"| **all** | {sum(every.values())} | "
            + " | ".join(str(every[o]) for o in OUTCOMES)
            + " |"
        )
        return "\n".join(rows)


def classify(err: BaseException, documented: tuple = ()) -> str:
    """'clear error' for an error of a documented type, or one that profundo made on purpose (a
    ``raise <error>`` line of profundo is on its traceback: raised there, or an op's error that
    profundo renamed with the op and the input shapes), with a message; else 'crashed'."""
    if not str(err):
        return "crashed"
    if documented and isinstance(err, documented):
        return "clear error"
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename.startswith(PROFUNDO_DIR) and (frame.line or "").startswith("raise "):
            return "clear error"
    return "crashed"


def attempt(fn, seconds: float, documented: tuple = (), success: str = "ok"):
    """Run ``fn()`` in a thread for at most ``seconds``: (outcome, error or None)."""
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - every failure is counted
            box["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        return "hung", None
    if "error" in box:
        return classify(box["error"], documented), box["error"]
    return success, None


def worst(*outcomes: str) -> str:
    return max(outcomes, key=_SEVERITY.__getitem__)


def _describe(err) -> str:
    return "" if err is None else f"→ {type(err).__name__}: {str(err)[:160]}"


# --- canaries: did code from the input run? ------------------------------------------------------
class Canary:
    """A file that only code from an attack would create, and a folder whose contents must stay."""

    def __init__(self, root: Path):
        self.path = root / "CANARY"
        self.shell = f"touch {self.path}"
        self.python = f"open({str(self.path)!r}, 'w').close()"

    def fired(self) -> bool:
        if self.path.exists():
            self.path.unlink()
            return True
        return False


class ForeignLayer(layers.Layer):
    """A Layer subclass that some imported module defines, with a side effect in its constructor:
    a model file must not be able to build it (issue 10, item 15)."""

    canary: Path | None = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if ForeignLayer.canary is not None:
            ForeignLayer.canary.touch()

    def call(self, x, training=None):
        return x


# --- model files ---------------------------------------------------------------------------------
def _base_model():
    model = pf.Sequential(
        [
            layers.Input((4,)),
            layers.Dense(3, activation="relu"),
            layers.Dropout(0.1),
            layers.Dense(2),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    model.fit(x, x[:, :2], epochs=1, batch_size=4, verbose=0)
    return model


def _members(path: Path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(members: dict, compression=zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _with_layer(config: dict, index: int, **changes) -> dict:
    config = json.loads(json.dumps(config))
    config["config"]["layers"][index]["config"].update(changes)
    return config


def _add_layer(config: dict, class_name: str, layer_config: dict) -> dict:
    config = json.loads(json.dumps(config))
    config["config"]["layers"].append({"class_name": class_name, "config": layer_config})
    return config


def _safetensors(header: dict, data: bytes = b"") -> bytes:
    raw = json.dumps(header).encode()
    return len(raw).to_bytes(8, "little") + raw + data


def crafted_model_files(members: dict) -> list:
    """(name, bytes of the file) for hand-made hostile archives,
    built from a valid one's members."""
    config = json.loads(members["config.json"])
    dense = 0  # index of the first Dense in config's layers

    def cfg(c):
        return _zip({**members, "config.json": json.dumps(c).encode()})

    files = []
    for name in (
        "os.system",
        "builtins.eval",
        "Layer",
        "Tensor",
        "ForeignLayer",
        "Canary",
        "__import__",
        "subprocess.Popen",
        "Layer.__subclasses__",
        "",
        "Model",
    ):
        files.append((f"layer class {name!r}", cfg(_add_layer(config, name, {"name": "x"}))))
    for value in (-1, 0, 10**12, 2.5, "abc", None, [1], {"a": 1}, True, 1e308, "1e9"):
        files.append((f"units={value!r}", cfg(_with_layer(config, dense, units=value))))
    for value in ("os.system", "__import__", 5, {"class_name": "os.system", "config": {}}, ""):
        files.append((f"activation={value!r}", cfg(_with_layer(config, dense, activation=value))))
    for value in (
        {"class_name": "os.system", "config": {}},
        "nope",
        {"class_name": "GlorotUniform", "config": {"seed": "x"}},
    ):
        files.append(
            (
                f"kernel_initializer={value!r}",
                cfg(_with_layer(config, dense, kernel_initializer=value)),
            )
        )
    for value in ("object", "float1024", "O", 7, None):
        files.append((f"dtype={value!r}", cfg(_with_layer(config, dense, dtype=value))))
    for value in ("x" * 1_000_000, "../../etc/passwd", 5, None, ["a"]):
        files.append((f"name={str(value)[:20]!r}", cfg(_with_layer(config, dense, name=value))))
    for shape in (
        [10**9, 10**9],
        [-1],
        [],
        ["a"],
        None,
        [0],
        [2**62, 2**62],
        [1.5],
        5,
        [[4]],
        {"a": 4},
    ):
        changed = json.loads(json.dumps(config))
        changed["config"]["input_shape"] = shape
        files.append((f"input shape {shape}", cfg(changed)))
    bombs = [
        ("Reshape", {"target_shape": [2, 2, 1]}),
        ("UpSampling2D", {"size": [100_000, 100_000]}),
        ("ZeroPadding2D", {"padding": [[10**6, 10**6], [10**6, 10**6]]}),
        ("RepeatVector", {"n": 10**10}),
        ("Reshape", {"target_shape": [10**9, -1]}),
        ("Embedding", {"input_dim": 10**12, "output_dim": 10**6}),
        ("Conv2D", {"filters": 10**6, "kernel_size": [10**3, 10**3]}),
        ("Dense", {"units": 10**9}),
    ]
    chain = json.loads(json.dumps(config))
    for class_name, layer_config in bombs:
        chain = _add_layer(chain, class_name, layer_config)
        files.append((f"compute bomb up to {class_name}{layer_config}", cfg(chain)))
    nested = {"class_name": "Sequential", "config": {"layers": []}}
    for _ in range(30):  # within the JSON depth limit: the builder recurses
        nested = {"class_name": "Sequential", "config": {"layers": [nested]}}
    files += [
        ("Sequential nested 30 deep", cfg(nested)),
        ("config is a list", cfg([config])),
        ("config is a number", cfg(1)),
        ("config without 'config'", cfg({"class_name": "Sequential"})),
        ("layers is a dict", cfg({"class_name": "Sequential", "config": {"layers": {}}})),
        ("class_name is a number", cfg({"class_name": 5, "config": {}})),
        (
            "10,000 layers",
            cfg(
                {
                    "class_name": "Sequential",
                    "config": {
                        "layers": [{"class_name": "Dense", "config": {"units": 1}}] * 10_000
                    },
                }
            ),
        ),
        ("deep JSON", _zip({**members, "config.json": b"[" * 100_000 + b"]" * 100_000})),
        (
            "NaN and huge numbers",
            _zip(
                {
                    **members,
                    "config.json": members["config.json"].replace(b'"units": 3', b'"units": NaN'),
                }
            ),
        ),
        ("not JSON", _zip({**members, "config.json": b"\xff\xfe{"})),
        ("config.json missing", _zip({k: v for k, v in members.items() if k != "config.json"})),
    ]
    weights = members["weights.safetensors"]
    headers = [
        ("header length 2**63", (2**63).to_bytes(8, "little") + weights[8:]),
        ("empty weights", b""),
        ("7 bytes", weights[:7]),
        (
            "offsets outside",
            _safetensors(
                {"layers/1/kernel": {"dtype": "F32", "shape": [4, 3], "data_offsets": [0, 10**12]}}
            ),
        ),
        (
            "negative shape",
            _safetensors(
                {"w": {"dtype": "F32", "shape": [-4, 3], "data_offsets": [0, 48]}}, b"\0" * 48
            ),
        ),
        (
            "huge shape",
            _safetensors(
                {"w": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 48]}},
                b"\0" * 48,
            ),
        ),
        (
            "object dtype",
            _safetensors({"w": {"dtype": "O", "shape": [1], "data_offsets": [0, 8]}}, b"\0" * 8),
        ),
        ("header is a list", _safetensors([1, 2])),
        (
            "shape is a string",
            _safetensors(
                {"w": {"dtype": "F32", "shape": "abc", "data_offsets": [0, 4]}}, b"\0" * 4
            ),
        ),
        (
            "offsets reversed",
            _safetensors({"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}, b"\0" * 4),
        ),
        ("no weights at all", _safetensors({})),
        ("NaN weights", weights[:-4] + np.float32("nan").tobytes()),
    ]
    files += [(f"weights: {n}", _zip({**members, "weights.safetensors": w})) for n, w in headers]
    for value in (
        {},
        [],
        5,
        {"optimizer": "os.system", "loss": [], "metrics": [], "loss_weights": []},
        {
            "optimizer": {"class_name": "Adam", "config": {"learning_rate": "abc"}},
            "loss": ["mse"],
            "metrics": [["mae"]],
            "loss_weights": [1],
        },
        {"optimizer": "sgd", "loss": ["os.system"], "metrics": [[]], "loss_weights": [1]},
    ):
        files.append(
            (
                f"compile.json {str(value)[:40]}",
                _zip({**members, "compile.json": json.dumps(value).encode()}),
            )
        )
    for name in [n for n in members if n.startswith("optimizer")]:
        files.append((f"{name} garbled", _zip({**members, name: b"\0" * 64})))
    files += [
        ("not a zip", b"PK\x03\x04" + os.urandom(200)),
        ("empty file", b""),
        (
            "zip bomb",
            _zip({**members, "config.json": b" " * (200 << 20) + b"{}"}, zipfile.ZIP_DEFLATED),
        ),
        ("1,000 members", _zip({**members, **{f"junk{i}": b"" for i in range(1000)}})),
        ("member ../escape", _zip({**members, "../escape.json": b"{}"})),
        ("metadata missing", _zip({k: v for k, v in members.items() if k != "metadata.json"})),
    ]
    meta = json.loads(members["metadata.json"])
    for change in ({"version": 999}, {"version": "abc"}, {"format": "pytorch"}, {"format": None}):
        files.append(
            (
                f"metadata {change}",
                _zip({**members, "metadata.json": json.dumps({**meta, **change}).encode()}),
            )
        )
    return files


def random_model_files(valid: bytes, members: dict, count: int, rng: random.Random) -> list:
    """Random bytes, random archives with the right member names, bit flips, truncations."""
    files = []
    for i in range(count):
        form = i % 4
        if form == 0:
            data = rng.randbytes(rng.randint(0, 4096))
        elif form == 1:
            data = _zip({name: rng.randbytes(rng.randint(0, 512)) for name in members})
        elif form == 2:
            flipped = bytearray(valid)
            for _ in range(rng.randint(1, 8)):
                bit = rng.randrange(len(flipped) * 8)
                flipped[bit // 8] ^= 1 << (bit % 8)
            data = bytes(flipped)
        else:
            data = valid[: rng.randrange(len(valid))]
        files.append((["random bytes", "random members", "bit flips", "truncated"][form], data))
    return files


def attack_model_files(tally: Tally, root: Path, rng: random.Random, long: bool) -> None:
    folder = root / "models"
    folder.mkdir()
    valid_path = folder / "valid.profundo"
    _base_model().save(valid_path)
    valid, members = valid_path.read_bytes(), _members(valid_path)
    canary = Canary(root)
    ForeignLayer.canary = canary.path
    attacks = [("crafted model files", n, d) for n, d in crafted_model_files(members)]
    count = 3200 if long else 40
    attacks += [
        ("random and bit-flipped model files", n, d)
        for n, d in random_model_files(valid, members, count, rng)
    ]
    special = [
        ("FIFO", "fifo"),
        ("/dev/zero", "/dev/zero"),
        ("a folder", "folder"),
        ("a missing file", "missing"),
    ]
    for kind, what, data in attacks:
        path = folder / "attack.profundo"
        path.write_bytes(data)
        outcome, err = attempt(lambda path=path: pf.models.load_model(path), 20, (ModelFileError,))
        path.unlink()
        if canary.fired():
            outcome = "executed"
        if valid_path.read_bytes() != valid or sorted(p.name for p in folder.iterdir()) != [
            "valid.profundo"
        ]:
            outcome = worst(outcome, "lost")
        tally.add(kind, outcome, what, _describe(err))
    for what, form in special:
        if (
            form == "fifo"
            and not hasattr(os, "mkfifo")
            or form == "/dev/zero"
            and not os.path.exists("/dev/zero")
        ):
            continue
        path = Path(form) if form.startswith("/") else folder / f"special-{form}"
        if form == "fifo":
            os.mkfifo(path)
        elif form == "folder":
            path.mkdir()
        outcome, err = attempt(
            lambda path=path: pf.models.load_model(path), 20, (ModelFileError, FileNotFoundError)
        )
        if form == "fifo":
            if outcome == "hung":  # let the reader go: open the other end
                with open(path, "wb"):
                    pass
            path.unlink()
        elif form == "folder":
            path.rmdir()
        tally.add("crafted model files", outcome, what, _describe(err))
    ForeignLayer.canary = None


# --- pickles -------------------------------------------------------------------------------------
class _Reduce:
    """Pickles as ``fn(*args)``: what a hostile pickle asks the reader to call."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def _code_running_pickles(canary: Canary, scratch: Path) -> list:
    target = str(canary.path)
    calls = [
        ("os.system", os.system, (canary.shell,)),
        ("builtins.eval", eval, (canary.python,)),
        ("builtins.exec", exec, (canary.python,)),
        ("builtins.open", open, (target, "w")),
        ("io.open", io.open, (target, "w")),
        ("subprocess.call", subprocess.call, (["touch", target],)),
        ("subprocess.Popen", subprocess.Popen, (["touch", target],)),
        ("subprocess.run", subprocess.run, (canary.shell,)),
        ("functools.partial(os.system)", functools.partial(os.system, canary.shell), ()),
        ("numpy.save", np.save, (target, np.zeros(1))),
        ("shutil.copyfile", shutil.copyfile, (__file__, target)),
        ("pathlib.Path.touch", Path(target).touch, ()),
        ("operator.methodcaller", operator.methodcaller("touch"), (Path(target),)),
    ]
    out = []
    for name, fn, args in calls:
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            try:
                data = pickle.dumps(_Reduce(fn, args), protocol=protocol)
            except (pickle.PicklingError, TypeError, AttributeError):
                continue  # this form cannot be written at this protocol
            out.append((f"{name} (protocol {protocol})", data))
    shell = canary.shell.encode()
    out += [
        ("INST posix.system", b"(V" + shell + b"\nios\nsystem\n."),
        ("OBJ builtins.eval", b"(cbuiltins\neval\nV" + canary.python.encode() + b"\no."),
        ("EXT1 code 1", b"\x80\x02\x82\x01."),
        ("PERSID", b"Pfoo\n."),
        ("BUILD on an allowed constructor", b"\x80\x02cnumpy\ndtype\n}b."),
        (
            "_codecs.encode with zlib",
            b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00xX\x04\x00\x00\x00zlib\x86R.",
        ),
        ("numpy dtype object", pickle.dumps(np.dtype("O"), protocol=2)),
        ("array of objects", pickle.dumps(np.array([os.system], dtype=object), protocol=2)),
        (
            "_reconstruct of another class",
            pickle.dumps(np.zeros(2), protocol=2).replace(b"cnumpy\nndarray\n", b"cos\nsystem\n"),
        ),
    ]
    return out


def _bomb_pickles() -> list:
    tower = [b"leaf"]
    for _ in range(60):
        tower = [tower, tower]
    return [
        ("shared references 2**60", pickle.dumps(tower, protocol=2)),
        ("nested 100,000 deep", b"\x80\x02" + b"]" * 100_000 + b"a" * 99_999 + b"."),
        ("BINBYTES8 of 2**60 bytes", b"\x80\x04\x8e" + (2**60).to_bytes(8, "little") + b"."),
        ("LONG4 of 2**31 bytes", b"\x80\x02\x8b" + (2**31 - 1).to_bytes(4, "little") + b"."),
        ("memo get 2**32-1", b"\x80\x02j\xff\xff\xff\xff."),
        ("MARK without end", b"\x80\x02(((((."),
        (
            "array shape 2**40 x 2**40",
            pickle.dumps(np.zeros(1, np.uint8), protocol=2).replace(
                b"K\x01\x85",
                b"\x8a\x06\x00\x00\x00\x00\x00\x01\x8a\x06\x00\x00\x00\x00\x00\x01\x86",
            ),
        ),
        ("out-of-band buffer", b"\x80\x05\x97."),
        ("empty", b""),
        ("STOP only", b"."),
        ("protocol 99", b"\x80\x63."),
    ]


def _sample_pickles() -> list:
    """What the reader is for: CIFAR-10-like batches, in every protocol."""
    batch = {
        b"data": np.arange(96, dtype=np.uint8).reshape(2, 48),
        b"labels": [3, 7],
        b"batch_label": b"training batch 1 of 5",
        b"filenames": [b"a.png", b"b.png"],
    }
    return [pickle.dumps(batch, protocol=p) for p in range(2, pickle.HIGHEST_PROTOCOL + 1)]


def attack_pickles(tally: Tally, root: Path, rng: random.Random, long: bool) -> None:
    canary = Canary(root)
    crafted = _code_running_pickles(canary, root) + _bomb_pickles()
    samples = _sample_pickles()
    random_ones = []
    for i in range(1500 if long else 40):
        sample = bytearray(rng.choice(samples))
        if i % 3 == 0:
            random_ones.append(("random bytes", b"\x80\x02" + rng.randbytes(rng.randint(0, 300))))
            continue
        if i % 3 == 1:
            random_ones.append(("truncated", bytes(sample[: rng.randrange(len(sample))])))
            continue
        for _ in range(rng.randint(1, 6)):
            bit = rng.randrange(len(sample) * 8)
            sample[bit // 8] ^= 1 << (bit % 8)
        random_ones.append(("bit flips", bytes(sample)))
    for kind, items in (
        ("crafted pickles", crafted),
        ("random and bit-flipped pickles", random_ones),
    ):
        for what, data in items:
            outcome, err = attempt(
                lambda data=data: restricted_pickle.loads(data), 20, (pickle.UnpicklingError,)
            )
            if canary.fired():
                outcome = "executed"
            tally.add(kind, outcome, what, _describe(err))


# --- kills during saves --------------------------------------------------------------------------
def attack_kills(tally: Tally, root: Path, rng: random.Random, long: bool) -> None:
    """SIGKILL a process that saves a model over and over; the file must load after each kill."""
    if not hasattr(os, "fork"):
        return
    folder = root / "kills"
    folder.mkdir()
    target = folder / "model.profundo"
    model = pf.Sequential([layers.Input((64,)), layers.Dense(256), layers.Dense(256)])
    model.compile(optimizer="adam", loss="mse")
    for kill in range(100 if long else 3):
        pid = os.fork()
        if pid == 0:  # the child: save, and save again, forever
            try:
                while True:
                    model.save(target)
            finally:
                os._exit(0)
        while not target.exists():
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.2))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        partial = any(p.name.endswith(TEMP_SUFFIX) for p in folder.iterdir())
        tally.notes["SIGKILL during saves: killed with a partial file written"] += partial
        outcome, err = attempt(lambda: pf.models.load_model(target), 20, (ModelFileError,))
        if outcome != "ok":
            outcome = "lost"  # the last complete save must always load
        litter = sorted(p.name for p in folder.iterdir() if p.name != target.name)
        if litter:
            outcome = worst(outcome, "lost")
            err = RuntimeError(f"left behind after the next load: {litter}")
        tally.add(
            "SIGKILL during saves",
            outcome,
            f"kill {kill + 1} ({'a' if partial else 'no'} partial file left)",
            _describe(err),
        )


# --- a misbehaving HTTP server, and the downloader against it -------------------------------------
BODY = bytes(range(256)) * 4  # 1,024 bytes


class MisbehavingHandler(BaseHTTPRequestHandler):
    """Serves BODY in the way ``self.server.mode`` says (see ``MODES``)."""

    def do_GET(self):
        mode, stop = self.server.mode, self.server.stop
        if mode == "no answer":
            stop.wait(5)
            return
        if mode in ("500", "404"):
            self.send_error(int(mode))
            return
        if mode == "redirect loop":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.end_headers()
            return
        self.send_response(200)
        lengths = {
            "bad length": "abc",
            "negative length": "-1",
            "float length": "1e3",
            "blank length": " ",
            "huge length": str(10**15),
            "short length": "10",
            "long length": str(len(BODY) * 2),
        }
        if mode in lengths:
            self.send_header("Content-Length", lengths[mode])
        elif mode not in ("endless", "no length"):
            self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        body = {"wrong bytes": bytes(len(BODY)), "html": b"<html>" + b" " * (len(BODY) - 6)}
        try:
            if mode == "silent":
                stop.wait(5)
            elif mode == "trickle":
                for b in BODY:
                    if stop.wait(0.05):
                        return
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
            elif mode == "slow but steady":
                for i in range(0, len(BODY), 64):
                    if stop.wait(0.05):
                        return
                    self.wfile.write(BODY[i : i + 64])
                    self.wfile.flush()
            elif mode == "endless":
                chunk = b"\0" * 65536
                while not stop.is_set():
                    self.wfile.write(chunk)
            elif mode in ("break off", "long length"):
                self.wfile.write(BODY[:100])
                self.close_connection = True
            else:
                self.wfile.write(body.get(mode, BODY))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


MODES = (
    "good",
    "trickle",
    "slow but steady",
    "silent",
    "no answer",
    "endless",
    "bad length",
    "negative length",
    "float length",
    "blank length",
    "huge length",
    "short length",
    "long length",
    "break off",
    "500",
    "404",
    "redirect loop",
    "wrong bytes",
    "html",
    "no length",
)

#: tiny limits, so that each misbehaviour is caught in a moment
TEST_LIMITS = {
    "RETRIES": 1,
    "BACKOFF_SECONDS": 0.0,
    "CONNECT_TIMEOUT_SECONDS": 0.3,
    "READ_TIMEOUT_SECONDS": 0.3,
    "STALL_SECONDS": 0.4,
    "MIN_BYTES_PER_SECOND": 100.0,
    "TOTAL_SECONDS": 30.0,
    "MAX_BYTES": 1 << 20,
}
#: a mode whose server is fast enough for the rate but not for a total of 0.3 s
_SHORT_TOTAL = "slow but steady"


@contextlib.contextmanager
def misbehaving_server():
    """A ``MisbehavingHandler`` server on 127.0.0.1 in a thread; ``.mode`` chooses the misdeed."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), MisbehavingHandler)
    httpd.mode, httpd.stop = "good", threading.Event()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/toy.bin"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield httpd
    finally:
        httpd.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def _download_settings(home: Path):
    saved = {name: getattr(download, name) for name in TEST_LIMITS}
    env = {k: os.environ.get(k) for k in (download.HOME_ENV, download.MIRROR_ENV, "no_proxy")}
    os.environ.update({download.HOME_ENV: str(home), "no_proxy": "127.0.0.1,localhost"})
    os.environ.pop(download.MIRROR_ENV, None)
    for name, value in TEST_LIMITS.items():
        setattr(download, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(download, name, value)
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def attack_http(tally: Tally, root: Path, rng: random.Random, long: bool) -> None:
    home = root / "cache"
    sha = hashlib.sha256(BODY).hexdigest()
    with _download_settings(home), misbehaving_server() as server:
        for round_ in range(5 if long else 1):
            for mode in MODES:
                for size in (None, len(BODY)):
                    server.mode = mode
                    download.TOTAL_SECONDS = (
                        0.3 if mode == _SHORT_TOTAL else TEST_LIMITS["TOTAL_SECONDS"]
                    )
                    remote = download.RemoteFile("toy", "toy.bin", sha, (server.url,), size=size)
                    outcome, err = attempt(
                        lambda remote=remote: download.fetch(remote, progress=False),
                        20,
                        (download.DatasetError,),
                    )
                    cached = home / "datasets" / "toy" / "toy.bin"
                    files = sorted(p.name for p in home.rglob("*") if p.is_file())
                    if (
                        cached.exists()
                        and cached.read_bytes() != BODY
                        or files not in ([], ["toy.bin"])
                    ):
                        outcome = worst(outcome, "lost")  # a poisoned cache, or litter
                        err = RuntimeError(f"the cache holds {files}")
                    if mode == "good" and outcome != "ok":
                        outcome = worst(outcome, "crashed")
                    cached.unlink(missing_ok=True)
                    tally.add(
                        "misbehaving HTTP server",
                        outcome,
                        f"{mode} (known size: {size is not None})",
                        _describe(err),
                    )
        if hasattr(os, "fork"):
            _kill_downloads(tally, server, home, sha, rng, 20 if long else 2)


def _kill_downloads(
    tally: Tally, server, home: Path, sha: str, rng: random.Random, count: int
) -> None:
    """SIGKILL a process in the middle of a download; the next fetch gets the right file and
    removes what the killed one left."""
    download.TOTAL_SECONDS = TEST_LIMITS["TOTAL_SECONDS"]
    remote = download.RemoteFile("toy", "toy.bin", sha, (server.url,))
    cached = home / "datasets" / "toy" / "toy.bin"
    for kill in range(count):
        server.mode = "trickle"
        pid = os.fork()
        if pid == 0:  # the child: a download that takes a while
            try:
                download.fetch(remote, progress=False)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.05, 0.3))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        partial = any(p.name.endswith(TEMP_SUFFIX) for p in home.rglob("*"))
        tally.notes["SIGKILL during downloads: killed with a partial file written"] += partial
        server.mode = "good"
        outcome, err = attempt(
            lambda: download.fetch(remote, progress=False), 20, (download.DatasetError,)
        )
        files = sorted(p.name for p in home.rglob("*") if p.is_file())
        if outcome != "ok" or files != ["toy.bin"] or cached.read_bytes() != BODY:
            outcome, err = worst(outcome, "lost"), RuntimeError(f"the cache holds {files}")
        cached.unlink(missing_ok=True)
        tally.add(
            "SIGKILL during downloads",
            outcome,
            f"kill {kill + 1} ({'a' if partial else 'no'} partial file left)",
            _describe(err),
        )


# --- the playground's server: fuzzed messages, floods, too many pages -----------------------------
_VALID = [
    {"type": "config", "config": {"n_points": 60, "hidden": [3]}},
    {"type": "step"},
    {"type": "step_batch"},
    {"type": "reset"},
    {"type": "pause"},
    {"type": "drawn"},
    {"type": "inspect", "x1": 0.5, "x2": -1.0},
    {"type": "export", "format": "script"},
    {"type": "set_weight", "layer": 0, "source": 0, "target": 0, "value": 0.5},
]
_ODD = [
    None,
    True,
    -1,
    0,
    2**63,
    -(2**70),
    1e308,
    0.5,
    "NaN",
    "Infinity",
    "",
    "x" * 5000,
    [],
    [1, 2],
    {},
    {"a": [None]},
    [[[[[[[[0]]]]]]]],
]


def _random_json(rng: random.Random, depth: int = 0):
    kind = rng.randrange(6 if depth < 4 else 3)
    if kind == 0:
        return rng.choice(_ODD)
    if kind == 1:
        return rng.uniform(-1e6, 1e6)
    if kind == 2:
        return "".join(chr(rng.randrange(1, 0x2FF)) for _ in range(rng.randrange(12)))
    if kind == 3:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {
        rng.choice(
            ["type", "config", "layer", "value", "x1", rng.choice(_ODD[10:12])]
        ): _random_json(rng, depth + 1)
        for _ in range(rng.randrange(5))
    }


def _fuzzed_message(rng: random.Random):
    """(what, text or bytes): random bytes, random JSON,
    or a valid message with one field spoilt."""
    kind = rng.randrange(4)
    if kind == 0:
        return "random bytes", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
    if kind == 1:
        return "random JSON", json.dumps(_random_json(rng))
    message = json.loads(json.dumps(rng.choice(_VALID)))
    target = message["config"] if message["type"] == "config" and rng.random() < 0.8 else message
    fields = [
        "n_points",
        "hidden",
        "learning_rate",
        "batch_size",
        "dataset",
        "features",
        "noise",
        "points",
        "activation",
        "seed",
        "momentum",
        "problem",
        "mode",
        "init_zero",
    ]
    key = rng.choice(fields if target is not message else list(message) + ["extra"])
    target[key] = rng.choice(_ODD) if rng.random() < 0.7 else _random_json(rng)
    text = json.dumps(message)
    if kind == 3:  # also cut or garble it
        cut = rng.randrange(len(text) + 1)
        text = text[:cut] + (
            rng.choice(
                ["", "\x00", "}", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1")]
            )
        )
    return f"{message['type']} with {key} spoilt", text


def _answered(fn, seconds: float):
    """``attempt`` for a call that returns its own outcome."""
    said = []
    outcome, err = attempt(lambda: said.append(fn()), seconds)
    return (worst(outcome, said[0]) if said else outcome), err


class _Page:
    """One page's socket to the playground app (Starlette's in-process client)."""

    probes = 0

    def __init__(self, client):
        self._context = client.websocket_connect("/ws")
        self.socket = self._context.__enter__()

    def close(self):
        with contextlib.suppress(BaseException):
            self._context.__exit__(None, None, None)

    def answer_to(self, message) -> str:
        """Send ``message``, then a probe (what the network computes at a point no other message
        names); read until the probe's answer: 'clear error' if the server refused the message,
        'ok' if it took it, 'crashed' on an internal error or a dropped socket."""
        if message is not None:
            send = self.socket.send_bytes if isinstance(message, bytes) else self.socket.send_text
            send(message)
        _Page.probes += 1
        x1 = (_Page.probes % 4000) / 1000  # a point no other message asks about
        self.socket.send_text(json.dumps({"type": "inspect", "x1": x1, "x2": 0.125}))
        outcome = "ok"
        while True:
            reply = self.socket.receive()
            if reply.get("type") == "websocket.close":
                return (
                    "crashed"
                    if reply.get("code") not in (1000, 1008, 1009, 1013)
                    else worst(outcome, "clear error")
                )
            if reply.get("bytes") is not None:  # a frame
                continue
            data = json.loads(reply["text"])
            if data.get("type") == "inspection" and data.get("point") == [x1, 0.125]:
                return outcome  # the probe's answer: the server is alive
            if data.get("type") == "error":
                if data.get("code") == "internal" or not data.get("detail"):
                    return "crashed"
                outcome = "clear error"


def attack_playground(tally: Tally, root: Path, rng: random.Random, long: bool) -> None:
    try:
        from starlette.testclient import TestClient

        from profundo.playground import app as app_module
    except (ImportError, RuntimeError):  # the playground extra is not installed
        tally.notes["playground: not attacked (the playground extra is missing)"] += 1
        return
    app = app_module.create_app(allowed_hosts=["testserver"])
    with TestClient(app) as client:
        page = _Page(client)
        page.answer_to(json.dumps(_VALID[0]))
        for _ in range(3000 if long else 60):
            what, message = _fuzzed_message(rng)
            outcome, err = _answered(lambda: page.answer_to(message), 20)
            tally.add("playground messages", outcome, what, _describe(err))
            if outcome != "ok":  # a refused or dropped page starts again
                page.close()
                page = _Page(client)
                page.answer_to(json.dumps(_VALID[0]))
        for _ in range(20 if long else 2):  # a flood: hundreds of messages unread

            def flood():
                for i in range(300):
                    page.socket.send_text(json.dumps(_VALID[1 + i % 3]))
                return page.answer_to(None)

            outcome, err = _answered(flood, 60)
            tally.add("playground floods", outcome, "300 messages at once", _describe(err))
        page.close()
        pages, told = [], 0
        for _ in range(50 if long else 12):  # more pages than the server takes

            def open_page():
                opened = _Page(client)
                pages.append(opened)
                return opened.answer_to(json.dumps(_VALID[0]))

            outcome, err = _answered(open_page, 20)
            if outcome == "clear error":
                told += 1
            tally.add("too many pages", outcome, "a page opened", _describe(err))
        for opened in pages:
            opened.close()
        if told != max(0, (50 if long else 12) - app_module.MAX_CONNECTIONS):
            tally.add("too many pages", "crashed", f"{told} pages told 'too many pages open'")


# --- bad API calls -------------------------------------------------------------------------------
def _bad_api_calls(root: Path) -> list:
    """(what, call) for calls that must fail with a clear error; files only under ``root``."""
    x = np.random.default_rng(0).normal(size=(12, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")

    def model(compiled=True):
        m = pf.Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")])
        if compiled:
            m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        return m

    def fit(**kwargs):
        return lambda: model().fit(**{"x": x, "y": y, "verbose": 0, **kwargs})

    def gen():
        yield x[:4], y[:4]

    calls = [
        (f"fit({k}={v!r})", fit(**{k: v}))
        for k, v in [
            ("batch_size", 2.5),
            ("batch_size", 0),
            ("batch_size", "32"),
            ("epochs", -1),
            ("epochs", 2.5),
            ("epochs", "3"),
            ("initial_epoch", -1),
            ("sample_weight", np.ones(13)),
            ("sample_weight", np.ones(5)),
            ("sample_weight", np.full(12, np.nan)),
            ("class_weight", {0: 1.0, 9: 2.0}),
            ("class_weight", {"0": 1.0}),
            ("class_weight", [1.0, 2.0]),
            ("class_weight", {0: -1.0}),
            ("validation_split", 1.5),
            ("validation_split", -0.1),
            ("validation_data", (x, y, y, y)),
            ("y", y[:5]),
            ("x", x[:0]),
            ("x", None),
            ("y", np.zeros((12, 7))),
            ("callbacks", [object()]),
            ("steps_per_epoch", 0),
            ("x", "not data"),
        ]
    ]
    calls += [
        ("fit before compile", lambda: model(False).fit(x, y, verbose=0)),
        ("evaluate before compile", lambda: model(False).evaluate(x, y, verbose=0)),
        (
            "fit a generator with class_weight",
            lambda: model().fit(gen(), class_weight={0: 1.0}, verbose=0),
        ),
        ("fit an empty generator", lambda: model().fit(iter([]), verbose=0)),
        ("predict with 5 features", lambda: model().predict(np.ones((2, 5), "float32"))),
        ("predict a 1-d array", lambda: model().predict(np.ones(3, "float32"))),
        ("predict no samples", lambda: model().predict(np.ones((0, 3), "float32"))),
        ("predict None", lambda: model().predict(None)),
        ("predict strings", lambda: model().predict(np.array([["a", "b", "c"]]))),
        ("predict(batch_size=2.5)", lambda: model().predict(x, batch_size=2.5)),
        ("evaluate(batch_size=0)", lambda: model().evaluate(x, y, batch_size=0, verbose=0)),
        ("evaluate(batch_size='8')", lambda: model().evaluate(x, y, batch_size="8", verbose=0)),
    ]
    constructors = [
        ("Dense", (0,)),
        ("Dense", (-3,)),
        ("Dense", (2.5,)),
        ("Dense", ("8",)),
        ("Dense", (None,)),
        ("Dense", (4,), {"activation": "nope"}),
        ("Dense", (4,), {"kernel_initializer": "nope"}),
        ("Conv2D", (0, 3)),
        ("Conv2D", (4, 0)),
        ("Conv2D", (4, 3), {"strides": 0}),
        ("Conv2D", (4, 3), {"padding": "middle"}),
        ("MaxPooling2D", (0,)),
        ("Dropout", (1.5,)),
        ("Dropout", (-0.1,)),
        ("Dropout", ("a",)),
        ("LSTM", (0,)),
        ("Embedding", (0, 4)),
        ("Embedding", (10, -1)),
        ("Activation", ("nope",)),
        ("Input", ((-1,),)),
        ("Input", (("a",),)),
        ("GRU", (-2,)),
        ("SimpleRNN", (1.5,)),
    ]
    for entry in constructors:
        name, args, kwargs = (entry + ({},))[:3]
        calls.append(
            (
                f"layers.{name}{args}{kwargs or ''}",
                functools.partial(getattr(layers, name), *args, **kwargs),
            )
        )
    shaped = [
        ("Dense(4) built for 3 called on 5", layers.Dense(4), (2, 3), (2, 5)),
        ("Conv2D on a 2-d input", layers.Conv2D(2, 3), None, (4, 4)),
        ("LSTM on a 2-d input", layers.LSTM(2), None, (4, 4)),
        ("MaxPooling2D on a 3-d input", layers.MaxPooling2D(2), None, (1, 4, 4)),
        ("Conv2D kernel larger than the image", layers.Conv2D(2, 5), None, (1, 3, 3, 1)),
        ("Embedding on floats", layers.Embedding(10, 2), None, "floats"),
        ("Embedding index out of range", layers.Embedding(10, 2), None, "big index"),
        ("Reshape((-1, -1))", layers.Reshape((-1, -1)), None, (2, 4)),
        ("Reshape 8 values to 3", layers.Reshape((3,)), None, (2, 4)),
        ("BatchNormalization(axis='x')", layers.BatchNormalization(axis="x"), None, (2, 4)),
        ("BatchNormalization(axis=5)", layers.BatchNormalization(axis=5), None, (2, 4)),
        (
            "Flatten then Dense(4) on a new size",
            pf.Sequential([layers.Flatten(), layers.Dense(4)]),
            (1, 2, 3),
            (1, 3, 3),
        ),
    ]
    for what, layer, first, second in shaped:

        def call(layer=layer, first=first, second=second):
            if first is not None:
                layer(np.ones(first, "float32"))
            value = (
                {"floats": np.full((1, 3), 0.5, "float32"), "big index": np.array([[1, 99]])}.get(
                    second
                )
                if isinstance(second, str)
                else np.ones(second, "float32")
            )
            return layer(value)

        calls.append((what, call))
    t = pf.tensor([[1.0, 2.0]], requires_grad=True)
    calls += [
        ("compile(optimizer='nope')", lambda: model(False).compile(optimizer="nope", loss="mse")),
        ("compile(loss='nope')", lambda: model(False).compile(optimizer="sgd", loss="nope")),
        (
            "compile(metrics=['nope'])",
            lambda: (
                model(False).compile(optimizer="sgd", loss="mse", metrics=["nope"])
                or model(False).fit(x, y, verbose=0)
            ),
        ),
        ("compile(optimizer=5)", lambda: model(False).compile(optimizer=5, loss="mse")),
        (
            "compile(loss_weights={'nope': 1})",
            lambda: model(False).compile(optimizer="sgd", loss="mse", loss_weights={"nope": 1}),
        ),
        ("(1,2) @ (1,2)", lambda: t @ pf.tensor([[1.0, 2.0]])),
        ("reshape 2 elements to 5", lambda: pf.reshape(t, (5,))),
        ("concatenate mismatched", lambda: pf.concatenate([t, pf.ones((2, 3))], axis=0)),
        ("softmax axis 5", lambda: pf.softmax(t, axis=5)),
        ("sum axis 3", lambda: t.sum(axis=3)),
        (
            "cross_entropy label out of range",
            lambda: pf.cross_entropy(pf.ones((2, 3)), np.array([0, 7])),
        ),
        (
            "cross_entropy batch mismatch",
            lambda: pf.cross_entropy(pf.ones((2, 3)), np.array([0, 1, 2])),
        ),
        ("backward of a non-scalar", lambda: (t * 2).backward()),
        ("backward without requires_grad", lambda: pf.ones((1,)).sum().backward()),
        ("tensor of strings", lambda: pf.tensor([["a", "b"]]) + 1),
        ("ragged tensor", lambda: pf.tensor([[1.0], [1.0, 2.0]])),
        ("load_model of a missing file", lambda: pf.models.load_model(root / "nothing")),
        ("save onto a folder", lambda: model().save(root / "a folder")),
        (
            "load_weights into another architecture",
            functools.partial(_load_into_other_architecture, root / "other.profundo"),
        ),
        (
            "get_weights into set_weights of another shape",
            lambda: model().set_weights([np.ones((5, 5))]),
        ),
        (
            "Model with an input that is not an Input",
            lambda: pf.Model(np.ones((2, 3)), layers.Dense(2)(layers.Input((3,)))),
        ),
        ("EarlyStopping(mode='sideways')", lambda: pf.callbacks.EarlyStopping(mode="sideways")),
    ]
    return calls


def _load_into_other_architecture(path: Path):
    pf.Sequential([layers.Input((3,)), layers.Dense(2)]).save(path)
    try:
        pf.Sequential([layers.Input((3,)), layers.Dense(5)]).load_weights(path)
    finally:
        path.unlink()


def attack_api(tally: Tally, root: Path, rng: random.Random, long: bool) -> None:
    import warnings

    (root / "a folder").mkdir()
    (root / "a folder" / "notes.txt").write_text("the user's")
    for what, call in _bad_api_calls(root):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome, err = attempt(call, 30, success="accepted")
        if (root / "a folder" / "notes.txt").read_text() != "the user's" or sorted(
            p.name for p in root.rglob("*")
        ) != ["a folder", "notes.txt"]:
            outcome = worst(outcome, "lost")
        tally.add("bad API calls", outcome, what, _describe(err))


ATTACKS = (
    attack_model_files,
    attack_pickles,
    attack_kills,
    attack_http,
    attack_playground,
    attack_api,
)


def run(long: bool = False, seed: int = 0) -> Tally:
    """Every attack, in a temporary folder; the tally of outcomes."""
    tally = Tally()
    rng = random.Random(seed)
    pf.manual_seed(seed)
    with tempfile.TemporaryDirectory(prefix="profundo-attack-") as folder:
        for attack in ATTACKS:
            root = Path(folder) / attack.__name__
            root.mkdir()
            attack(tally, root, rng, long)
    return tally


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", action="store_true", help="the long form (minutes)")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--show",
        choices=OUTCOMES,
        action="append",
        default=[],
        help="also describe the first attacks with this outcome",
    )
    parser.add_argument(
        "--memory-gb", type=float, default=6.0, help="cap this process' address space (0: no cap)"
    )
    args = parser.parse_args(argv)
    if args.memory_gb:
        import resource

        cap = int(args.memory_gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    start = time.monotonic()
    tally = run(long=args.long, seed=args.seed)
    if args.json:
        print(json.dumps({**tally.as_dict(), "seconds": round(time.monotonic() - start, 1)}))
    else:
        print(tally.table())
        for note, count in tally.notes.items():
            print(f"  {note}: {count}")
        for kind, failures in tally.failures.items():
            for failure in failures:
                print(f"  {kind}: {failure}")
        for (kind, outcome), examples in tally.examples.items():
            for example in examples if outcome in args.show else ():
                print(f"  {kind}: {outcome}: {example}")
        print(f"{time.monotonic() - start:.0f} s")
    bad = sum(tally.total(o) for o in ("crashed", "hung", "lost", "executed"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
