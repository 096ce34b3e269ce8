"""Catalog files in and out: parsing with limits, versions, schema, semantics, located issues.

Importing this package stays light: only :class:`Issue` and its kin load at
once; the pipeline, the converter and the JSON Schema validator load on first
use.

As in ``stretchkit``, the import statements in this file are the one list of
public names: ``__all__``, ``dir()`` and the lazy look-ups are read from them.
To add a public name, add one
``from stretchkit.io._x import Name as Name`` line; nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# `Name as Name` marks a re-export; isort would give each its own statement.
# isort: off
from stretchkit._names import attach as _attach
from stretchkit.io._issues import (
    CatalogError as CatalogError,
    Issue as Issue,
    Severity as Severity,
)

if TYPE_CHECKING:
    from stretchkit.io._dump import dump_catalog as dump_catalog
    from stretchkit.io._limits import Limits as Limits
    from stretchkit.io._load import (
        CatalogSource as CatalogSource,
        catalog_schema as catalog_schema,
        check_catalog as check_catalog,
        load_catalog as load_catalog,
        loads_catalog as loads_catalog,
        validate_catalog as validate_catalog,
        validates_catalog as validates_catalog,
    )
    from stretchkit.io._migrate import MIGRATIONS as MIGRATIONS, migrate as migrate
# isort: on

_look_up, __dir__ = _attach(globals())


def __getattr__(name: str) -> object:
    return _look_up(name)
