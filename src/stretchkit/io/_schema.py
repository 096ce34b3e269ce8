"""The catalog JSON Schema, shipped inside the package, and a validator for it.

``schemas/catalog.schema.json`` in the repository and its packaged copy
``stretchkit/schemas/catalog.schema.json`` are both written from the model by
:mod:`stretchkit.io._wire` (``make schema``; a test fails when either is stale),
the packaged one so installed code can read it. jsonschema is imported
only when a validator is asked for, so ``import stretchkit`` stays light.

The validator never touches the network: it gets an explicit, empty
``referencing.Registry`` (the schema only has local ``#/$defs/...``
references; any other reference fails instead of being fetched) and an
explicit format checker.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any, Protocol

from stretchkit.model._links import CATALOG_SCHEMA_ID

__all__ = [
    "CATALOG_SCHEMA_ID",
    "SchemaValidator",
    "catalog_schema",
    "catalog_schema_text",
    "catalog_validator",
]


class SchemaValidator(Protocol):
    """What stretchkit uses of a ``jsonschema.Draft202012Validator`` (jsonschema ships no types)."""

    def iter_errors(self, instance: object) -> Iterator[Any]:
        """Every ``jsonschema.ValidationError`` of ``instance``, lazily."""
        ...

    def is_valid(self, instance: object) -> bool: ...

    def validate(self, instance: object) -> None: ...


@functools.cache
def catalog_schema_text() -> str:
    """The schema file exactly as shipped (for ``stretchkit schema`` and editors)."""
    return (
        resources.files("stretchkit")
        .joinpath("schemas/catalog.schema.json")
        .read_text(encoding="utf-8")
    )


@functools.cache
def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(catalog_schema_text())
    return data


def catalog_schema() -> dict[str, Any]:
    """The catalog JSON Schema (Draft 2020-12) as a new dict the caller may change."""
    return copy.deepcopy(_schema())


@functools.cache
def catalog_validator() -> SchemaValidator:
    """A reusable Draft 2020-12 validator for catalogs, built once.

    Use ``iter_errors(document)`` to collect every schema error; each error's
    ``absolute_path`` locates it in the document.
    """
    # Imported here to keep jsonschema out of ``import stretchkit``.
    import jsonschema  # type: ignore[import-untyped]
    import referencing

    schema = _schema()
    validator: SchemaValidator
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema,
        registry=referencing.Registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    return validator
