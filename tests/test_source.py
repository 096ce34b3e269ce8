"""The source layer: safe parsing with limits, and a source map that agrees with json.loads."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchkit.io._limits import Limits
from stretchkit.io._parse import parse_json
from stretchkit.io._pointer import escape_token, join_pointer
from stretchkit.io._source import ScanError, SourceText, _targeted, _targeted_bytes, scan
from stretchkit.io._values import check_value

# --- the source map agrees with json.loads ---------------------------------------------------

_keys = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from('/~\\"\n\t\x00'),
    max_size=8,
)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=30,
)


def _pointers(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every pointer of a parsed value, with the value it names (the reference answer)."""
    found = {prefix: value}
    if isinstance(value, dict):
        for key, child in value.items():
            found.update(_pointers(child, f"{prefix}/{escape_token(key)}"))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.update(_pointers(child, f"{prefix}/{index}"))
    return found


@st.composite
def dumped(draw: st.DrawFn) -> tuple[Any, str]:
    value = draw(json_values)
    indent = draw(st.sampled_from([None, 0, 1, 2, 4, "\t", " \r\n"]))
    separators = draw(st.sampled_from([None, (",", ":"), (" , ", " : "), (",\n", ":\t")]))
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=draw(st.booleans()))
    padding = draw(st.sampled_from(["", " ", "\n\n", "\r\n\t "]))
    return value, padding + text + padding


@given(dumped())
def test_every_pointer_resolves_and_every_value_has_one(case: tuple[Any, str]) -> None:
    value, text = case
    expected = _pointers(json.loads(text))
    assert expected[""] == value
    source_map = scan(text)
    assert set(source_map.values) == set(expected)
    decoder = json.JSONDecoder()
    for pointer, offset in source_map.values.items():
        found, _ = decoder.raw_decode(text, offset)
        assert found == expected[pointer]
    for pointer, offset in source_map.keys.items():
        assert text[offset] == '"'
        key, _ = decoder.raw_decode(text, offset)
        assert pointer.endswith("/" + escape_token(key))
    assert source_map.duplicates == []


@given(dumped())
def test_lines_and_columns_agree_with_json_decode_errors(case: tuple[Any, str]) -> None:
    """Break the text just after a value start: json's lineno/colno and ours name the same place."""
    _, text = case
    source = SourceText(text)
    pairs = []
    for offset in list(scan(text).values.values())[:5]:
        try:
            json.loads(text[:offset] + "\x01" + text[offset:])
        except json.JSONDecodeError as exc:
            if exc.pos == offset:
                pairs.append((source.position(offset), (exc.lineno, exc.colno)))
    for ours, theirs in pairs:
        assert ours == theirs


@given(dumped(), st.data())
def test_prepared_pointers_are_located_as_the_whole_map_locates_them(
    case: tuple[Any, str], data: st.DataObject
) -> None:
    """The targeted walks (clean text, a few pointers) answer exactly as the full scan does:
    on the text, and on its bytes with each skipped value stepped over in C."""
    _, text = case
    every = sorted(scan(text).values)
    chosen = data.draw(st.lists(st.sampled_from(every), max_size=6))
    extra = data.draw(st.lists(st.sampled_from(["/0", "/missing", "/~1", "/"]), max_size=2))
    pointers = [*chosen, *(p + e for p in chosen[:2] for e in extra)]
    whole = SourceText(text)
    on_text = SourceText(text, clean=True)
    on_bytes = SourceText(text, clean=True, data=text.encode("utf-8"))
    on_text.prepare(pointers)
    on_bytes.prepare(pointers)
    walked = _targeted(text, set(pointers))
    assert walked is not None
    assert _targeted_bytes(text.encode("utf-8"), set(pointers)) == walked
    for pointer in pointers:
        for key in (False, True):
            assert on_text.locate(pointer, key=key) == whole.locate(pointer, key=key)
            assert on_bytes.locate(pointer, key=key) == whole.locate(pointer, key=key)


def test_keys_with_slashes_tildes_and_escapes_give_rfc6901_pointers() -> None:
    text = '{"a/b": {"~x": [10, {"\\u0041\\n": true}]}, "": 1}'
    source_map = scan(text)
    assert source_map.values["/a~1b/~0x/1/A\n"] == text.index("true")
    assert source_map.values["/"] == text.rindex("1")
    assert join_pointer(["a/b", "~x", 1]) == "/a~1b/~0x/1"


def test_duplicates_are_all_listed_and_the_last_wins() -> None:
    text = '{"a": 1, "b": {"c": 1, "c": 2, "c": 3}, "a": 4}'
    source_map = scan(text)
    assert [(p, text[later:].split(":")[0]) for p, _, later in source_map.duplicates] == [
        ("/b/c", '"c"'),
        ("/b/c", '"c"'),
        ("/a", '"a"'),
    ]
    assert text[source_map.values["/a"]] == "4"


@pytest.mark.parametrize("text", ["{", '{"a" 1}', "[1,,2]", "tru", '{"a": [1}'])
def test_the_scanner_refuses_what_is_not_json(text: str) -> None:
    with pytest.raises(ScanError):
        scan(text)


