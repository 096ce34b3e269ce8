"""``stretchkit demo``: a scripted fortnight of the coach, on the example, in a temporary store.

The demo is the coach itself (:class:`~stretchkit.cli._coach.Coach`: the same
questions, plans, runner, store and words) with a script in place of the person
and a simulated clock in place of the real one. Each countdown moves the clock
on by its seconds instead of waiting, so the fortnight prints in a moment and is
the same on every machine and every day.

The script shows every rule of the example program at work: discomfort rests a
stretch, a rest ends and the stretch comes back to be eased into, trouble again
doubles the rest, a day reaches its maximum, pain fades, the 24-hour rule is met,
maintenance, a day's minimum missed, a relapse, and back to maintenance; a
session is interrupted by Ctrl-C and resumed. The history table ends it.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from stretchkit.cli._session import DONE, Act, Action, Step
from stretchkit.cli._term import REASON_WORDS, Terminal
from stretchkit.model import SkipReason

if TYPE_CHECKING:
    from stretchkit.engine import Segment
    from stretchkit.model import Catalog, Program

ZONE = "Europe/Berlin"
FIRST_DAY = (2026, 11, 30)  # a Monday
USER = "demo"

D, P = SkipReason.DISCOMFORT, SkipReason.PAIN
# (day, "HH:MM", command, options). Commands:
#   coach  context, pain now, pain after, {stretch id: skip reason}, optional extras
#   plan   context (what `stretchkit plan` shows)
# Extras: "interrupt": (stretch id, segment number) presses Ctrl-C there;
#         "answers": answers to the coach's questions (e.g. "r" to resume).
_FORTNIGHT: tuple[tuple[int, str, str, dict[str, object]], ...] = (
    (0, "08:00", "coach", {"context": "sitting", "pain": 6, "after": 5,
                            "skip": {"stick-em-up-elbow-circles": D}}),
    (0, "19:00", "coach", {"context": "lying", "pain": 5, "after": 4}),
    (1, "08:00", "coach", {"context": "sitting", "pain": 4, "after": 4}),
    (1, "12:00", "coach", {"context": "standing", "pain": 3, "after": 3,
                            "skip": {"stick-em-up-elbow-circles": D}}),
    (2, "08:00", "coach", {"context": "sitting", "pain": 2, "after": 2}),
    (3, "12:30", "coach", {"context": "standing", "pain": 2, "after": 1}),
    (4, "08:00", "coach", {"context": "lying", "pain": 1, "after": 1,
                            "interrupt": ("wall-legs-up-overhead-reach", 1)}),
    (4, "08:20", "coach", {"context": "lying", "after": 0, "answers": ["r"]}),
    (4, "20:00", "coach", {"context": "sitting", "pain": 0, "after": 0}),
    (5, "07:00", "plan", {"context": "sitting"}),
    (5, "09:00", "coach", {"context": "sitting", "pain": 0, "after": 0}),
    (6, "08:00", "coach", {"context": "standing", "pain": 0, "after": 0}),
    (6, "13:00", "coach", {"context": "sitting", "pain": 0, "after": 0}),
    (6, "18:00", "coach", {"context": "lying", "pain": 0, "after": 0}),
    (6, "21:00", "coach", {"context": "sitting", "pain": 0}),
    (7, "08:00", "coach", {"context": "sitting", "pain": 0, "after": 0}),
    (9, "09:00", "coach", {"context": "lying", "pain": 4, "after": 3,
                            "skip": {"wall-legs-up-overhead-reach": P}}),
    (10, "09:00", "coach", {"context": "lying", "pain": 2, "after": 2}),
    (10, "18:00", "coach", {"context": "lying", "pain": 1, "after": 1}),
    (11, "08:00", "coach", {"context": "sitting", "pain": 0, "after": 0}),
    (11, "20:00", "plan", {"context": "sitting"}),
    (12, "09:00", "coach", {"context": "standing", "pain": 0, "after": 0}),
    (13, "10:00", "coach", {"context": "standing", "pain": 0, "after": 0}),
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--days", type=int, default=14, metavar="N", help="the history table's days (default 14)"
    )


class _Sim:
    """The simulated clock: seconds that pass only when a countdown says so."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


