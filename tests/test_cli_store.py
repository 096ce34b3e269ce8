"""The store commands, run as a user runs them: a real process, a real store file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def cli(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home / "data"),
        "HOME": str(home),
        "LOGNAME": "tester",
        "USER": "tester",
    }
    return subprocess.run(
        [sys.executable, "-m", "stretchkit", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=60,
    )


def test_log_export_import_and_check(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    done = cli("log", "pain", "4", "--store", store, "--user", "ann", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "logged pain 4/10" in done.stdout
    at = "2026-03-02T09:00:00.123456+05:45"
    assert (
        cli(
            "log", "pain", "0", "--at", at, "--store", store, "--user", "ann", home=tmp_path
        ).returncode
        == 0
    )
    out = cli("events", "export", "--store", store, "--user", "ann", home=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [json.loads(x)["level"] for x in lines] == [0, 4]  # engine order: the earlier first
    assert json.loads(lines[0])["at"] == at  # exact, offset and microseconds
    backup = tmp_path / "ann.jsonl"
    assert (
        cli(
            "events", "export", "-o", str(backup), "--store", store, "--user", "ann", home=tmp_path
        ).returncode
        == 0
    )
    assert backup.read_text().splitlines() == lines
    moved = cli("events", "import", str(backup), "--store", store, "--user", "bob", home=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert "imported 2 new events" in moved.stdout
    again = cli(
        "events", "import", "-", "--store", store, "--user", "bob", home=tmp_path, stdin=out.stdout
    )
    assert "imported 0 new events" in again.stdout
    check = cli("store", "check", "--store", store, home=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "integrity: ok" in check.stdout
    assert "users: 2, events: 4" in check.stdout


def test_bad_input_is_one_located_line_and_changes_nothing(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    bad = cli("log", "pain", "11", "--store", store, home=tmp_path)
    assert bad.returncode == 2
    assert "between 0 and 10" in bad.stderr
    naive = cli("log", "pain", "3", "--at", "2026-03-02T09:00:00", "--store", store, home=tmp_path)
    assert naive.returncode == 2
    assert "offset" in naive.stderr
    assert "Traceback" not in naive.stderr
    good = '{"type": "pain_reported", "id": "a", "at": "2026-03-02T09:00:00Z", "level": 1}'
    lines = good + '\n{"type": "x"}\n'
    imported = cli("events", "import", "-", "--store", store, home=tmp_path, stdin=lines)
    assert imported.returncode == 1
    assert "line 2" in imported.stderr
    assert len(imported.stderr.strip().splitlines()) == 1
    out = cli("events", "export", "--store", store, home=tmp_path)
    assert out.stdout == ""  # all or nothing


@pytest.mark.parametrize(
    "content",
    [b"\x00garbage" * 100, b"SQLite format 3\x00" + b"\xff" * 200],
    ids=["random", "damaged"],
)
def test_a_file_that_is_not_a_store(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(content)
    for args in (("store", "check"), ("events", "export"), ("log", "pain", "2")):
        done = cli(*args, "--store", str(path), home=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == content


def test_the_default_store_and_user(tmp_path: Path) -> None:
    assert cli("log", "pain", "5", home=tmp_path).returncode == 0
    made = tmp_path / "data" / "stretchkit" / "progress.sqlite3"
    assert made.is_file()
    out = cli("events", "export", "--store", str(made), "--user", "tester", home=tmp_path)
    assert json.loads(out.stdout)["level"] == 5
