"""The fast success path of loading never says yes when the full pipeline says no.

:mod:`stretchkit.io._fast` may only accept a document the full pipeline
accepts, and must then build an equal catalog (equal dumps, so int/float and
every default agree too). Here that is held on generated catalogs (which it
must accept), on mutations of them (hostile values, dropped, added and
duplicated keys, control characters, other kinds), on the corpus and the
examples, and its Structs are held to the published schema so neither can
change alone.
"""

from __future__ import annotations

import gc
import json
import re
import threading
import unicodedata
from pathlib import Path
from typing import Any

import attrs
import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CORPUS, EXAMPLES, ROOT
from stretchkit import (
    CatalogError,
    Limits,
    dump_catalog,
    load_catalog,
    loads_catalog,
    validate_catalog,
    validates_catalog,
)
from stretchkit.io import _fast
from stretchkit.io._build import converters
from stretchkit.io._fast import STRUCTS, fast_catalog
from stretchkit.io._load import check_catalog
from stretchkit.io._semantic import CHECKED_IN_FULL
from stretchkit.model._validators import SLUG_PATTERN
from stretchkit.strategies import catalogs

_CONVERTERS = converters(CHECKED_IN_FULL)
FULL = Limits(max_bytes=Limits().max_bytes - 1)
"""Limits one byte below the defaults: no effect on these documents, but the fast path,
which only vouches under limits at least as generous as the defaults, stands aside."""

SCHEMA = json.loads((ROOT / "schemas" / "catalog.schema.json").read_text(encoding="utf-8"))
FILES = sorted(p for d in (CORPUS, EXAMPLES, ROOT / "tests" / "data") for p in d.rglob("*.json"))


def _full(raw: bytes | str) -> Any:
    """The catalog the full pipeline builds, or ``None`` when it refuses the document."""
    try:
        return load_catalog(raw, limits=FULL)
    except CatalogError:
        return None


def _agree(raw: bytes) -> Any:
    """Whatever the fast path says is what the full pipeline says; returns the fast verdict."""
    fast = fast_catalog(raw)
    full = _full(raw)
    if fast is not None:
        assert full is not None, "the fast path accepted a document the full pipeline refuses"
        assert fast == full
        assert dump_catalog(fast) == dump_catalog(full)
    return fast


# --- generated catalogs ----------------------------------------------------------------------


@given(catalogs())
def test_every_generated_catalog_takes_the_fast_path(catalog: Any) -> None:
    raw = dump_catalog(catalog).encode()
    fast = fast_catalog(raw)
    assert fast is not None
    assert fast == catalog == _full(raw)
    assert load_catalog(raw) == catalog
    assert dump_catalog(fast) == dump_catalog(catalog)


@given(catalogs(), st.booleans())
def test_ascii_escapes_and_compact_text_agree(catalog: Any, indent: bool) -> None:
    """Escaped non-ASCII text (``\\u00e9``) and other layouts: the fast path still agrees."""
    document = json.loads(dump_catalog(catalog))
    raw = json.dumps(document, ensure_ascii=True, indent=2 if indent else None).encode()
    _agree(raw)


# --- mutations -------------------------------------------------------------------------------

