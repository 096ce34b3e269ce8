"""The screened pipeline says exactly what the full one says, on documents with mistakes.

``validate_catalog`` asks the converter only about the items
:func:`stretchkit.io._screen.screen` suspects (``stages(screened=True)``); the
full pipeline asks it about the whole document. Same issues (codes, messages,
pointers, lines, order) and the same catalog, on mutated generated catalogs,
several mistakes at once, and every corpus file.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import attrs
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from stretchkit import Limits, dump_catalog
from stretchkit.io._parse import parse_json
from stretchkit.io._pipeline import stages
from stretchkit.io._pointer import escape_token
from stretchkit.io._report import Report
from stretchkit.io._screen import screen, screen_bytes
from stretchkit.io._shortcuts import _within_by_size, parse_screened
from stretchkit.io._source import _targeted_bytes
from stretchkit.io._values import quick_check
from stretchkit.strategies import catalogs
from test_fast_load import FILES, _mutate, _paths


def _both(data: bytes | dict[str, Any], limits: Limits | None = None) -> Any:
    """Both pipelines' answers, which must be equal; returns the issues."""
    limits = limits or Limits()
    screened = stages(data, Report(source=None, limits=limits, file=None), limits)
    full = stages(data, Report(source=None, limits=limits, file=None), limits, screened=False)
    assert screened == full
    return screened[0]


# Mistakes the screen must not miss: the schema rules a Struct does not state (slugs,
# unique arrays, text), rules beyond the schema, and values the Structs refuse but the
# schema and the converter allow (30.0 for 30).
_SCREEN_OPS = ["slug", "repeat-position", "label", "url", "float-int", "text"]


def _screen_mutation(document: dict[str, Any], data: st.DataObject) -> None:
    stretches = document.get("stretches") or []
    if not stretches:
        return
    s = data.draw(st.sampled_from(stretches))
    op = data.draw(st.sampled_from(_SCREEN_OPS))
    if op == "slug":
        field = data.draw(st.sampled_from(["id", "equipment", "targets"]))
        bad = data.draw(st.sampled_from(["Up", "a_b", "a--b", "-a", "é"]))
        s[field] = [*s.get(field, []), bad] if field != "id" else bad
    elif op == "repeat-position":
        others = data.draw(st.sampled_from([[s["position"]], ["seated", "seated"]]))
        s["other_positions"] = others
    elif op == "label":
        for part in s["dose"]:
            for key in ("angles", "positions"):
                if key in part and len(part[key]) >= 2:
                    part[key][1]["label"] = part[key][0]["label"].upper()
    elif op == "url":
        url = data.draw(st.sampled_from(["javascript:alert(1)", "../x.png", "file:///etc"]))
        s["media"] = [{"kind": "image", "url": url, "alt": "a picture"}]
    elif op == "float-int":
        s["dose"][0] = {"kind": "hold", "seconds": data.draw(st.sampled_from([30.0, 0.0, 30.5]))}
    else:
        s["name"] = data.draw(st.sampled_from([" ", "a\u202eb", "a\x7fb", "a\x85b", "\u3000"]))


def _mutated(catalog: Any, data: st.DataObject) -> dict[str, Any]:
    """The catalog's document with a few mistakes: the screen's own mutations first (they
    expect a catalog's shape), then any."""
    document: dict[str, Any] = json.loads(dump_catalog(catalog))
    for _ in range(data.draw(st.integers(0, 2))):
        _screen_mutation(document, data)
    for _ in range(data.draw(st.integers(0, 2))):
        if _paths(document)[1:]:
            _mutate(document, data)
            document = copy.deepcopy(document)  # share nothing with the hostile values
    return document


@settings(max_examples=60)
@given(catalogs(max_stretches=4, max_routines=3), st.data())
def test_mutated_documents_give_the_same_issues_both_ways(
    catalog: Any, data: st.DataObject
) -> None:
    document = _mutated(catalog, data)
    raw = json.dumps(
        document,
        ensure_ascii=data.draw(st.booleans()),
        indent=data.draw(st.sampled_from([None, 2])),
    ).encode("utf-8", "surrogatepass")
    _both(raw)
    _both(raw, Limits(max_issues=data.draw(st.integers(1, 3))))
    try:
        parsed = json.loads(raw)
    except ValueError:
        return
    if isinstance(parsed, dict):
        _both(parsed)  # a mapping: no text, no lines


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_corpus_gives_the_same_issues_both_ways(path: Path) -> None:
    _both(path.read_bytes())


