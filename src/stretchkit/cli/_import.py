"""``stretchkit import free-exercise-db FILE -o catalog.json``: other formats in.

The catalog goes to ``-o`` (or standard output); the report goes to standard
error: a summary, the attribution, and every entry that needed a guess or was
skipped (``--verbose`` lists every entry with what was read from it). Exit
status: 0 written, 1 the input as a whole was not understood or gave no
stretch, 2 bad arguments or an unreadable file.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from stretchkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from stretchkit.cli._validate import emit

if TYPE_CHECKING:
    import argparse

__all__ = ["add_arguments", "run"]

FORMATS = ("free-exercise-db",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=FORMATS, help="the format of FILE")
    parser.add_argument("file", metavar="FILE", help="the file to import")
    parser.add_argument("-o", "--output", metavar="OUT", help="write the catalog here")
    parser.add_argument(
        "--image-base",
        metavar="URL",
        help="prefix for relative image paths (default: the project's raw GitHub files)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="report every entry, not only guesses"
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from stretchkit.importers import ImporterError, import_free_exercise_db
    from stretchkit.importers.free_exercise_db import IMAGE_BASE
    from stretchkit.io import dump_catalog

    image_base = IMAGE_BASE if args.image_base is None else args.image_base
    try:
        result = import_free_exercise_db(Path(args.file), image_base=image_base)
    except OSError as exc:
        emit(sys.stderr, f"stretchkit import: cannot read {args.file}: {exc.strerror or exc}")
        return EXIT_USAGE
    except ImporterError as exc:
        emit(sys.stderr, f"stretchkit import: {exc}")
        return EXIT_USAGE
    emit(sys.stderr, result.report.format(verbose=args.verbose))
    if result.report.problems or not result.catalog.stretches:
        return EXIT_INVALID
    text = dump_catalog(result.catalog)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    from stretchkit._files import write_atomic

    try:
        write_atomic(args.output, text)
    except OSError as exc:
        emit(sys.stderr, f"stretchkit import: cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_USAGE
    return EXIT_OK
