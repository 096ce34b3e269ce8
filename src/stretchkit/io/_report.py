"""The report of one check: issues gathered by the stages, located and cut at the end.

Stages add issues with a pointer only; lines and columns are filled in from the
source map once, when the report is finished, so a valid document never pays
for a map. The report also keeps the promise of :attr:`Limits.max_issues`: at
most that many issues and a ``too-many-issues`` note saying how many more.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from stretchkit.io._issues import Issue, Severity, new_issue
from stretchkit.io._limits import Limits
from stretchkit.io._source import SourceText

__all__ = ["Report"]


@attrs.define
class Report:
    """Issues gathered so far, located against the source text at the end."""

    source: SourceText | None
    limits: Limits
    file: str | None
    issues: list[tuple[Issue, bool]] = attrs.field(factory=list)
    unexplained: int = 0
    """Faulty items left unexplained once ``max_issues`` were found: at least one issue each."""
    partial: bool = False
    """The document was not looked at to its end (too many duplicate keys): more may hide."""

    def add(self, issues: Iterable[Issue], *, at_key: bool = False) -> None:
        self.issues.extend((issue, at_key) for issue in issues)

    @property
    def has_errors(self) -> bool:
        return any(issue.is_error for issue, _ in self.issues)

    def finish(self) -> list[Issue]:
        if self.source is not None:
            self.source.prepare(issue.pointer for issue, _ in self.issues if issue.line is None)
        located = [self._locate(issue, at_key) for issue, at_key in self.issues]
        if self.source is not None:
            located.sort(key=lambda i: (i.line or 0, i.column or 0))
        cap = self.limits.max_issues
        if len(located) > cap or self.unexplained:
            first = located[min(cap, len(located) - 1)]
            more = len(located) - cap if len(located) > cap else 0
            counted = (
                f"at least {more + self.unexplained}"
                if self.unexplained or self.partial
                else f"{more}"
            )
            note = new_issue(
                "too-many-issues",
                "",
                f"{counted} more issues are not shown (the next is here)",
                severity=Severity.WARNING,
            )
            located = [*located[:cap], attrs.evolve(note, line=first.line, column=first.column)]
        if self.file is not None:
            located = [attrs.evolve(i, file=self.file) for i in located]
        return located

    def _locate(self, issue: Issue, at_key: bool) -> Issue:
        if issue.line is not None or self.source is None:
            return issue
        where = self.source.locate(issue.pointer, key=at_key)
        if where is None:
            return issue
        return attrs.evolve(issue, line=where[0], column=where[1])
