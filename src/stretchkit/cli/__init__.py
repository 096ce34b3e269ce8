"""The ``stretchkit`` command line.

Each sub-command lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``; the table below maps names to modules, imported only
when that command runs, so ``stretchkit validate`` never pays for the coach.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import typing
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
    "coach": ("stretchkit.cli._coach", "do today's routine with a timed coach, then see what next"),
    "plan": ("stretchkit.cli._plan", "what to do now, and why"),
    "history": ("stretchkit.cli._history", "past days at a glance"),
    "log": ("stretchkit.cli._log", "record a pain report in the store"),
    "events": ("stretchkit.cli._events", "export or import a user's events as JSON Lines"),
    "store": ("stretchkit.cli._store_check", "check the store file"),
    "report": ("stretchkit.cli._report", "write a user's progress report as one HTML page"),
    "demo": ("stretchkit.cli._demo", "play a scripted fortnight of the example program"),
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stretchkit")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


_LONG_WORD = re.compile(r"(?P<head>\S{40})(?P<tail>\S{20,})")
_MAX_USAGE_ERROR = 300


def usage_message(message: str) -> str:
    """``message`` with each long word cut to a prefix and its length, at most 300 characters.

    For every usage error, argparse's own and the commands' range checks alike.
    """

    def cut(match: re.Match[str]) -> str:
        head = match["head"]
        return f"{head}… ({len(head) + len(match['tail']):,} characters)"

    message = _LONG_WORD.sub(cut, message)
    if len(message) > _MAX_USAGE_ERROR:
        message = message[: _MAX_USAGE_ERROR - 1] + "…"
    return message


class _Parser(argparse.ArgumentParser):
    """argparse, but an error quotes a long bad value as a prefix and its length.

    argparse would echo a 5,000-digit number or a pasted file whole; sub-command
    parsers are made from this class too (``add_subparsers`` uses the parent's).
    """

    def error(self, message: str) -> typing.NoReturn:
        super().error(usage_message(message))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stretchkit", description="Stretching routines: validate, show, generate, coach."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(_module=module_name)
        importlib.import_module(module_name).add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 invalid, 2 usage).

    Every command gets the same Unix manners from here: a closed or full standard
    output or error (``>&-``, ``2>&-``, ``>/dev/full``) or a reader that stops early
    (``| head -1``) never shows a traceback. Diagnostics that cannot be written are
    dropped. For ``validate`` the exit code still says valid or invalid; for a
    command whose output *is* its result, output that could not be written ends it
    with :data:`EXIT_USAGE` (said on standard error when that still works).
    """
    from stretchkit.cli._streams import guarded_streams

    with guarded_streams() as streams:
        try:
            code = _dispatch(argv)
        except KeyboardInterrupt:
            return 130
        streams.flush()
        if streams.stdout_failed and code == EXIT_OK and streams.output_is_result:
            streams.note("stretchkit: cannot write the output: " + streams.stdout_reason)
            return EXIT_USAGE
        return code


def _dispatch(argv: Sequence[str] | None) -> int:
    from stretchkit.cli._streams import current

    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE if exit_.code else EXIT_OK
    module = importlib.import_module(args._module)
    current().output_is_result = getattr(module, "OUTPUT_IS_RESULT", True)
    code: int = module.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
