"""The events JSON Schema: events the library writes validate, and it ships with the package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from referencing import Registry

from stretchkit import EngineError, Event, event_from_dict
from test_engine_properties import events

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "schemas" / "events.schema.json"
PACKAGED = ROOT / "src" / "stretchkit" / "schemas" / "events.schema.json"
SCHEMA = json.loads(PUBLISHED.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, registry=Registry(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def test_the_packaged_copy_is_identical() -> None:
    assert PACKAGED.read_bytes() == PUBLISHED.read_bytes()


def test_the_schema_is_valid_and_documented() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"].startswith("https://")

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "const" in sub and len(sub) == 1:
                    continue  # the tag inside a branch: documented at the top
                for key in ("title", "description", "examples"):
                    assert key in sub, f"property {name} lacks {key}"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SCHEMA)


def test_the_schema_examples_are_events() -> None:
    for example in SCHEMA["examples"]:
        VALIDATOR.validate(example)
        assert event_from_dict(example).to_dict() == example


@given(events())
def test_written_events_validate(history: list[Event]) -> None:
    for event in history:
        VALIDATOR.validate(json.loads(json.dumps(event.to_dict())))


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "pain_reported", "id": "a", "at": "2026-03-02T09:00:00", "level": 1},
        {"type": "pain_reported", "id": "a", "at": "2026-03-02 09:00:00+01:00", "level": 1},
        {"type": "pain_reported", "id": "a", "at": "2026-03-02T09:00:00+01:00", "level": 11},
        {"type": "pain_reported", "id": "a", "at": "2026-03-02T09:00:00+01:00", "level": "3"},
        {"type": "pain_reported", "id": "a", "at": "2026-03-02T09:00:00+01:00", "levl": 3},
        {"type": "stretch_reenabled", "id": "a", "at": "2026-03-02T09:00:00Z", "stretch_id": "A"},
        {"type": "pain_hurt", "id": "a", "at": "2026-03-02T09:00:00Z"},
        {
            "type": "session_logged",
            "id": "a",
            "at": "2026-03-02T09:10:00Z",
            "session": {
                "id": "a",
                "routine": "r",
                "started_at": "2026-03-02T09:00:00Z",
                "ended_at": "2026-03-02T09:10:00Z",
                "steps": [{"stretch": "x", "outcome": "skipped"}],
            },
        },
    ],
)
def test_bad_events_are_refused_by_schema_and_reader(bad: dict[str, Any]) -> None:
    assert not VALIDATOR.is_valid(bad)
    with pytest.raises(EngineError):
        event_from_dict(bad)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 20)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["2026-03-29T02:30:00+01:00", "2026-03-02T09:00:00+25:00", "wall-angel"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)


def _mutate(doc: Any, path: list[str], value: Any, drop: bool) -> Any:
    if not path or not isinstance(doc, dict):
        return value
    head, *rest = path
    out = dict(doc)
    if drop and not rest:
        out.pop(head, None)
    else:
        out[head] = _mutate(doc.get(head), rest, value, drop)
    return out


@given(
    events(),
    st.lists(
        st.sampled_from(["type", "id", "at", "level", "session", "stretch_id", "x"]), max_size=1
    ).flatmap(
        lambda p: (
            st.just(p)
            | st.sampled_from(
                [
                    ["session", k]
                    for k in ("started_at", "ended_at", "steps", "pain_before", "id", "y")
                ]
            )
        )
    ),
    json_values,
    st.booleans(),
)
def test_a_damaged_event_is_read_or_refused_with_a_sentence(
    history: list[Event], path: list[str], value: Any, drop: bool
) -> None:
    """Bad input never gives a traceback: EngineError with a path, or a schema-valid event."""
    for event in history[:3]:
        doc = _mutate(event.to_dict(), path, value, drop)
        try:
            back = event_from_dict(doc)
        except EngineError as e:
            message = str(e)
        else:
            message = ""
            VALIDATOR.validate(doc)
            # What is read survives its own canonical form; the form may differ from
            # ``doc`` only where ``doc`` spelled out a default (``"steps": []``).
            canonical = back.to_dict()
            VALIDATOR.validate(canonical)
            assert event_from_dict(canonical) == back
            assert canonical == doc or back == event or _without_defaults(doc) == canonical
        assert isinstance(message, str)


def _without_defaults(doc: Any) -> Any:
    """``doc`` with the empty lists and nulls the canonical form leaves out."""
    if isinstance(doc, dict):
        return {k: _without_defaults(v) for k, v in doc.items() if v not in ([], None)}
    if isinstance(doc, list):
        return [_without_defaults(v) for v in doc]
    return doc


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2026-03-02T09:00:00+15:00", "impossible offset"),
        ("2026-03-02T09:00:00+25:00", "not an RFC 3339"),
        ("2026-02-30T09:00:00+01:00", "not an RFC 3339"),
        ("2026-03-02T09:00:00", "no offset"),
        ("2026-03-02", "not an RFC 3339"),
    ],
)
def test_impossible_times_in_stored_events_are_refused(at: str, message: str) -> None:
    with pytest.raises(EngineError, match=message) as info:
        event_from_dict({"type": "pain_reported", "id": "a", "at": at, "level": 0})
    assert str(info.value).startswith("/at: ")
