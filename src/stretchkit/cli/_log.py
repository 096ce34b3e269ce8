"""``stretchkit log pain LEVEL``: record how much it hurts now, in the store.

The event is stamped with the clock's now in the machine's local offset (or
``--at``), given a fresh id, and appended for ``--user``.
"""

from __future__ import annotations

import argparse
import sys

from stretchkit.cli._store_options import add_store_arguments, open_store, user_of

__all__ = ["add_arguments", "run"]

OUTPUT_IS_RESULT = False


def _level(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number 0-10") from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 10")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    pain = sub.add_parser("pain", help="how much it hurts now, 0 (nothing) to 10")
    pain.add_argument("level", type=_level, help="0 (nothing) to 10")
    pain.add_argument("--at", metavar="TIME", help="RFC 3339 time with an offset (default: now)")
    add_store_arguments(pain)


def run(args: argparse.Namespace) -> int:
    import uuid
    from datetime import datetime

    from stretchkit.cli import EXIT_OK, EXIT_USAGE
    from stretchkit.cli._validate import emit
    from stretchkit.engine import PainReported
    from stretchkit.engine._codec import event_from_dict

    try:
        if args.at is None:
            at = datetime.now().astimezone()  # the local offset: it says which day it was
        else:
            probe = {"type": "pain_reported", "id": "x", "at": args.at, "level": 0}
            at = event_from_dict(probe, "--at").at
        event = PainReported(id=f"pain-{uuid.uuid4()}", at=at, level=args.level)
        with open_store(args) as store:
            user = user_of(args)
            store.append(user, [event])
    except ValueError as e:
        emit(sys.stderr, f"stretchkit log: {e}", one_line=True)
        return EXIT_USAGE
    emit(sys.stdout, f"logged pain {args.level}/10 at {at.isoformat()}")
    return EXIT_OK
