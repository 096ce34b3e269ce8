"""Validate every catalog in a folder, as a CI step for a content repository.

    python examples/validate_folder.py CONTENT_FOLDER [--glob '**/*.json']

Prints every issue as ``file:line:column: severity code: message`` (and, on GitHub
Actions, as an ``::error`` annotation on the line), then one summary line. Exit code
0 when every file is valid (warnings allowed), 1 when any has an error, 2 when the
folder cannot be read or holds no catalog.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import stretchkit as sk


def validate_folder(folder: Path, pattern: str = "**/*.json") -> tuple[int, list[str]]:
    """The exit code and the lines to print for every file under ``folder``."""
    if not folder.is_dir():
        return 2, [f"{folder}: not a folder"]
    files = sorted(p for p in folder.glob(pattern) if p.is_file())
    if not files:
        return 2, [f"{folder}: no file matches {pattern}"]
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    lines: list[str] = []
    bad = 0
    for path in files:
        issues = sk.validate_catalog(path)
        for issue in issues:
            lines.append(issue.format())
            if annotate:
                level = "error" if issue.is_error else "warning"
                lines.append(
                    f"::{level} file={path},line={issue.line or 1},col={issue.column or 1}"
                    f"::{issue.code}: {issue.message}"
                )
        bad += any(issue.is_error for issue in issues)
    lines.append(f"{len(files)} file(s) checked, {bad} with errors")
    return (1 if bad else 0), lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--glob", default="**/*.json", help="which files (default: **/*.json)")
    args = parser.parse_args(argv)
    code, lines = validate_folder(args.folder, args.glob)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
