"""``stretchkit generate`` and ``stretchkit import``: outputs validate, exit codes are right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stretchkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main
from stretchkit.io import load_catalog, loads_catalog, validate_catalog

DATA = Path(__file__).resolve().parent / "data" / "free-exercise-db" / "stretching.json"


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("import") / "catalog.json"
    assert main(["import", "free-exercise-db", str(DATA), "-o", str(out)]) == EXIT_OK
    return out


def test_import_writes_a_valid_catalog_and_reports_to_stderr(
    catalog_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert validate_catalog(catalog_file) == []
    assert len(load_catalog(catalog_file).stretches) == 83
    assert main(["import", "free-exercise-db", str(DATA), "--verbose"]) == EXIT_OK
    out, err = capsys.readouterr()
    assert json.loads(out)["format_version"] == 1
    assert err.startswith("free-exercise-db: 83 entries, 83 imported, 0 skipped")
    assert "public domain" in err
    assert "#82 Wrist_Circles -> wrist-circles" in err


def test_import_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "free-exercise-db", str(tmp_path / "nope.json")]) == EXIT_USAGE
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a list"', encoding="utf-8")
    assert main(["import", "free-exercise-db", str(bad)]) == EXIT_INVALID
    assert main(["import", "other-format", str(bad)]) == EXIT_USAGE
    assert "invalid-json" in capsys.readouterr().err


@pytest.mark.parametrize("context", ["lying", "sitting", "standing"])
def test_generate_prints_a_catalog_that_validates(
    catalog_file: Path, context: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["generate", "--catalog", str(catalog_file), "--context", context, "--minutes", "5"]
    assert main([*argv, "--seed", "3"]) == EXIT_OK
    out = capsys.readouterr().out
    generated = tmp_path / "generated.json"
    generated.write_text(out, encoding="utf-8")
    assert validate_catalog(generated) == []
    catalog = load_catalog(generated)
    (routine,) = catalog.routines
    assert routine.context.value == context
    assert 270 <= catalog.routine_duration(routine) <= 300
    assert main([*argv, "--seed", "3"]) == EXIT_OK
    assert capsys.readouterr().out == out


def test_generate_options_and_show(catalog_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "generate",
        "--catalog",
        str(catalog_file),
        "--context",
        "sitting",
        "--minutes",
        "3",
        "--no-equipment",
        "--avoid",
        "chin-to-chest-stretch",
        "--target",
        "neck=2",
        "--target",
        "calves",
        "--max-steps",
        "4",
        "--id",
        "desk-break",
    ]
    assert main(argv) == EXIT_OK
    captured = capsys.readouterr()
    catalog = loads_catalog(captured.out)
    assert catalog.routines[0].id == "desk-break"
    assert len(catalog.routines[0].steps) <= 4
    assert all(not s.equipment for s in catalog.stretches)
    assert "chin-to-chest-stretch" not in {s.id for s in catalog.stretches}
    assert "unmet[target-uncovered]" in captured.err  # the only neck stretch is avoided
    assert main([*argv, "--show"]) == EXIT_OK
    shown = capsys.readouterr().out
    assert shown.startswith("Sitting routine, 3 minutes [desk-break]")


def test_generate_exit_codes(
    catalog_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["generate", "--catalog", str(catalog_file), "--minutes"]
    assert main([*base, "0.1", "--context", "sitting"]) == EXIT_INVALID  # nothing fits 6 s
    assert "unmet[no-stretches]" in capsys.readouterr().err
    assert main([*base, "-1"]) == EXIT_USAGE
    assert main([*base, "5", "--target", "neck=heavy"]) == EXIT_USAGE
    assert main(["generate", "--catalog", str(tmp_path / "none.json"), "--minutes", "5"]) == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": 1, "stretches": [{}]}', encoding="utf-8")
    assert main(["generate", "--catalog", str(broken), "--minutes", "5"]) == EXIT_INVALID
