"""``stretchkit plan`` and ``stretchkit history`` on a stored user, and their bad input."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import stretchkit as sk
from stretchkit.cli import main
from stretchkit.store import SQLiteStore

BERLIN = ZoneInfo("Europe/Berlin")
CATALOG = sk.example_catalog()
PROGRAM = CATALOG.programs[0]
START = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)  # a Monday


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two days of one user: discomfort on Monday, pain-free on Tuesday."""
    for name in ("STRETCHKIT_STORE", "STRETCHKIT_USER", "STRETCHKIT_SPEED", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STRETCHKIT_TZ", "Europe/Berlin")
    monkeypatch.setenv("USER", "me")  # the default user is the login name
    monkeypatch.setenv("LOGNAME", "me")
    path = tmp_path / "progress.sqlite3"
    progress = sk.Progress.start(PROGRAM, catalog=CATALOG)
    runner = sk.SessionRunner.start(
        progress.plan(START, "lying"), CATALOG, session_id="s1", started_at=START, pain_before=4
    )
    runner = runner.complete_remaining({"bridge": sk.SkipReason.DISCOMFORT})
    events: list[sk.Event] = [
        runner.finish(START + timedelta(minutes=3), pain_after=3),
        sk.PainReported(id="p2", at=START + timedelta(days=1), level=0),
    ]
    with SQLiteStore(path) as s:
        s.append("me", events)
    return path


def _at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setenv("STRETCHKIT_NOW", when.isoformat())


def test_plan_says_what_rests_and_how_far_the_rule_has_come(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _at(monkeypatch, START + timedelta(days=1, hours=15))
    assert main(["plan", "--store", str(store), "--context", "lying"]) == 0
    out = capsys.readouterr().out
    assert "left out: Bridge" not in out  # its rest ended at 09:03 this morning
    assert "Bridge (back after a rest: ease in)" in out
    assert "24-hour rule: pain-free for 15 h; 9 h to go" in out
    assert "Today: 0 sessions (at least 1, at most 10). Today's minimum is still due." in out


def test_history_has_one_row_per_day_since_the_first_event(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _at(monkeypatch, START + timedelta(days=2, hours=1))
    assert main(["history", "--store", str(store), "--days", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["day", "phase", "sessions"]
    rows = lines[2:]
    assert [r.split("  ")[0] for r in rows] == ["Mon 2 Mar", "yesterday", "today"]
    monday = rows[0]
    assert "1 of 1-10" in monday
    assert "4 3" in monday
    assert "Bridge (discomfort)" in monday
    assert "Bridge (resting)" in monday
    assert "0 of 1-10 (missed)" in rows[1]
    assert "(due)" in rows[2]


def test_the_user_is_whose_progress_is_read(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _at(monkeypatch, START + timedelta(hours=1))
    assert main(["history", "--store", str(store), "--user", "someone-else"]) == 0
    out = capsys.readouterr().out
    assert "Bridge" not in out
    assert "0 of 1-10 (due)" in out


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["history", "--days", "0"], {}, "--days must be 1 to"),
        (["plan"], {"STRETCHKIT_NOW": "yesterday"}, "is not an ISO 8601 time"),
        (["plan"], {"STRETCHKIT_NOW": "2026-03-02T09:00:00"}, "needs an offset"),
        (["plan"], {"STRETCHKIT_TZ": "Mars/Olympus"}, "unknown time zone"),
        (["plan", "--program", "nope"], {}, "no program 'nope'"),
        (["plan", "--catalog", "missing.json"], {}, "missing.json"),
        (["plan", "--user", "a\u202eb"], {}, "--user must be a printable name"),
        (["coach", "--pain", "11"], {}, "--pain must be 0 to 10"),
        (["coach", "--fast=0"], {}, "speed must be a number above 0"),
        (["coach", "--fast=nan"], {}, "speed must be a number above 0"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    _at(monkeypatch, START)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main([*argv, "--store", str(store)]) == 2
    captured = capsys.readouterr()
    out = captured.out + captured.err  # range checks are usage errors: on standard error
    assert message in out
    assert len(out.strip().splitlines()) == 1
    assert "Traceback" not in out


def test_a_store_that_is_not_a_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "not-a-store.sqlite3"
    bad.write_text("hello, I am a text file\n" * 100)
    _at(monkeypatch, START)
    assert main(["plan", "--store", str(bad)]) == 2
    out = capsys.readouterr().out
    assert "cannot open the store" in out
    assert bad.read_text().startswith("hello")  # untouched
