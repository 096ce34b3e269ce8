"""The validate, schema and show commands, run in-process: output and exit codes 0/1/2."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

import stretchkit as sk
from conftest import CORPUS, EXAMPLES, ROOT
from stretchkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main

EXAMPLE = EXAMPLES / "upper-back-relief.json"
INVALID = sorted((EXAMPLES / "invalid").glob("*.json"))
LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning)"
    r"\[(?P<code>[a-z0-9-]+)\] (?P<pointer>/\S*): (?P<message>.+)$"
)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- validate --------------------------------------------------------------------------------


def test_a_valid_catalog_exits_0_and_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["validate", str(EXAMPLE)], capsys)
    assert (code, out) == (EXIT_OK, "")
    assert "1 valid" in err


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_each_invalid_example_is_reported_line_by_line(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["validate", str(path)], capsys)
    issues = sk.validate_catalog(path)
    assert code == (EXIT_INVALID if any(i.is_error for i in issues) else EXIT_OK)
    lines = out.splitlines()
    assert len(lines) == len(issues)
    for line, issue in zip(lines, issues, strict=True):
        m = LINE.match(line)
        assert m, line
        assert m["file"] == str(path)
        assert (int(m["line"]), int(m["col"])) == (issue.line, issue.column)
        assert (m["code"], m["pointer"]) == (issue.code, issue.pointer or "/")


def test_warnings_are_printed_but_do_not_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    code, out, _ = _run(["validate", str(path)], capsys)
    assert code == EXIT_OK
    assert out == f"{path}:1:1: warning[bom] /: " + sk.validate_catalog(path)[0].message + "\n"


def test_an_unreadable_file_exits_2_even_next_to_an_invalid_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = CORPUS / "should-fail" / "unknown-kind--repetitions.json"
    missing = tmp_path / "missing.json"
    code, out, _ = _run(["validate", str(bad), str(missing), str(EXAMPLE)], capsys)
    assert code == EXIT_USAGE
    assert f"{missing}: error[unreadable] /: cannot read the file" in out
    assert "error[unknown-kind]" in out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["validate"], capsys)[0] == EXIT_USAGE
    assert _run(["validate", "--format", "xml", str(EXAMPLE)], capsys)[0] == EXIT_USAGE
    assert _run(["no-such-command"], capsys)[0] == EXIT_USAGE


def test_json_output_for_machines(capsys: pytest.CaptureFixture[str]) -> None:
    bad = CORPUS / "should-fail" / "schema-minimum--zero-seconds.json"
    code, out, _ = _run(["validate", "--format", "json", str(EXAMPLE), str(bad)], capsys)
    assert code == EXIT_INVALID
    report = json.loads(out)
    assert report["valid"] is False
    good, wrong = report["files"]
    assert good == {
        "file": str(EXAMPLE),
        "valid": True,
        "errors": 0,
        "warnings": 0,
        "issues": [],
    }
    assert wrong["valid"] is False
    assert wrong["errors"] == 1
    [issue] = wrong["issues"]
    assert issue == sk.validate_catalog(bad)[0].to_dict()
    assert set(issue) == {"file", "line", "column", "severity", "code", "pointer", "message"}


def test_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b'{"format_version": 1, "stretches": {}}'))
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, _ = _run(["validate", "-"], capsys)
    assert code == EXIT_INVALID
    assert out.startswith("<stdin>:1:36: error[schema-type] /stretches: ")


def test_keys_with_control_characters_cannot_forge_output_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "forge.json"
    path.write_text(
        '{"format_version": 1, "x\\nfake.json:1:1: error[x] /: y": 1, "z\\ud800": 2}',
        encoding="utf-8",
    )
    code, out, _ = _run(["validate", str(path)], capsys)
    assert code == EXIT_INVALID
    lines = out.splitlines()
    assert len(lines) == len(sk.validate_catalog(path))
    assert all(line.startswith(f"{path}:") for line in lines)
    assert "\\x0a" in out
    code, out, _ = _run(["validate", "--format", "json", str(path)], capsys)
    pointers = [i["pointer"] for i in json.loads(out)["files"][0]["issues"]]
    assert pointers == [i.pointer for i in sk.validate_catalog(path)]


# --- schema ----------------------------------------------------------------------------------


def test_schema_prints_the_published_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["schema"], capsys)
    assert code == EXIT_OK
    published = (ROOT / "schemas" / "catalog.schema.json").read_text(encoding="utf-8")
    assert json.loads(out) == json.loads(published) == sk.catalog_schema()


# --- show ------------------------------------------------------------------------------------


def test_show_renders_every_step_with_its_timings(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = sk.load_catalog(EXAMPLE)
    for routine in catalog.routines:
        code, out, _ = _run(["show", str(EXAMPLE), routine.id], capsys)
        assert code == EXIT_OK
        assert routine.name in out
        stretches = catalog.stretch_by_id
        for number, step in enumerate(routine.steps, 1):
            assert f"{number:2}. {stretches[step.stretch].name}" in out
        total = catalog.routine_duration(routine)
        assert "Total " in out
        assert f"({total} s)" in out
        assert f"{routine.minutes:g} min" in out


def test_show_gives_angles_positions_and_sides(capsys: pytest.CaptureFixture[str]) -> None:
    path = CORPUS / "should-pass" / "every-feature.json"
    code, out, _ = _run(["show", str(path), "desk-break"], capsys)
    assert code == EXIT_OK
    assert "angles: toe up (0°) 10 s → toe out (45°) 10 s" in out
    assert "(seated · each side)" in out
    assert "= 20 s per side × 2 = 40 s" in out
    assert "Total 1 min (60 s), exactly the declared 1 min" in out
    code, out, _ = _run(["show", str(path), "floor"], capsys)
    assert code == EXIT_OK
    assert "variation: One-leg bridge" in out
    assert "5 reps of 3 s, hold 4 s at the top" in out
    assert "2 breaths: out 4 s, hold 3 s, release 3 s" in out
    assert "positions: palms down 5 s → palms up 5 s" in out
    assert "(this routine's own dose)" in out


def test_show_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["show", str(EXAMPLE), "no-such-routine"], capsys)
    assert code == EXIT_USAGE
    assert "upper-back-sitting" in err
    bad = CORPUS / "should-fail" / "unknown-stretch--step.json"
    code, _, err = _run(["show", str(bad), "desk-break"], capsys)
    assert code == EXIT_INVALID
    assert "error[unknown-stretch]" in err
    assert _run(["show", str(tmp_path / "missing.json"), "x"], capsys)[0] == EXIT_USAGE


# --- the pre-commit hook ---------------------------------------------------------------------


def test_the_pre_commit_hook_runs_validate() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "- id: stretchkit-validate" in text
    assert re.search(r"^\s+entry: stretchkit validate$", text, re.MULTILINE)
    assert re.search(r"^\s+language: python$", text, re.MULTILINE)
    pattern = re.search(r"^\s+files: (.+)$", text, re.MULTILINE)
    assert pattern
    files = re.compile(pattern[1])
    assert files.search("content/catalogs/upper-back.json")
    assert files.search("my-catalog.json")
    assert not files.search("package.json")
