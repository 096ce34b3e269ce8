"""``stretchkit demo``: the coach's scripted fortnight shows every rule of the example."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import stretchkit as sk
from stretchkit.cli import main
from stretchkit.cli._words import hours, times

PROGRAM = sk.example_catalog().programs[0]


@pytest.fixture(scope="module")
def fortnight(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo as `make demo` prints it, run from a folder with no catalog in it."""
    done = subprocess.run(
        [sys.executable, "-m", "stretchkit", "demo"],
        cwd=tmp_path_factory.mktemp("elsewhere"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def _day(out: str, title: str) -> str:
    return out.split(f"== {title}")[1].split("\n== ")[0]


def test_every_rule_of_the_program_is_visible(fortnight: str) -> None:
    relief, upkeep, back = PROGRAM.relief, PROGRAM.maintenance, PROGRAM.reintroduction
    evidence = {
        "relief minimum": f"at least {times(relief.min_sessions_per_day)}",
        "relief minimum due": f"0 of at least {relief.min_sessions_per_day} session",
        "relief maximum": f"at most {relief.max_sessions_per_day})",
        "in order": "in the order given",
        "24-hour rule": f"gone for {hours(PROGRAM.pain_free_hours)}",
        "24-hour rule met": "relief → maintenance",
        "maintenance limits": f"at most {upkeep.max_sessions_per_day})",
        "maintenance maximum reached": "That is the day's maximum",
        "maintenance minimum missed": "(missed)",
        "rest": f"resting for {hours(back.rest_hours)}",
        "backoff": f"resting for {hours(back.rest_hours * back.rest_backoff)}",
        "longest rest": f"at most {hours(back.max_rest_hours)}",
        "tries": f"(try 2 of {back.max_tries})",
        "parking": f"after {back.max_tries} troubled tries it stays out",
        "reintroduction": "(back after a rest: ease in)",
        "relapse": "maintenance → relief",
        "pain fading": "pain-free for",
    }
    missing = [rule for rule, text in evidence.items() if text not in fortnight]
    assert not missing, missing


def test_the_story_of_the_fortnight(fortnight: str) -> None:
    out = fortnight
    monday = _day(out, "Monday 30 November")
    assert "Have you read this, and none of the red flags applies? (yes/no) yes" in monday
    assert "skipped: discomfort" in monday
    assert "Resting: Stick-'em-up elbow circles until tomorrow at 08:02." in monday
    # Tuesday: left out in the morning, back at noon, uncomfortable again: 48 hours
    tuesday = _day(out, "Tuesday 1 December")
    morning, noon = tuesday.split("12:00  stretchkit coach")
    assert "left out: Stick-'em-up elbow circles, resting until today at 08:02" in morning
    assert "Stick-'em-up elbow circles (back after a rest: ease in)" in noon
    assert "Resting: Stick-'em-up elbow circles until Thu 3 Dec at 12:02." in noon
    # Thursday: back again and done without trouble
    thursday = _day(out, "Thursday 3 December")
    assert "(back after a rest: ease in)" in thursday
    assert "skipped" not in thursday
    # Friday: Ctrl-C half-way through a hold, resumed twenty minutes later
    friday = _day(out, "Friday 4 December")
    assert "Ctrl-C half-way" in friday
    assert "What you did is kept" in friday
    assert "Type r to resume, l to log, d to drop: r" in friday
    assert re.search(r"pain-free for 11 h \d+ min; 12 h \d+ min to go", friday)
    # Saturday: the 24-hour rule met; Sunday: the maintenance maximum
    assert "Maintenance: Upper back relief, sitting" in _day(out, "Saturday 5 December")
    sunday = _day(out, "Sunday 6 December")
    assert sunday.count("Logged:") == 3
    assert "the next session tomorrow at 00:00" in sunday
    # a relapse, a rest for pain, and back to maintenance
    assert "Pain came back" in _day(out, "Wednesday 9 December")
    assert "skipped: pain" in _day(out, "Wednesday 9 December")
    assert "Maintenance:" in _day(out, "Saturday 12 December")


def test_the_history_table_ends_it(fortnight: str) -> None:
    table = fortnight.split("== stretchkit history --days 14")[1]
    lines = table.strip().splitlines()
    assert lines[1].split()[:3] == ["day", "phase", "sessions"]
    rows = lines[3:]
    assert len(rows) == 14
    assert rows[0].startswith("Mon 30 Nov 2026")  # not this week: with the year
    assert rows[-1].startswith("today")
    assert "3 of 1-3 (the maximum)" in table
    assert "Stick-'em-up elbow circles (discomfort)" in table


def test_the_demo_is_the_same_every_run(fortnight: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert capsys.readouterr().out == fortnight


def test_the_example_ships_with_the_package() -> None:
    root = Path(__file__).resolve().parent.parent
    shipped = Path(sk.__file__).parent / "examples" / "upper-back-relief.json"
    assert shipped.read_bytes() == (root / "examples" / "upper-back-relief.json").read_bytes(), (
        "copy examples/upper-back-relief.json to src/stretchkit/examples/"
    )
    catalog = sk.example_catalog()
    assert catalog == sk.load_catalog(root / "examples" / "upper-back-relief.json")
    assert [p.id for p in catalog.programs] == ["upper-back-relief"]
