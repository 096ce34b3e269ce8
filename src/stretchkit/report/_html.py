"""The report page: one self-contained HTML file, readable on a phone and on paper.

Rules
- Self-contained: the charts are inline SVG, the style is inline CSS, there is no
  script, no font and no link to anything; a Content-Security-Policy of
  ``default-src 'none'`` tells the browser to fetch nothing even if something slipped in.
- Every text that came from outside (user id, program, stretch and routine names,
  ids) is cleaned (:func:`clean`: bidi controls, other control characters and lone
  surrogates become U+FFFD, long values are cut) and HTML-escaped, and shown inside
  ``<bdi>`` so a right-to-left name cannot reorder the sentence around it.
- Each chart is a ``<figure>`` with a ``<figcaption>``, its SVG has ``role="img"``
  and a ``<title>`` saying what it shows, and a data table follows for screen
  readers and for anyone who wants the numbers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from stretchkit.model._validators import BAD_TEXT
from stretchkit.report._history import History, SpanKind

__all__ = ["MAX_TEXT", "clean", "page"]

MAX_TEXT = 120
"""Longer outside text is cut to this many characters (and says how long it was)."""

_MARKS = re.compile("[\u061c\u200e\u200f]")
"""Bidi marks: they reorder nothing on their own, but have no place in a name either."""


def clean(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` made safe to show: no bidi or control characters, at most ``limit`` long.

    Runs of white space become one space; then what the model refuses in any text
    (:data:`~stretchkit.model._validators.BAD_TEXT`) and bidi marks become U+FFFD.
    """
    text = " ".join(str(text).split())
    text = _MARKS.sub("\ufffd", BAD_TEXT.sub("\ufffd", text))
    if len(text) > limit:
        text = f"{text[: limit - 20]}… ({len(text)} characters)"
    return text


def _e(text: str) -> str:
    return f"<bdi>{html.escape(clean(text), quote=True)}</bdi>"


def _when(at: datetime | None) -> str:
    return "—" if at is None else at.strftime("%a %d %b %Y %H:%M")


def _day(d: date) -> str:
    return d.strftime("%a %d %b")


def _table(caption: str, head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A data table (already escaped cells), collapsed under the chart."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        body = f'<tr><td colspan="{len(head)}">nothing in this period</td></tr>'
    heads = "".join(f'<th scope="col">{h}</th>' for h in head)
    return (
        f"<details><summary>{caption} as a table</summary>"
        f'<div class="table-wrap"><table><caption>{caption}</caption>'
        f"<thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></div></details>"
    )


def _figure(key: str, caption: str, alt: str, svg: str, table: str) -> str:
    title = html.escape(alt, quote=True)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="title-{key}" ',
        1,
    )
    head, sep, rest = svg.partition(">")
    svg = f'{head}{sep}<title id="title-{key}">{title}</title>{rest}'
    return (
        f'<figure id="chart-{key}" class="chart">'
        f'<figcaption>{caption}</figcaption><div class="plot" tabindex="0">{svg}</div>'
        f"{table}</figure>"
    )


def _average(value: float | None) -> str:
    return "no reports" if value is None else f"{value:.1f}"


def _summary(h: History) -> list[str]:
    lines = [
        f"Phase now: <strong>{h.phase_now.value}</strong>.",
        f"The daily minimum was met on <strong>{h.days_met} of {h.days_tracked}</strong> "
        f"day{'s' if h.days_tracked != 1 else ''} tracked in this period.",
        f"Current streak: <strong>{h.streak}</strong> day{'s' if h.streak != 1 else ''} "
        "in a row with the minimum met.",
        f"Average pain this week: <strong>{_average(h.average_this_week)}</strong> "
        f"(the week before: {_average(h.average_last_week)}).",
    ]
    if h.pain_free and h.pain_free[-1].until is None:
        last = h.pain_free[-1]
        met = (
            f"; the 24-hour rule was met on {_when(last.met_at)}" if last.met_at is not None else ""
        )
        lines.append(f"Pain-free since {_when(last.since)}{met}.")
    if h.ignored:
        lines.append(
            f"{h.ignored} event{'s' if h.ignored != 1 else ''} stamped after "
            f"{_when(h.now)} {'are' if h.ignored != 1 else 'is'} not shown (a clock set wrong?)."
        )
    return lines


