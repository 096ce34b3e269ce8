"""``stretchkit events export|import``: a user's history as JSON Lines, for backups and moves.

``export`` writes one event per line in the engine's order (to standard output, or
atomically to ``-o FILE``); ``import FILE`` (``-`` for standard input) appends the
events of such a file, all or nothing, and says how many were new.
"""

from __future__ import annotations

import argparse
import sys

from stretchkit.cli._store_options import add_store_arguments, open_store, user_of

__all__ = ["add_arguments", "run"]

MAX_IMPORT_BYTES = 512 * 1024 * 1024
"""The largest file ``import`` reads (a year of heavy use is about 50 MB)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = sub.add_parser("export", help="write the user's events as JSON Lines")
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    add_store_arguments(export)
    import_ = sub.add_parser("import", help="append the events of a JSON Lines file")
    import_.add_argument("file", help="the JSON Lines file, or - for standard input")
    add_store_arguments(import_)


def run(args: argparse.Namespace) -> int:
    from stretchkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE
    from stretchkit.cli._validate import emit
    from stretchkit.store import StoreError

    try:
        with open_store(args) as store:
            user = user_of(args)
            if args.action == "export":
                lines = store.export(user)
                if args.output is None:
                    for line in lines:
                        sys.stdout.write(line)
                    return EXIT_OK
                from stretchkit._files import write_atomic

                try:
                    write_atomic(args.output, "".join(lines))
                except OSError as e:
                    reason = e.strerror or str(e)
                    emit(sys.stderr, f"stretchkit events: cannot write {args.output}: {reason}")
                    return EXIT_USAGE
                return EXIT_OK
            text = _read(args.file)
            if text is None:
                return EXIT_USAGE
            new = store.import_(user, text.splitlines())
    except StoreError as e:
        emit(sys.stderr, f"stretchkit events: {e}", one_line=True)
        return EXIT_INVALID if args.action == "import" and "line " in str(e) else EXIT_USAGE
    except ValueError as e:  # the engine's duplicate-event error, a bad time
        emit(sys.stderr, f"stretchkit events: {e}", one_line=True)
        return EXIT_INVALID
    emit(sys.stdout, f"imported {new} new events for {user}")
    return EXIT_OK


def _read(name: str) -> str | None:
    from stretchkit.cli._validate import emit

    if name == "-":
        data = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
    else:
        from stretchkit._files import read_regular

        try:
            data, size = read_regular(name, MAX_IMPORT_BYTES)
        except OSError as e:
            emit(sys.stderr, f"stretchkit events: cannot read {name}: {e.strerror}", one_line=True)
            return None
        if size > MAX_IMPORT_BYTES:
            data = data + b"\0" * (MAX_IMPORT_BYTES + 1 - len(data))
    if len(data) > MAX_IMPORT_BYTES:
        emit(sys.stderr, f"stretchkit events: {name} is larger than {MAX_IMPORT_BYTES} bytes")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        emit(sys.stderr, f"stretchkit events: {name} is not UTF-8 (byte {e.start})", one_line=True)
        return None
