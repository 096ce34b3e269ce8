"""The example catalog, shipped inside the package.

``stretchkit demo`` and ``stretchkit coach`` need a program to run after a plain
``pip install stretchkit``, from any folder, so the upper back relief catalog
travels as package data. ``examples/upper-back-relief.json`` in the repository is
the same file (a test holds them equal), kept there for people reading the repo.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stretchkit.model import Catalog

__all__ = ["EXAMPLE_FILE", "EXAMPLE_PROGRAM", "example_catalog", "example_text"]

EXAMPLE_FILE = "upper-back-relief.json"
"""The example's file name, inside this package and in the repository's ``examples/``."""
EXAMPLE_PROGRAM = "upper-back-relief"
"""The id of the example's one program."""


def example_text() -> str:
    """The example catalog's JSON text, exactly as shipped."""
    return resources.files(__name__).joinpath(EXAMPLE_FILE).read_text(encoding="utf-8")


def example_catalog() -> Catalog:
    """The upper back relief catalog: 13 stretches, 3 routines, 1 program.

    A new value on every call (the catalog is immutable, so sharing one is safe too).
    """
    from stretchkit.io._load import loads_catalog

    return loads_catalog(example_text())
