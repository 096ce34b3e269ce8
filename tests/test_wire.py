"""The catalog format is said once, in the model; the schema and the Structs are made from it.

The committed schema files must be exactly what the generator makes now (run
``make schema`` after changing a model field), and the generator must refuse
what it does not understand instead of leaving a rule out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import msgspec
import pytest

import stretchkit.model as model
from stretchkit.io import _wire
from stretchkit.model import Catalog
from stretchkit.model._about import about, described
from stretchkit.model._validators import and_, slug, text, whole

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", _wire.SCHEMA_FILES)
def test_the_committed_schema_is_what_the_model_makes_now(name: str) -> None:
    committed = (ROOT / name).read_text(encoding="utf-8")
    assert committed == _wire.catalog_schema_text(), f"{name} is stale: run `make schema`"


def test_make_schema_rewrites_stale_copies_and_check_says_so(tmp_path: Path) -> None:
    for name in _wire.SCHEMA_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
    assert _wire.main(["--check", str(tmp_path)]) == 1
    assert (tmp_path / _wire.SCHEMA_FILES[0]).read_text(encoding="utf-8") == "{}\n"
    assert _wire.main([str(tmp_path)]) == 0
    assert _wire.main(["--check", str(tmp_path)]) == 0
    for name in _wire.SCHEMA_FILES:
        assert (tmp_path / name).read_text(encoding="utf-8") == _wire.catalog_schema_text()
        assert not list((tmp_path / name).parent.glob("*.tmp"))


def test_the_generated_document_is_a_fresh_copy() -> None:
    first = _wire.catalog_schema_document()
    first["title"] = "changed"
    assert _wire.catalog_schema_document()["title"] != "changed"


def _odd_validator(instance: object, attribute: object, value: object) -> None:
    """A rule the generator has never heard of."""


@described("Odd", "A class with a rule nobody told the generator about.")
@attrs.frozen(kw_only=True)
class _Odd:
    id: str = attrs.field(validator=and_(slug, _odd_validator), metadata=about("Id", "An id."))


@described("Hidden", "A class whose validators attrs combined (their parts are private).")
@attrs.frozen(kw_only=True)
class _Hidden:
    id: str = attrs.field(validator=[slug], metadata=about("Id", "An id."))


@described("Method", "A class with a validator method (attrs joins it to the field's).")
@attrs.frozen(kw_only=True)
class _Method:
    id: str = attrs.field(validator=slug, metadata=about("Id", "An id."))

    @id.validator
    def _check(self, attribute: object, value: str) -> None:
        pass


@described("Quiet", "A class with an undocumented field.")
@attrs.frozen(kw_only=True)
class _Quiet:
    name: str = attrs.field(validator=text)


@attrs.frozen(kw_only=True)
class _Anonymous:
    seconds: int = attrs.field(validator=whole(1, 5), metadata=about("Seconds", "Seconds."))


@pytest.mark.parametrize(
    ("cls", "words"),
    [
        (_Odd, "does not know the validator"),
        (_Hidden, "with the model's own and_"),
        (_Method, "with the model's own and_"),
        (_Quiet, "has no metadata=about"),
        (_Anonymous, "has no @described"),
    ],
)
def test_what_the_generator_does_not_understand_is_an_error(cls: type, words: str) -> None:
    with pytest.raises(_wire.FormatError, match=words):
        _wire._Walk().object(cls)


# --- the two products of one walk agree ------------------------------------------------------


def _defs() -> dict[str, Any]:
    defs: dict[str, Any] = _wire.catalog_schema_document()["$defs"]
    return defs


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return _resolve(_defs()[ref.removeprefix("#/$defs/")]) if ref else schema


def _bounds(info: Any) -> dict[str, Any]:
    """The bounds msgspec enforces on a field, in JSON Schema words."""
    if isinstance(info, msgspec.inspect.UnionType):
        (info,) = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
    if isinstance(info, msgspec.inspect.IntType | msgspec.inspect.FloatType):
        return {"minimum": info.ge, "maximum": info.le}
    if isinstance(info, msgspec.inspect.StrType):
        return {"minLength": info.min_length, "maxLength": info.max_length}
    if isinstance(info, msgspec.inspect.VarTupleType):
        high = None if info.max_length == _wire.MAX_ITEMS else info.max_length
        return {"minItems": info.min_length or None, "maxItems": high}
    if isinstance(info, msgspec.inspect.DictType):
        return {"minProperties": info.min_length}
    return {}


def test_every_struct_bound_is_the_schemas() -> None:
    """The Structs decode with exactly the schema's bounds, field by field."""
    checked = 0
    for name, struct in _wire.structs().items():
        definition = (
            _wire.catalog_schema_document()
            if name == "Catalog"
            else _defs()[_wire.def_name(getattr(model, name))]
        )
        info = msgspec.inspect.type_info(struct)
        assert isinstance(info, msgspec.inspect.StructType)
        for f in info.fields:
            if f.encode_name == "$schema" or f.encode_name == "format_version":
                continue
            prop = _resolve(definition["properties"][f.encode_name])
            bounds = _bounds(f.type)
            for keyword, value in bounds.items():
                assert prop.get(keyword) == value, (name, f.encode_name, keyword)
                checked += 1
    assert checked > 60


def test_the_root_is_the_catalog_and_names_its_version() -> None:
    document = _wire.catalog_schema_document()
    assert document["properties"]["format_version"]["const"] == Catalog().format_version
    assert list(document["properties"])[:2] == ["$schema", "format_version"]
    assert json.loads(_wire.catalog_schema_text()) == document
