"""The progress report: what it draws is exactly what was logged, safely, every time.

The page is checked here as text (its ids counted, its escaping proved); the browser
check is tests/test_report_browser.py.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import matplotlib as mpl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stretchkit as sk
from report_support import DAYS, NOW, PAIN_POINTS, SESSIONS, USER, known_progress, parse
from stretchkit.report._history import history

CAT, PROGRESS = known_progress()
PROGRAM = CAT.program("upper-back-relief")
BERLIN = ZoneInfo("Europe/Berlin")
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def levels_in(events: tuple[sk.Event, ...], start: datetime, now: datetime) -> int:
    """Pain levels the user gave between ``start`` and ``now``, counted from the events."""
    n = 0
    for e in events:
        if isinstance(e, sk.PainReported):
            n += start <= e.at <= now
        elif isinstance(e, sk.SessionLogged) and e.session.ended_at <= now:
            s = e.session
            n += s.pain_before is not None and start <= s.started_at
            n += s.pain_after is not None and start <= s.ended_at
    return n


def sessions_in(events: tuple[sk.Event, ...], first: int, last: int, now: datetime) -> int:
    """Sessions that count, started on local days ``first``..``last`` (read in their offset)."""
    return sum(
        1
        for e in events
        if isinstance(e, sk.SessionLogged)
        and e.session.ended_at <= now
        and e.session.completed_any
        and first <= e.session.started_at.date().toordinal() <= last
    )


@pytest.fixture(scope="module")
def known_page() -> str:
    return sk.report_html(PROGRESS, now=NOW, days=DAYS, user=USER, catalog=CAT)


# --- the known history ---------------------------------------------------------------------------


def test_the_known_history_has_its_written_down_counts() -> None:
    h = history(PROGRESS, now=NOW, days=DAYS)
    assert len(h.sessions) == SESSIONS == sum(c.sessions for c in h.days)
    assert len(h.pain) == PAIN_POINTS == levels_in(PROGRESS.events, h.start, NOW)
    assert len(h.days) == DAYS
    assert [c.kind for c in h.phase_changes] == ["maintenance", "relapse", "maintenance"]
    assert h.phase_now is sk.ProgramPhase.MAINTENANCE
    kinds = [s.kind.value for s in h.spans]
    assert kinds.count("resting") == 3
    assert kinds.count("parked") == 1
    assert [m.kind for m in h.marks] == ["trouble"] * 4 + ["reenabled"]
    assert [(s.until is None, s.met_at is not None) for s in h.pain_free] == [
        (False, True),
        (True, True),
    ]
    # Daily counts belong to a phase (issue 10): the relapse day (9 March: two
    # maintenance sessions, then pain) and the day relief ends (13 March: a relief
    # session, then the rule is met) do not meet their phase's minimum.
    assert (h.days_met, h.days_tracked, h.streak) == (12, 14, 2)


def test_the_page_draws_one_element_per_datum(known_page: str) -> None:
    ids = parse(known_page)
    assert sum(1 for i in ids.ids if re.fullmatch(r"session-\d+", i)) == SESSIONS
    assert ids.pain_markers == PAIN_POINTS
    assert {"day-minimum", "day-maximum", "pain-free-0", "pain-free-1"} <= set(ids.ids)
    assert sum(1 for i in ids.ids if i.startswith("rule-met-")) == 2
    assert sum(1 for i in ids.ids if i.startswith("relapse-")) == 1
    assert sum(1 for i in ids.ids if i.startswith("span-parked-")) == 1
    assert sum(1 for i in ids.ids if i.startswith("phase-")) == 4
    assert len(ids.ids) == len(set(ids.ids)), "ids are unique across the page"


def test_the_page_is_self_contained(known_page: str) -> None:
    assert "default-src 'none'" in known_page
    for tag in ("script", "link", "img", "iframe", "object", "embed"):
        assert f"<{tag}" not in known_page
    # the only references are to fragments inside the page
    refs = re.findall(r'(?:href|src)="([^"]*)"', known_page)
    assert refs
    assert all(r.startswith("#") for r in refs), {r for r in refs if not r.startswith("#")}
    assert all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", known_page))
    assert "@import" not in known_page
    assert "@font-face" not in known_page


def test_every_chart_is_a_figure_with_a_caption_alt_text_and_tables(known_page: str) -> None:
    for key in ("pain", "sessions", "timeline"):
        start = known_page.index(f'<figure id="chart-{key}"')
        figure = known_page[start : known_page.index("</figure>", start)]
        assert "<figcaption>" in figure
        assert f'role="img" aria-labelledby="title-{key}"' in figure
        assert f'<title id="title-{key}">' in figure
        assert "<table>" in figure
        assert '<th scope="col">' in figure
    assert f"Line chart of {PAIN_POINTS} pain levels" in known_page
    assert f"Bar chart of {SESSIONS} session(s)" in known_page


def test_the_summary_says_adherence_streak_and_averages(known_page: str) -> None:
    summary = known_page[known_page.index('<section id="summary"') :]
    summary = summary[: summary.index("</section>")]
    assert "met on <strong>12 of 14</strong> days" in summary
    assert "Current streak: <strong>2</strong> days" in summary
    assert "Average pain this week: <strong>0.7</strong> (the week before: 1.4)" in summary
    assert known_page.index('id="summary"') < known_page.index('id="chart-pain"')


def test_same_inputs_same_page_and_matplotlib_left_as_it_was(known_page: str) -> None:
    before = dict(mpl.rcParams)
    again = sk.report_html(PROGRESS, now=NOW, days=DAYS, user=USER, catalog=CAT)
    assert again == known_page
    assert dict(mpl.rcParams) == before


def test_threads_get_the_same_page() -> None:
    pages: list[str] = []

    def make() -> None:
        pages.append(sk.report_html(PROGRESS, now=NOW, days=7))

    threads = [threading.Thread(target=make) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(pages) == 3
    assert len(set(pages)) == 1


def test_stretches_are_named_from_the_catalog_or_by_id() -> None:
    named = sk.report_html(PROGRESS, now=NOW, days=DAYS, catalog=CAT)
    bare = sk.report_html(PROGRESS, now=NOW, days=DAYS)
    assert f"<bdi>{html.escape(CAT.stretch('bridge').name)}</bdi>" in named
    assert "<bdi>bridge</bdi>" in bare


def test_future_events_are_left_out_and_said() -> None:
    early = NOW - timedelta(days=3)
    h = history(PROGRESS, now=early, days=DAYS)
    assert h.ignored > 0
    assert all(p.at <= early for p in h.pain)
    page = sk.report_html(PROGRESS, now=early, days=DAYS)
    assert f"{h.ignored} events stamped after" in page


# --- any history ---------------------------------------------------------------------------------

START = datetime(2026, 3, 2, tzinfo=BERLIN)
STRETCHES = [s.id for s in CAT.stretches]
ZONES = [BERLIN, ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo"), UTC]


@st.composite
def events(draw: st.DrawFn) -> list[sk.Event]:
    """Pain reports, sessions (some with skips) and re-enables over three weeks, any zone."""
    out: list[sk.Event] = []
    for n in range(draw(st.integers(0, 30))):
        zone = draw(st.sampled_from(ZONES))
        minutes = draw(st.integers(0, 21 * 24 * 60))
        at = (START.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)
        kind = draw(st.sampled_from(["pain", "session", "session", "back"]))
        if kind == "pain":
            out.append(sk.PainReported(id=f"e{n}", at=at, level=draw(st.integers(0, 10))))
        elif kind == "back":
            out.append(
                sk.StretchReenabled(id=f"e{n}", at=at, stretch_id=draw(st.sampled_from(STRETCHES)))
            )
        else:
            steps = []
            for sid in draw(st.lists(st.sampled_from(STRETCHES), min_size=0, max_size=4)):
                reason = draw(st.sampled_from([None, *sk.SkipReason]))
                steps.append(
                    sk.StepResult(stretch=sid, outcome=sk.Outcome.COMPLETED)
                    if reason is None
                    else sk.StepResult(stretch=sid, outcome=sk.Outcome.SKIPPED, reason=reason)
                )
            level = st.none() | st.integers(0, 10)
            session = sk.Session(
                id=f"s{n}",
                routine="upper-back-lying",
                started_at=at,
                ended_at=(
                    at.astimezone(UTC) + timedelta(minutes=draw(st.integers(0, 30)))
                ).astimezone(zone),
                steps=steps,
                pain_before=draw(level),
                pain_after=draw(level),
            )
            out.append(sk.SessionLogged(id=f"e{n}", session=session))
    return out


@settings(max_examples=60)
@given(
    events(),
    st.integers(0, 24 * 24),
    st.integers(1, 21),
    st.sampled_from(ZONES),
)
def test_history_holds_exactly_the_logged_levels_and_sessions(
    evs: list[sk.Event], hours: int, days: int, zone: ZoneInfo
) -> None:
    now = (START.astimezone(UTC) + timedelta(hours=hours)).astimezone(zone)
    progress = sk.Progress.replay(PROGRAM, evs, catalog=CAT)
    h = history(progress, now=now, days=days)
    assert len(h.days) == days
    assert h.days[-1].day == now.date()
    assert len(h.pain) == levels_in(progress.events, h.start, now)
    first, last = h.days[0].day.toordinal(), h.days[-1].day.toordinal()
    assert len(h.sessions) == sessions_in(progress.events, first, last, now)
    assert sum(c.sessions for c in h.days) == len(h.sessions)
    assert h.ignored == sum(1 for e in progress.events if _instant(e) > now)
    assert 0 <= h.days_met <= h.days_tracked <= days
    assert h.streak >= 0
    assert [p.at for p in h.pain] == sorted(p.at for p in h.pain)
    for span in h.spans:
        assert span.start <= now
        assert span.end is None or span.end > span.start
    plan = progress.plan(now, "lying")
    assert h.phase_now is plan.phase
    assert h.days[-1].met is (not plan.due)


def _instant(e: sk.Event) -> datetime:
    return e.session.ended_at if isinstance(e, sk.SessionLogged) else e.at


@settings(max_examples=8)
@given(events(), st.integers(1, 21))
def test_the_page_counts_match_any_history(evs: list[sk.Event], days: int) -> None:
    now = START + timedelta(days=21)
    progress = sk.Progress.replay(PROGRAM, evs, catalog=CAT)
    h = history(progress, now=now, days=days)
    ids = parse(sk.report_html(progress, now=now, days=days))
    assert sum(1 for i in ids.ids if re.fullmatch(r"session-\d+", i)) == len(h.sessions)
    assert ids.pain_markers == len(h.pain)


# --- untrusted text ------------------------------------------------------------------------------

HOSTILE = st.text(
    st.characters(codec="utf-8") | st.sampled_from([*BIDI, "<", ">", "&", '"', "'", "$", "\\"]),
    max_size=200,
)


class Bdi(HTMLParser):
    """The text of every ``<bdi>`` (where outside text is shown), and every tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.tags: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "bdi":
            self._inside = True
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = self._inside and tag != "bdi"

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.texts[-1] += data


