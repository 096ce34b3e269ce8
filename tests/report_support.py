"""A known history for the report's tests: two weeks of the example program in Berlin.

The script is fixed, so its counts are known (and written down below); the tests also
count them again from the events, so the two can never drift apart silently.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import stretchkit as sk
from conftest import EXAMPLES

BERLIN = ZoneInfo("Europe/Berlin")
CATALOG_PATH = EXAMPLES / "upper-back-relief.json"
PROGRAM = "upper-back-relief"
USER = "ana"
NOW = datetime(2026, 3, 15, 21, 0, tzinfo=BERLIN)
"""Sunday evening, two weeks after the Monday the script starts on."""
DAYS = 14

SESSIONS = 17
"""Sessions in the script that count (every one completes at least one step)."""
PAIN_POINTS = 39
"""Levels given: 5 reports, plus before and after each of the 17 sessions."""

D, P, X = sk.SkipReason.DISCOMFORT, sk.SkipReason.PAIN, None

# (day, "HH:MM", what, argument): "pain" N, or "session" (pain_before, pain_after, skips),
# or "back" STRETCH (re-enable). Day 0 is Monday 2 March 2026.
SCRIPT: tuple[tuple[int, str, str, object], ...] = (
    (0, "08:00", "pain", 5),
    (0, "09:00", "session", (5, 3, {})),
    (0, "18:00", "session", (3, 2, {"bridge": D})),  # bridge: try 1, rests 24 h
    (1, "19:00", "session", (2, 2, {"bridge": D})),  # try 2, rests 48 h
    (2, "08:00", "pain", 1),
    (2, "09:00", "session", (1, 1, {})),
    (3, "20:00", "session", (1, 1, {"bridge": D})),  # try 3, rests 96 h
    (4, "08:00", "pain", 0),  # pain-free from here
    (4, "09:00", "session", (0, 0, {})),
    (5, "08:30", "pain", 0),  # 24.5 hours later: maintenance
    (5, "09:00", "session", (0, 0, {})),
    (6, "10:00", "session", (0, 0, {})),
    (7, "09:00", "session", (0, 0, {})),
    (7, "21:00", "session", (0, 3, {"bridge": D})),  # try 4: parked; pain 3: a relapse
    (8, "09:00", "session", (3, 2, {})),
    (8, "18:00", "session", (2, 1, {})),
    (9, "12:00", "back", "bridge"),
    (9, "13:00", "session", (1, 1, {})),
    (10, "09:00", "session", (1, 0, {})),
    (11, "09:00", "session", (0, 0, {})),
    (12, "09:00", "session", (0, 0, {})),
    (13, "08:00", "pain", 0),
    (13, "09:00", "session", (0, 0, {})),
)


def catalog() -> sk.Catalog:
    return sk.load_catalog(CATALOG_PATH)


def known_events(cat: sk.Catalog) -> list[sk.Event]:
    """The script, played through the engine and the session runner as an app would."""
    program = cat.program(PROGRAM)
    progress = sk.Progress.start(program, catalog=cat)
    events: list[sk.Event] = []
    first = datetime(2026, 3, 2, tzinfo=BERLIN)
    for n, (day, hhmm, what, arg) in enumerate(SCRIPT):
        hour, minute = map(int, hhmm.split(":"))
        at = (first + timedelta(days=day)).replace(hour=hour, minute=minute)
        event: sk.Event
        if what == "pain":
            assert isinstance(arg, int)
            event = sk.PainReported(id=f"pain-{n}", at=at, level=arg)
        elif what == "back":
            assert isinstance(arg, str)
            event = sk.StretchReenabled(id=f"back-{n}", at=at, stretch_id=arg)
        else:
            assert isinstance(arg, tuple)
            before, after, skips = arg
            plan = progress.plan(at, "lying")
            runner = sk.SessionRunner.start(
                plan, cat, session_id=f"session-{n}", started_at=at, pain_before=before
            )
            runner = runner.complete_remaining(skips)
            end = (at.astimezone(UTC) + timedelta(minutes=12)).astimezone(BERLIN)
            event = runner.finish(end, pain_after=after)
        progress = progress.apply(event)
        events.append(event)
    return events


def known_store(path: Path) -> Path:
    """A real SQLite store at ``path`` holding the fortnight for :data:`USER`, and a week
    for another user whose data must not show in :data:`USER`'s report."""
    cat = catalog()
    events = known_events(cat)
    other = [e for e in events if not isinstance(e, sk.SessionLogged)][:3]
    with sk.SQLiteStore(path) as store:
        assert store.append(USER, events) == len(events)
        store.append("someone-else", [*other, *events[1:6]])
    return path


def known_progress() -> tuple[sk.Catalog, sk.Progress]:
    cat = catalog()
    events = known_events(cat)
    return cat, sk.Progress.replay(cat.program(PROGRAM), events, catalog=cat)


class Ids(HTMLParser):
    """Every id in a page, and the ``<use>`` elements inside ``g#pain-points``."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.pain_markers = 0
        self._depth = 0  # > 0 inside g#pain-points
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs).get("id")
        if found:
            self.ids.append(found)
        if self._depth:
            self._depth += tag == "g"
            self.pain_markers += tag == "use"
        elif tag == "g" and found == "pain-points":
            self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "g":
            self._depth -= 1


def parse(page: str) -> Ids:
    ids = Ids()
    ids.feed(page)
    ids.close()
    return ids
