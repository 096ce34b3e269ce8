"""One way to build model objects without running their validators again."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from stretchkit.engine import PainReported
from stretchkit.model import Angle, Hold, Stretch
from stretchkit.model._unchecked import setting_lines, unchecked
from stretchkit.model._vocabulary import StartPosition

SRC = Path(__file__).resolve().parent.parent / "src" / "stretchkit"


def test_the_constructor_builds_what_the_checked_one_builds() -> None:
    assert unchecked(Angle)(label="up", degrees=0, seconds=5) == Angle(
        label="up", degrees=0, seconds=5
    )
    at = datetime(2026, 1, 1, tzinfo=UTC)
    built = unchecked(PainReported)(id="e1", at=at, level=3, device=None, seq=None)
    assert built == PainReported(id="e1", at=at, level=3)
    assert unchecked(Hold) is unchecked(Hold)


def test_every_field_must_be_given() -> None:
    with pytest.raises(TypeError):
        unchecked(Angle)(label="up", degrees=0)
    with pytest.raises(TypeError, match="missing fields"):
        setting_lines(Stretch, "o", {"id": "'a'"}, {}, "")


def test_the_objects_stay_frozen() -> None:
    angle = unchecked(Angle)(label="up", degrees=0, seconds=5)
    with pytest.raises(AttributeError):
        angle.seconds = 6  # type: ignore[misc]


def test_it_is_the_only_way_in_the_library() -> None:
    """No module sets slots or frozen attributes behind the validators' back on its own."""
    found = []
    pattern = re.compile(r"object\.__setattr__|\.__set__\b|object\.__new__\(")
    for path in SRC.rglob("*.py"):
        if path.name == "_unchecked.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert found == []


def test_defaults_and_converters_are_not_applied() -> None:
    """The caller passes final values: a list stays a list (the fast path passes tuples)."""
    checked = Stretch(
        id="a",
        name="A",
        instructions=["Go."],
        position=StartPosition.SEATED,
        dose=[Hold(seconds=5)],
    )
    values = {f.name: getattr(checked, f.name) for f in attrs.fields(Stretch)}
    stretch = unchecked(Stretch)(**{**values, "instructions": ["Go."]})
    assert stretch.instructions == ["Go."]
    assert checked.instructions == ("Go.",)