_CSS = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --line: #ddd; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--ink); background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
p.meta { color: var(--muted); margin: 0 0 1rem; }
ul.summary { padding-left: 1.2rem; }
figure.chart { margin: 1.25rem 0; padding: .5rem 0; border-top: 1px solid var(--line); }
figcaption { font-weight: 600; margin-bottom: .25rem; }
.plot { overflow-x: auto; }
.plot svg { display: block; width: 100%; height: auto; min-width: 32rem; max-width: 56rem; }
details { margin-top: .5rem; }
summary { cursor: pointer; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-top: .5rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
.table-wrap { overflow-x: auto; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  main { padding: .6rem; }
  table { font-size: .8rem; }
}
@media print {
  @page { margin: 1.5cm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  figure.chart { break-inside: avoid; page-break-inside: avoid; }
  details { display: none; }
  .plot { overflow: visible; }
  .plot svg { min-width: 0; }
}
"""


def page(
    h: History,
    *,
    title: str,
    user: str | None,
    charts: dict[str, str],
    name: Callable[[str], str],
) -> str:
    """The whole HTML document."""
    who = f" for {_e(user)}" if user else ""
    period = f"{_day(h.days[0].day)} to {_day(h.days[-1].day)}"
    summary = "".join(f"<li>{line}</li>" for line in _summary(h))

    pain_rows = [
        [html.escape(_when(p.at)), str(p.level), html.escape(p.source), _e(p.event_id)]
        for p in h.pain
    ]
    free_rows = [[_when(s.since), _when(s.until), _when(s.met_at)] for s in h.pain_free]
    day_rows = [
        [
            _day(c.day) + (" (today)" if c.today else ""),
            str(c.sessions),
            str(c.counted),
            str(c.minimum),
            str(c.maximum),
            c.phase.value,
            "yes" if c.met else ("not yet" if c.today else "no"),
        ]
        for c in h.days
    ]
    phase_rows = [[_when(h.start), h.phase_at_start.value, "at the start of this period"]]
    phase_rows += [[_when(c.at), c.phase.value, c.kind] for c in h.phase_changes]
    span_rows = [
        [_e(name(s.stretch_id)), s.kind.value, _when(s.start), _when(s.end) if s.end else "now"]
        for s in h.spans
    ]
    mark_rows = [
        [
            _e(name(m.stretch_id)),
            "skipped for discomfort or pain" if m.kind == "trouble" else "brought back",
            _when(m.at),
        ]
        for m in h.marks
    ]
    pains = len(h.pain)
    parked = sum(1 for s in h.spans if s.kind is SpanKind.PARKED)
    figures = [
        _figure(
            "pain",
            "Pain level over time",
            f"Line chart of {pains} pain level{'s' if pains != 1 else ''} from 0 to 10 "
            f"between {period}; {len(h.pain_free)} pain-free stretch(es) shaded and "
            f"{sum(s.met_at is not None for s in h.pain_free)} moment(s) the 24-hour rule "
            "was met marked with a dashed line.",
            charts["pain"],
            _table("Pain levels", ["time", "level", "given", "event"], pain_rows)
            + _table("Pain-free stretches", ["since", "until", "24-hour rule met"], free_rows),
        ),
        _figure(
            "sessions",
            "Sessions per day, against the daily minimum and maximum",
            f"Bar chart of {len(h.sessions)} session(s) over {len(h.days)} day(s), one "
            "block per session, with the daily minimum as a solid line and the maximum as a "
            "dotted line.",
            charts["sessions"],
            _table(
                "Sessions per day",
                [
                    "day",
                    "sessions",
                    "counted for the phase",
                    "minimum",
                    "maximum",
                    "phase",
                    "minimum met",
                ],
                day_rows,
            ),
        ),
        _figure(
            "timeline",
            "Program phase, and each stretch's rests, reintroductions and parking",
            f"Timeline with the program phase on the first row ({len(h.phase_changes)} "
            f"change(s)) and one row per stretch: {len(h.spans)} period(s) resting, "
            f"reintroduced or parked ({parked} parked), {len(h.marks)} marked moment(s).",
            charts["timeline"],
            _table("Phase changes", ["time", "phase", "change"], phase_rows)
            + _table("Stretch periods", ["stretch", "state", "from", "until"], span_rows)
            + _table("Stretch moments", ["stretch", "what", "time"], mark_rows),
        ),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        '<meta name="generator" content="stretchkit">'
        f"<title>{html.escape(clean(title))}</title><style>{_CSS}</style></head>"
        f'<body><main><h1>{_e(title)}</h1><p class="meta">Progress report{who}, '
        f"{period} (days in {html.escape(_zone(h.now))}), made {_when(h.now)}.</p>"
        f'<section id="summary" aria-labelledby="summary-title"><h2 id="summary-title">'
        f'Summary</h2><ul class="summary">{summary}</ul></section>'
        f'<section id="charts" aria-label="Charts">{"".join(figures)}</section>'
        "</main></body></html>\n"
    )


def _zone(now: datetime) -> str:
    key = getattr(now.tzinfo, "key", None)
    return str(key) if key else now.strftime("UTC%z")
