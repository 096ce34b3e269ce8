"""The report's charts: matplotlib figures saved as SVG text, one per chart.

Why matplotlib (see docs/report.md): a well-kept library that lays out axes, ticks
and dates across time zones, writes plain SVG without a browser or a network, and
is deterministic when asked (``svg.hashsalt``, no date in the metadata).

Rules
- Never touch matplotlib's global state: no pyplot, no ``matplotlib.use``; a
  :class:`~matplotlib.figure.Figure` is drawn by the SVG backend directly inside an
  ``rc_context``. ``rc_context`` swaps the process-wide ``rcParams`` for its
  duration, so one lock serialises the report's drawing; other threads' own
  matplotlib work is not affected outside that window.
- Text stays text (``svg.fonttype: none``), so it scales, can be selected and read
  by screen readers; mathtext is off (``text.parse_math: False``), so a ``$`` in a
  stretch name is a dollar sign. Every string drawn has been cleaned by the caller.
- Each drawn datum carries an id (matplotlib's ``gid``) that tests count in the
  rendered page: ``pain-points`` (one marker per level), ``session-N`` (one block
  per counted session), ``day-minimum``/``day-maximum``, ``pain-free-N``,
  ``rule-met-N``, ``phase-N``, ``relapse-N``, ``span-KIND-N`` and ``mark-KIND``.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stretchkit.engine import ProgramPhase
from stretchkit.report._history import History, SpanKind

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["COLOURS", "pain_chart", "sessions_chart", "timeline_chart"]

COLOURS = {
    "pain": "#b2182b",
    "pain-free": "#d9f0d3",
    "rule": "#1b7837",
    "relief": "#f4a582",
    "maintenance": "#92c5de",
    "relapse": "#b2182b",
    "session-relief": "#d6604d",
    "session-maintenance": "#4393c3",
    "minimum": "#1b7837",
    "maximum": "#762a83",
    SpanKind.RESTING.value: "#fdb863",
    SpanKind.REINTRODUCED.value: "#a6dba0",
    SpanKind.PARKED.value: "#999999",
    "trouble": "#b2182b",
    "reenabled": "#1b7837",
}
"""Colour-blind-safe hues (ColorBrewer RdBu/PRGn), each paired with a shape or a label."""

_LOCK = threading.Lock()
_WIDTH = 7.0  # inches; the page scales the SVG to its column
_LABEL_CHARS = 36


def _rc(chart: str) -> Any:  # matplotlib types the keys as a Literal of every rcParam
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": f"stretchkit-report-{chart}",
        "svg.id": f"svg-{chart}",
        "text.parse_math": False,
        "text.usetex": False,
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


@contextmanager
def _figure(chart: str, height: float) -> Iterator[tuple[Figure, list[str]]]:
    """A figure drawn under the report's own settings; the SVG text lands in the list."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    out: list[str] = []
    with _LOCK, mpl.rc_context(_rc(chart)):
        figure = Figure(figsize=(_WIDTH, height), layout="constrained")
        yield figure, out
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    out.append(_inline(buffer.getvalue(), chart))


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_SIZE = re.compile(r'\s(width|height)="[^"]*"')


_TAG = re.compile(r"<[^>]*>")  # text content has its < escaped, so this finds tags only
_REFERENCE = re.compile(r'(\bid="|href="#|url\(#)([^"()\-]+)(?=[")])')


def _inline(svg: str, chart: str) -> str:
    """SVG text for inlining in HTML: no XML prologue, no metadata, no fixed size.

    matplotlib numbers its own ids per figure (``axes_1``); three figures on one page
    would repeat them, so those (and every reference to them) get the chart's name in
    front. The report's ids (``session-3``) have a hyphen and are left as they are.
    """
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _METADATA.sub("", svg, count=1)
    head, _, rest = svg.partition(">")
    svg = _SIZE.sub("", head) + ">" + rest

    def tag(match: re.Match[str]) -> str:
        return _REFERENCE.sub(lambda m: f"{m[1]}{chart}_{m[2]}", match[0])

    return _TAG.sub(tag, svg)


def _time_axis(ax: Axes, history: History) -> None:
    import matplotlib.dates as mdates

    tz = history.now.tzinfo
    locator = mdates.AutoDateLocator(tz=tz, minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=tz, show_offset=False))  # type: ignore[no-untyped-call]
    start = _x(history.start)
    ax.set_xlim(start, max(_x(history.now), start + 1 / 24))  # now at midnight: an hour


def _x(at: datetime) -> float:
    import matplotlib.dates as mdates

    value: float = mdates.date2num(at)  # type: ignore[no-untyped-call]
    return value


def pain_chart(history: History) -> str:
    """Pain level over time; pain-free stretches shaded, the 24-hour rule marked."""
    with _figure("pain", 2.8) as (figure, out):
        ax = figure.add_subplot()
        now = _x(history.now)
        for i, stretch in enumerate(history.pain_free):
            end = now if stretch.until is None else min(_x(stretch.until), now)
            ax.axvspan(
                max(_x(stretch.since), _x(history.start)),
                end,
                color=COLOURS["pain-free"],
                gid=f"pain-free-{i}",
                label="pain-free" if i == 0 else None,
            )
        met = [s.met_at for s in history.pain_free if s.met_at is not None]
        for i, at in enumerate(met):
            ax.axvline(
                _x(at),
                color=COLOURS["rule"],
                linestyle="--",
                linewidth=1.2,
                gid=f"rule-met-{i}",
                label="24-hour rule met" if i == 0 else None,
            )
        if history.pain:
            ax.plot(
                [_x(p.at) for p in history.pain],
                [p.level for p in history.pain],
                color=COLOURS["pain"],
                marker="o",
                markersize=4,
                linewidth=1,
                gid="pain-points",
                label="pain level",
            )
        else:
            ax.text(0.5, 0.5, "no pain reports in this period", ha="center", transform=ax.transAxes)
        ax.set_ylim(-0.5, 10.5)
        ax.set_yticks(range(0, 11, 2))
        ax.set_ylabel("pain (0–10)")
        _time_axis(ax, history)
        if history.pain or history.pain_free:
            _legend(figure)
    return out[0]


