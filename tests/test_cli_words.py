"""The coach's words: counts, durations, dates and plans as people read them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

import stretchkit as sk
from stretchkit.cli._words import (
    Names,
    day_label,
    duration,
    next_lines,
    plan_lines,
    plural,
    rule_line,
    when,
)

BERLIN = ZoneInfo("Europe/Berlin")
CATALOG = sk.example_catalog()
PROGRAM = CATALOG.programs[0]
_UNITS = {"day": 86_400, "days": 86_400, "h": 3_600, "min": 60, "s": 1}


def _parse(text: str) -> int:
    tokens = text.split()
    return sum(int(n) * _UNITS[u] for n, u in zip(tokens[::2], tokens[1::2], strict=True))


@given(st.integers(0, 10**6), st.sampled_from(["session", "stretch", "day"]))
def test_plural_is_singular_for_one_only(n: int, word: str) -> None:
    text = plural(n, word)
    assert text.startswith(f"{n} ")
    assert text.endswith(word) == (n == 1)


def test_plurals_read_well() -> None:
    assert [plural(1, "session"), plural(3, "session"), plural(2, "stretch")] == [
        "1 session",
        "3 sessions",
        "2 stretches",
    ]
    assert [duration(182), duration(45), duration(3600), duration(0)] == [
        "3 min 2 s",
        "45 s",
        "1 h",
        "0 s",
    ]
    assert duration(15 * 3600 + 59) == "15 h"
    assert duration(2 * 86_400 + 3 * 3600) == "2 days 3 h"


@given(st.integers(0, 400 * 86_400))
def test_a_duration_is_at_most_two_adjacent_units_and_never_more_than_it_says(
    seconds: int,
) -> None:
    text = duration(seconds)
    units = text.split()[1::2]
    assert 1 <= len(units) <= 2
    shown = _parse(text)
    assert shown <= seconds
    # what is left out is less than one of the unit below the largest shown
    largest = max(_UNITS[u] for u in units)
    assert seconds - shown < {86_400: 3_600, 3_600: 60, 60: 1, 1: 1}[largest]


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(-30, 30))
def test_dates_carry_the_year_only_outside_this_week(today: date, shift: int) -> None:
    d = today + timedelta(days=shift)
    label = day_label(d, today)
    if shift in (-1, 0, 1):
        assert label in ("yesterday", "today", "tomorrow")
    else:
        same_week = d.isocalendar()[:2] == today.isocalendar()[:2]
        assert (str(d.year) in label) is not same_week
        assert label.startswith(f"{d:%a} {d.day} {d:%b}")


def test_times_are_read_in_the_zone_of_now() -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN)
    tokyo = datetime(2026, 12, 2, 2, 12, tzinfo=ZoneInfo("Asia/Tokyo"))  # 18:12 Berlin, Tue
    assert when(tokyo, now) == "today at 18:12"
    assert when(now + timedelta(days=1), now) == "tomorrow at 09:00"
    assert when(now + timedelta(days=20), now) == "Mon 21 Dec 2026 at 09:00"


def test_names_replace_whole_ids_only() -> None:
    names = Names(CATALOG)
    assert names("bridge") == "Bridge"
    assert names.plain("bridge is back; upper-back-lying too") == (
        "Bridge is back; Upper back relief, lying down too"
    )
    assert names.plain("bridge-x and xbridge stay") == "bridge-x and xbridge stay"


def _progress_after(*events: sk.Event) -> sk.Progress:
    return sk.Progress.replay(PROGRAM, events, catalog=CATALOG)


def test_the_rule_line_says_how_long_pain_free_and_how_long_to_go() -> None:
    start = datetime(2026, 3, 2, 8, 0, tzinfo=BERLIN)
    progress = _progress_after(
        sk.PainReported(id="a", at=start - timedelta(hours=1), level=3),
        sk.PainReported(id="b", at=start, level=0),
    )
    plan = progress.plan(start + timedelta(hours=15), "sitting")
    line = rule_line(plan)
    assert "pain-free for 15 h; 9 h to go" in line
    assert "tomorrow at 08:00" in line


def test_plan_lines_use_names_and_say_what_rests_until_when() -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
    runner = sk.SessionRunner.start(
        _progress_after().plan(start, "lying"), CATALOG, session_id="s", started_at=start
    )
    runner = runner.complete_remaining({"bridge": sk.SkipReason.DISCOMFORT})
    progress = _progress_after(runner.finish(start + timedelta(minutes=3)))
    plan = progress.plan(start + timedelta(hours=2), "lying")
    text = "\n".join(plan_lines(plan, CATALOG) + next_lines(plan, CATALOG))
    assert "left out: Bridge, resting until tomorrow at 09:03" in text
    assert "Resting: Bridge until tomorrow at 09:03." in text
    assert "Today: 1 session (at least 1, at most 10)." in text
    # no stretch or routine id is shown where its name exists
    ids = {s.id for s in CATALOG.stretches} | {r.id for r in CATALOG.routines}
    for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", text):
        assert word not in ids, word


def test_time_zone_conversion_never_moves_the_instant() -> None:
    now = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)
    later = now.astimezone(UTC) + timedelta(minutes=45)
    assert when(later, now).endswith("at 03:15")
