"""``stretchkit report --out FILE.html``: a user's progress report from the store.

Reads the user's events from the SQLite store, folds them on the catalog's program
(the example that ships, unless ``--catalog``) and writes the page
:func:`stretchkit.report_html` makes, atomically. The clock is read once, the way
every command reads it (:mod:`stretchkit.cli._clock`: ``STRETCHKIT_NOW`` and
``STRETCHKIT_TZ`` fix it); days are local in that zone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stretchkit.cli._validate import emit

OUTPUT_IS_RESULT = False
"""The result is the file; standard output only says where it went."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from stretchkit.cli._userdata import add_store_arguments
    from stretchkit.examples import EXAMPLE_PROGRAM
    from stretchkit.report._report import DEFAULT_DAYS

    add_store_arguments(parser)
    parser.add_argument(
        "--days",
        metavar="N",
        type=int,
        default=DEFAULT_DAYS,
        help=f"how many local days, today included (default: {DEFAULT_DAYS})",
    )
    parser.add_argument("--out", metavar="FILE.html", required=True, help="write the page here")
    parser.add_argument(
        "--catalog", metavar="FILE", help="the catalog of the program (default: the example)"
    )
    parser.add_argument(
        "--program",
        metavar="ID",
        default=EXAMPLE_PROGRAM,
        help=f"the program's id (default: {EXAMPLE_PROGRAM})",
    )


def _fail(message: str) -> int:
    from stretchkit.cli import EXIT_USAGE

    emit(sys.stderr, f"stretchkit report: {message}"[:300])
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    import stretchkit as sk
    from stretchkit._files import write_atomic
    from stretchkit.cli import EXIT_OK
    from stretchkit.cli._clock import ClockError, read_now

    try:
        now = read_now()
    except ClockError as error:
        return _fail(str(error))
    from stretchkit.cli._userdata import UsageError, default_store_path, user_of

    store_path = Path(args.store) if args.store else default_store_path()
    try:
        args.user = user_of(args)
    except UsageError as error:
        return _fail(str(error))
    if not store_path.is_file():
        return _fail(f"no store at {str(store_path)[:200]!r} (--store PATH)")
    try:
        catalog = sk.example_catalog() if args.catalog is None else sk.load_catalog(args.catalog)
        program = catalog.program(args.program)
    except KeyError as error:
        return _fail(str(error.args[0]))
    except sk.CatalogError as error:
        first = next((i for i in error.issues if i.is_error), None)
        return _fail(first.format() if first else str(error).splitlines()[0])
    try:
        with sk.SQLiteStore(store_path) as store:
            users = store.users()
            if args.user not in users:
                known = ", ".join(users[:5]) or "none"
                return _fail(f"no events for user {args.user[:60]!r} (users: {known[:120]})")
            # the whole history, replayed: a store's progress may be resumed from a
            # snapshot, which knows the present but not the days before it
            progress = sk.Progress.replay(program, store.events(args.user), catalog=catalog)
        page = sk.report_html(progress, now=now, days=args.days, user=args.user, catalog=catalog)
    except sk.StretchkitError as error:
        return _fail(str(error).splitlines()[0])
    try:
        write_atomic(args.out, page)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error.strerror or error}")
    print(f"wrote {args.out}: {len(progress)} events, {args.days} days up to {now.isoformat()}")
    return EXIT_OK