def test_the_scanner_stops_at_the_depth_limit_without_recursing() -> None:
    source_map = scan("[" * 200_000, max_depth=64)
    assert source_map.too_deep == ("/0" * 64, 64)


def test_positions_count_lines_and_characters_from_one() -> None:
    source = SourceText('{\n  "ä": [\r\n    1]}')
    assert source.position(0) == (1, 1)
    assert source.locate("/ä") == (2, 8)
    assert source.locate("/ä", key=True) == (2, 3)
    assert source.locate("/ä/0") == (3, 5)
    assert source.locate("/ä/7/missing") == (2, 8)  # nearest ancestor


# --- each hostile class becomes located issues --------------------------------------------------


def _codes(data: bytes | str, limits: Limits | None = None) -> list[tuple[str, int | None, str]]:
    parsed = parse_json(data, limits)
    return [(i.code, i.line, i.pointer) for i in parsed.issues]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [("json-syntax", 1, "")]),
        (b'{"a": [1, 2', [("json-syntax", 1, "")]),
        (b'{\n"a": "\xff"}', [("invalid-utf8", 2, "")]),
        ("é".encode("utf-16"), [("invalid-utf8", 1, "")]),
        (b'{"a": 1,\n "a": 2}', [("duplicate-key", 2, "/a")]),
        (b'{"a": NaN}', [("non-finite-number", 1, "/a")]),
        (b'{"a": [-Infinity]}', [("non-finite-number", 1, "/a/0")]),
        (b'{"a": 1e400}', [("number-too-large", 1, "/a")]),
        (b'{"a": ' + b"7" * 5000 + b"}", [("number-too-large", 1, "/a")]),
        (b'{"a": ' + b"7" * 101 + b"}", [("number-too-large", 1, "/a")]),
        (b'{"a": "x\ty"}', [("control-character", 1, "/a")]),
        (b'{"a": "x\\u001fy"}', [("control-character", 1, "/a")]),
        (b'{"a\\n": 1}', [("control-character", 1, "/a\n")]),
        (b'{"a": "\\ud800"}', [("lone-surrogate", 1, "/a")]),
        (b"[" * 100_000, [("too-deep", 1, "/0" * 64)]),
        (b"[" * 70 + b"]" * 70, [("too-deep", 1, "/0" * 64)]),
    ],
)
def test_hostile_text_gives_located_issues(
    data: bytes, expected: list[tuple[str, int | None, str]]
) -> None:
    assert _codes(data) == expected


def test_a_bom_is_a_warning_and_columns_ignore_it() -> None:
    parsed = parse_json(b'\xef\xbb\xbf{"a": NaN}')
    assert [(i.code, i.severity.value, i.line, i.column) for i in parsed.issues] == [
        ("bom", "warning", 1, 1),
        ("non-finite-number", "error", 1, 7),
    ]
    assert parse_json('\ufeff{"a": 1}').value == {"a": 1}


def test_valid_escaped_pairs_and_text_are_not_flagged() -> None:
    parsed = parse_json('{"a": "\\ud83d\\ude00 / ~ \\"q\\" é", "b": [1.5, -2, true, null]}')
    assert parsed.issues == ()
    assert parsed.value == {"a": '😀 / ~ "q" é', "b": [1.5, -2, True, None]}


def test_a_string_that_looks_like_a_key_does_not_fake_a_duplicate() -> None:
    assert parse_json('{"a": "x\\": 1", "b": "\\":"}').issues == ()


def test_limits_are_configurable() -> None:
    assert _codes(b"[1, 2, 3]", Limits(max_bytes=5)) == [("too-large", None, "")]
    assert _codes(b'{"a": [1, 2, 3]}', Limits(max_items=2)) == [("too-many-items", 1, "/a")]
    assert _codes(b'{"a": "abcd"}', Limits(max_string_length=3)) == [("string-too-long", 1, "/a")]
    assert _codes(b'{"a": {"b": {}}}', Limits(max_depth=2)) == [("too-deep", 1, "/a/b")]
    assert _codes(b"[12345]", Limits(max_integer_digits=4)) == [("number-too-large", 1, "/0")]
    many = b"[" + b",".join(b"NaN" for _ in range(50)) + b"]"
    codes = [code for code, _, _ in _codes(many, Limits(max_issues=10))]
    assert codes == ["non-finite-number"] * 10 + ["too-many-issues"]
    with pytest.raises(ValueError, match="max_depth"):
        Limits(max_depth=0)


def test_python_values_are_checked_without_recursion() -> None:
    loop: list[object] = []
    loop.append(loop)
    assert [code for code, _, _ in check_value(loop, Limits())] == ["too-deep"]
    odd = {"a": (1, 2), 3: "x", "s": {1, 2}, "m": MappingProxyType({})}
    problems = check_value(odd, Limits(), json_types_only=True)
    assert [(code, pointer) for code, pointer, _ in problems] == [
        ("wrong-type", "/a"),
        ("wrong-type", "/3"),
        ("wrong-type", "/s"),
        ("wrong-type", "/m"),
    ]
