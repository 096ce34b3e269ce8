"""``stretchkit demo`` plays the example week and shows every rule at work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


def test_demo_without_the_catalog_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["demo"]) == 2
    finally:
        os.chdir(cwd)
    assert "cannot read" in capsys.readouterr().out
