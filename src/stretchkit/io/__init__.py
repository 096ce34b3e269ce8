"""Catalog files in and out: parsing with limits, versions, schema, semantics, located issues.

Importing this package stays light: only :class:`Issue` and its kin load at
once; the pipeline, the converter and the JSON Schema validator load on first
use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stretchkit.io._issues import CatalogError, Issue, Severity

if TYPE_CHECKING:
    from stretchkit.io._dump import dump_catalog
    from stretchkit.io._limits import Limits
    from stretchkit.io._load import (
        CatalogSource,
        catalog_schema,
        check_catalog,
        load_catalog,
        loads_catalog,
        validate_catalog,
        validates_catalog,
    )
    from stretchkit.io._migrate import MIGRATIONS, migrate

_LAZY: dict[str, str] = {
    "CatalogSource": "stretchkit.io._load",
    "Limits": "stretchkit.io._limits",
    "MIGRATIONS": "stretchkit.io._migrate",
    "catalog_schema": "stretchkit.io._load",
    "check_catalog": "stretchkit.io._load",
    "dump_catalog": "stretchkit.io._dump",
    "load_catalog": "stretchkit.io._load",
    "loads_catalog": "stretchkit.io._load",
    "migrate": "stretchkit.io._migrate",
    "validate_catalog": "stretchkit.io._load",
    "validates_catalog": "stretchkit.io._load",
}


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'stretchkit.io' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
    "loads_catalog",
    "migrate",
    "validate_catalog",
    "validates_catalog",
]
