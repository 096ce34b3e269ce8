"""The ``stretchkit`` command line.

Each sub-command lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``; the table below maps names to modules, imported only
when that command runs, so ``stretchkit validate`` never pays for the coach.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
"""Everything checked is valid (or the command did its job)."""
EXIT_INVALID = 1
"""At least one file has an error."""
EXIT_USAGE = 2
"""Bad arguments, or a file that could not be read at all."""

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("stretchkit.cli._validate", "check catalog files and report every problem"),
    "schema": ("stretchkit.cli._schema", "print the catalog JSON Schema"),
    "show": ("stretchkit.cli._show", "render a routine with its derived timings"),
    "generate": ("stretchkit.cli._generate", "make a routine to measure from a catalog"),
    "import": ("stretchkit.cli._import", "turn another exercise format into a catalog"),
    "demo": ("stretchkit.cli._demo", "play a scripted week of the example program"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stretchkit", description="Stretching routines: validate, show, generate, coach."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(_module=module_name)
        importlib.import_module(module_name).add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 invalid, 2 usage)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    module = importlib.import_module(args._module)
    code: int = module.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
