"""The coach's words: counts, durations, dates and plans as a person reads them.

One module says every sentence the terminal shows about a plan, so ``coach``,
``plan``, ``history`` and ``demo`` use the same words ("1 session", "3 min 2 s",
"tomorrow at 09:00", a stretch's name rather than its id).

Rules
- Counts: ``plural(1, "session")`` is "1 session", 2 gives "2 sessions".
- Durations: the two largest units that are not zero ("1 h 5 min", "3 min 2 s").
- Dates are read in the zone of ``now``: "today at 18:12", "tomorrow at 09:00",
  "Thu 3 Dec at 08:00" within the same week, else with the year.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stretchkit.engine import Plan
    from stretchkit.model import Catalog, Program

__all__ = [
    "Names",
    "day_label",
    "duration",
    "hours",
    "next_lines",
    "plan_lines",
    "plural",
    "rules_lines",
    "times",
    "when",
]

_PLURALS = {"stretch": "stretches", "troubled try": "troubled tries"}


def plural(n: int, word: str) -> str:
    """``n`` and the word, singular for exactly one."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {_PLURALS.get(word, word + 's')}"


def times(n: int) -> str:
    """How often: "once", "twice", "3 times"."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def hours(h: float) -> str:
    """A number of hours as a rule states it: "24 hours", "1.5 hours"."""
    return f"{h:g} hour" + ("" if h == 1 else "s")


def duration(seconds: float) -> str:
    """A length of time in its two largest units: "45 s", "3 min 2 s", "15 h", "2 days 3 h"."""
    total = max(0, round(seconds))
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    parts = [
        plural(days, "day") if days else "",
        f"{hours} h" if hours else "",
        f"{minutes} min" if minutes else "",
        f"{secs} s" if secs else "",
    ]
    shown = [p for p in parts if p]
    if not shown:
        return "0 s"
    first = parts.index(shown[0])
    # the two largest units in a row, so "1 h 0 min 5 s" reads "1 h" rather than "1 h 5 s"
    return " ".join(p for p in parts[first : first + 2] if p)


def _week(d: date) -> tuple[int, int]:
    iso = d.isocalendar()
    return iso.year, iso.week


def day_label(d: date, today: date) -> str:
    """A calendar date: "today", "tomorrow", "yesterday", "Thu 3 Dec", or with the year."""
    if d == today:
        return "today"
    if d == today + timedelta(days=1):
        return "tomorrow"
    if d == today - timedelta(days=1):
        return "yesterday"
    if _week(d) == _week(today):
        return f"{d:%a} {d.day} {d:%b}"
    return f"{d:%a} {d.day} {d:%b} {d.year}"


def when(dt: datetime, now: datetime) -> str:
    """``dt`` in the zone of ``now``, as a person says it ("tomorrow at 09:00")."""
    local = dt.astimezone(UTC).astimezone(now.tzinfo)
    return f"{day_label(local.date(), now.date())} at {local:%H:%M}"


class Names:
    """Stretch and routine names from a catalog, and reason sentences with ids replaced."""

    def __init__(self, catalog: Catalog) -> None:
        self._names: dict[str, str] = {s.id: s.name for s in catalog.stretches}
        self._names.update({r.id: r.name for r in catalog.routines})
        self._stretches = {s.id: s for s in catalog.stretches}
        ids = sorted(self._names, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
            if ids
            else None
        )

    def __call__(self, item_id: str) -> str:
        return self._names.get(item_id, item_id)

    def variation(self, stretch_id: str, variation_id: str | None) -> str | None:
        """The variation's name, if the stretch has it."""
        stretch = self._stretches.get(stretch_id)
        if stretch is None or variation_id is None:
            return None
        return next((v.name for v in stretch.variations if v.id == variation_id), None)

    def plain(self, sentence: str) -> str:
        """``sentence`` with every stretch and routine id replaced by its name."""
        if self._pattern is None:
            return sentence
        return self._pattern.sub(lambda m: self._names[m.group(1)], sentence)


def rules_lines(program: Program) -> list[str]:
    """The program's rules in a few sentences (for the first session and the demo)."""
    relief, upkeep, back = program.relief, program.maintenance, program.reintroduction
    return [
        f"Relief: the routine at least {times(relief.min_sessions_per_day)} and at most "
        f"{times(relief.max_sessions_per_day)} a day"
        + (", its stretches in the order given" if relief.in_order else "")
        + f", until the pain has been gone for {hours(program.pain_free_hours)}.",
        f"Then maintenance, daily warm-ups: at least {times(upkeep.min_sessions_per_day)} and "
        f"at most {times(upkeep.max_sessions_per_day)} a day.",
        f"A stretch that causes discomfort rests {hours(back.rest_hours)}; each further rest "
        f"is {back.rest_backoff:g} times longer (at most {hours(back.max_rest_hours)}); after "
        f"{plural(back.max_tries, 'troubled try')} it stays out until you bring it back.",
    ]


