"""``report_html``: a user's progress as one HTML page (the public entry point)."""

from __future__ import annotations

from datetime import datetime

from stretchkit._errors import StretchkitError
from stretchkit.engine import EngineError, Progress
from stretchkit.model import Catalog
from stretchkit.report._history import MAX_DAYS, history

__all__ = ["DEFAULT_DAYS", "ReportError", "report_html"]

DEFAULT_DAYS = 28
"""Four weeks: enough to see a trend, short enough to read on a phone."""


class ReportError(StretchkitError):
    """A report could not be made: bad arguments, or matplotlib is not installed."""


def report_html(
    progress: Progress,
    *,
    now: datetime,
    days: int = DEFAULT_DAYS,
    user: str | None = None,
    catalog: Catalog | None = None,
    title: str | None = None,
) -> str:
    """The report of ``progress`` over the last ``days`` local days up to ``now``.

    ``progress`` must hold the whole history (``Progress.replay(program, events)``):
    one resumed from a store's snapshot knows the present but not the days before
    it, and is refused with a message saying so. ``now`` is required, like
    everywhere in the engine: the report is the same page
    whenever it is made from the same inputs. Days are local in the zone of
    ``now``. ``catalog`` lets the page name stretches by their names rather than
    their ids; ``user`` is shown in the heading; ``title`` defaults to the
    program's name. Raises :class:`ReportError` for bad arguments (one line, saying
    which) or when matplotlib is missing.
    """
    if catalog is not None and not isinstance(catalog, Catalog):
        raise ReportError(f"catalog must be a Catalog, got {type(catalog).__name__}")
    for label, text in (("user", user), ("title", title)):
        if text is not None and not isinstance(text, str):
            raise ReportError(f"{label} must be a string, got {type(text).__name__}")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ReportError(f"days must be a whole number from 1 to {MAX_DAYS}, got {days!r}"[:300])
    try:
        h = history(progress, now=now, days=days)
    except EngineError as error:
        raise ReportError(f"report: {error}") from None
    try:
        import matplotlib  # noqa: F401  # the report extra
    except ImportError:
        raise ReportError("the report needs matplotlib: pip install 'stretchkit[report]'") from None
    from stretchkit.report import _charts, _html

    stretches = catalog.stretch_by_id if catalog is not None else {}

    def name(stretch_id: str) -> str:
        found = stretches.get(stretch_id)
        return _html.clean(found.name if found is not None else stretch_id, 60)

    charts = {
        "pain": _charts.pain_chart(h),
        "sessions": _charts.sessions_chart(h),
        "timeline": _charts.timeline_chart(h, name),
    }
    return _html.page(
        h,
        title=title if title is not None else progress.program.name,
        user=user,
        charts=charts,
        name=name,
    )
