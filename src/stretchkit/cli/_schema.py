"""``stretchkit schema``: print the catalog JSON Schema, exactly as published.

Editors and other validators can use it: ``stretchkit schema > catalog.schema.json``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from stretchkit.cli import EXIT_OK
from stretchkit.cli._validate import emit

if TYPE_CHECKING:
    import argparse

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: there is one schema per format version, and this is the current one."""


def run(args: argparse.Namespace) -> int:
    from stretchkit.io._schema import catalog_schema_text

    emit(sys.stdout, catalog_schema_text().rstrip("\n"))
    return EXIT_OK