HOSTILE: list[Any] = [
    0, -1, 1, 30.0, 30.5, 1e300, True, False, None, "", " ", "\u00a0", "\u2003", "\u3000",
    "x", "X", "a b", "a--b", "-a", "a\u0085b", "a\x7fb", "a\x01b", "a\nb", "\u200b",
    "ok text", [], {}, [1], {"k": 1}, 10**30, 3600, 3601, 24, 25, 48, 49, 600.5, 0.05,
    "hold", "wiggle", "reps", "breath", "angle_sequence", "lying", "sitting", "standing",
    "each", "none", "image", "a" * 65, "a" * 121, "é", "\ud800", "\"", "\\", '":',
]  # fmt: skip
KINDS = ["hold", "angle_sequence", "position_sequence", "reps", "breath", "wiggle"]
EXTRA_KEYS = ["extra", "kind", "id", "seconds", "hold_seconds", "sides", "$schema", "Id"]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _mutate(document: Any, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    op = data.draw(st.sampled_from(["value", "drop", "add", "copy", "text", "kind"]))
    if op == "value":
        parent[last] = data.draw(st.sampled_from(HOSTILE))
    elif op == "drop":
        del parent[last]
    elif op == "add" and isinstance(parent, dict):
        parent[data.draw(st.sampled_from(EXTRA_KEYS))] = data.draw(st.sampled_from(HOSTILE))
    elif op == "copy" and isinstance(parent, list):
        parent.append(json.loads(json.dumps(parent[last])))
    elif op == "text" and isinstance(parent[last], str):
        text = parent[last]
        parent[last] = data.draw(
            st.sampled_from(
                [text.upper(), text + " ", text + "\t", text + "\x1f", text + "\x9f", text[:-1]]
            )
        )
    elif op == "kind" and isinstance(parent, dict) and "kind" in parent:
        parent["kind"] = data.draw(st.sampled_from(KINDS))


@given(catalogs(max_stretches=3, max_routines=2), st.data())
def test_mutated_documents_never_fool_the_fast_path(catalog: Any, data: st.DataObject) -> None:
    document = json.loads(dump_catalog(catalog))
    for _ in range(data.draw(st.integers(1, 2))):
        if _paths(document)[1:]:
            _mutate(document, data)
    raw = json.dumps(
        document,
        ensure_ascii=data.draw(st.booleans()),
        indent=data.draw(st.sampled_from([None, 2])),
    ).encode("utf-8", "surrogatepass")
    if _agree(raw) is not None:
        assert validate_catalog(raw) == validate_catalog(raw, limits=FULL)


@given(catalogs(max_stretches=3, max_routines=3), st.data())
def test_warnings_found_fast_are_the_full_pipelines(catalog: Any, data: st.DataObject) -> None:
    """Minutes that do not match, repeated steps, duplicate entries, a capped first rest."""
    document = json.loads(dump_catalog(catalog))
    for routine in document.get("routines", []):
        if data.draw(st.booleans()):
            routine["minutes"] = data.draw(
                st.integers(1, 600) | st.floats(0.1, 600, allow_nan=False)
            )
        if data.draw(st.booleans()):
            at = data.draw(st.integers(0, len(routine["steps"]) - 1))
            routine["steps"].insert(at, routine["steps"][at])
    for stretch in document.get("stretches", []):
        for obj, keys in [
            (stretch, ["equipment", "targets", None]),
            *((v, ["equipment", None]) for v in stretch.get("variations", [])),
        ]:
            key = data.draw(st.sampled_from(keys))
            if key is not None:
                obj[key] = [*obj.get(key, []), "mat", "mat"]
    for program in document.get("programs", []):
        hours = st.integers(0, 8760) | st.floats(0, 8760, allow_nan=False)
        program["reintroduction"] = {
            k: data.draw(hours)
            for k in ("rest_hours", "max_rest_hours")
            if data.draw(st.booleans())
        }
    raw = json.dumps(document, ensure_ascii=False, indent=data.draw(st.sampled_from([None, 2])))
    assert fast_catalog(raw.encode()) is not None
    issues = validates_catalog(raw)
    assert issues == validates_catalog(raw, limits=FULL)
    assert all(i.line is not None for i in issues)


_MEMBER = re.compile(rb'"([a-z_$]+)": ?("[^"\\]*"|-?[0-9.]+|true|false|null)')


@given(catalogs(max_stretches=3, max_routines=2), st.data())
def test_a_duplicated_key_is_never_accepted(catalog: Any, data: st.DataObject) -> None:
    """Fast parsers keep the last duplicate silently; the full pipeline refuses every one."""
    raw = json.dumps(
        json.loads(dump_catalog(catalog)),
        ensure_ascii=data.draw(st.booleans()),
        indent=data.draw(st.sampled_from([None, 2])),
    ).encode()
    members = list(_MEMBER.finditer(raw))
    member = data.draw(st.sampled_from(members))
    again = member.group(0)
    if data.draw(st.booleans()):  # the same key with another value
        again = member.group(1).join([b'"', b'": 7'])
    duplicated = raw[: member.end()] + b", " + again + raw[member.end() :]
    assert fast_catalog(duplicated) is None
    assert _full(duplicated) is None


def test_members_written_as_null_still_take_the_fast_path() -> None:
    """A null member is a key without a string: the count of strings must not trip on it."""
    document = json.loads((EXAMPLES / "upper-back-relief.json").read_bytes())
    for step in document["routines"][0]["steps"]:
        step.setdefault("variation", None)
        step.setdefault("dose", None)
    raw = json.dumps(document, ensure_ascii=False).encode()
    assert b"\\" not in raw
    assert fast_catalog(raw) is not None
    assert fast_catalog(raw) == _full(raw)


@pytest.mark.parametrize(
    "escape", ["\\u0001", "\\u001f", "\\u007f", "\\u0085", "\\u009f", "\\n", "\\t", "\\ud800"]
)
def test_control_character_escapes_are_left_to_the_full_pipeline(escape: str) -> None:
    text = (EXAMPLES / "upper-back-relief.json").read_text(encoding="utf-8")
    at = text.index('"name": "') + len('"name": "')
    raw = (text[:at] + escape + text[at:]).encode()
    assert fast_catalog(raw) is None
    assert _full(raw) is None


def test_blank_text_is_left_to_the_full_pipeline() -> None:
    text = (EXAMPLES / "upper-back-relief.json").read_text(encoding="utf-8")
    name = re.search(r'"name": "([^"]*)"', text)
    assert name is not None
    for blank in (" ", "\u00a0\u2003", "\\u0020", "\u3000"):
        raw = (text[: name.start(1)] + blank + text[name.end(1) :]).encode()
        assert fast_catalog(raw) is None
        assert _full(raw) is None


_TRICKY = st.sampled_from(
    [
        "a",
        " ",
        "\u00a0",
        "\u00b0",
        "\u00e9",
        "\u0085",
        "\u009f",
        "\u007f",
        "\u1680",
        "\u2003",
        "\u2013",
        "\u2019",
        "\u2028",
        "\u202e",
        "\u202f",
        "\u2066",
        "\u205f",
        "\u3000",
        "\u3042",
        "\u4e2d",
        '"',
        "\\",
        "\n",
        "\x01",
    ]
)
_SPACES = [c for c in map(chr, range(0x3001)) if c.isspace() and unicodedata.category(c) != "Cc"]
"""White space that is not a control character: what a blank string is made of."""
_BIDI_CONTROLS = {*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def _breaks_a_text_rule(text: str) -> bool:
    """The text rules, said plainly: no control, no bidirectional control, not blank."""
    return (
        any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in _BIDI_CONTROLS for c in text)
        or text.isspace()
    )


@given(
    texts=st.lists(
        st.one_of(
            st.text(_TRICKY, min_size=1, max_size=4),
            st.text(st.sampled_from(_SPACES), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=6,
    ),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 2]),
)
def test_the_text_scan_misses_no_breach(
    texts: list[str], ascii_only: bool, indent: int | None
) -> None:
    """Whenever a decoded string breaks a text rule, the scan sends the document on."""
    raw = json.dumps({"t": texts}, ensure_ascii=ascii_only, indent=indent).encode()
    if any(map(_breaks_a_text_rule, texts)):
        assert _fast._doubtful_text(raw)


@given(st.lists(st.text(st.sampled_from("ab0-\nA_é "), max_size=5), max_size=4))
def test_the_bulk_slug_check_is_the_models_pattern(slugs: list[str]) -> None:
    expected = all(re.fullmatch(SLUG_PATTERN, slug) and "\n" not in slug for slug in slugs)
    assert _fast._slugs_ok(slugs) == bool(expected)


def test_typographic_text_is_not_doubtful() -> None:
    """Degrees, dashes, curly quotes and accents are ordinary text: no second look."""
    raw = json.dumps({"t": ["45\u00b0 \u2013 it\u2019s \u201cfine\u201d", "caf\u00e9"]})
    assert not _fast._doubtful_text(raw.encode())
    assert not _fast._doubtful_text(json.dumps({"t": ["a b"]}).encode())
    many = "\u00b0" * 40  # past the few looked at one by one: the pattern takes over
    assert not _fast._doubtful_text(json.dumps({"t": [many]}, ensure_ascii=False).encode())
    for texts in ([many + "\u0085x"], [many, "\u00a0"]):  # a C1 control; a blank string
        assert _fast._doubtful_text(json.dumps({"t": texts}, ensure_ascii=False).encode())


@pytest.mark.parametrize("text", ['\\" ', '\\"\u00a0', '\\\\\\" '])
def test_an_escaped_quote_before_white_space_is_not_blank_text(text: str) -> None:
    """``"\\" "`` is a quote and a space: text, so the fast path keeps it."""
    raw = (EXAMPLES / "upper-back-relief.json").read_text(encoding="utf-8")
    name = re.search(r'"name": "([^"]*)"', raw)
    assert name is not None
    document = (raw[: name.start(1)] + text + raw[name.end(1) :]).encode()
    assert fast_catalog(document) is not None
    assert _full(document) is not None


# --- the corpus and the examples -------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_corpus_agrees_and_validate_reports_the_same(path: Path) -> None:
    raw = path.read_bytes()
    _agree(raw)
    for source in (path, raw):
        assert validate_catalog(source) == validate_catalog(source, limits=FULL)
    issues, catalog = check_catalog(raw)
    full_issues, full_catalog = check_catalog(raw, limits=FULL)
    assert (issues, catalog) == (full_issues, full_catalog)


def test_the_valid_corpus_does_take_the_fast_path() -> None:
    accepted = {p.name for p in FILES if fast_catalog(p.read_bytes()) is not None}
    assert {"upper-back-relief.json", "every-feature.json", "minimal.json"} <= accepted
    assert "bom.json" not in accepted  # its warning comes from the parse stage


def test_warnings_of_a_fast_document_are_located() -> None:
    """validate still reports (and locates) semantic warnings of a document it loads fast."""
    document = json.loads((EXAMPLES / "upper-back-relief.json").read_text(encoding="utf-8"))
    document["stretches"][1]["equipment"] = ["mat", "wall", "mat"]
    document["routines"][0]["minutes"] = 600
    steps = document["routines"][1]["steps"]
    steps.insert(0, steps[0])
    document["programs"][0]["reintroduction"] = {"rest_hours": 48, "max_rest_hours": 24.5}
    raw = json.dumps(document, indent=2).encode()
    assert fast_catalog(raw) is not None
    issues = validate_catalog(raw)
    assert {i.code for i in issues} == {
        "duplicate-entry",
        "minutes-mismatch",
        "repeated-step",
        "rest-range",
    }
    assert all(i.line is not None for i in issues)
    assert issues == validate_catalog(raw, limits=FULL)


def test_stricter_limits_are_honoured() -> None:
    raw = (EXAMPLES / "upper-back-relief.json").read_bytes()
    with pytest.raises(CatalogError):
        load_catalog(raw, limits=Limits(max_string_length=10))
    assert load_catalog(raw, limits=Limits(max_bytes=10**9)) == load_catalog(raw)


def test_text_sources_take_the_same_road() -> None:
    text = (EXAMPLES / "upper-back-relief.json").read_text(encoding="utf-8")
    assert loads_catalog(text) == load_catalog(text.encode())
    with pytest.raises(CatalogError):
        loads_catalog(text.replace('"name": "', '"name": "\ud800', 1))


def test_global_state_is_left_as_it_was() -> None:
    """No process-wide switch is touched: attrs validators stay on, gc as it was found."""
    raw = (EXAMPLES / "upper-back-relief.json").read_bytes()
    assert gc.isenabled()
    assert fast_catalog(raw) is not None
    assert gc.isenabled()
    assert not attrs.validators.get_disabled()
    gc.disable()
    try:
        assert fast_catalog(raw) is not None
        assert fast_catalog(b"{") is None
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("enabled", [True, False], ids=["collector-on", "collector-off"])
def test_eight_threads_validating_at_once_leave_the_collector_as_they_found_it(
    enabled: bool,
) -> None:
    """No path touches the garbage collector: not the fast one, not the full one, not the bad one.

    A pause with "re-enable only if it was enabled" is racy: a thread that starts
    while another has paused sees it off and never turns it back on. So the
    collector is watched from the threads themselves, on every path.
    """
    valid = (EXAMPLES / "upper-back-relief.json").read_bytes()
    document = json.loads(valid)
    document["stretches"][0]["name"] = ""
    invalid = json.dumps(document).encode()
    seen: list[bool] = []
    start = threading.Barrier(8)

    def work(index: int) -> None:
        start.wait()
        for _ in range(15):
            seen.append(gc.isenabled())
            if index % 3 == 0:
                validate_catalog(valid)
            elif index % 3 == 1:
                validate_catalog(invalid)
            else:
                validate_catalog(valid, limits=FULL)
            seen.append(gc.isenabled())

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert gc.isenabled() is enabled
        assert set(seen) == {enabled}
    finally:
        (gc.enable if was else gc.disable)()


def test_other_threads_keep_their_validators_while_a_catalog_loads_fast() -> None:
    """The fast constructors switch nothing off: a bad object made meanwhile is still refused."""
    from stretchkit.model import Hold

    raw = (EXAMPLES / "upper-back-relief.json").read_bytes()
    done = threading.Event()

    def load_repeatedly() -> None:
        while not done.is_set():
            assert fast_catalog(raw) is not None

    worker = threading.Thread(target=load_repeatedly)
    worker.start()
    try:
        for _ in range(2_000):
            with pytest.raises(ValueError, match="seconds"):
                Hold(seconds=0)
    finally:
        done.set()
        worker.join()


# --- the Structs against the schema and the model --------------------------------------------


def _struct_keys(struct: type[msgspec.Struct]) -> tuple[set[str], set[str]]:
    """The JSON keys a Struct reads (its tag included) and the ones it requires."""
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType)
    keys = {f.encode_name for f in info.fields}
    required = {f.encode_name for f in info.fields if f.required}
    if info.tag_field is not None:
        keys.add(info.tag_field)
        required.add(info.tag_field)
    return keys, required


