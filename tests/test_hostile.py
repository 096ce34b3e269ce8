"""Hostile input: every file gives located errors, never an exception, a hang or a crash.

The corpus in ``tests/corpus/hostile/`` names each file ``<expected code>--<what>.json``.
Generated variants (truncations, flipped and inserted bytes) of valid catalogs
must never raise either, and whatever validates must also load.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stretchkit as sk
from conftest import CORPUS, EXAMPLES
from stretchkit.cli import main
from stretchkit.io._pointer import join_pointer

HOSTILE = sorted((CORPUS / "hostile").glob("*.json"))
VALID = [
    (CORPUS / "should-pass" / name).read_bytes()
    for name in ("minimal.json", "every-feature.json", "unicode-text.json")
]
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?:error|warning)\[[a-z0-9-]+\] /")


def test_the_corpus_has_at_least_thirty_files() -> None:
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("path", HOSTILE, ids=[p.name for p in HOSTILE])
def test_each_hostile_file_gives_located_errors(path: Path) -> None:
    issues = sk.validate_catalog(path)
    errors = [i for i in issues if i.is_error]
    assert errors, "a hostile file must not validate"
    assert path.name.split("--")[0] in [i.code for i in errors]
    for issue in errors:
        assert isinstance(issue.line, int)
        assert isinstance(issue.column, int)
        assert issue.line >= 1
        assert issue.column >= 1
        assert issue.pointer == "" or issue.pointer.startswith("/")
        assert issue.file == str(path)
        assert issue.message
    with pytest.raises(sk.CatalogError):
        sk.load_catalog(path)
    # The same bytes from memory give the same issues, only without a file name.
    same = sk.validate_catalog(path.read_bytes())
    assert [(i.code, i.pointer, i.line, i.column) for i in same] == [
        (i.code, i.pointer, i.line, i.column) for i in issues
    ]


@pytest.mark.parametrize("path", HOSTILE, ids=[p.name for p in HOSTILE])
def test_each_hostile_file_fails_on_the_command_line(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines
    for line in lines:
        assert LINE.match(line), line


def test_a_huge_array_is_refused_by_the_item_limit() -> None:
    data = b'{"format_version": 1, "stretches": [' + b"0," * 200_000 + b"0]}"
    [issue] = sk.validate_catalog(data)
    assert (issue.code, issue.pointer, issue.line) == ("too-many-items", "/stretches", 1)


def test_a_huge_document_is_refused_before_parsing() -> None:
    data = b"[" + b" " * 2_000 + b"]"
    [issue] = sk.validate_catalog(data, limits=sk.Limits(max_bytes=1_000))
    assert issue.code == "too-large"


def test_many_problems_are_capped_with_a_note() -> None:
    data = b'{"format_version": 1, "stretches": [' + b",".join([b"1"] * 3_000) + b"]}"
    issues = sk.validate_catalog(data)
    assert len(issues) == 1_001
    assert issues[-1].code == "too-many-issues"
    assert not issues[-1].is_error


def _consistent(data: bytes) -> None:
    """Never raises; and what validates without errors also loads."""
    issues = sk.validate_catalog(data)
    for issue in issues:
        assert issue.pointer == "" or issue.pointer.startswith("/")
    if not any(i.is_error for i in issues):
        assert isinstance(sk.load_catalog(data), sk.Catalog)
    else:
        with pytest.raises(sk.CatalogError):
            sk.load_catalog(data)


@given(st.sampled_from(VALID), st.data())
def test_truncated_catalogs_never_raise(valid: bytes, data: st.DataObject) -> None:
    _consistent(valid[: data.draw(st.integers(0, len(valid)))])


@given(st.sampled_from(VALID), st.data())
def test_catalogs_with_flipped_bytes_never_raise(valid: bytes, data: st.DataObject) -> None:
    damaged = bytearray(valid)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    _consistent(bytes(damaged))


_TOKENS = st.sampled_from(
    [b"{", b"}", b"[", b"]", b",", b":", b'"', b"\\", b"NaN", b"1e999", b"-", b"\x00", b"\xff",
     b"\\ud800", b"\\u0000", b'"kind": "x"', b"null", b"[" * 70, b"\xef\xbb\xbf", b"9" * 120]
)  # fmt: skip


@given(st.sampled_from(VALID), st.data())
def test_catalogs_with_inserted_tokens_never_raise(valid: bytes, data: st.DataObject) -> None:
    damaged = valid
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(damaged)))
        damaged = damaged[:at] + data.draw(_TOKENS) + damaged[at:]
    _consistent(damaged)


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    _consistent(data)


_NAMES = st.sampled_from(
    ["format_version", "stretches", "routines", "programs", "$schema", "id", "name", "kind",
     "dose", "seconds", "angles", "positions", "label", "degrees", "steps", "stretch", "context",
     "minutes", "relief", "maintenance", "routines", "position", "instructions", "sides",
     "variation", "variations", "media", "alt", "url", "count", "seconds_per_rep", "x"]
)  # fmt: skip
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["hold", "reps", "seated", "lying", "each", "a", "", "A B", "\x00", "\ud800"])
    | st.text(max_size=5)
)
_SHAPES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_NAMES, inner, max_size=5),
    max_leaves=25,
)


@given(st.dictionaries(_NAMES, _SHAPES, max_size=5), st.sampled_from([1, 1.0, 0, 2, "1", None]))
def test_catalog_shaped_nonsense_never_raises(document: dict[str, object], version: object) -> None:
    if version is not None:
        document["format_version"] = version
    issues = sk.validate_catalog(document)
    assert all(i.line is None for i in issues)
    try:
        text = json.dumps(document)
    except ValueError:
        return
    _consistent(text.encode("utf-8", "surrogatepass"))


_BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TEXT_FIELDS = [
    ("stretches", 0, "name"),
    ("stretches", 0, "instructions", 0),
    ("stretches", 12, "variations", 0, "name"),
    ("programs", 0, "audience"),
    ("routines", 0, "name"),
    ("programs", 0, "disclaimer", 0),
]


def _example() -> dict[str, Any]:
    return json.loads((EXAMPLES / "upper-back-relief.json").read_text(encoding="utf-8"))


def _set(document: Any, path: tuple[str | int, ...], make: Any) -> None:
    for part in path[:-1]:
        document = document[part]
    document[path[-1]] = make(document[path[-1]])


@given(
    code_point=st.sampled_from(_BIDI_CONTROLS),
    path=st.sampled_from(_TEXT_FIELDS),
    at=st.integers(min_value=0, max_value=3),
    escaped=st.booleans(),
)
def test_a_bidirectional_control_in_any_text_is_refused_and_located(
    code_point: int, path: tuple[str | int, ...], at: int, escaped: bool
) -> None:
    """Trojan Source: a text that reads other than it is, refused on every path, with a place."""
    document = _example()
    _set(document, path, lambda text: text[:at] + chr(code_point) + text[at:])
    raw = json.dumps(document, ensure_ascii=escaped).encode()
    for limits in (None, sk.Limits(max_bytes=sk.Limits().max_bytes - 1)):  # fast path, full path
        errors = [i for i in sk.validate_catalog(raw, limits=limits) if i.is_error]
        assert [(i.code, i.pointer) for i in errors] == [("bidi-control", join_pointer(path))]
        assert errors[0].line is not None
        assert f"U+{code_point:04X}" in errors[0].message
        with pytest.raises(sk.CatalogError):
            sk.load_catalog(raw, limits=limits)


def test_a_bidirectional_control_in_a_key_is_shown_escaped() -> None:
    raw = b'{"format_version": 1, "x\\u202e": 1}'
    lines = [i.format() for i in sk.validate_catalog(raw)]
    assert any("bidi-control" in line for line in lines)
    assert all("\u202e" not in line and "\\u202e" in line for line in lines if "/x" in line)


@given(
    value=st.one_of(
        st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=5),
        st.integers(),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=5),
        st.none(),
        st.booleans(),
    ),
    lead=st.sampled_from(["", " ", "\n\n  ", "\t"]),
)
def test_valid_json_that_is_not_an_object_is_wrong_type_at_its_start(value: Any, lead: str) -> None:
    raw = (lead + json.dumps(value)).encode()
    issues = sk.validate_catalog(raw)
    assert [(i.code, i.pointer) for i in issues] == [("wrong-type", "")]
    line = lead.count("\n") + 1
    column = len(lead) - (lead.rfind("\n") + 1) + 1
    assert (issues[0].line, issues[0].column) == (line, column)


def test_a_large_valid_document_that_is_not_a_catalog_is_refused_at_once() -> None:
    """Millions of numbers: one wrong-type issue, without a walk of every value in Python."""
    raw = b"[" + b",".join(b"%d.5" % i for i in range(2_000_000)) + b"]"
    assert len(raw) > 15_000_000
    [issue] = sk.validate_catalog(raw)
    assert (issue.code, issue.pointer, issue.line, issue.column) == ("wrong-type", "", 1, 1)


@pytest.mark.parametrize("count", [40, 199_000])
def test_the_work_on_many_bad_items_is_bounded_by_max_issues(count: int) -> None:
    """Only the first max_issues faulty items are explained; the rest are counted, not walked."""
    raw = b'{"format_version": 1, "stretches": [' + b",".join([b"{}"] * count) + b"]}"
    limits = sk.Limits(max_issues=10)
    issues = sk.validate_catalog(raw, limits=limits)
    *errors, note = issues
    assert 1 <= len(errors) <= 10
    assert {i.code for i in errors} == {"schema-required"}
    assert errors[0].pointer == "/stretches/0"
    assert note.code == "too-many-issues"
    assert f"at least {count - 10}" in note.message
    assert note.line == 1


@pytest.mark.parametrize("count", [12, 1_000_000])
def test_the_work_on_many_duplicate_keys_is_bounded_by_max_issues(count: int) -> None:
    """A million repeated keys cost what max_issues of them cost: the scan stops there."""
    from stretchkit.io._source import SourceText, scan

    members = b",".join([b'"a": 1'] * count)
    raw = b'{"format_version": 1, "stretches": [], "x": {' + members + b"}}"
    limits = sk.Limits(max_issues=10)
    *errors, note = sk.validate_catalog(raw, limits=limits)
    assert len(errors) == 10
    assert {i.code for i in errors} == {"duplicate-key"}
    assert [i.column for i in errors] == [46 + 7 * k for k in range(1, 11)]
    assert note.code == "too-many-issues"
    assert "at least 1 more" in note.message
    # The work: the source map holds the eleven duplicates it needed and stopped,
    # so it knows of a few dozen pointers, not a million.
    source = SourceText(raw.decode(), limits)
    source_map = source.source_map
    assert source_map is not None
    assert source_map.cut is not None
    assert len(source_map.duplicates) == 11
    assert len(source_map.values) + len(source_map.keys) < 40
    # Without a bound the scan lists every one (what a fixed file with few duplicates gets).
    if count < 100:
        assert len(scan(raw.decode()).duplicates) == count - 1
