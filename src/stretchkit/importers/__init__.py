"""Other exercise formats in: each importer returns a catalog and a report of its guesses."""

from __future__ import annotations

from stretchkit.importers._report import (
    EntryReport,
    ImporterError,
    ImportNote,
    ImportReport,
    ImportResult,
)
from stretchkit.importers.free_exercise_db import import_free_exercise_db

__all__ = [
    "EntryReport",
    "ImportNote",
    "ImportReport",
    "ImportResult",
    "ImporterError",
    "import_free_exercise_db",
]