def bdi(page: str) -> Bdi:
    parser = Bdi()
    parser.feed(page)
    parser.close()
    return parser


@functools.cache
def plain_page() -> str:
    return sk.report_html(PROGRESS, now=NOW, days=3, user="x", title="t")


@settings(max_examples=6)
@given(HOSTILE, HOSTILE)
def test_untrusted_user_and_title_are_escaped_and_bidi_neutralised(user: str, title: str) -> None:
    from stretchkit.report._html import clean

    page = sk.report_html(PROGRESS, now=NOW, days=3, user=user or "x", title=title or "t")
    plain = plain_page()
    assert not any(c in page for c in BIDI)
    page.encode("utf-8")  # no lone surrogates
    shown = bdi(page)
    assert shown.tags == bdi(plain).tags  # the text added no element
    assert shown.texts[:2] == [clean(title or "t"), clean(user or "x")]


def test_a_stretch_name_cannot_inject_markup_or_mathtext() -> None:
    import attrs

    bridge = CAT.stretch("bridge")
    evil = attrs.evolve(bridge, name="<script>alert(1)</script> $x^2$ & evil")
    cat = attrs.evolve(CAT, stretches=[evil if s.id == "bridge" else s for s in CAT.stretches])
    page = sk.report_html(PROGRESS, now=NOW, days=DAYS, catalog=cat)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "$x^2$ &amp; evil" in page  # drawn as text, not as mathtext


