"""dump_catalog writes in C the very bytes ``json.dumps(indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from stretchkit import dump_catalog, load_catalog
from stretchkit.io._converter import unstructure_catalog
from stretchkit.io._dump import canonical_json
from stretchkit.strategies import catalogs

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
"""Every character but lone surrogates (JSON text cannot carry those): controls,
U+2028/U+2029, quotes, backslashes, astral characters and the rest."""

_FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=0, max_value=8760, allow_nan=False),  # the format's own ranges
    st.sampled_from([0.0, -0.0, 1e-4, 9.99e-5, 1e-05, 1e16, 9999999999999998.0, 0.1, 5e-324]),
)
_JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | _FLOATS | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=25,
)


def _python(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@given(_JSON)
def test_the_c_writer_gives_the_bytes_json_dumps_gives(value: Any) -> None:
    assert canonical_json(value) == _python(value)


@settings(max_examples=30)
@given(catalogs())
def test_a_dumped_catalog_is_what_json_dumps_writes_and_loads_back(catalog: Any) -> None:
    text = dump_catalog(catalog)
    assert text == _python(unstructure_catalog(catalog))
    assert load_catalog(text.encode()) == catalog


def test_the_examples_dump_as_before() -> None:
    for path in sorted(EXAMPLES.glob("*.json")):
        catalog = load_catalog(path)
        assert dump_catalog(catalog) == _python(unstructure_catalog(catalog)), path.name


def test_floats_python_writes_with_an_exponent_dump_as_json_dumps_writes_them() -> None:
    document = json.loads((EXAMPLES / "upper-back-relief.json").read_bytes())
    document["programs"][0]["reintroduction"] = {"rest_hours": 1e-05, "max_rest_hours": 5e-05}
    document["programs"][0]["pain_free_hours"] = 8759.999999999998
    catalog = load_catalog(json.dumps(document).encode())
    text = dump_catalog(catalog)
    assert text == _python(unstructure_catalog(catalog))
    assert '"rest_hours": 1e-05' in text