class Scripted(Terminal):
    """The coach's terminal with a script for a person: answers, skips, a Ctrl-C."""

    def __init__(
        self,
        *,
        out: Callable[[str], None],
        clock: _Sim,
        answers: list[str],
        skips: dict[str, SkipReason],
        interrupt: tuple[str, int] | None = None,
    ) -> None:
        self.out, self.clock = out, clock
        self.answers, self.skips, self.interrupt = answers, skips, interrupt
        self.keys = False  # no keyboard: the script answers
        self.live = False
        self.colour = False
        self.speed = 1.0
        self._stretch: str | None = None
        self._console = None
        self._saved_mode = None

    def say(self, text: str = "", *, style: str | None = None) -> None:
        self.out(f"    {text}".rstrip())

    def ask(self, prompt: str) -> str:
        answer = self.answers.pop(0)
        self.out(f"    {prompt}{answer}".rstrip())
        return answer

    def step(self, step: Step) -> None:
        self._stretch = step.stretch_id
        flag = " (back after a rest: ease in)" if step.reintroduced else ""
        variation = f" ({step.variation.lower()})" if step.variation else ""
        self.out(f"      {step.number}/{step.count} {step.name}{variation}{flag}")

    def segment(self, segment: Segment, *, switch: str | None, number: int, count: int) -> Action:
        if self.interrupt == (self._stretch, number):
            self.clock.seconds += segment.seconds / 2
            self.out(f"        {segment.text}: Ctrl-C half-way")
            raise KeyboardInterrupt
        reason = self.skips.get(self._stretch or "")
        if reason is not None:
            self.clock.seconds += 5  # a few seconds in, it does not feel right
            return Action(act=Act.SKIP, reason=reason)
        self.clock.seconds += segment.seconds
        return DONE

    def skipped(self, step: Step, reason: SkipReason) -> None:
        self.out(f"        skipped: {REASON_WORDS[reason]}")

    def completed(self, step: Step) -> None:
        pass


def run(args: argparse.Namespace) -> int:
    from stretchkit.cli import EXIT_OK, EXIT_USAGE

    if not 1 <= args.days <= 3660:
        print(f"stretchkit demo: --days must be 1 to 3660, got {args.days}")
        return EXIT_USAGE
    from stretchkit.examples import example_catalog

    catalog = example_catalog()
    with tempfile.TemporaryDirectory(prefix="stretchkit-demo-") as folder:
        play(catalog, catalog.programs[0], Path(folder) / "demo.sqlite3", print, days=args.days)
    return EXIT_OK


def play(
    catalog: Catalog,
    program: Program,
    store_path: Path,
    out: Callable[[str], None],
    *,
    days: int = 14,
) -> None:
    """The scripted fortnight, printed through ``out``, then the history table."""
    from zoneinfo import ZoneInfo

    from stretchkit.cli._clock import settle
    from stretchkit.cli._coach import Coach
    from stretchkit.cli._history import history_table
    from stretchkit.cli._userdata import plan_now, replayed
    from stretchkit.cli._words import next_lines, plan_lines
    from stretchkit.store import SQLiteStore

    zone = ZoneInfo(ZONE)
    first = datetime(*FIRST_DAY, tzinfo=zone)
    out(f"A fortnight of {program.name}, in {ZONE}, from {first:%A} {first.day} {first:%B %Y}.")
    out("Every session below is the coach itself, with a script for the person.")
    shown_day = None
    now = first
    with SQLiteStore(store_path) as store:
        for day, hhmm, command, options in _FORTNIGHT:
            hour, minute = map(int, hhmm.split(":"))
            now = settle((first + timedelta(days=day)).replace(hour=hour, minute=minute))
            if day != shown_day:
                shown_day = day
                out("")
                out(f"== {now:%A} {now.day} {now:%B} (day {day + 1})")
            context = str(options["context"])
            if command == "plan":
                out(f"  {hhmm}  stretchkit plan --context {context}")
                plan = plan_now(store, USER, program, catalog, now, context)
                for line in [*plan_lines(plan, catalog), *next_lines(plan, catalog)]:
                    out(f"    {line}")
                continue
            sim = _Sim()
            answers = [str(a) for a in options.get("answers", [])]  # type: ignore[attr-defined]
            if not answers and day == 0 and hhmm == "08:00":
                answers.append("yes")  # the first time: the disclaimer
            interrupt = options.get("interrupt")
            term = Scripted(
                out=out,
                clock=sim,
                answers=answers,
                skips=dict(options.get("skip", {})),  # type: ignore[call-overload]
                interrupt=interrupt,  # type: ignore[arg-type]
            )
            flags = f"--context {context}"
            if "pain" in options:
                flags += f" --pain {options['pain']}"
            if "after" in options:
                flags += f" --pain-after {options['after']}"
            out(f"  {hhmm}  stretchkit coach {flags}")
            coach_args = argparse.Namespace(
                context=context, pain=options.get("pain"), pain_after=options.get("after")
            )
            Coach(term, store, USER, catalog, program, now, coach_args, monotonic=sim).run()
        end = settle((now.astimezone(UTC) + timedelta(hours=1)).astimezone(zone))
        progress = replayed(store, USER, program, catalog)
    out("")
    out(f"== stretchkit history --days {days}  (on {end:%A} {end.day} {end:%B %Y}, {end:%H:%M})")
    out(history_table(progress, catalog, end, days=days))
