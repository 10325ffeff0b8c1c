"""Looking at an architecture in Netron, the course material's model viewer
(``pip install 'profundo[onnx]'``: the ``netron`` package serves it locally).

>>> url = pf.viz.view(model)                 # a model, a .profundo file or an .onnx file
... # doctest: +SKIP
>>> url                                      # the browser opens it; 127.0.0.1 only
... # doctest: +SKIP
'http://127.0.0.1:8080'

A profundo model is exported to ONNX in memory (nothing is written); an ``.onnx`` file is served
as it is. ``profundo view MODEL`` does the same from the command line.
"""

from __future__ import annotations

from pathlib import Path


def view(model, port: int = 0, browse: bool = True) -> str:
    """Serve ``model`` to Netron on 127.0.0.1 (``port`` 0: a free one); returns the address.
    The server runs in a background thread until ``stop_view()`` or the end of the program."""
    try:
        import netron
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError("viewing a model needs Netron: pip install 'profundo[onnx]'") from None
    from ..io.onnx_export import to_onnx
    from ..io.saving import load_model

    if isinstance(model, (str, Path)):
        path = Path(model)
        if not path.is_file():
            raise FileNotFoundError(f"view: no model file {str(path)!r}")
        if path.suffix.lower() == ".onnx":
            host, port = netron.serve(str(path), None, address=("127.0.0.1", port), browse=browse)
            return f"http://{host}:{port}"
        model = load_model(path, compile=False)
        name = path.stem
    else:
        name = model.name
    data = bytearray(to_onnx(model).SerializeToString())  # bytearray: Netron serves it as a file
    host, port = netron.serve(f"{name}.onnx", data, address=("127.0.0.1", port), browse=browse)
    return f"http://{host}:{port}"


def stop_view(url: str | None = None) -> None:
    """Stop the Netron server at ``url`` (all of them by default)."""
    import netron

    netron.stop(None if url is None else ("127.0.0.1", int(url.rsplit(":", 1)[1])))
