"""The compiled schema checks report what jsonschema reports, error for error.

:mod:`stretchkit.io._schema_checks` replaces Python ``jsonschema`` when a catalog
with mistakes is explained. Each error must be jsonschema's: the same keyword,
value, instance, schema node, path and message, in the same order, for whole
documents and for single items, on mutated generated catalogs, hostile values
and every corpus file.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from stretchkit import dump_catalog
from stretchkit.io._explain import _clean_text_validator, _item_validator
from stretchkit.io._fast import _doubtful_text
from stretchkit.io._schema import _schema, catalog_validator
from stretchkit.io._schema_checks import Unsupported, catalog_checks, compile_schema
from stretchkit.strategies import catalogs
from test_fast_load import FILES, _mutate, _paths

_ODD: list[Any] = [
    0, -1, 1, 1.0, 30.0, 0.5, 1e9, 10**20, "", " ", "x" * 2001, "x" * 121, "x" * 65, "a-b",
    "A", True, False, None, [], {}, ["x"], [1], {"a": 1}, "supine", "each", "hold", 3600,
    3601, 48, 49, 0.09, 601, "\u00a0", "a\u202eb", "a\x7f", ["a"] * 25, ["a-b", "a-b"],
    ["seated", "seated"], [True, 1], [1, 1.0], [[1], [1.0]], [{"a": 1}, {"a": True}], "-a",
    {"kind": "hold"}, {"kind": "wiggle", "seconds": 5}, {"kind": "hold", "seconds": 0},
    {"kind": "reps", "count": 0, "seconds_per_rep": 2, "extra": 1}, float("inf"), -0.0,
]  # fmt: skip


def _errors(validator: Any, instance: Any) -> list[tuple[Any, ...]]:
    """What stretchkit reads of each error (and the schema node's declared properties)."""
    return [
        (
            e.validator,
            json.dumps(e.validator_value, sort_keys=True, default=repr),
            repr(e.instance),
            list(e.absolute_path),
            e.message,
            list(e.schema.get("properties", {})) if isinstance(e.schema, dict) else e.schema,
            e.context or (),
        )
        for e in validator.iter_errors(instance)
    ]


def _agree(document: Any) -> None:
    """The whole document and each item of its arrays, both ways."""
    ours = catalog_checks()
    assert ours is not None
    assert _errors(ours, document) == _errors(catalog_validator(), document)
    assert ours.is_valid(document) == catalog_validator().is_valid(document)
    if not isinstance(document, dict):
        return
    for key in ("stretches", "routines", "programs"):
        items = document.get(key)
        item = catalog_checks(key)
        assert item is not None
        if isinstance(items, list):
            for value in items:
                assert _errors(item, value) == _errors(_item_validator(key), value)
    if _clean(document):
        # The text scan found every string clean: the checks that trust it agree too.
        assert _errors(_clean_text_validator(None), document) == _errors(
            catalog_validator(), document
        )
        for key in ("stretches", "routines", "programs"):
            items = document.get(key)
            if isinstance(items, list):
                for value in items:
                    assert _errors(_clean_text_validator(key), value) == _errors(
                        _item_validator(key), value
                    )


def _clean(document: Any) -> bool:
    """Would the fast path's text scan find the document's strings clean?"""
    try:
        raw = json.dumps(document, ensure_ascii=False).encode()
    except (UnicodeEncodeError, ValueError):
        return False
    return not _doubtful_text(raw)


def _poke(document: Any, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and data.draw(st.booleans()):
        parent[data.draw(st.sampled_from(["extra", "kind", "id", "$schema", "seconds"]))] = (
            json.loads(json.dumps(data.draw(st.sampled_from(_ODD))))
        )
    else:
        parent[path[-1]] = json.loads(json.dumps(data.draw(st.sampled_from(_ODD))))


@settings(max_examples=80)
@given(catalogs(max_stretches=4, max_routines=3), st.data())
def test_mutated_documents_give_jsonschemas_errors(catalog: Any, data: st.DataObject) -> None:
    document = json.loads(dump_catalog(catalog))
    for _ in range(data.draw(st.integers(1, 4))):
        if not _paths(document)[1:]:
            break
        if data.draw(st.booleans()):
            _mutate(document, data)
            document = copy.deepcopy(document)  # share nothing with the hostile values
        else:
            _poke(document, data)
    _agree(document)


@given(st.sampled_from(_ODD))
def test_odd_documents_give_jsonschemas_errors(value: Any) -> None:
    _agree(value)
    _agree({"format_version": value, "stretches": value, "routines": [value]})


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_corpus_gives_jsonschemas_errors(path: Path) -> None:
    try:
        document = json.loads(path.read_bytes())
    except (ValueError, RecursionError):  # not JSON, or deeper than any limit allows
        return
    _agree(document)


def test_every_keyword_jsonschema_knows_is_checked() -> None:
    """A validating keyword the compiler skipped would hide errors: it must refuse instead."""
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    from stretchkit.io._schema_checks import _IGNORED

    assert not _IGNORED & set(Draft202012Validator.VALIDATORS)
    schema: Any
    for schema in ({"not": {}}, {"anyOf": [{}]}, {"$ref": "https://x"}, {"format": "email"}):
        with pytest.raises(Unsupported):
            compile_schema(schema)


def test_the_catalog_schema_compiles() -> None:
    assert catalog_checks() is not None
    assert all(catalog_checks(key) is not None for key in ("stretches", "routines", "programs"))
    assert catalog_checks().is_valid(json.loads(dump_catalog(_example())))  # type: ignore[union-attr]
    assert _schema()["$defs"]  # the references it follows


def _example() -> Any:
    from stretchkit import load_catalog

    return load_catalog(ROOT / "examples" / "upper-back-relief.json")


@pytest.mark.parametrize("text", ["", " ", "ok"])
def test_an_empty_or_blank_name_in_clean_text_gives_jsonschemas_errors(text: str) -> None:
    """The trusted text pattern still checks an empty string (the scan never flags one)."""
    document = json.loads((ROOT / "examples" / "upper-back-relief.json").read_bytes())
    document["stretches"][0]["name"] = text
    document["stretches"][1]["dose"][0]["kind"] = "hold"
    _agree(document)
