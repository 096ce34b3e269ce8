"""Issues: every problem found in a document, located and explained.

Validation never stops at the first problem and never raises for bad content:
it returns :class:`Issue` values. Loading raises :class:`CatalogError`, which
carries the same list.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence

from attrs import field, frozen

from stretchkit._errors import StretchkitError
from stretchkit.model._validators import BAD_TEXT

__all__ = ["CatalogError", "Issue", "Severity", "new_issue"]


class Severity(enum.StrEnum):
    ERROR = "error"
    """The document cannot be used."""
    WARNING = "warning"
    """The document loads, but an author probably wants to change something."""


@frozen(kw_only=True)
class Issue:
    """One problem: what (``code``, ``message``), where (``pointer``, ``line``, ``column``).

    ``code`` is stable across releases, so tools may match on it. ``pointer`` is
    an RFC 6901 JSON pointer (``""`` is the whole document). ``line`` and
    ``column`` count from 1 in the source text; they are ``None`` when the
    document did not come from text (an already-parsed mapping).
    """

    severity: Severity
    code: str
    pointer: str
    message: str
    line: int | None = None
    column: int | None = None
    file: str | None = field(default=None, eq=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        """``FILE:LINE:COL: error[CODE] /pointer: message`` — the command line's form."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        pointer = self.pointer or "/"
        line = f"{where}: {self.severity.value}[{self.code}] {pointer}: {self.message}"
        # A key in a pointer is quoted as written: a control or bidirectional character
        # there would break the line or reorder it on a terminal, so it is shown escaped.
        return BAD_TEXT.sub(_escaped, line)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "pointer": self.pointer,
            "message": self.message,
        }


def new_issue(
    code: str,
    pointer: str,
    message: str,
    where: tuple[int, int] | None = None,
    severity: Severity = Severity.ERROR,
) -> Issue:
    """An issue at ``pointer``; ``where`` is its (line, column) when already known."""
    line, column = where if where is not None else (None, None)
    return Issue(
        severity=severity, code=code, pointer=pointer, message=message, line=line, column=column
    )


def _escaped(match: re.Match[str]) -> str:
    """``\\x0a`` below U+0100, ``\\u202e`` above: the command line's own escapes."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class CatalogError(StretchkitError):
    """A catalog could not be loaded; ``issues`` says every reason, located."""

    def __init__(self, issues: Iterable[Issue], *, file: str | None = None) -> None:
        self.issues: Sequence[Issue] = tuple(issues)
        self.file = file
        errors = [i for i in self.issues if i.is_error]
        shown = "\n".join(i.format() for i in errors[:10])
        more = f"\n… and {len(errors) - 10} more" if len(errors) > 10 else ""
        super().__init__(f"{len(errors)} error(s) in the catalog:\n{shown}{more}")
