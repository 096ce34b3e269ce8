"""``stretchkit demo`` plays the example week and shows every rule at work."""

from __future__ import annotations

from pathlib import Path

import pytest

import stretchkit as sk
from stretchkit.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def in_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.usefixtures("in_project")
def test_demo_validates_shows_and_plays_the_week(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "valid: 13 stretches, 3 routines, 1 program(s)" in out
    for routine in ("upper-back-lying", "upper-back-sitting", "upper-back-standing"):
        assert routine in out
    # skip-and-reintroduce: rested the next morning, reintroduced at noon
    assert "left out: stick-em-up-elbow-circles (resting until Tue 01 Dec" in out
    assert "stick-em-up-elbow-circles  <- reintroduced: ease in" in out
    # the 24-hour rule: not at 23 h 59 min, met at 24 h 01 min
    thursday = out.split("Thu 03 Dec 07:59  the app asks")[1].split("Thu 03 Dec 08:01")[0]
    assert "phase relief" in thursday
    assert "Thu 03 Dec 08:02  the app asks what to do (sitting):\n    phase maintenance" in out
    # a relapse returns to relief
    assert "Sat 05 Dec 09:05  the app asks what to do (lying):\n    phase relief" in out


def test_demo_is_the_same_every_run(in_project: None, capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    first = capsys.readouterr().out
    main(["demo"])
    assert capsys.readouterr().out == first


def test_demo_works_from_any_folder_with_the_shipped_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    main(["demo"])
    in_project = capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    assert capsys.readouterr().out == in_project
    assert main(["demo", "missing.json"]) == 2
    assert "cannot read missing.json" in capsys.readouterr().out


def test_the_example_ships_with_the_package() -> None:
    shipped = Path(sk.__file__).parent / "examples" / "upper-back-relief.json"
    assert shipped.read_bytes() == (ROOT / "examples" / "upper-back-relief.json").read_bytes(), (
        "copy examples/upper-back-relief.json to src/stretchkit/examples/"
    )
    catalog = sk.example_catalog()
    assert catalog == sk.load_catalog(ROOT / "examples" / "upper-back-relief.json")
    assert [p.id for p in catalog.programs] == ["upper-back-relief"]