def _model_name(definition: str) -> str:
    return "".join(word.capitalize() for word in definition.split("_"))


def test_every_schema_object_has_a_struct_with_the_same_fields() -> None:
    """A field added to the schema without one in ``_fast.py`` fails here (and the reverse)."""
    objects = {
        name: d
        for name, d in SCHEMA["$defs"].items()
        if "properties" in d and d.get("additionalProperties") is False
    }
    objects.pop("routines_by_context")  # a mapping: checked below
    assert {_model_name(n) for n in objects} | {"Catalog"} == set(STRUCTS)
    for name, definition in [*objects.items(), ("catalog", SCHEMA)]:
        keys, required = _struct_keys(STRUCTS[_model_name(name)])
        assert keys == set(definition["properties"]), name
        assert required == set(definition.get("required", [])), name
    by_context = SCHEMA["$defs"]["routines_by_context"]
    relief = msgspec.inspect.type_info(STRUCTS["ReliefPhase"])
    assert isinstance(relief, msgspec.inspect.StructType)
    routines = relief.fields[0].type
    assert isinstance(routines, msgspec.inspect.DictType)
    assert isinstance(routines.key_type, msgspec.inspect.EnumType)
    assert {c.value for c in routines.key_type.cls} == set(by_context["properties"])


def test_every_model_field_has_a_struct_field() -> None:
    """The JSON keys are the attrs field names; the fast constructors pass every one."""
    import stretchkit.model as model

    for name, struct in STRUCTS.items():
        keys, _ = _struct_keys(struct)
        fields = {f.name for f in attrs.fields(getattr(model, name))}
        keys -= {"$schema"}
        if name in {cls.__name__ for cls in model.PART_KINDS}:
            keys -= {"kind"}
        assert keys == fields, name