def sessions_chart(history: History) -> str:
    """One block per counted session, stacked per local day, against the day's limits."""
    from matplotlib.ticker import MaxNLocator

    with _figure("sessions", 2.8) as (figure, out):
        ax = figure.add_subplot()
        index = {c.day: i for i, c in enumerate(history.days)}
        height: dict[int, int] = {}
        seen: set[ProgramPhase] = set()
        for n, block in enumerate(history.sessions):
            i = index[block.day]
            level = height.get(i, 0)
            height[i] = level + 1
            ax.bar(
                i,
                1,
                bottom=level,
                width=0.7,
                color=COLOURS[f"session-{block.phase.value}"],
                edgecolor="white",
                linewidth=0.6,
                label=None if block.phase in seen else f"{block.phase.value} session",
            )[0].set_gid(f"session-{n}")
            seen.add(block.phase)
        xs = list(range(len(history.days)))
        edges = [x - 0.5 for x in xs] + [len(xs) - 0.5]
        for key, values in (
            ("minimum", [c.minimum for c in history.days]),
            ("maximum", [c.maximum for c in history.days]),
        ):
            ax.stairs(
                values,
                edges,
                color=COLOURS[key],
                linewidth=1.4,
                linestyle="-" if key == "minimum" else ":",
                baseline=None,
                gid=f"day-{key}",
                label=f"daily {key}",
            )
        top = max([c.maximum for c in history.days] + [c.sessions for c in history.days])
        ax.set_ylim(0, top + 1)
        ax.set_xlim(-0.6, len(xs) - 0.4)
        ax.set_ylabel("sessions")
        step = -(-len(xs) // 8)  # at most eight labels, today's always among them
        ticks = xs[::-1][::step][::-1]
        labels, month = [], 0
        for i in ticks:
            day = history.days[i].day
            labels.append(f"{day.day} {day:%b}" if day.month != month else str(day.day))
            month = day.month
        ax.set_xticks(ticks, labels)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(figure)
    return out[0]


def timeline_chart(history: History, name: Callable[[str], str]) -> str:
    """The program phase, then each stretch's rests, reintroductions and parking."""
    rows = len(history.stretch_ids) + 1
    with _figure("timeline", max(1.6, 0.9 + 0.32 * rows)) as (figure, out):
        ax = figure.add_subplot()
        start, now = _x(history.start), _x(history.now)
        # row 0: the phase
        first = start if history.first_at is None else max(start, _x(history.first_at))
        bounds = [(first, history.phase_at_start)]
        bounds += [(_x(c.at), c.phase) for c in history.phase_changes]
        labelled: set[str] = set()
        for i, (left, phase) in enumerate(bounds):
            right = bounds[i + 1][0] if i + 1 < len(bounds) else now
            ax.barh(
                0,
                max(right - left, 0),
                left=left,
                height=0.6,
                color=COLOURS[phase.value],
                label=None if phase.value in labelled else phase.value,
            )[0].set_gid(f"phase-{i}")
            labelled.add(phase.value)
        relapses = [c for c in history.phase_changes if c.kind == "relapse"]
        for i, change in enumerate(relapses):
            ax.plot(
                [_x(change.at)],
                [0],
                marker="v",
                markersize=7,
                color=COLOURS["relapse"],
                linestyle="none",
                gid=f"relapse-{i}",
                label="relapse" if i == 0 else None,
            )
        row = {sid: r + 1 for r, sid in enumerate(history.stretch_ids)}
        counts: dict[str, int] = {}
        for span in history.spans:
            left = max(_x(span.start), start)
            right = now if span.end is None else min(_x(span.end), now)
            n = counts.get(span.kind.value, 0)
            counts[span.kind.value] = n + 1
            ax.barh(
                row[span.stretch_id],
                max(right - left, 0),
                left=left,
                height=0.5,
                color=COLOURS[span.kind.value],
                label=None if span.kind.value in labelled else span.kind.value,
            )[0].set_gid(f"span-{span.kind.value}-{n}")
            labelled.add(span.kind.value)
        for kind, marker in (("trouble", "x"), ("reenabled", "P")):
            marks = [m for m in history.marks if m.kind == kind]
            if marks:
                ax.plot(
                    [_x(m.at) for m in marks],
                    [row[m.stretch_id] for m in marks],
                    marker=marker,
                    markersize=6,
                    linestyle="none",
                    color=COLOURS[kind],
                    gid=f"mark-{kind}",
                    label="discomfort or pain" if kind == "trouble" else "brought back",
                )
        labels = ["program phase"] + [_short(name(s)) for s in history.stretch_ids]
        ax.set_yticks(range(rows), labels)
        ax.set_ylim(rows - 0.5, -0.5)
        _time_axis(ax, history)
        _legend(figure)
    return out[0]


def _legend(figure: Figure) -> None:
    """Below the chart, outside the axes, so it never hides data."""
    figure.legend(loc="outside lower center", fontsize=9, frameon=False, ncols=4)


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"
