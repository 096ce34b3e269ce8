"""Simulate a week of one user on the example program, then show the report.

    python examples/simulate_week.py [--seed 1] [--zone Europe/Berlin] [--report week.html]
                                     [--store week.db]

A seeded simulated user (the same seed gives the same week on every machine) reports
pain each morning, does one to three sessions a day in whatever situation they are
in, and now and then skips a stretch that feels uncomfortable. Each session goes
through the session runner as an app would. Every evening the script prints the plan
the app would show; with ``--report`` it writes the progress report of the week, and
with ``--store`` it keeps the week's events in a SQLite store (user ``simulated``), as
an app would, for ``stretchkit report`` to read.
The clock is never read: the week is 30 November to 6 December 2026.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import stretchkit as sk

CATALOG = Path(__file__).resolve().parent / "upper-back-relief.json"
FIRST_DAY = (2026, 11, 30)  # a Monday
CONTEXTS = ("lying", "sitting", "standing")
USER = "simulated"


def simulate(seed: int, zone: ZoneInfo) -> tuple[sk.Catalog, sk.Progress, datetime, list[str]]:
    """The week: the catalog, the user's progress, the last moment, and what happened."""
    rng = random.Random(seed)
    catalog = sk.load_catalog(CATALOG)
    progress = sk.Progress.start(catalog.program("upper-back-relief"), catalog=catalog)
    lines: list[str] = []
    pain = rng.randint(4, 7)
    first = datetime(*FIRST_DAY, tzinfo=zone)
    for day in range(7):
        morning = (first + timedelta(days=day)).replace(hour=7, minute=rng.randint(0, 59))
        pain = max(0, pain - rng.choice((0, 1, 2)))
        progress = progress.apply(sk.PainReported(id=f"pain-{day}", at=morning, level=pain))
        lines.append(f"{morning:%a %d %b %H:%M}  pain {pain}/10")
        hours = sorted(rng.sample(range(8, 22), rng.randint(1, 3)))
        for n, hour in enumerate(hours):
            start = (first + timedelta(days=day)).replace(hour=hour, minute=rng.randint(0, 59))
            context = rng.choice(CONTEXTS)
            plan = progress.plan(start, context)
            if not plan.allowed or not plan.steps:
                lines.append(
                    f"{start:%a %d %b %H:%M}  no session: {plan.explain().splitlines()[-1]}"
                )
                continue
            runner = sk.SessionRunner.start(
                plan, catalog, session_id=f"s-{day}-{n}", started_at=start, pain_before=pain
            )
            skipped = []
            while runner.current_step is not None:
                step = runner.current_step
                if rng.random() < 0.08:
                    skipped.append(step.stretch_id)
                    runner = runner.skip(sk.SkipReason.DISCOMFORT)
                else:
                    runner = runner.complete()
            end = (start.astimezone(UTC) + timedelta(seconds=runner.total_seconds)).astimezone(zone)
            progress = progress.apply(runner.finish(end, pain_after=pain))
            note = f", skipped {', '.join(skipped)}" if skipped else ""
            lines.append(f"{start:%a %d %b %H:%M}  {plan.routine_id}{note}")
        evening = (first + timedelta(days=day)).replace(hour=22)
        plan = progress.plan(evening, "lying")
        rested = ", ".join(f"{lo.stretch_id} ({lo.state.value})" for lo in plan.left_out)
        lines.append(
            f"{evening:%a %d %b %H:%M}  {plan.phase.value}: {plan.sessions_today} session(s) "
            f"today (at least {plan.min_sessions_per_day})"
            + (f"; left out: {rested}" if rested else "")
        )
    return catalog, progress, evening, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--zone", default="Europe/Berlin")
    parser.add_argument("--report", type=Path, help="write the week's report to this HTML file")
    parser.add_argument("--store", type=Path, help="keep the events in this SQLite store")
    args = parser.parse_args(argv)
    try:
        zone = ZoneInfo(args.zone)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"simulate_week: unknown time zone {args.zone[:60]!r}", file=sys.stderr)
        return 2
    catalog, progress, now, lines = simulate(args.seed, zone)
    print("\n".join(lines))
    if args.store is not None:
        with sk.SQLiteStore(args.store) as store:
            new = store.append(USER, progress.events)
        print(f"stored {new} new event(s) of {len(progress)} for {USER!r} in {args.store}")
    if args.report is not None:
        page = sk.report_html(progress, now=now, days=7, user=USER, catalog=catalog)
        args.report.write_text(page, encoding="utf-8")
        print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
