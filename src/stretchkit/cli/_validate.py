"""``stretchkit validate FILE...``: check catalog files, report every problem, located.

Output, one line per issue (errors and warnings), in the form editors and CI
annotations understand::

    FILE:LINE:COL: error[CODE] /json/pointer: message

or, with ``--format json``, one JSON document with a result per file. A
summary goes to standard error. Exit status: 0 every file is valid (warnings
allowed), 1 some file has an error, 2 a usage error or a file that could not
be read (2 wins over 1). ``-`` reads the document from standard input.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, TextIO

from stretchkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    import argparse

    from stretchkit.io import Issue

__all__ = ["OUTPUT_IS_RESULT", "add_arguments", "emit", "run"]

OUTPUT_IS_RESULT = False
"""The exit code is the verdict: output that cannot be written does not change it."""

STDIN = "-"
STDIN_NAME = "<stdin>"
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    return (
        f"\\x{ord(match.group()):02x}"
        if ord(match.group()) < 0x100
        else f"\\u{ord(match.group()):04x}"
    )


def emit(stream: TextIO, text: str, *, one_line: bool = False) -> None:
    """Write text a terminal and a line-oriented reader can take whatever the file held.

    Control characters from keys and values are escaped, line breaks too
    with ``one_line`` (a newline in a key must not start a fake issue line);
    characters the stream cannot encode (a lone surrogate, or anything on an
    ASCII terminal) become escapes.
    """
    parts = [text] if one_line else text.split("\n")
    lines = [_UNPRINTABLE.sub(_escape, part) for part in parts]
    encoding = getattr(stream, "encoding", None) or "utf-8"
    safe = "\n".join(lines).encode(encoding, "backslashreplace").decode(encoding, "replace")
    stream.write(safe + "\n")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="catalog JSON files; - reads standard input"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one line per issue (default); json: one document for machines",
    )


def _check(name: str) -> list[Issue]:
    from pathlib import Path

    from stretchkit.io import Limits, validate_catalog

    if name == STDIN:
        from stretchkit.cli._streams import read_stdin

        try:
            data = read_stdin(Limits().max_bytes)
        except OSError as exc:
            return [_unreadable(STDIN_NAME, exc)]
        issues = validate_catalog(data)
        return [i if i.file else _with_file(i, STDIN_NAME) for i in issues]
    return validate_catalog(Path(name))


def _unreadable(name: str, exc: OSError) -> Issue:
    from stretchkit.io import Issue, Severity

    return Issue(
        code="unreadable",
        severity=Severity.ERROR,
        pointer="",
        message=f"cannot read the file: {exc.strerror or type(exc).__name__}",
        file=name,
    )


def _with_file(issue: Issue, name: str) -> Issue:
    import attrs

    return attrs.evolve(issue, file=name)


def run(args: argparse.Namespace) -> int:
    results: list[tuple[str, list[Issue]]] = [
        (STDIN_NAME if name == STDIN else name, _check(name)) for name in args.files
    ]
    unreadable = any(i.code == "unreadable" for _, issues in results for i in issues)
    invalid = [name for name, issues in results if any(i.is_error for i in issues)]
    if args.format == "json":
        document = {
            "valid": not invalid,
            "files": [
                {
                    "file": name,
                    "valid": not any(i.is_error for i in issues),
                    "errors": sum(i.is_error for i in issues),
                    "warnings": sum(not i.is_error for i in issues),
                    "issues": [i.to_dict() for i in issues],
                }
                for name, issues in results
            ],
        }
        # ASCII escapes: valid JSON whatever the terminal's encoding or the file's surrogates.
        emit(sys.stdout, json.dumps(document, indent=2, ensure_ascii=True))
    else:
        for _, issues in results:
            for issue in issues:
                emit(sys.stdout, issue.format(), one_line=True)
    errors = sum(i.is_error for _, issues in results for i in issues)
    warnings = sum(not i.is_error for _, issues in results for i in issues)
    emit(
        sys.stderr,
        f"{len(results)} file(s) checked: {len(results) - len(invalid)} valid, "
        f"{len(invalid)} invalid ({errors} error(s), {warnings} warning(s))",
    )
    if unreadable:
        return EXIT_USAGE
    return EXIT_INVALID if invalid else EXIT_OK
