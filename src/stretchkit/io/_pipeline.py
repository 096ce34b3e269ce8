"""The validation pipeline: every problem of a catalog, located, in one pass.

The pipeline, each stage run only if the ones before found no error (a later
stage on a broken document would only repeat the earlier complaint in worse
words):

1. read (:mod:`stretchkit.io._read`): a path, bytes, text or a parsed mapping;
2. parse (:mod:`stretchkit.io._parse`): UTF-8, JSON syntax, the limits,
   duplicate keys, non-finite numbers, control characters;
3. version (:mod:`stretchkit.io._migrate`): ``format_version`` known, older
   documents upgraded by explicit steps;
4. schema (:mod:`stretchkit.io._explain`): the published JSON Schema, every
   error collected and worded (:mod:`stretchkit.io._wording`);
5. semantics (:mod:`stretchkit.io._semantic`): ids, references, durations;
6. structure (:mod:`stretchkit.io._structure`, with the converter of
   :mod:`stretchkit.io._converter`): the typed :class:`Catalog`.

The success path is shorter still: :mod:`stretchkit.io._fast` decodes the
bytes with msgspec and checks every rule the stages above make; when it
vouches for a document its catalog is the answer (and
:func:`~stretchkit.io.validate_catalog` adds the semantic warnings, computed
from the parsed document as before). When it cannot vouch, the stages run as
listed. There, the strict converter and the semantic checks decide; only when
something fails does the schema run, to say exactly what is wrong, and then
only on the top level and the items the converter (or the parser) found fault
with.

Warnings (a byte-order mark, minutes that do not match) never stop the
pipeline. Lines and columns are filled in from the source map at the end
(:class:`~stretchkit.io._report.Report`), so a valid document never pays for
building one. Two shortcuts (:mod:`stretchkit.io._shortcuts`) give the parse
stage's answer in C when it is certain.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from stretchkit.io._explain import schema_errors, suspect_items
from stretchkit.io._issues import CatalogError, Issue, new_issue
from stretchkit.io._limits import Limits, fast_allowed
from stretchkit.io._migrate import migrate
from stretchkit.io._parse import FATAL_CODES, parse_json
from stretchkit.io._pointer import is_within
from stretchkit.io._read import CatalogSource, read_source
from stretchkit.io._report import Report
from stretchkit.io._screen import Screened, screen
from stretchkit.io._shortcuts import not_an_object, parse_screened, screened_bytes
from stretchkit.io._source import SourceText
from stretchkit.io._structure import PENDING, structure, structure_items
from stretchkit.io._values import check_value
from stretchkit.io._wording import describe
from stretchkit.model import Catalog

__all__ = ["check", "stages"]


def _hopeless(
    document: dict[str, Any],
    report: Report,
    limits: Limits,
    faulty: tuple[tuple[str, int], ...],
    *,
    clean_text: bool = False,
) -> bool:
    """Explain only the first ``max_issues`` faulty items when there are more: bounded work.

    ``faulty`` are the items their msgspec Struct refuses (shape, types, bounds:
    :func:`stretchkit.io._screen.screen`), in document order. When more items
    fail than ``max_issues``, the output is cut anyway; so the schema explains
    the first ``max_issues`` of them and the rest are counted, instead of the
    converter and the schema going through all of them (199,000 bad stretches
    took 45 s). With fewer faulty items the pipeline runs as before, and says
    everything.
    """
    cap = limits.max_issues
    if len(faulty) <= cap:
        return False
    flagged = [issue.pointer for issue, _ in report.issues if issue.is_error]
    explained = set(faulty[:cap])
    found = [
        (issue, at_key)
        for issue, at_key in schema_errors(
            document, cap, explained | suspect_items(flagged), clean_text=clean_text
        )
        if not any(is_within(issue.pointer, p) for p in flagged)
    ]
    if not any(issue.is_error for issue, _ in found):
        return False  # the Structs are stricter here than the schema (30.0 for 30): say it all
    report.issues.extend(found)
    report.unexplained = len(faulty) - cap
    return True


def _explained(
    document: dict[str, Any],
    report: Report,
    limits: Limits,
    suspects: frozenset[tuple[str, int]],
    *,
    clean_text: bool = False,
) -> bool:
    """The schema's errors in the suspect items, added to ``report``; ``False`` if it finds none.

    The stages below would ask the converter about the suspects first, and then
    the schema about the items the converter refused. The converter refuses
    every item the schema refuses (``tests/test_load.py`` holds the two together),
    so when the schema finds an error among the suspects, it finds exactly the
    errors it would have found there: the same answer, without the converter.
    When it finds none (a false alarm: ``30.0`` for ``30``, a repeated label),
    nothing is added and the stages run as before.
    """
    flagged = [issue.pointer for issue, _ in report.issues if issue.is_error]
    found = [
        (issue, at_key)
        for issue, at_key in schema_errors(
            document, limits.max_issues, {*suspects, *suspect_items(flagged)}, clean_text=clean_text
        )
        if not any(is_within(issue.pointer, p) for p in flagged)
    ]
    if not any(issue.is_error for issue, _ in found):
        return False
    report.issues.extend(found)
    return True


def _fast(
    data: bytes | str, limits: Limits, file: str | None, *, warnings: bool
) -> tuple[tuple[list[Issue], Catalog] | None, bool]:
    """The fast path's answer (issues are the semantic warnings), or ``None`` to run the stages;
    and whether the bytes' text rules were checked and held (the stages need not scan again).

    A document the fast path accepts gives no parse issue (a byte-order mark
    sends it down the full path), so its only issues are the semantic
    warnings, located against the text only when there are any.
    """
    from stretchkit.io._fast import _doubtful_text, fast_check

    try:
        raw = data.encode("utf-8") if isinstance(data, str) else data
    except UnicodeEncodeError:  # a lone surrogate: the parse stage explains it
        return None, False
    if _doubtful_text(raw):
        return None, False
    found = fast_check(raw, warnings=warnings, text_checked=True)
    if found is None:
        return None, True
    catalog, issues = found
    if not issues:
        return ([], catalog), True
    text = data if isinstance(data, str) else data.decode("utf-8")
    # What the fast path vouches for, the parse stage accepts whole: JSON with no
    # duplicate key, within the limits. So the warnings need no full source map.
    report = Report(SourceText(text, limits, clean=True, data=raw), limits, file)
    report.add(issues)
    return (report.finish(), catalog), True


def check(
    source: CatalogSource, limits: Limits, *, warnings: bool, text: bool = False
) -> tuple[list[Issue], Catalog | None]:
    """Every issue of ``source``, and the catalog when there is no error.

    Without ``warnings`` a valid document's warnings may be left out.

    With ``text`` a ``str`` is the document itself, never a path.
    """
    if text and isinstance(source, str):
        data: bytes | str | Mapping[str, Any] | None = source
        file: str | None = None
        read_issues: list[Issue] = []
    else:
        data, file, read_issues = read_source(source, limits)
    text_checked = False
    if data is not None and not isinstance(data, Mapping) and fast_allowed(limits):
        answer, text_checked = _fast(data, limits, file, warnings=warnings)
        if answer is not None:
            return answer
    report = Report(source=None, limits=limits, file=file)
    report.add(read_issues)
    if data is None:
        return report.finish(), None
    return stages(data, report, limits, text_checked=text_checked)


def stages(
    data: bytes | str | Mapping[str, Any],
    report: Report,
    limits: Limits,
    *,
    screened: bool = True,
    text_checked: bool = False,
) -> tuple[list[Issue], Catalog | None]:
    """The full pipeline: parse, version, structure, and the schema to explain failures.

    With ``screened`` (always, but in the tests that compare the two) the
    converter sees only the items :func:`~stretchkit.io._screen.screen` suspects,
    and a document whose suspects the schema finds fault with is explained
    without being decoded whole (:func:`~stretchkit.io._shortcuts.screened_bytes`);
    without, the whole document meets the converter. The issues are the same.
    ``text_checked``: bytes whose text rules the fast path's scan found held.
    """
    document: object
    found: Screened | None = None  # the items worth a closer look, once the document is known
    if isinstance(data, Mapping):
        document = dict(data)
        problems = check_value(document, limits, json_types_only=True)
        report.add(new_issue(code, pointer, message) for code, pointer, message in problems)
        # A value JSON cannot hold (a tuple, a date, an int key) stops here: no later
        # stage is written for it.
        if any(code in FATAL_CODES or code == "wrong-type" for code, _, _ in problems):
            return report.finish(), None
    else:
        not_an_object_issue = not_an_object(data, limits)
        if not_an_object_issue is not None:
            report.add([not_an_object_issue])
            return report.finish(), None
        if screened and isinstance(data, bytes):
            found_early = screened_bytes(data, limits, text_checked=text_checked)
            if found_early is not None and found_early[1].suspects:
                sparse, found, report.source = found_early
                # screened_bytes answers only for bytes the text scan found clean.
                if _hopeless(sparse, report, limits, found.misfits, clean_text=True) or _explained(
                    sparse, report, limits, found.suspects, clean_text=True
                ):
                    return report.finish(), None
                report.source, found = None, None  # false alarms: parse it whole after all
        early = (
            parse_screened(data, limits, text_checked=text_checked)
            if screened and isinstance(data, bytes)
            else None
        )
        if early is not None:
            parsed, found = early
        else:
            parsed = parse_json(data, limits)
        report.source = parsed.source
        report.add(parsed.issues)
        report.partial = parsed.stopped
        if parsed.fatal:
            return report.finish(), None
        document = parsed.value

    if not isinstance(document, dict):
        report.add(
            [
                new_issue(
                    "wrong-type",
                    "",
                    f"a catalog is a JSON object {{…}}, got {describe(document)}",
                )
            ]
        )
        return report.finish(), None

    try:
        document = migrate(document)
    except CatalogError as exc:
        report.add(exc.issues)
        return report.finish(), None

    from stretchkit.io._semantic import semantic_issues_raw

    if found is None:
        found = screen(document)
    if _hopeless(document, report, limits, found.misfits):
        return report.finish(), None
    if screened and found.suspects and _explained(document, report, limits, found.suspects):
        return report.finish(), None
    catalog: object
    if screened:
        catalog, structure_problems = structure_items(document, found.suspects)
    else:
        catalog, structure_problems = structure(document)
    semantic: list[Issue] | None = None
    if catalog is not None and not report.has_errors:
        semantic = semantic_issues_raw(document)
        if catalog is PENDING and not any(issue.is_error for issue in semantic):
            catalog, structure_problems = structure(document)
        if catalog is not None and not any(issue.is_error for issue in semantic):
            report.add(semantic)
            return report.finish(), typing.cast(Catalog, catalog)

    # Something is wrong: explain it. Only suspect items meet the schema validator.
    flagged = [issue.pointer for issue, _ in report.issues if issue.is_error]
    suspects = suspect_items([*flagged, *(pointer for pointer, _ in structure_problems)])
    for issue, at_key in schema_errors(document, limits.max_issues, suspects):
        if not any(is_within(issue.pointer, p) for p in flagged):
            report.issues.append((issue, at_key))
    if report.has_errors:
        return report.finish(), None

    report.add(semantic_issues_raw(document) if semantic is None else semantic)
    if report.has_errors:
        return report.finish(), None
    if catalog is None:
        # A value the schema allows but the model refuses: a backstop, kept located.
        report.add(
            new_issue("invalid-value", pointer, message) for pointer, message in structure_problems
        )
        return report.finish(), None
    # Unreachable with PENDING: without an error so far the catalog was built above.
    return report.finish(), typing.cast(Catalog, catalog)
