"""``profundo export MODEL --onnx OUT`` and ``profundo view MODEL`` (Netron on 127.0.0.1)."""

import importlib.util
import urllib.request
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import profundo as pf
from profundo import cli

ROOT = Path(__file__).resolve().parents[2]


def mnist_cnn_model():
    """The model of examples/mnist_cnn.py."""
    spec = importlib.util.spec_from_file_location("mnist_cnn", ROOT / "examples" / "mnist_cnn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_model()


@pytest.fixture
def saved(tmp_path):
    model = mnist_cnn_model()
    path = tmp_path / "mnist_cnn.profundo"
    model.save(path)
    return model, path


def test_export_command_writes_an_onnx_file_that_predicts_the_same(saved, tmp_path, capsys):
    model, path = saved
    out = tmp_path / "mnist_cnn.onnx"
    assert cli.main(["export", str(path), "--onnx", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    np.testing.assert_allclose(got, model.predict(x), rtol=1e-5, atol=1e-6)

    before = out.read_bytes()
    assert cli.main(["export", str(path), "--onnx", str(out), "--opset", "18"]) == 2
    assert "--overwrite" in capsys.readouterr().err and out.read_bytes() == before
    assert cli.main(["export", str(path), "--onnx", str(out), "--opset", "18", "--overwrite"]) == 0
    assert onnx.load(str(out)).opset_import[0].version == 18


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


@pytest.mark.parametrize("kind", ["profundo", "onnx", "model"])
def test_view_serves_the_model_to_netron_on_localhost(saved, tmp_path, kind):
    pytest.importorskip("netron")
    model, path = saved
    if kind == "onnx":
        path = tmp_path / "m.onnx"
        pf.io.export_onnx(model, path)
    target = model if kind == "model" else path
    url = pf.viz.view(target, browse=False)
    try:
        assert url.startswith("http://127.0.0.1:")
        status, page = _get(url + "/")
        assert status == 200 and b"netron" in page.lower()
        name = {"profundo": "mnist_cnn.onnx", "onnx": "m.onnx", "model": f"{model.name}.onnx"}[kind]
        assert f"/data/{name}".encode() in page
        _, data = _get(f"{url}/data/{name}")
        served = onnx.load_from_string(bytes(data))
        assert [n.op_type for n in served.graph.node] == [
            n.op_type for n in pf.io.onnx_export.to_onnx(model).graph.node
        ]
    finally:
        pf.viz.stop_view(url)
    with pytest.raises(FileNotFoundError, match="no model file"):
        pf.viz.view(tmp_path / "missing.profundo", browse=False)
