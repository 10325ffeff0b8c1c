"""The core stays light: ``import profundo`` imports neither matplotlib, graphviz, onnx nor
tensorboard (they are extras, imported when a picture, a graph or an export is made)."""

import subprocess
import sys


def test_import_profundo_imports_no_optional_package():
    code = (
        "import sys, profundo; heavy = ['matplotlib', 'graphviz', 'onnx', 'onnxruntime', "
        "'tensorboard', 'tensorboardX', 'torch']; print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