def test_the_generated_constructors_build_equal_objects() -> None:
    from stretchkit.model import Angle

    angle = msgspec.convert({"label": "toe out", "degrees": 45, "seconds": 30}, STRUCTS["Angle"])
    assert _CONVERTERS[Angle](angle, [], []) == Angle(label="toe out", degrees=45, seconds=30)


def test_model_rules_no_struct_states_run_on_the_built_object() -> None:
    """A leftover validator (here: the maximum not below the minimum's default) is never
    skipped; one the semantic checks make in full (unique labels) is left to them."""
    from stretchkit.model import AngleSequence, ModelError, ReliefPhase

    relief = msgspec.convert(
        {"routines": {"sitting": "desk"}, "min_sessions_per_day": 20}, STRUCTS["ReliefPhase"]
    )
    with pytest.raises(ModelError, match="below min_sessions_per_day"):
        _CONVERTERS[ReliefPhase](relief, [], [])
    twice = {"kind": "angle_sequence", "angles": [{"label": "Up", "degrees": 0, "seconds": 5}] * 2}
    struct = msgspec.convert(twice, STRUCTS["AngleSequence"])
    assert len(_CONVERTERS[AngleSequence](struct, [], []).angles) == 2
    document = {
        "format_version": 1,
        "stretches": [
            {
                "id": "a",
                "name": "A",
                "instructions": ["Go."],
                "position": "seated",
                "dose": [twice],
            }
        ],
    }
    assert fast_catalog(json.dumps(document).encode()) is None
