"""The runnable examples in examples/ run, and do what examples/README.md says.

Each is run as a reader would run it: ``python examples/NAME.py ...`` from the project
folder, in a fresh interpreter.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import stretchkit as sk

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(
    name: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


# --- validating a folder of content in CI --------------------------------------------------------


def test_a_folder_of_valid_catalogs_passes(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    shutil.copy(EXAMPLES / "upper-back-relief.json", tmp_path / "a.json")
    shutil.copy(EXAMPLES / "upper-back-relief.json", tmp_path / "nested" / "b.json")
    done = run("validate_folder.py", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("2 file(s) checked, 0 with errors")


def test_the_folder_of_typical_mistakes_fails_with_every_file_named() -> None:
    done = run("validate_folder.py", "examples/invalid")
    assert done.returncode == 1
    invalid = sorted((EXAMPLES / "invalid").glob("*.json"))
    for path in invalid:
        assert f"examples/invalid/{path.name}:" in done.stdout
    assert done.stdout.strip().endswith(
        f"{len(invalid)} file(s) checked, {len(invalid)} with errors"
    )
    assert "Traceback" not in done.stderr


def test_github_actions_gets_annotations() -> None:
    env = {"PATH": "/usr/bin:/bin", "GITHUB_ACTIONS": "true"}
    done = run("validate_folder.py", "examples/invalid", env=env)
    assert done.returncode == 1
    assert "::error file=examples/invalid/" in done.stdout


@pytest.mark.parametrize("folder", ["no-such-folder", "examples/upper-back-relief.json"])
def test_a_folder_that_is_not_one_is_a_usage_error(folder: str) -> None:
    done = run("validate_folder.py", folder)
    assert done.returncode == 2
    assert "not a folder" in done.stdout


def test_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    done = run("validate_folder.py", str(tmp_path))
    assert done.returncode == 2
    assert "no file matches" in done.stdout


# --- building a custom sequence ------------------------------------------------------------------


def test_a_custom_sequence_fits_its_minutes_and_is_a_valid_catalog(tmp_path: Path) -> None:
    out = tmp_path / "mine.json"
    done = run("custom_sequence.py", "--minutes", "2.5", "--context", "sitting", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("My sequence (my-sequence), ")
    assert sk.validate_catalog(out) == []
    catalog = sk.load_catalog(out)
    [routine] = catalog.routines
    assert catalog.routine_duration(routine) <= 150
    steps = [line for line in done.stdout.splitlines() if line.startswith("  ")]
    assert len(steps) == len(routine.steps)
    assert json.loads(out.read_text(encoding="utf-8"))["routines"][0]["id"] == "my-sequence"


def test_the_same_seed_gives_the_same_sequence() -> None:
    first = run("custom_sequence.py", "--seed", "3")
    assert first.returncode == 0
    assert run("custom_sequence.py", "--seed", "3").stdout == first.stdout


def test_bad_constraints_are_one_line_not_a_traceback() -> None:
    done = run("custom_sequence.py", "--minutes", "0")
    assert done.returncode == 2
    assert done.stderr.startswith("custom_sequence: minutes must be")
    assert "Traceback" not in done.stderr


# --- simulating a week ---------------------------------------------------------------------------


def test_a_simulated_week_prints_every_evening_and_writes_a_report(tmp_path: Path) -> None:
    page = tmp_path / "week.html"
    done = run("simulate_week.py", "--seed", "1", "--report", str(page))
    assert done.returncode == 0, done.stderr
    evenings = [line for line in done.stdout.splitlines() if " 22:00  " in line]
    assert len(evenings) == 7
    assert "maintenance" in evenings[-1]
    sessions = sum(int(line.split(": ")[1].split(" ")[0]) for line in evenings)
    text = page.read_text(encoding="utf-8")
    assert text.count('<g id="session-') == sessions


def test_the_week_is_the_same_on_every_run_and_in_every_zone_it_is_told() -> None:
    a = run("simulate_week.py", "--seed", "5")
    assert a.returncode == 0
    assert run("simulate_week.py", "--seed", "5").stdout == a.stdout
    tokyo = run("simulate_week.py", "--seed", "5", "--zone", "Asia/Tokyo")
    assert tokyo.returncode == 0
    assert tokyo.stdout.count(" 22:00  ") == 7


def test_an_unknown_zone_is_a_usage_error() -> None:
    done = run("simulate_week.py", "--zone", "Mars/Olympus_Mons")
    assert done.returncode == 2
    assert "unknown time zone" in done.stderr


def test_a_simulated_week_is_kept_in_a_store_once(tmp_path: Path) -> None:
    db = tmp_path / "week.db"
    first = run("simulate_week.py", "--store", str(db))
    assert first.returncode == 0, first.stderr
    again = run("simulate_week.py", "--store", str(db))
    assert again.stdout.splitlines()[-1].startswith("stored 0 new event(s) of ")
    with sk.SQLiteStore(db) as store:
        assert store.users() == ("simulated",)
        count = len(store.events("simulated"))
    assert first.stdout.splitlines()[-1] == (
        f"stored {count} new event(s) of {count} for 'simulated' in {db}"
    )
