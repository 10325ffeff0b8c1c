"""Issue 10, items 6 and 13: load_model has limits and says which file and which limit."""

import json
import os
import threading
import zipfile

import numpy as np
import pytest
from safetensors.numpy import save as st_save

import profundo as pf
from profundo import layers
from profundo.io import saving
from profundo.io.saving import ModelFileError


@pytest.fixture
def saved(tmp_path):
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    path = tmp_path / "m.profundo"
    model.save(path)
    return path


def rewrite(path, replace=None, compression=zipfile.ZIP_STORED, out=None):
    """A copy of the archive with some members replaced (bytes) or dropped (None)."""
    replace = replace or {}
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members.update(replace)
    out = out or path.with_name("forged.profundo")
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in members.items():
            if data is not None:
                z.writestr(name, data)
    return out


def test_a_member_that_inflates_beyond_the_limit_is_refused_before_reading(saved, monkeypatch):
    monkeypatch.setattr(saving, "MAX_JSON_BYTES", 1 << 20)
    bomb = rewrite(saved, {"config.json": b" " * (4 << 20) + b"{}"}, zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 50_000
    with pytest.raises(ModelFileError, match=r"forged.profundo.*config.json.*(limit|inflate)"):
        pf.models.load_model(bomb)


def test_a_config_that_asks_for_huge_weights_is_refused_before_allocating(saved):
    with zipfile.ZipFile(saved) as z:
        config = json.loads(z.read("config.json"))
    config["config"]["layers"][-1]["config"]["units"] = 2_000_000_000  # 24 GB of kernel
    forged = rewrite(saved, {"config.json": json.dumps(config).encode()})
    with pytest.raises(
        ModelFileError, match="asks for more weights than weights.safetensors holds"
    ):
        pf.models.load_model(forged)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_is_refused_instead_of_hanging(tmp_path):
    fifo = tmp_path / "pipe.profundo"
    os.mkfifo(fifo)
    result = {}
    reader = threading.Thread(target=lambda: result.setdefault("err", _error(fifo)), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "load_model hung on a FIFO"
    assert isinstance(result["err"], ModelFileError) and "not a regular file" in str(result["err"])


def _error(path):
    try:
        pf.models.load_model(path)
    except Exception as err:  # noqa: BLE001 - the test inspects it
        return err


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize(
    "reader",
    [
        pf.models.load_model,
        lambda p: pf.Sequential([layers.Input((3,)), layers.Dense(2)]).load_weights(p),
    ],
)
def test_a_device_is_refused(reader):
    with pytest.raises(ModelFileError, match="/dev/zero: not a regular file"):
        reader("/dev/zero")


def test_deep_json_is_a_clear_error_not_a_recursion_error(saved):
    forged = rewrite(saved, {"config.json": b"[" * 100_000 + b"]" * 100_000})
    with pytest.raises(ModelFileError, match="config.json nests .* deeper than the limit of 100"):
        pf.models.load_model(forged)


@pytest.mark.parametrize(
    "compile_json",
    [
        b"{}",
        b"[]",
        b'{"optimizer": "sgd"}',
        b'{"optimizer": 1, "loss": [], "metrics": [], "loss_weights": []}',
    ],
)
def test_a_bad_compile_json_names_the_file_and_member(saved, compile_json):
    forged = rewrite(saved, {"compile.json": compile_json})
    with pytest.raises(ModelFileError, match=r"forged.profundo: compile.json"):
        pf.models.load_model(forged)
    assert pf.models.load_model(forged, compile=False).get_weights()[0].shape == (3, 2)


def test_bf16_weights_are_read():
    kernel = np.array(
        [[1.5, -2.0], [0.25, 3.0], [2.0**-10, -7.0]], dtype=np.float32
    )  # exact in bf16
    data = (kernel.view(np.uint32) >> 16).astype("<u2").tobytes()  # bfloat16: the top half
    header = json.dumps(
        {"dense/kernel": {"dtype": "BF16", "shape": [3, 2], "data_offsets": [0, len(data)]}}
    ).encode()
    raw = len(header).to_bytes(8, "little") + header + data
    tensors = saving._load_tensors(raw, "w.safetensors")
    assert tensors["dense/kernel"].dtype == np.float32
    np.testing.assert_array_equal(tensors["dense/kernel"], kernel)


@pytest.mark.parametrize(
    "forge, why",
    [
        (lambda raw: raw[:4], "4 bytes"),
        (lambda raw: (10**9).to_bytes(8, "little") + raw[8:], "longer than the file"),
        (lambda raw: raw[:-4], "outside|has .* bytes"),
        (lambda raw: raw.replace(b'"F32"', b'"C64"'), "dtype 'C64'"),
    ],
)
def test_malformed_safetensors_are_clear_errors(forge, why):
    raw = st_save({"w": np.ones((2, 3), np.float32)})
    with pytest.raises(ModelFileError, match=why):
        saving._load_tensors(forge(raw), "w.safetensors")


def test_too_many_members_are_refused(saved, monkeypatch):
    monkeypatch.setattr(saving, "MAX_MEMBERS", 8)
    forged = rewrite(saved, {f"junk{i}.json": b"{}" for i in range(10)})
    with pytest.raises(ModelFileError, match="members, more than the limit of 8"):
        pf.models.load_model(forged)