def test_a_single_mistake_anywhere_is_found_and_explained() -> None:
    """One bad hold in the last stretch of many: the screen suspects that item alone."""
    document = json.loads((ROOT / "examples" / "upper-back-relief.json").read_bytes())
    stretches = document["stretches"]
    document["stretches"] = [
        {**json.loads(json.dumps(stretches[i % len(stretches)])), "id": f"s-{i}"} for i in range(60)
    ]
    document["routines"] = []
    document["programs"] = []
    document["stretches"][-1]["dose"][0] = {"kind": "hold", "seconds": 0}
    found = screen(document)
    assert found.suspects == {("stretches", 59)}
    assert found.misfits == (("stretches", 59),)
    issues = [i for i in _both(json.dumps(document, indent=2).encode()) if i.is_error]
    assert [(i.code, i.pointer) for i in issues] == [
        ("schema-minimum", "/stretches/59/dose/0/seconds")
    ]
    assert issues[0].line is not None


def test_rules_a_struct_does_not_state_are_suspected() -> None:
    """Slugs, a repeated start position and text rules: the Structs accept all three."""
    document = json.loads((ROOT / "examples" / "upper-back-relief.json").read_bytes())
    document["stretches"][0]["id"] = "Not-A-Slug"
    document["stretches"][1]["other_positions"] = ["seated", "seated"]
    document["routines"][0]["name"] = "a\u202eb"
    found = screen(document)
    assert found.misfits == ()
    assert {("stretches", 0), ("stretches", 1), ("routines", 0)} <= found.suspects
    _both(json.dumps(document).encode())


_NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=0, max_value=8760, allow_nan=False),
)
_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | _NUMBERS | st.text(st.characters(codec="ascii"), max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=60)
@given(catalogs(max_stretches=3, max_routines=2), st.data())
def test_the_parse_in_c_gives_what_the_parse_stage_gives(catalog: Any, data: st.DataObject) -> None:
    """Numbers of every size, odd keys and strings: the same value, key order and types."""
    document = json.loads(dump_catalog(catalog))
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(_NUMBERS | _VALUES)
    raw = json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    early = parse_screened(raw, Limits())
    if early is None:
        return
    parsed = parse_json(raw, Limits())
    assert parsed.issues == ()
    assert not parsed.fatal
    assert json.dumps(early[0].value) == json.dumps(parsed.value)  # 1 and 1.0 differ here
    assert early[0].value == parsed.value


@settings(max_examples=60)
@given(catalogs(max_stretches=4, max_routines=3), st.data())
def test_screening_the_bytes_finds_what_screening_the_parsed_document_finds(
    catalog: Any, data: st.DataObject
) -> None:
    """Items decoded from their own spans into Structs: the same misfits and suspects as
    converting the parsed items, and every suspect's value as parsed."""
    document = _mutated(catalog, data)
    raw = json.dumps(document, ensure_ascii=data.draw(st.booleans())).encode(
        "utf-8", "surrogatepass"
    )
    found = screen_bytes(raw)
    try:
        parsed = msgspec.json.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return
    if found is None or not isinstance(parsed, dict):
        return
    sparse, screened, _, spans = found
    assert screened == screen(parsed, text_checked=True)
    wanted = set(data.draw(st.lists(st.sampled_from(["", *_pointers(parsed)]), max_size=4)))
    assert _targeted_bytes(raw, wanted, spans) == _targeted_bytes(raw, wanted)
    assert sparse.keys() == parsed.keys()
    for key, value in parsed.items():
        if key in ("stretches", "routines", "programs") and isinstance(value, list):
            assert len(sparse[key]) == len(value)
            for index, item in enumerate(sparse[key]):
                assert item == (value[index] if (key, index) in screened.suspects else None)
        else:
            assert sparse[key] == value


def _pointers(value: Any, prefix: str = "") -> list[str]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _pointers(child, f"{prefix}/{escape_token(key)}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _pointers(child, f"{prefix}/{index}")
    return found


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**130), max_value=10**130)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=80,
)


@given(_JSON_VALUES, st.integers(min_value=0, max_value=70))
def test_an_item_within_the_limits_by_size_is_within_them(value: Any, deeper: int) -> None:
    """The screen skips the walk over a misfit whose text alone keeps it within the limits."""
    for _ in range(deeper):
        value = [value]
    text = json.dumps(value).encode()
    if _within_by_size(text):
        assert quick_check([value], attrs.evolve(Limits(), max_depth=Limits().max_depth - 1))
