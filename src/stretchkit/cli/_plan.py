"""``stretchkit plan``: what the stored user should do now, with every reason.

It reads the clock once, asks nothing and changes nothing: the plan for the
situation given (else the one the coach last used, else sitting), then what
comes next, in the coach's words.
"""

from __future__ import annotations

import argparse

from stretchkit.cli._coach import CONTEXT_KEY, CONTEXTS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from stretchkit.cli._userdata import add_program_arguments, add_store_arguments

    add_program_arguments(parser)
    parser.add_argument(
        "--context", choices=CONTEXTS, help="your situation (default: the last one used)"
    )
    add_store_arguments(parser)


def context_of(args: argparse.Namespace, store: object, user: str) -> str:
    """``--context``, else the coach's last, else sitting."""
    if args.context:
        return str(args.context)
    last = store.preference(user, CONTEXT_KEY)  # type: ignore[attr-defined]
    return str(last) if last in CONTEXTS else "sitting"


def run(args: argparse.Namespace) -> int:
    from stretchkit.cli import EXIT_OK, EXIT_USAGE
    from stretchkit.cli._clock import ClockError
    from stretchkit.cli._userdata import UsageError, open_user, plan_now
    from stretchkit.cli._words import next_lines, plan_lines

    try:
        now, catalog, program, user, store = open_user(args)
    except (ClockError, UsageError) as error:
        print(f"stretchkit plan: {error}")
        return EXIT_USAGE
    with store:
        context = context_of(args, store, user)
        plan = plan_now(store, user, program, catalog, now, context)
    for line in [*plan_lines(plan, catalog), "", *next_lines(plan, catalog)]:
        print(line)
    return EXIT_OK
