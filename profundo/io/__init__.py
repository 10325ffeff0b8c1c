"""Files: saving and loading models (``.profundo`` archives, safetensors weights)."""

from .onnx_export import OnnxExportError, export_onnx
from .onnx_import import OnnxImportError, import_onnx
from .saving import (
    ModelFileError,
    load_model,
    load_state,
    load_weights,
    save_model,
    save_weights,
)
from .torch_file import TorchFileError, read_torch_file
from .torch_weights import WeightMismatchError, load_torch_state_dict
from .keras_weights import load_keras_weights

__all__ = [
    "export_onnx",
    "OnnxExportError",
    "import_onnx",
    "OnnxImportError",
    "ModelFileError",
    "save_model",
    "load_model",
    "save_weights",
    "load_weights",
    "load_state",
    "load_torch_state_dict",
    "load_keras_weights",
    "read_torch_file",
    "TorchFileError",
    "WeightMismatchError",
]
