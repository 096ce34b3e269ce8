"""Other exercise formats in: each importer returns a catalog and a report of its guesses."""

from __future__ import annotations

from stretchkit.importers._report import (
    EntryReport,
    ImporterError,
    ImportReport,
    ImportResult,
    Note,
)
from stretchkit.importers.free_exercise_db import import_free_exercise_db

__all__ = [
    "EntryReport",
    "ImportReport",
    "ImportResult",
    "ImporterError",
    "Note",
    "import_free_exercise_db",
]
