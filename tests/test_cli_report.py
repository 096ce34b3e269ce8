"""``stretchkit report``: the page of a user of a real SQLite store, written atomically.

The page the command writes is byte for byte the one ``report_html`` makes from the
store's progress; bad arguments are one line on standard error and exit code 2.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import stretchkit as sk
from report_support import (
    CATALOG_PATH,
    DAYS,
    NOW,
    PAIN_POINTS,
    PROGRAM,
    SESSIONS,
    USER,
    known_store,
    parse,
)
from stretchkit.cli import main

ARGS = ["--user", USER, "--days", str(DAYS)]


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command reads the clock the way every command does; the test fixes it."""
    monkeypatch.setenv("STRETCHKIT_NOW", NOW.isoformat())
    monkeypatch.setenv("STRETCHKIT_TZ", "Europe/Berlin")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return known_store(tmp_path / "progress.db")


def test_the_command_writes_the_page_report_html_makes(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--store", str(store), *ARGS, "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {out}: ")
    catalog = sk.load_catalog(CATALOG_PATH)
    with sk.SQLiteStore(store) as s:
        progress = sk.Progress.replay(catalog.program(PROGRAM), s.events(USER), catalog=catalog)
    expected = sk.report_html(progress, now=NOW, days=DAYS, user=USER, catalog=catalog)
    page = out.read_text(encoding="utf-8")
    assert page == expected
    ids = parse(page)
    assert sum(1 for i in ids.ids if re.fullmatch(r"session-\d+", i)) == SESSIONS
    assert ids.pain_markers == PAIN_POINTS


def test_days_are_counted_in_the_users_zone(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRETCHKIT_TZ", "Asia/Tokyo")
    out = tmp_path / "tokyo.html"
    assert main(["report", "--store", str(store), *ARGS, "--out", str(out)]) == 0
    assert "days in Asia/Tokyo" in out.read_text(encoding="utf-8")


def test_the_catalog_can_be_given(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = [*ARGS, "--catalog", str(CATALOG_PATH), "--program", PROGRAM]
    assert main(["report", "--store", str(store), *args, "--out", str(out)]) == 0


def test_an_existing_file_is_replaced_whole(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")
    assert main(["report", "--store", str(store), *ARGS, "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--user", "nobody"], {}, "no events for user"),
        (["--days", "0"], {}, "days"),
        (["--program", "nope"], {}, "nope"),
        (["--catalog", "no-such.json"], {}, "no-such.json: error[unreadable] /: cannot read"),
        (["--catalog", "examples"], {}, "not a regular file"),
        (["--catalog", "examples/invalid/unknown-stretch.json"], {}, "error[unknown-variation]"),
        ([], {"STRETCHKIT_TZ": "Mars/Olympus_Mons"}, "unknown time zone"),
        ([], {"STRETCHKIT_TZ": "../../etc/passwd"}, "unknown time zone"),
        ([], {"STRETCHKIT_NOW": "yesterday"}, "not an ISO 8601 time"),
        ([], {"STRETCHKIT_NOW": "2026-03-15T21:00:00"}, "offset"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    words: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    args = [*ARGS, *args]
    out = tmp_path / "report.html"
    assert main(["report", "--store", str(store), *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert words in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not out.exists()


def test_a_missing_store_is_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.db"
    assert main(["report", "--store", str(missing), *ARGS, "--out", str(tmp_path / "r.html")]) == 2
    assert "no store at" in capsys.readouterr().err
    assert not missing.exists()


@pytest.mark.parametrize("where", ["no-such-folder/report.html", "."])
def test_an_output_that_cannot_be_written_is_exit_2(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    out = tmp_path / where
    assert main(["report", "--store", str(store), *ARGS, "--out", str(out)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_file_that_is_not_a_store_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "fake.db"
    fake.write_text("this is not a database", encoding="utf-8")
    assert main(["report", "--store", str(fake), *ARGS, "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stretchkit report: ")
    assert "Traceback" not in err