def plan_lines(plan: Plan, catalog: Catalog, *, reasons: bool = True) -> list[str]:
    """The plan as the coach shows it: the routine by name, its steps, what is left out, why."""
    names = Names(catalog)
    routine = catalog.routine_by_id.get(plan.routine_id)
    seconds = 0
    if routine is not None:
        by_index = {s.index for s in plan.steps}
        stretches = catalog.stretch_by_id
        seconds = sum(
            stretches[step.stretch].duration_with(step.dose)
            for i, step in enumerate(routine.steps)
            if i in by_index and step.stretch in stretches
        )
    head = f"{plan.phase.value.capitalize()}: {names(plan.routine_id)}"
    if plan.steps:
        head += f" ({plural(len(plan.steps), 'stretch')}, {duration(seconds)})"
    lines = [head]
    for n, step in enumerate(plan.steps, start=1):
        extra = []
        variation = names.variation(step.stretch_id, step.variation)
        if variation:
            extra.append(variation.lower())
        if step.reintroduced:
            extra.append("back after a rest: ease in")
        lines.append(
            f"  {n}. {names(step.stretch_id)}" + (f" ({'; '.join(extra)})" if extra else "")
        )
    for out in plan.left_out:
        if out.until is None:
            lines.append(f"  left out: {names(out.stretch_id)}, parked until you bring it back")
        else:
            lines.append(
                f"  left out: {names(out.stretch_id)}, resting until {when(out.until, plan.now)}"
            )
    if reasons:
        lines.append("Why:")
        lines.extend(f"  - {names.plain(r.message)}" for r in plan.reasons)
    return lines


def next_lines(plan: Plan, catalog: Catalog) -> list[str]:
    """What comes next: today's count, the next session, resting stretches, the 24-hour rule."""
    names = Names(catalog)
    now = plan.now
    count = (
        f"Today: {plural(plan.sessions_today, 'session')} "
        f"(at least {plan.min_sessions_per_day}, at most {plan.max_sessions_per_day})."
    )
    if not plan.allowed and plan.next_allowed_at is not None:
        count += f" That is the day's maximum: the next session {when(plan.next_allowed_at, now)}."
    elif plan.due:
        count += " Today's minimum is still due."
    else:
        count += " Another session is fine whenever you like."
    lines = [count]
    resting = [lo for lo in plan.left_out if lo.until is not None]
    parked = [lo for lo in plan.left_out if lo.until is None]
    if resting:
        lines.append(
            "Resting: "
            + "; ".join(f"{names(lo.stretch_id)} until {when(lo.until, now)}" for lo in resting)  # type: ignore[arg-type]
            + "."
        )
    if parked:
        lines.append(
            "Parked until you bring it back: "
            + ", ".join(names(lo.stretch_id) for lo in parked)
            + "."
        )
    lines.append(rule_line(plan))
    return lines


def rule_line(plan: Plan) -> str:
    """How far the 24-hour rule has come, in hours: "pain-free for 15 h; 9 h to go"."""
    from stretchkit.engine import ProgramPhase

    now = plan.now
    since, met = plan.pain_free_since, plan.maintenance_at
    if plan.phase is ProgramPhase.MAINTENANCE:
        assert met is not None
        return f"24-hour rule: met {when(met, now)}; daily warm-ups now."
    if since is None or met is None:
        return "24-hour rule: not started; it starts with your first pain-free report."
    elapsed = (now.astimezone(UTC) - since.astimezone(UTC)).total_seconds()
    to_go = plan.time_to_maintenance
    left = (
        to_go.total_seconds()
        if to_go is not None
        else (met.astimezone(UTC) - now.astimezone(UTC)).total_seconds()
    )
    if left > 0:
        return (
            f"24-hour rule: pain-free for {duration(elapsed)}; {duration(left)} to go "
            f"(a pain-free report from {when(met, now)} on moves you to maintenance)."
        )
    return (
        f"24-hour rule: pain-free for {duration(elapsed)}; report how you feel: no pain now "
        "moves you to maintenance."
    )
