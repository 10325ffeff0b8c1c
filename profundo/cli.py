"""The ``profundo`` command (also ``python -m profundo``).

profundo demo [--dataset digits|mnist] [--epochs N] [--save PATH]
profundo playground [--host HOST] [--port PORT] [--no-browser]
profundo export MODEL --onnx OUT [--opset N] [--overwrite]
profundo view MODEL [--port PORT] [--no-browser]
"""

from __future__ import annotations

import argparse
import sys


def _demo(args) -> int:
    from .demo import run

    result = run(
        dataset=args.dataset,
        epochs=args.epochs,
        save_to=args.save,
        verbose=args.verbose if args.verbose is not None else "auto",
    )
    return 0 if result["ok"] else 1


def _playground(args) -> int:
    from .playground.server import run

    return run(args)


def _add_playground(commands) -> None:
    from .playground.server import add_arguments

    playground = commands.add_parser(
        "playground",
        help="train networks in the browser (needs pip install 'profundo[playground]')",
    )
    add_arguments(playground).set_defaults(run=_playground)


def _export(args) -> int:
    from pathlib import Path

    from .io import export_onnx, load_model

    out = Path(args.onnx)
    if out.exists() and not args.overwrite:
        print(f"profundo export: {out} exists; give --overwrite to replace it", file=sys.stderr)
        return 2
    model = load_model(args.model, compile=False)
    export_onnx(model, out, opset=args.opset)
    print(f"wrote {out} (ONNX opset {args.opset}) from {args.model}")
    return 0


def _view(args) -> int:
    import netron

    from .viz import view

    url = view(args.model, port=args.port, browse=not args.no_browser)
    print(f"Netron shows {args.model} at {url} (Ctrl-C stops it)", flush=True)
    netron.wait()
    return 0


def _add_model_tools(commands) -> None:
    from .io.onnx_export import DEFAULT_OPSET

    export = commands.add_parser(
        "export", help="write a saved model as ONNX (needs pip install 'profundo[onnx]')"
    )
    export.add_argument("model", help="a .profundo model file")
    export.add_argument("--onnx", required=True, help="the .onnx file to write")
    export.add_argument("--opset", type=int, default=DEFAULT_OPSET, help="ONNX opset (13-21)")
    export.add_argument("--overwrite", action="store_true", help="replace an existing file")
    export.set_defaults(run=_export)
    view = commands.add_parser(
        "view",
        help="open a .profundo or .onnx model in Netron (needs pip install 'profundo[onnx]')",
    )
    view.add_argument("model", help="a .profundo or .onnx file")
    view.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    view.add_argument("--no-browser", action="store_true", help="do not open a browser")
    view.set_defaults(run=_view)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="profundo", description="profundo: deep learning from first principles"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="train, evaluate, save and reload a digit classifier")
    demo.add_argument(
        "--dataset",
        default="digits",
        choices=["digits", "mnist"],
        help="digits: shipped 8×8 digits (seconds); mnist: real MNIST (minutes)",
    )
    demo.add_argument(
        "--epochs", type=int, default=None, help="training epochs (default: per dataset)"
    )
    demo.add_argument("--save", default=None, help="where to save the model (default: a temp file)")
    demo.add_argument(
        "--verbose",
        type=int,
        choices=[0, 1, 2],
        default=None,
        help="0 silent, 1 progress bar, 2 one line per epoch (default: bar on a terminal)",
    )
    demo.set_defaults(run=_demo)
    _add_playground(commands)
    _add_model_tools(commands)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
