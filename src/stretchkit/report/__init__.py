"""The progress report: one self-contained HTML page with charts of a user's history.

``report_html(progress, now=...)`` returns the page as text; the command line's
``stretchkit report`` writes it to a file. Drawing needs matplotlib (the ``report``
extra); working out what to draw does not.
"""

from __future__ import annotations

from stretchkit.report._report import ReportError, report_html

__all__ = ["ReportError", "report_html"]
