"""Loading and validating catalogs: the public calls.

The path calls (:func:`load_catalog`, :func:`validate_catalog`,
:func:`check_catalog`) take a file; the text calls (:func:`loads_catalog`,
:func:`validates_catalog`) take the document itself and never open a file.
All of them run the one pipeline (:mod:`stretchkit.io._pipeline`) and differ
only in what they do with its answer: a list of issues, the catalog, or a
:class:`CatalogError` that carries the issues.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stretchkit.io._issues import CatalogError, Issue
from stretchkit.io._limits import DEFAULT_LIMITS, Limits
from stretchkit.io._pipeline import check
from stretchkit.io._read import CatalogData, CatalogSource, warn_if_text
from stretchkit.model import Catalog

__all__ = [
    "CatalogData",
    "CatalogSource",
    "catalog_schema",
    "check_catalog",
    "load_catalog",
    "loads_catalog",
    "validate_catalog",
    "validates_catalog",
]


def check_catalog(
    source: CatalogSource, *, limits: Limits | None = None
) -> tuple[list[Issue], Catalog | None]:
    """Every issue of ``source``, and the catalog when there is no error."""
    warn_if_text(source, "check_catalog")
    return check(source, limits or DEFAULT_LIMITS, warnings=True)


def validate_catalog(source: CatalogSource, *, limits: Limits | None = None) -> list[Issue]:
    """Every problem of a catalog, errors and warnings, located; never raises for bad content.

    A file that cannot be read gives an ``unreadable`` issue. An empty list
    (or one with only warnings) means :func:`load_catalog` will succeed.
    """
    warn_if_text(source, "validate_catalog")
    return check(source, limits or DEFAULT_LIMITS, warnings=True)[0]


def load_catalog(source: CatalogSource, *, limits: Limits | None = None) -> Catalog:
    """The catalog in ``source``; :class:`CatalogError` listing every problem if it has errors.

    Warnings do not stop loading; :func:`validate_catalog` shows them.
    """
    warn_if_text(source, "load_catalog")
    return _load(source, limits)


def _load(source: CatalogSource, limits: Limits | None, *, text: bool = False) -> Catalog:
    issues, catalog = check(source, limits or DEFAULT_LIMITS, warnings=False, text=text)
    if catalog is None:
        file = next((i.file for i in issues if i.file), None)
        raise CatalogError(issues, file=file)
    return catalog


def loads_catalog(data: CatalogData, *, limits: Limits | None = None) -> Catalog:
    """The catalog in ``data`` (JSON text, UTF-8 bytes or a parsed mapping); never opens a file.

    Use this for any text the app did not write itself: :func:`load_catalog`
    takes a ``str`` for a path, so a string from a request or a database
    passed there could make the app read a local file. Raises
    :class:`CatalogError` as :func:`load_catalog` does.
    """
    if isinstance(data, str | bytes | bytearray | memoryview | Mapping):
        return _load(data, limits, text=True)
    raise TypeError(
        "loads_catalog() takes the document itself (str, bytes or a mapping), got "
        f"{type(data).__name__[:40]}; to read a file use load_catalog(path)"
    )


def validates_catalog(data: CatalogData, *, limits: Limits | None = None) -> list[Issue]:
    """Every problem of the document ``data`` (text, bytes or a mapping); never opens a file.

    :func:`validate_catalog` for a document the app holds rather than a file:
    as with :func:`loads_catalog`, every ``str`` is taken as the text itself.
    """
    if isinstance(data, str | bytes | bytearray | memoryview | Mapping):
        return check(data, limits or DEFAULT_LIMITS, warnings=True, text=True)[0]
    raise TypeError(
        "validates_catalog() takes the document itself (str, bytes or a mapping), got "
        f"{type(data).__name__[:40]}; to check a file use validate_catalog(path)"
    )


def catalog_schema() -> dict[str, Any]:
    """The catalog JSON Schema (Draft 2020-12), as published in ``schemas/catalog.schema.json``."""
    from stretchkit.io._schema import catalog_schema as schema

    return schema()