def test_long_names_are_cut_and_say_how_long_they_were() -> None:
    page = sk.report_html(PROGRESS, now=NOW, days=3, user="u" * 5000)
    assert "u" * 5000 not in page
    assert "(5000 characters)" in page


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"now": datetime(2026, 3, 15, 21, 0)}, "naive"),
        ({"now": "2026-03-15"}, "datetime"),
        ({"now": NOW, "days": 0}, "days"),
        ({"now": NOW, "days": True}, "days"),
        ({"now": NOW, "days": 10**9}, "days"),
        ({"now": NOW, "days": 2.5}, "days"),
        ({"now": NOW, "user": 42}, "user"),
        ({"now": NOW, "catalog": "catalog.json"}, "catalog"),
    ],
)
def test_bad_arguments_are_one_line_report_errors(kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(sk.ReportError, match=words) as caught:
        sk.report_html(PROGRESS, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    assert len(message) < 300
    assert isinstance(caught.value, sk.StretchkitError)


def test_not_a_progress_is_a_report_error() -> None:
    with pytest.raises(sk.ReportError, match="Progress"):
        sk.report_html([], now=NOW)  # type: ignore[arg-type]


def test_an_empty_history_still_makes_a_page() -> None:
    page = sk.report_html(sk.Progress.start(PROGRAM, catalog=CAT), now=NOW, days=7)
    assert "no pain reports in this period" in page
    assert "met on <strong>0 of 0</strong> days" in page
    assert 'id="pain-points"' not in page


def test_a_progress_resumed_from_a_snapshot_is_refused_saying_why() -> None:
    resumed = sk.Progress.from_snapshot(PROGRESS.snapshot(), PROGRAM, catalog=CAT)
    with pytest.raises(sk.ReportError, match="replay") as caught:
        sk.report_html(resumed, now=NOW, days=DAYS)
    assert "\n" not in str(caught.value)
