"""``stretchkit history``: the past days at a glance.

One row per local day (in the zone of now, days starting at the policy's hour):
the phase at the day's end (and a change of phase), sessions against the
phase's minimum and maximum, every pain level reported, stretches skipped and
why, and stretches resting or parked at the day's end. Each row is the engine's
plan at that day's end, so the table says what the coach said then.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from stretchkit.cli._coach import CONTEXTS

if TYPE_CHECKING:
    from stretchkit.engine import Event, Progress
    from stretchkit.model import Catalog

MAX_DAYS = 3660


def _days(text: str) -> int:
    """A whole number for ``--days``; one far too long to be a count is a usage error
    (argparse cuts it), a small one out of range is the command's own message."""
    value = int(text)  # argparse turns a ValueError into its usage error
    if len(str(abs(value))) > len(str(MAX_DAYS)) + 3:
        raise argparse.ArgumentTypeError(f"far more than {MAX_DAYS} days")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from stretchkit.cli._userdata import add_program_arguments, add_store_arguments

    add_program_arguments(parser)
    parser.add_argument(
        "--days", type=_days, default=14, metavar="N", help="how many days back (default 14)"
    )
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from stretchkit.cli import EXIT_OK, EXIT_USAGE
    from stretchkit.cli._clock import ClockError
    from stretchkit.cli._userdata import UsageError, open_user, replayed

    if not 1 <= args.days <= MAX_DAYS:
        from stretchkit.cli import usage_message

        message = f"stretchkit history: --days must be 1 to {MAX_DAYS}, got {args.days}"
        print(usage_message(message), file=sys.stderr)
        return EXIT_USAGE
    try:
        now, catalog, program, user, store = open_user(args)
    except (ClockError, UsageError) as error:
        print(f"stretchkit history: {error}")
        return EXIT_USAGE
    with store:
        progress = replayed(store, user, program, catalog)
    print(history_table(progress, catalog, now, days=args.days))
    return EXIT_OK


def _day_bounds(d: date, hour: int, tz: tzinfo | None) -> tuple[datetime, datetime]:
    """The day's first instant and the next day's, in UTC."""
    start = datetime.combine(d, time(hour), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(d + timedelta(days=1), time(hour), tzinfo=tz).astimezone(UTC)
    return start, end


def _local(at: datetime, tz: tzinfo | None) -> datetime:
    from stretchkit.cli._clock import settle

    return settle(at.astimezone(UTC).astimezone(tz))


def history_rows(
    progress: Progress, catalog: Catalog, now: datetime, *, days: int
) -> list[list[str]]:
    """The table's rows, oldest day first."""
    from stretchkit.cli._words import Names, day_label
    from stretchkit.engine import PainReported, SessionLogged
    from stretchkit.model import Outcome

    names = Names(catalog)
    tz = now.tzinfo
    hour = progress.policy.day_starts_hour
    shifted = now.astimezone(UTC).astimezone(tz) - timedelta(hours=hour)
    today = shifted.date()
    events: Sequence[Event] = progress.events
    rows: list[list[str]] = []
    previous_phase: str | None = None
    first = today - timedelta(days=days - 1)
    if events:  # no rows before the first event
        oldest = min(e.at.astimezone(UTC) for e in events)
        begun = (_local(oldest, tz) - timedelta(hours=hour)).date()
        first = max(first, min(begun, today))
    for offset in range(-1, (today - first).days + 1):
        d = first + timedelta(days=offset)
        start, end = _day_bounds(d, hour, tz)
        at = min(end - timedelta(microseconds=1), now.astimezone(UTC))
        plans = [progress.plan(_local(at, tz), c) for c in CONTEXTS]
        plan = plans[0]
        phase = plan.phase.value
        if offset < 0:
            previous_phase = phase
            continue
        shown = phase if previous_phase in (None, phase) else f"{previous_phase} → {phase}"
        previous_phase = phase
        # every report once: the coach stores the pain it asks as a report and as
        # the session's pain before, at the same instant
        pains: dict[tuple[datetime, int], None] = {}
        skipped: list[str] = []
        for event in events:
            if isinstance(event, PainReported):
                pains[event.at.astimezone(UTC), event.level] = None
            elif isinstance(event, SessionLogged):
                s = event.session
                if s.pain_before is not None:
                    pains[s.started_at.astimezone(UTC), s.pain_before] = None
                if s.pain_after is not None:
                    pains[s.ended_at.astimezone(UTC), s.pain_after] = None
                if start <= s.ended_at.astimezone(UTC) < end:
                    for r in s.steps:
                        if r.outcome is Outcome.SKIPPED and r.reason is not None:
                            why = r.reason.value.replace("_", " ")
                            skipped.append(f"{names(r.stretch)} ({why})")
        levels = [str(level) for at, level in sorted(pains) if start <= at < end]
        resting: dict[str, str] = {}
        for p in plans:
            for lo in p.left_out:
                state = "parked" if lo.until is None else "resting"
                resting.setdefault(lo.stretch_id, f"{names(lo.stretch_id)} ({state})")
        limits = f"{plan.min_sessions_per_day}-{plan.max_sessions_per_day}"
        mark = (
            " (the maximum)"
            if not plan.allowed
            else (" (due)" if d == today else " (missed)")
            if plan.due
            else ""
        )
        rows.append(
            [
                day_label(d, today),
                shown,
                f"{plan.sessions_today} of {limits}{mark}",
                " ".join(levels) or "-",
                ", ".join(skipped) or "-",
                ", ".join(resting.values()) or "-",
            ]
        )
    return rows


HEADERS = ["day", "phase", "sessions", "pain", "skipped", "resting at the end"]


def history_table(progress: Progress, catalog: Catalog, now: datetime, *, days: int) -> str:
    """The history as a plain text table, one row per day."""
    rows = history_rows(progress, catalog, now, days=days)
    widths = [max(len(r[i]) for r in [HEADERS, *rows]) for i in range(len(HEADERS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [HEADERS, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
