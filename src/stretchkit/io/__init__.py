"""Catalog files in and out: parsing with limits, versions, schema, semantics, located issues.

Importing this package stays light: the JSON Schema validator and the cattrs
converter load on first use.
"""

from __future__ import annotations

from stretchkit.io._issues import CatalogError, Issue, Severity
from stretchkit.io._load import (
    CatalogSource,
    catalog_schema,
    check_catalog,
    dump_catalog,
    load_catalog,
    validate_catalog,
)
from stretchkit.io._migrate import MIGRATIONS, migrate
from stretchkit.io._source import Limits

__all__ = [
    "MIGRATIONS",
    "CatalogError",
    "CatalogSource",
    "Issue",
    "Limits",
    "Severity",
    "catalog_schema",
    "check_catalog",
    "dump_catalog",
    "load_catalog",
    "migrate",
    "validate_catalog",
]
