"""``stretchkit show FILE ROUTINE``: a routine as a person reads it, with derived timings.

Each step shows its stretch, start position, sides and equipment, every dose
part (angles and positions with their labels and seconds), and what the step
takes; the total is set against the minutes the routine declares. Exit
status: 0 shown, 1 the catalog has errors, 2 unreadable file or no such routine.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from stretchkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from stretchkit.cli._validate import emit

if TYPE_CHECKING:
    import argparse

    from stretchkit.model import Catalog, Routine

__all__ = ["add_arguments", "render_routine", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a catalog JSON file")
    parser.add_argument("routine", metavar="ROUTINE", help="the id of a routine in it")


def clock(seconds: float) -> str:
    """``350`` → ``5 min 50 s``: how long something takes, as people say it."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def render_routine(catalog: Catalog, routine: Routine) -> str:
    """The routine as text; the catalog must be valid (references resolve)."""
    from stretchkit.model import Sides, dose_seconds

    stretches = catalog.stretch_by_id
    total = routine.duration(stretches)
    lines = [f"{routine.name} [{routine.id}] — {routine.context.value}, {len(routine.steps)} steps"]
    if routine.description:
        lines.append(routine.description)
    lines.append(f"Declared {routine.minutes:g} min; derived {clock(total)} ({total} s)")
    lines.append("")
    for number, step in enumerate(routine.steps, 1):
        stretch = stretches[step.stretch]
        facts = [
            " or ".join(
                p.value.replace("_", " ") for p in (stretch.position, *stretch.other_positions)
            )
        ]
        if stretch.sides is Sides.EACH:
            facts.append("each side")
        elif stretch.sides is Sides.BOTH:
            facts.append("both sides together")
        equipment = list(stretch.equipment)
        variation_text = ""
        if step.variation is not None:
            variation = next(v for v in stretch.variations if v.id == step.variation)
            variation_text = f" — variation: {variation.name}"
            equipment += [e for e in variation.equipment if e not in equipment]
        if equipment:
            facts.append("needs " + ", ".join(equipment))
        lines.append(f"{number:2}. {stretch.name} ({' · '.join(facts)}){variation_text}")
        dose = stretch.dose if step.dose is None else step.dose
        if step.dose is not None:
            lines.append("    (this routine's own dose)")
        lines.extend(f"    {part.summary()}" for part in dose)
        one_side = dose_seconds(dose)
        if stretch.sides is Sides.EACH:
            lines.append(f"    = {clock(one_side)} per side × 2 = {clock(one_side * 2)}")
        else:
            lines.append(f"    = {clock(one_side)}")
    declared = round(routine.minutes * 60)
    difference = total - declared
    if difference == 0:
        versus = "exactly the declared"
    else:
        versus = f"{clock(abs(difference))} {'over' if difference > 0 else 'under'} the declared"
    lines.append("")
    lines.append(f"Total {clock(total)} ({total} s), {versus} {routine.minutes:g} min")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from stretchkit.io import check_catalog
    from stretchkit.model._validators import describe

    issues, catalog = check_catalog(Path(args.file))
    for issue in issues:
        emit(sys.stderr, issue.format(), one_line=True)
    if catalog is None:
        return EXIT_USAGE if any(i.code == "unreadable" for i in issues) else EXIT_INVALID
    try:
        routine = catalog.routine(args.routine)
    except KeyError:
        known = ", ".join(r.id for r in catalog.routines) or "none"
        emit(
            sys.stderr,
            f"stretchkit show: no routine {describe(args.routine)} in {args.file} "
            f"(it has: {known})",
        )
        return EXIT_USAGE
    emit(sys.stdout, render_routine(catalog, routine))
    return EXIT_OK
