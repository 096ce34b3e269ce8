"""``stretchkit generate``: a routine made to measure from a catalog.

The output is a whole catalog holding the generated routine and exactly the
stretches it uses, so it validates with ``stretchkit validate`` and opens with
``stretchkit show``; ``--show`` prints the routine as text instead. Wishes the
generator could not grant go to standard error, one ``unmet[CODE]`` line each.
Exit status: 0 a routine was made (unmet wishes included), 1 the catalog has
errors or no routine was possible, 2 bad arguments or an unreadable file.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from stretchkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from stretchkit.cli._validate import emit

if TYPE_CHECKING:
    import argparse

__all__ = ["add_arguments", "run"]

_CONTEXTS = ("lying", "sitting", "standing")
_POSITIONS = ("supine", "prone", "side_lying", "all_fours", "kneeling", "seated", "standing")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", required=True, metavar="FILE", help="catalog to draw from")
    parser.add_argument("--minutes", required=True, type=float, help="the time budget")
    parser.add_argument("--context", choices=_CONTEXTS, help="where the user is now")
    parser.add_argument(
        "--position",
        action="append",
        choices=_POSITIONS,
        help="an allowed start position (repeat for more); narrows --context",
    )
    parser.add_argument(
        "--equipment",
        action="append",
        metavar="SLUG",
        help="equipment the user has (repeat); without it and --no-equipment any is fine",
    )
    parser.add_argument(
        "--no-equipment", action="store_true", help="the user has no equipment at all"
    )
    parser.add_argument("--avoid", action="append", default=[], metavar="ID", help="never use")
    parser.add_argument(
        "--include", action="append", default=[], metavar="ID", help="use if allowed"
    )
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="AREA[=WEIGHT]",
        help="a body area to cover, optionally weighted (neck=2)",
    )
    parser.add_argument("--max-steps", type=int, metavar="N", help="at most N steps")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same routine (default 0)")
    parser.add_argument("--id", dest="routine_id", metavar="ID", help="id of the routine")
    parser.add_argument("--name", help="name of the routine")
    parser.add_argument("--show", action="store_true", help="print the routine as text")


def _targets(values: list[str]) -> dict[str, float]:
    targets: dict[str, float] = {}
    for value in values:
        area, _, weight = value.partition("=")
        try:
            targets[area.strip()] = float(weight) if weight else 1.0
        except ValueError:
            raise ValueError(
                f"--target {area.strip()[:40]!r}: the weight must be a number"
            ) from None
    return targets


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from stretchkit.generate import Constraints, generate_routine
    from stretchkit.io import check_catalog, dump_catalog

    equipment: list[str] | None = args.equipment
    if args.no_equipment:
        equipment = [*(equipment or [])]
    try:
        constraints = Constraints(
            minutes=args.minutes,
            context=args.context,
            positions=args.position,
            equipment=equipment,
            targets=_targets(args.target),
            avoid=args.avoid,
            include=args.include,
            max_steps=args.max_steps,
            seed=args.seed,
            routine_id=args.routine_id,
            name=args.name,
        )
    except (TypeError, ValueError) as exc:
        emit(sys.stderr, f"stretchkit generate: {exc}")
        return EXIT_USAGE

    issues, catalog = check_catalog(Path(args.catalog))
    for issue in issues:
        emit(sys.stderr, issue.format())
    if catalog is None:
        return EXIT_USAGE if any(i.code == "unreadable" for i in issues) else EXIT_INVALID

    result = generate_routine(catalog, constraints)
    for unmet in result.unmet:
        emit(sys.stderr, f"stretchkit generate: unmet[{unmet.code}]: {unmet.message}")
    if result.routine is None:
        return EXIT_INVALID
    fragment = result.as_catalog()
    if args.show:
        from stretchkit.cli._show import render_routine

        emit(sys.stdout, render_routine(fragment, result.routine))
    else:
        sys.stdout.write(dump_catalog(fragment))
    return EXIT_OK
