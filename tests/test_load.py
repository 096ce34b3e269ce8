"""The loading API: sources, the pipeline, canonical dumps, versions and the v1 corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stretchkit as sk
from conftest import CORPUS, EXAMPLES
from stretchkit.io import MIGRATIONS, check_catalog, migrate
from stretchkit.strategies import catalogs

EXAMPLE = EXAMPLES / "upper-back-relief.json"
DOCUMENTS = sorted(EXAMPLES.glob("*.json")) + sorted(CORPUS.rglob("*.json"))
SHOULD_PASS = sorted((CORPUS / "should-pass").glob("*.json"))
SHOULD_FAIL = sorted((CORPUS / "should-fail").glob("*.json"))


def _errors(issues: list[sk.Issue]) -> list[sk.Issue]:
    return [i for i in issues if i.is_error]


# --- sources -------------------------------------------------------------------------------


def test_every_kind_of_source_gives_the_same_catalog() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    expected = sk.load_catalog(EXAMPLE)
    assert sk.load_catalog(str(EXAMPLE)) == expected
    with pytest.warns(DeprecationWarning, match="loads_catalog"):
        assert sk.load_catalog(text) == expected  # text where a path goes: still read, warned
    assert sk.load_catalog(text.encode("utf-8")) == expected
    assert sk.load_catalog(bytearray(text.encode("utf-8"))) == expected
    assert sk.load_catalog(json.loads(text)) == expected
    with pytest.warns(DeprecationWarning, match="loads_catalog"):
        assert sk.load_catalog("\ufeff\n  " + text) == expected


def test_a_str_is_text_when_it_starts_with_a_bracket_and_a_path_otherwise(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text('{"format_version": 1}', encoding="utf-8")
    assert sk.validate_catalog(str(path)) == []
    [issue] = sk.validate_catalog(str(tmp_path / "missing.json"))
    assert (issue.code, issue.file) == ("unreadable", str(tmp_path / "missing.json"))
    with pytest.warns(DeprecationWarning, match="validates_catalog"):
        [issue] = sk.validate_catalog("   ")
    assert issue.code == "json-syntax"
    with pytest.warns(DeprecationWarning, match="validates_catalog"):
        [issue] = sk.validate_catalog("[1]")
    assert issue.code == "wrong-type"


def test_unreadable_sources_are_issues_not_exceptions(tmp_path: Path) -> None:
    [issue] = sk.validate_catalog(tmp_path)  # a directory
    assert issue.code == "unreadable"
    assert issue.is_error
    with pytest.raises(sk.CatalogError) as caught:
        sk.load_catalog(tmp_path / "nope.json")
    assert [i.code for i in caught.value.issues] == ["unreadable"]


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b"0," * 1000 + b"0]")
    [issue] = sk.validate_catalog(path, limits=sk.Limits(max_bytes=100))
    assert (issue.code, issue.file) == ("too-large", str(path))


def test_a_python_mapping_is_checked_like_a_document() -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["stretches"][0]["dose"][0]["seconds"] = float("nan")
    document["stretches"][1]["name"] = ("a", "tuple")
    issues = sk.validate_catalog(document)
    assert [(i.code, i.pointer, i.line) for i in issues] == [
        ("non-finite-number", "/stretches/0/dose/0/seconds", None),
        ("wrong-type", "/stretches/1/name", None),
    ]


def test_a_mapping_with_values_json_cannot_hold_stops_at_them() -> None:
    document = {"format_version": 1, 3: "x", "stretches": [{"id": "a", 7: 1}], "routines": ({},)}
    issues = sk.validate_catalog(document)  # type: ignore[arg-type]
    assert [(i.code, i.pointer) for i in issues] == [
        ("wrong-type", "/3"),
        ("wrong-type", "/routines"),
        ("wrong-type", "/stretches/0/7"),
    ]


def test_a_source_of_another_type_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="catalog source"):
        sk.validate_catalog(42)  # type: ignore[arg-type]


# --- the pipeline ----------------------------------------------------------------------------


def test_load_raises_with_every_error_located() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('"seconds": 40', '"seconds": "40"', 1).replace(
        '"position": "supine"', '"position": "on the back"', 1
    )
    with pytest.raises(sk.CatalogError) as caught:
        sk.loads_catalog(text)
    issues = caught.value.issues
    assert {i.code for i in issues} == {"schema-type", "schema-enum"}
    for issue in issues:
        assert issue.line is not None
        assert issue.column is not None
        line = text.splitlines()[issue.line - 1]
        assert line[issue.column - 1 :].startswith(('"40"', '"on the back"'))
    assert "2 error(s)" in str(caught.value)


def test_warnings_do_not_stop_loading() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    issues, catalog = check_catalog(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert [i.code for i in issues] == ["bom"]
    assert catalog == sk.load_catalog(EXAMPLE)


def test_an_unknown_kind_is_one_clear_issue_not_a_cascade() -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["stretches"][0]["dose"][0] = {"kind": "stretchy", "secs": 3, "angles": 7}
    [issue] = sk.validate_catalog(document)
    assert (issue.code, issue.pointer) == ("unknown-kind", "/stretches/0/dose/0/kind")
    assert "hold" in issue.message


def test_an_unknown_field_points_at_its_key_and_suggests_the_right_one() -> None:
    text = '{"format_version": 1,\n "stretchs": []}'
    [issue] = sk.validates_catalog(text)
    assert (issue.code, issue.pointer, issue.line, issue.column) == (
        "schema-additional-properties",
        "/stretchs",
        2,
        2,
    )
    assert "'stretches'" in issue.message


def test_semantic_issues_are_located_too() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '"stretch": "bridge"', '"stretch": "bridgee"', 1
    )
    issues = _errors(sk.validates_catalog(text))
    assert [i.code for i in issues] == ["unknown-stretch"]
    assert issues[0].line is not None
    assert text.splitlines()[issues[0].line - 1][issues[0].column - 1 :].startswith('"bridgee"')


@settings(max_examples=15)
@given(catalogs())
def test_generated_catalogs_dump_validate_and_load_back(catalog: sk.Catalog) -> None:
    text = sk.dump_catalog(catalog)
    assert _errors(sk.validates_catalog(text)) == []
    assert sk.loads_catalog(text) == catalog
    assert sk.dump_catalog(sk.loads_catalog(text)) == text


def test_dump_is_canonical_text() -> None:
    catalog = sk.load_catalog(EXAMPLE)
    text = sk.dump_catalog(catalog)
    assert text.endswith("}\n")
    assert text.startswith('{\n  "format_version": 1,')
    assert "°" in text or "\\u" not in text  # UTF-8 as is, never ASCII escapes
    assert sk.loads_catalog(text) == catalog


def test_the_schema_is_the_published_one() -> None:
    schema = sk.catalog_schema()
    root = Path(__file__).resolve().parent.parent
    published = json.loads((root / "schemas" / "catalog.schema.json").read_text(encoding="utf-8"))
    assert schema == published


# --- format versions -------------------------------------------------------------------------


def _zero_to_one(document: dict[str, Any]) -> dict[str, Any]:
    """A pretend version 0 that called stretches "exercises"."""
    upgraded = {k: v for k, v in document.items() if k != "exercises"}
    upgraded["stretches"] = document.get("exercises", [])
    upgraded["format_version"] = 1
    return upgraded


def test_a_registered_migration_upgrades_an_old_document_without_changing_it() -> None:
    old = {"format_version": 0, "exercises": [{"id": "x"}]}
    new = migrate(old, migrations={0: _zero_to_one})
    assert new == {"format_version": 1, "stretches": [{"id": "x"}]}
    assert old == {"format_version": 0, "exercises": [{"id": "x"}]}
    assert MIGRATIONS == {}  # version 1 is the only one so far


def test_an_integral_float_version_is_that_version() -> None:
    assert migrate({"format_version": 1.0}) == {"format_version": 1.0}


def test_migrations_chain_one_version_at_a_time() -> None:
    steps = {
        1: lambda d: {**d, "format_version": 2, "one": True},
        2: lambda d: {**d, "format_version": 3, "two": True},
    }
    assert migrate({"format_version": 1}, migrations=steps, current=3) == {
        "format_version": 3,
        "one": True,
        "two": True,
    }


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({}, "missing-version"),
        ({"format_version": 2}, "unsupported-version"),
        ({"format_version": 0}, "unsupported-version"),
        ({"format_version": -1}, "unsupported-version"),
        ({"format_version": 1.5}, "unsupported-version"),
        ({"format_version": 2.0}, "unsupported-version"),
        ({"format_version": True}, "unsupported-version"),
        ({"format_version": None}, "unsupported-version"),
    ],
)
def test_a_version_without_a_known_path_is_an_error_never_a_guess(
    document: dict[str, Any], code: str
) -> None:
    with pytest.raises(sk.CatalogError) as caught:
        migrate(document)
    assert [i.code for i in caught.value.issues] == [code]


def test_a_broken_migration_is_a_bug_not_bad_content() -> None:
    with pytest.raises(RuntimeError, match="version 0"):
        migrate({"format_version": 0}, migrations={0: lambda d: d})


# --- the version-1 corpus: kept accepting, kept rejecting --------------------------------------


def test_the_corpus_is_there() -> None:
    assert len(SHOULD_PASS) >= 8
    assert len(SHOULD_FAIL) >= 20


@pytest.mark.parametrize("path", SHOULD_PASS, ids=[p.name for p in SHOULD_PASS])
def test_should_pass_documents_load(path: Path) -> None:
    issues = sk.validate_catalog(path)
    assert _errors(issues) == []
    assert isinstance(sk.load_catalog(path), sk.Catalog)


@pytest.mark.parametrize("path", SHOULD_FAIL, ids=[p.name for p in SHOULD_FAIL])
def test_should_fail_documents_are_refused_for_their_reason(path: Path) -> None:
    """The file name says the code: ``<code>--<what>.json``."""
    expected = path.name.split("--")[0]
    errors = _errors(sk.validate_catalog(path))
    assert expected in [i.code for i in errors]
    for issue in errors:
        assert issue.line is not None
        assert issue.file == str(path)
    with pytest.raises(sk.CatalogError):
        sk.load_catalog(path)


@given(st.sampled_from(SHOULD_PASS))
@settings(max_examples=10)
def test_dumping_a_should_pass_document_keeps_it_loadable(path: Path) -> None:
    catalog = sk.load_catalog(path)
    assert sk.loads_catalog(sk.dump_catalog(catalog)) == catalog


# --- the quick path agrees with the schema ------------------------------------------------------

_EDGES = st.sampled_from(
    [0, -1, 1, 1.0, 30.0, 0.5, 1e9, 10**20, "", " ", "x" * 2001, "x" * 121, "x" * 65, "a-b",
     "A", True, False, None, [], {}, ["x"], [1], {"a": 1}, "supine", "each", "hold", 3600,
     3601, 48, 49, 100, 101, 1000, 1001, 8760, 8761, -360, 361, 0.1, 0.09, 600, 601, "\u00a0",
     "https://x", ["a"] * 25, ["a"] * 51, ["a-b", "a-b"], "-a", "a--b", "a-"]
)  # fmt: skip
_BASES = [
    json.loads(p.read_text(encoding="utf-8-sig"))
    for p in SHOULD_PASS
    if p.name in ("every-feature.json", "minimal.json", "upper-back-relief.json")
]


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@given(st.sampled_from(_BASES), st.data())
def test_the_short_paths_agree_with_the_full_schema(
    base: dict[str, Any], data: st.DataObject
) -> None:
    """Loading skips the schema when the strict converter succeeds, and an invalid file meets
    the schema only at its top level and the items the converter refused: neither may change
    the answer."""
    from stretchkit.io._explain import schema_errors, suspect_items
    from stretchkit.io._schema import catalog_validator
    from stretchkit.io._semantic import semantic_issues_raw
    from stretchkit.io._structure import structure

    document = json.loads(json.dumps(base))

    def edge() -> Any:
        return json.loads(json.dumps(data.draw(_EDGES)))  # a fresh copy: no shared lists

    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(document)))
        parent: Any = document
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            key = data.draw(st.sampled_from(["extra", "kind", "$schema", "id"]))
            parent[key] = edge()
        else:
            parent[path[-1]] = edge()
    try:
        migrate(document)
    except sk.CatalogError:
        return  # the pipeline stops at the version; the schema never sees this document
    catalog, problems = structure(document)
    if catalog is not None and not any(i.is_error for i in semantic_issues_raw(document)):
        assert catalog_validator().is_valid(document)
        assert [i for i in sk.validate_catalog(document) if i.is_error] == []
    full = schema_errors(document, 10**6)
    targeted = schema_errors(document, 10**6, suspect_items(p for p, _ in problems))
    assert sorted(i.pointer + i.message for i, _ in targeted) == sorted(
        i.pointer + i.message for i, _ in full
    )


def test_the_success_path_builds_no_source_map_and_runs_no_schema() -> None:
    """Locating and explaining are for failures; a valid file pays for neither."""
    from stretchkit.io._parse import parse_json

    parsed = parse_json(EXAMPLE.read_bytes())
    assert parsed.issues == ()
    assert parsed.source is not None
    assert parsed.source._map is None
    code = (
        "import sys, stretchkit as sk; "
        f"assert sk.validate_catalog({str(EXAMPLE)!r}) == []; "
        "print('jsonschema' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "False"


def test_loads_catalog_never_opens_a_file(tmp_path: Path) -> None:
    """Untrusted text naming a file is parsed as (bad) JSON, not read from the disk."""
    secret = tmp_path / "secret.json"
    secret.write_text('{"format_version": 1}', encoding="utf-8")
    assert sk.load_catalog(secret) == sk.Catalog()
    for text in (str(secret), "secret.json", "/etc/passwd"):
        with pytest.raises(sk.CatalogError) as raised:
            sk.loads_catalog(text)
        assert [i.code for i in raised.value.issues] == ["json-syntax"]
        assert raised.value.issues[0].file is None
    with pytest.raises(TypeError, match="load_catalog"):
        sk.loads_catalog(secret)  # type: ignore[arg-type]


def test_validates_catalog_never_opens_a_file(tmp_path: Path) -> None:
    """The validating twin of loads_catalog: a str is the document, never a path."""
    secret = tmp_path / "secret.json"
    secret.write_text('{"format_version": 1, "stretches": 3}', encoding="utf-8")
    assert [i.code for i in sk.validate_catalog(secret)] == ["schema-type"]
    for text in (str(secret), "secret.json", "/etc/passwd"):
        issues = sk.validates_catalog(text)
        assert [i.code for i in issues] == ["json-syntax"]
        assert issues[0].file is None
    with pytest.raises(TypeError, match="validate_catalog"):
        sk.validates_catalog(secret)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_validates_catalog_finds_what_validate_catalog_finds(path: Path) -> None:
    raw = path.read_bytes()
    want = sk.validate_catalog(raw)
    got = sk.validates_catalog(raw)
    assert got == want
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    if text.lstrip(" \t\r\n\ufeff")[:1] not in ("{", "["):
        return  # the deprecated call below would take this str for a path
    with pytest.warns(DeprecationWarning, match="validates_catalog"):
        want = sk.validate_catalog(text)
    assert sk.validates_catalog(text) == want


@given(st.sampled_from(["", " ", "\ufeff"]))
def test_json_text_given_as_a_path_still_loads_with_a_warning(space: str) -> None:
    text = space + (EXAMPLES / "upper-back-relief.json").read_text(encoding="utf-8")
    with pytest.warns(DeprecationWarning, match="loads_catalog"):
        catalog = sk.load_catalog(text)
    with pytest.warns(DeprecationWarning, match="validates_catalog"):
        issues = sk.validate_catalog(text)
    assert [i.code for i in issues] == [i.code for i in sk.validate_catalog(text.encode())]
    assert catalog == sk.loads_catalog(text) == sk.loads_catalog(text.encode())
