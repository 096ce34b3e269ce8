"""Where a catalog may point: media URLs and ``$schema``, the same on every path."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stretchkit as sk
from conftest import EXAMPLES
from stretchkit.model import _links
from stretchkit.model._links import CATALOG_SCHEMA_ID, schema_problem, url_problem
from stretchkit.strategies import media_urls

FULL = sk.Limits(max_bytes=sk.Limits().max_bytes - 1)
"""Limits that send every document down the full pipeline."""


def _with_media(url: str) -> bytes:
    document: dict[str, Any] = json.loads((EXAMPLES / "upper-back-relief.json").read_bytes())
    document["stretches"][3]["media"] = [{"kind": "image", "url": url, "alt": "A floor grab"}]
    return json.dumps(document).encode()


def _codes(raw: bytes, limits: sk.Limits | None = None) -> list[tuple[str, str]]:
    return [(i.code, i.pointer) for i in sk.validate_catalog(raw, limits=limits) if i.is_error]


@given(media_urls())
def test_https_and_inside_paths_load_on_both_paths(url: str) -> None:
    assert url_problem(url) is None
    raw = _with_media(url)
    assert sk.load_catalog(raw).stretches[3].media[0].url == url
    assert _codes(raw, FULL) == []


_SCHEMES = st.sampled_from(
    ["javascript", "JavaScript", "file", "data", "http", "ftp", "c", "vbscript"]
)


@given(scheme=_SCHEMES, rest=media_urls())
def test_any_other_scheme_is_refused_and_located_on_both_paths(scheme: str, rest: str) -> None:
    raw = _with_media(f"{scheme}:{rest}")
    expected = [("unsafe-url", "/stretches/3/media/0/url")]
    assert _codes(raw) == expected
    assert _codes(raw, FULL) == expected
    with pytest.raises(ValueError, match="scheme"):
        sk.Media(kind=sk.MediaKind.IMAGE, url=f"{scheme}:{rest}", alt="x")


@given(
    before=st.lists(st.sampled_from(["media", "a", "."]), max_size=2),
    parent=st.sampled_from(["..", "%2e%2e", "%2E.", ".%2e"]),
    after=media_urls(),
)
def test_a_path_that_leaves_the_folder_is_refused(
    before: list[str], parent: str, after: str
) -> None:
    url = "/".join([*before, parent, after.removeprefix("https://")])
    assert url_problem(url) is not None
    assert _codes(_with_media(url)) == [("unsafe-url", "/stretches/3/media/0/url")]


_URL_BITS = st.text(alphabet=st.sampled_from("a.H /?#\\\t\u2003\u00a0:"), max_size=6)


@given(
    st.one_of(
        st.tuples(st.sampled_from(["https://", "HTTPS://", "https:/", "", "x"]), _URL_BITS).map(
            "".join
        ),
        st.text(max_size=12),
    )
)
def test_the_usual_link_shortcut_says_what_the_patterns_say(url: str) -> None:
    """url_problem skips its patterns for the usual ``https://host`` link; never differently."""
    https = _links._SCHEME.match(url)
    by_patterns = (
        https is not None and https.group(1).lower() == "https" and _links._HTTPS.match(url)
    ) or (https is None and _links._relative_problem(url, parent_allowed=False) is None)
    assert (url_problem(url) is None) == bool(by_patterns)


@pytest.mark.parametrize("url", ["/etc/passwd", "//evil.example/x.png", "media\\x.png", "https://"])
def test_absolute_paths_backslashes_and_hostless_urls_are_refused(url: str) -> None:
    assert url_problem(url) is not None


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (CATALOG_SCHEMA_ID, True),
        ("../schemas/catalog.schema.json", True),
        ("catalog.schema.json", True),
        ("https://evil.example/catalog.schema.json", False),
        ("http://stretchkit.dev/schemas/catalog/v1.json", False),
        ("file:///etc/passwd", False),
        ("/etc/catalog.schema.json", False),
        ("schema.yaml", False),
        ("x" * 10_000, False),
    ],
)
def test_schema_is_ours_or_a_relative_copy(value: str, ok: bool) -> None:
    problem = schema_problem(value)
    assert (problem is None) is ok
    if problem is not None:
        assert len(problem) < 300  # a long value is cut, not echoed
        assert CATALOG_SCHEMA_ID in problem
    document = json.loads((EXAMPLES / "upper-back-relief.json").read_bytes())
    raw = json.dumps({**document, "$schema": value}).encode()
    expected = [] if ok else [("unknown-schema", "/$schema")]
    assert _codes(raw) == expected
    assert _codes(raw, FULL) == expected
