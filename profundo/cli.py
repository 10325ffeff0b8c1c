"""The ``profundo`` command (also ``python -m profundo``).

    profundo demo [--dataset digits|mnist] [--epochs N] [--save PATH]
    profundo playground [--host HOST] [--port PORT] [--no-browser]
"""
from __future__ import annotations

import argparse
import sys


def _demo(args) -> int:
    from .demo import run

    result = run(dataset=args.dataset, epochs=args.epochs, save_to=args.save,
                 verbose=args.verbose if args.verbose is not None else "auto")
    return 0 if result["ok"] else 1


def _playground(args) -> int:
    from .playground.server import run

    return run(args)


def _add_playground(commands) -> None:
    from .playground.server import add_arguments

    playground = commands.add_parser("playground", help="train networks in the browser (needs "
                                                        "pip install 'profundo[playground]')")
    add_arguments(playground).set_defaults(run=_playground)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="profundo",
                                     description="profundo: deep learning from first principles")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="train, evaluate, save and reload a digit classifier")
    demo.add_argument("--dataset", default="digits", choices=["digits", "mnist"],
                      help="digits: shipped 8×8 digits (seconds); mnist: real MNIST (minutes)")
    demo.add_argument("--epochs", type=int, default=None, help="training epochs (default: per dataset)")
    demo.add_argument("--save", default=None, help="where to save the model (default: a temp file)")
    demo.add_argument("--verbose", type=int, choices=[0, 1, 2], default=None,
                      help="0 silent, 1 progress bar, 2 one line per epoch (default: bar on a terminal)")
    demo.set_defaults(run=_demo)
    _add_playground(commands)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
