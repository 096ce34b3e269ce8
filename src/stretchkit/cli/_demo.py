"""``stretchkit demo``: the whole library end to end, on the example catalog.

It validates the catalog, renders its routines with derived timings, then
plays a scripted week of one user through the progress engine and the session
runner, printing the plan the app would show at each moment. The week is a
script, not the clock: the output is the same on every machine and every day.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stretchkit.engine import Plan, Progress
    from stretchkit.model import Catalog, Program
    from stretchkit.store import SQLiteStore

ZONE = "Europe/Berlin"
WEEK_STARTS = (2026, 11, 30)  # a Monday


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "catalog",
        nargs="?",
        help="catalog file to play the week with (default: the example that ships)",
    )
    parser.add_argument(
        "--program", default="upper-back-relief", help="program id (default: upper-back-relief)"
    )


# The scripted week: (day, "HH:MM", action, argument). Actions:
#   pain N                 the user reports pain N/10
#   plan CONTEXT           the app asks what to do now
#   session CONTEXT SKIPS  the user runs today's plan; SKIPS maps stretch id -> reason
_WEEK: tuple[tuple[int, str, str, object], ...] = (
    (0, "07:30", "pain", 6),
    (0, "07:45", "plan", "sitting"),
    (0, "07:46", "session", ("sitting", {"stick-em-up-elbow-circles": "discomfort"}, 5)),
    (0, "19:00", "session", ("lying", {}, 4)),
    (1, "07:40", "plan", "sitting"),
    (1, "07:41", "session", ("sitting", {}, 3)),
    (1, "12:30", "plan", "standing"),
    (1, "12:31", "session", ("standing", {}, 2)),
    (2, "08:00", "pain", 0),
    (2, "08:05", "plan", "sitting"),
    (2, "08:06", "session", ("sitting", {}, 0)),
    (3, "07:59", "pain", 0),
    (3, "07:59", "plan", "sitting"),
    (3, "08:01", "pain", 0),
    (3, "08:02", "plan", "sitting"),
    (3, "08:03", "session", ("sitting", {}, 0)),
    (4, "08:00", "plan", "standing"),
    (5, "09:00", "pain", 3),
    (5, "09:05", "plan", "lying"),
    (5, "09:06", "session", ("lying", {"wall-legs-up-overhead-reach": "pain"}, 2)),
    (6, "08:00", "plan", "lying"),
)


def run(args: argparse.Namespace) -> int:
    import stretchkit as sk
    from stretchkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE
    from stretchkit.cli._show import render_routine

    if args.catalog is None:
        from stretchkit.examples import EXAMPLE_FILE, example_text

        path: str | Path = EXAMPLE_FILE
        source: str | Path = example_text()
    else:
        path = source = Path(args.catalog)
        if not path.is_file():
            print(f"stretchkit demo: cannot read {path}")
            return EXIT_USAGE
    print(f"== Validating {path}")
    issues = sk.validate_catalog(source)
    for issue in issues:
        print(issue.format())
    if any(i.is_error for i in issues):
        return EXIT_INVALID
    catalog = sk.load_catalog(source)
    print(
        f"valid: {len(catalog.stretches)} stretches, {len(catalog.routines)} routines, "
        f"{len(catalog.programs)} program(s), {len(issues)} warning(s)\n"
    )
    for routine in catalog.routines:
        print(render_routine(catalog, routine))
        print()
    try:
        program = catalog.program(args.program)
    except KeyError as error:
        print(f"stretchkit demo: {error.args[0]}")
        return EXIT_USAGE
    import tempfile

    with tempfile.TemporaryDirectory(prefix="stretchkit-demo-") as folder:
        print(f"== A week of {program.name}, in {ZONE}, kept in a temporary SQLite store\n")
        with sk.SQLiteStore(Path(folder) / "demo.db") as store:
            _play_week(catalog, program, store)
            events = store.events(_USER)
            lines = list(store.export(_USER))
            print(f"== The store holds {len(events)} events for {_USER!r}; ", end="")
            print(f"the JSON Lines export has {len(lines)} lines (removed when the demo ends)")
    return EXIT_OK


_USER = "demo-user"


def _play_week(catalog: Catalog, program: Program, store: SQLiteStore) -> None:
    from zoneinfo import ZoneInfo

    import stretchkit as sk

    def progress() -> Progress:
        return store.progress(_USER, program, catalog)

    zone = ZoneInfo(ZONE)
    first = datetime(*WEEK_STARTS, tzinfo=zone)
    for counter, (day, hhmm, action, argument) in enumerate(_WEEK, start=1):
        hour, minute = map(int, hhmm.split(":"))
        now = (first + timedelta(days=day)).replace(hour=hour, minute=minute)
        stamp = now.strftime("%a %d %b %H:%M")
        if action == "pain":
            assert isinstance(argument, int)
            store.append(_USER, [sk.PainReported(id=f"e{counter}", at=now, level=argument)])
            print(f"{stamp}  the user reports pain {argument}/10")
        elif action == "plan":
            assert isinstance(argument, str)
            print(f"{stamp}  the app asks what to do ({argument}):")
            print(_render_plan(progress().plan(now, argument)))
        else:
            assert isinstance(argument, tuple)
            context, skips, pain_after = argument
            plan = progress().plan(now, context)
            runner = sk.SessionRunner.start(
                plan, catalog, session_id=f"session-{counter}", started_at=now
            )
            while runner.current_step is not None:
                step = runner.current_step
                reason = skips.get(step.stretch_id)
                runner = runner.skip(reason) if reason else runner.complete()
                store.save_runner(_USER, runner)  # a crash mid-session loses nothing
            end = now + timedelta(seconds=runner.total_seconds)
            event = runner.finish(end, pain_after=pain_after)
            store.append(_USER, [event])
            store.clear_runner(_USER)
            done = sum(1 for r in event.session.steps if r.outcome is sk.Outcome.COMPLETED)
            skipped = ", ".join(f"{k} ({v})" for k, v in skips.items()) or "nothing"
            print(
                f"{stamp}  the user does {plan.routine_id}: {done} stretch(es) done, "
                f"skipped {skipped}; pain afterwards {pain_after}/10"
            )
        print()


def _render_plan(plan: Plan) -> str:
    lines = [
        f"    phase {plan.phase.value}, routine {plan.routine_id}; "
        f"{plan.sessions_today} session(s) today "
        f"(at least {plan.min_sessions_per_day}, at most {plan.max_sessions_per_day})"
        + ("; today's minimum is still due" if plan.due else "")
    ]
    for step in plan.steps:
        flag = "  <- reintroduced: ease in" if step.reintroduced else ""
        lines.append(f"      {step.index + 1}. {step.stretch_id}{flag}")
    for out in plan.left_out:
        until = f" until {out.until.strftime('%a %d %b %H:%M')}" if out.until else ""
        lines.append(f"      left out: {out.stretch_id} ({out.state.value}{until})")
    if plan.maintenance_at is not None:
        lines.append(f"    24-hour rule: {plan.maintenance_at.strftime('%a %d %b %H:%M')}")
    lines.extend(f"    - {reason.message}" for reason in plan.reasons)
    return "\n".join(lines)
