"""Bytes to text: UTF-8 only, a byte-order mark tolerated, every bad byte run located.

A UTF-8 byte-order mark is accepted with a ``bom`` warning and not counted as
a column. UTF-16 and UTF-32 are refused as a whole (they are not JSON files
any tool here writes); bytes that are not UTF-8 are pointed at, the first
twenty runs of them.
"""

from __future__ import annotations

import codecs
import re

from stretchkit.io._issues import Issue, Severity, new_issue
from stretchkit.io._limits import Limits
from stretchkit.io._source import SourceText

__all__ = ["decode"]


def decode(data: bytes, limits: Limits) -> tuple[str | None, list[Issue]]:
    """The text of ``data``, or ``None``; and the issues met on the way."""
    issues: list[Issue] = []
    if data.startswith(codecs.BOM_UTF8):
        issues.append(
            new_issue(
                "bom",
                "",
                "the file starts with a UTF-8 byte-order mark; it is ignored, "
                "but JSON files should be saved without one",
                (1, 1),
                Severity.WARNING,
            )
        )
        data = data[len(codecs.BOM_UTF8) :]
    head = data[:4]
    if (
        head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        or (len(head) >= 2 and (head[0] == 0 or head[1] == 0))
    ) and not head.startswith(b"\x00\x00\x00\x00"):
        issues.append(
            new_issue(
                "invalid-utf8",
                "",
                "the file looks like UTF-16 or UTF-32; save it as UTF-8",
                (1, 1),
            )
        )
        return None, issues
    try:
        return data.decode("utf-8"), issues
    except UnicodeDecodeError:
        pass
    # Locate every bad byte run (each shows up as lone low surrogates).
    escaped = data.decode("utf-8", "surrogateescape")
    where = SourceText(escaped, limits)
    runs = list(re.finditer("[\udc80-\udcff]+", escaped))
    for m in runs[: min(limits.max_issues, 20)]:
        raw = m.group().encode("utf-8", "surrogateescape")
        shown = " ".join(f"0x{b:02x}" for b in raw[:8]) + (" …" if len(raw) > 8 else "")
        issues.append(
            new_issue(
                "invalid-utf8",
                "",
                f"bytes that are not UTF-8 ({shown}); save the file as UTF-8",
                where.position(m.start()),
            )
        )
    if len(runs) > 20:
        issues.append(
            new_issue(
                "too-many-issues",
                "",
                f"{len(runs) - 20} more places are not UTF-8 (the first shown here)",
                where.position(runs[20].start()),
                Severity.WARNING,
            )
        )
    return None, issues
