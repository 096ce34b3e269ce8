"""``stretchkit store check``: is the store file sound, which schema, and is every row readable.

Exit 0 when ``PRAGMA integrity_check`` says ok and every stored event parses, 1 when
not (each problem on its own line), 2 when the file is not a usable store at all.
"""

from __future__ import annotations

import argparse
import sys

from stretchkit.cli._store_options import add_store_arguments, open_store

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="integrity, schema version and unreadable rows")
    add_store_arguments(check)


def run(args: argparse.Namespace) -> int:
    from stretchkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE
    from stretchkit.cli._validate import emit
    from stretchkit.store import StoreError

    try:
        with open_store(args) as store:
            report = store.check()
    except StoreError as e:
        emit(sys.stderr, f"stretchkit store: {e}", one_line=True)
        return EXIT_USAGE
    emit(sys.stdout, f"store: {report.path}")
    emit(sys.stdout, f"schema version: {report.schema_version}")
    emit(sys.stdout, f"users: {report.users}, events: {report.events}")
    for line in report.integrity:
        emit(sys.stdout, f"integrity: {line}", one_line=True)
    for line in report.bad_rows:
        emit(sys.stdout, f"unreadable: {line}", one_line=True)
    return EXIT_OK if report.ok else EXIT_INVALID
