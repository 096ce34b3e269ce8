"""What an importer did: per entry, what it extracted, what it guessed, what it refused.

An importer never drops an entry silently and never raises for bad content:
every entry gets an :class:`EntryReport`, skipped ones with the reason.
"""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from stretchkit._errors import StretchkitError
from stretchkit.model._catalog import Catalog

__all__ = ["EntryReport", "ImportNote", "ImportReport", "ImportResult", "ImporterError"]


class ImporterError(StretchkitError):
    """An importer was called with an option it cannot use (bad content is reported instead)."""


@frozen(kw_only=True)
class ImportNote:
    """One guess or problem: a stable ``code`` and a sentence for people."""

    code: str
    message: str


@frozen(kw_only=True)
class EntryReport:
    """One source entry: the stretch it became (``None`` if skipped) and why."""

    index: int
    """Position of the entry in the source list, from 0."""
    source_id: str | None
    stretch_id: str | None
    guesses: tuple[ImportNote, ...] = ()
    """What the importer had to guess; the stretch is usable but worth a look."""
    problems: tuple[ImportNote, ...] = ()
    """What it could not use; when ``stretch_id`` is ``None`` these say why it was skipped."""
    extracted: dict[str, Any] = field(factory=dict)
    """A plain summary of what was read from the entry (position, sides, dose, …)."""

    @property
    def imported(self) -> bool:
        return self.stretch_id is not None


@frozen(kw_only=True)
class ImportReport:
    """Everything an import has to say, plus the attribution the source asks for."""

    source: str
    attribution: str
    entries: tuple[EntryReport, ...] = ()
    problems: tuple[ImportNote, ...] = ()
    """Problems with the input as a whole (not a list, unreadable JSON)."""

    @property
    def imported(self) -> tuple[EntryReport, ...]:
        return tuple(e for e in self.entries if e.imported)

    @property
    def skipped(self) -> tuple[EntryReport, ...]:
        return tuple(e for e in self.entries if not e.imported)

    def format(self, *, verbose: bool = True) -> str:
        """A readable report: a summary line, the attribution, then one block per entry.

        With ``verbose=False`` only entries with guesses or problems are listed.
        """
        guesses = sum(len(e.guesses) for e in self.entries)
        lines = [
            f"{self.source}: {len(self.entries)} entries, {len(self.imported)} imported, "
            f"{len(self.skipped)} skipped, {guesses} guesses",
            self.attribution,
        ]
        lines.extend(f"error[{p.code}]: {p.message}" for p in self.problems)
        for entry in self.entries:
            if not verbose and not entry.guesses and not entry.problems:
                continue
            name = entry.source_id if entry.source_id is not None else "(no id)"
            target = entry.stretch_id if entry.imported else "SKIPPED"
            lines.append(f"#{entry.index} {name} -> {target}")
            if verbose and entry.extracted:
                summary = "; ".join(f"{k}: {_plain(v)}" for k, v in entry.extracted.items())
                lines.append(f"    extracted {summary}")
            lines.extend(f"    problem[{n.code}]: {n.message}" for n in entry.problems)
            lines.extend(f"    guess[{n.code}]: {n.message}" for n in entry.guesses)
        return "\n".join(lines)


def _plain(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value) or "-"
    return str(value)


@frozen(kw_only=True)
class ImportResult:
    """The imported catalog (stretches only) and the report on how it was made."""

    catalog: Catalog
    report: ImportReport
