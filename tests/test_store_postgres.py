"""PostgresStore against a real server: isolation, bad data, schema, round trips.

The shared contract (a stateful machine against an in-memory model) runs through
``tests/store_support.py``; this file holds what is PostgreSQL's own. Concurrency
is in ``test_store_postgres_concurrency.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pg_support import admin, fresh_schema, in_schema, server_dsn
from stretchkit import (
    DuplicateEventError,
    Event,
    PainReported,
    Progress,
    SessionLogged,
    StoreError,
    StoreFormatError,
    StretchReenabled,
    TimeError,
)
from stretchkit.store._postgres import SCHEMA_VERSION, PostgresStore
from stretchkit.strategies import aware_datetimes
from test_engine_support import CATALOG, PROGRAM, STRETCH_IDS

T0 = datetime(2026, 3, 28, 23, 30, 0, 123456, tzinfo=UTC)


@contextmanager
def new_store() -> Iterator[tuple[PostgresStore, str]]:
    with fresh_schema() as (dsn, schema), PostgresStore(dsn) as store:
        yield store, schema


# -- strategies ------------------------------------------------------------------------

clean_text = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs"),  # C0/C1 controls, DEL, lone surrogates
    exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",  # bidi
)
"""What the engine allows in ids: text without control or bidirectional characters."""
event_ids = st.text(clean_text, min_size=1, max_size=128) | st.uuids().map(str)
offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
fixed_times = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=offsets
)
times = fixed_times | aware_datetimes()


@st.composite
def events(draw: st.DrawFn) -> Event:
    kind = draw(st.sampled_from(["pain", "session", "reenable"]))
    eid = draw(event_ids)
    if kind == "pain":
        return PainReported(id=eid, at=draw(times), level=draw(st.integers(0, 10)))
    if kind == "reenable":
        return StretchReenabled(
            id=eid, at=draw(times), stretch_id=draw(st.sampled_from(STRETCH_IDS))
        )
    from test_engine_support import session as make_session

    start = draw(times)
    done = draw(st.lists(st.sampled_from(STRETCH_IDS), unique=True, max_size=4))
    logged = make_session(
        start,
        minutes=draw(st.integers(0, 240)),
        done=tuple(done),
        pain_before=draw(st.none() | st.integers(0, 10)),
        pain_after=draw(st.none() | st.integers(0, 10)),
        id=draw(event_ids),
    )
    session = logged.session
    stamped = draw(st.none() | times)
    if stamped is None:
        return SessionLogged(id=eid, session=session)
    return SessionLogged(id=eid, session=session, at=stamped)


histories = st.lists(events(), max_size=12, unique_by=lambda e: e.id)

SPECIAL_USERS = [
    "alice",
    "'; DROP TABLE events; --",
    'Robert"); DELETE FROM users; --',
    "%s %(name)s {} $1 \\ \\\\ ' \" ` ;",
    "tab\tnew\nline\rbell\x07esc\x1b del\x7f",
    "ünïcødé 用户 🧘‍♀️ مستخدم",
    "\u202eevil\u202c bidi",
    "x" * 10_000,
    "é" * 10_000,
    "%",
    "_",
    "*",
]
user_ids = st.integers(0, len(SPECIAL_USERS) - 1).map(SPECIAL_USERS.__getitem__) | st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=300
)


def ordered(evs: list[Event]) -> list[Event]:
    """The engine's order, computed here without the store."""

    def key(e: Event) -> tuple[datetime, str]:
        end = e.session.ended_at if isinstance(e, SessionLogged) else e.at
        return end.astimezone(UTC), e.id

    return sorted(evs, key=key)


def exact(evs: tuple[Event, ...] | list[Event]) -> list[str]:
    """Events as the strings that keep offsets and microseconds (``==`` compares instants)."""
    return [json.dumps(e.to_dict(), sort_keys=True) for e in evs]


# -- round trips -----------------------------------------------------------------------


def test_events_come_back_exactly_in_the_engine_order() -> None:
    with new_store() as (store, _):

        @settings(max_examples=60)
        @given(histories, user_ids)
        def check(history: list[Event], user: str) -> None:
            copy = "copy of " + user[:200]
            try:
                assert store.append(user, history) == len(history)
                got = store.events(user)
                assert exact(got) == exact(ordered(history))
                # the export's lines are the events schema, in the same order
                lines = list(store.export(user))
                assert [json.loads(line) for line in lines] == [e.to_dict() for e in got]
                # and they import into another user exactly
                assert store.import_(copy, lines) == len(history)
                assert exact(store.events(copy)) == exact(got)
                if history:
                    cut = ordered(history)[len(history) // 2]
                    since = cut.session.ended_at if isinstance(cut, SessionLogged) else cut.at
                    later = [e for e in got if _end(e) >= since]
                    assert exact(store.events(user, since=since)) == exact(later)
            finally:
                store.delete(user)
                store.delete(copy)

        check()


def _end(e: Event) -> datetime:
    return e.session.ended_at if isinstance(e, SessionLogged) else e.at


def test_ids_are_ordered_by_code_point_whatever_the_collation() -> None:
    """Ids that collations sort differently (case, accents, punctuation, astral) at one instant."""
    ids = [
        "b",
        "B",
        "a",
        "A",
        "é",
        "e",
        "z",
        "_x",
        "-x",
        "ä",
        "𝔞",
        "\uffff",
        "a b",
        "ab",
        "\U0010fffd",
    ]
    evs = [PainReported(id=i, at=T0, level=1) for i in ids]
    with new_store() as (store, _):
        store.append("u", evs)
        assert [e.id for e in store.events("u")] == sorted(ids)


def test_the_first_stored_copy_stays_when_the_same_event_comes_in_another_offset() -> None:
    first = PainReported(id="p", at=T0, level=2)
    again = PainReported(id="p", at=T0.astimezone(timezone(timedelta(hours=-7))), level=2)
    with new_store() as (store, _):
        assert store.append("u", [first]) == 1
        assert store.append("u", [again]) == 0
        assert exact(store.events("u")) == exact([first])


def test_a_conflicting_id_stores_nothing_of_its_batch() -> None:
    with new_store() as (store, _):
        store.append("u", [PainReported(id="p", at=T0, level=2)])
        batch = [
            PainReported(id="new", at=T0, level=1),
            PainReported(id="p", at=T0, level=3),
        ]
        with pytest.raises(DuplicateEventError, match="'p'"):
            store.append("u", batch)
        with pytest.raises(DuplicateEventError, match="'q'"):
            store.append(
                "u",
                [PainReported(id="q", at=T0, level=1)] * 2 + [PainReported(id="q", at=T0, level=9)],
            )
        assert [e.id for e in store.events("u")] == ["p"]


def test_replay_after_a_round_trip_gives_the_same_plan() -> None:
    from test_engine_support import pain, session

    history: list[Event] = [pain(T0 - timedelta(days=3), 6)]
    for day in range(3):
        start = T0 - timedelta(days=2 - day, hours=1)
        history.append(session(start, pain_before=3 - day, pain_after=2 - day))
    history.append(pain(T0, 0))
    with new_store() as (store, _):
        store.append("u", history)
        loaded = store.progress("u", PROGRAM, CATALOG)
        direct = Progress.replay(PROGRAM, history, catalog=CATALOG)
        now = T0 + timedelta(hours=30)
        assert loaded.plan(now, "lying") == direct.plan(now, "lying")
        assert exact(loaded.events) == exact(direct.events)


# -- isolation -------------------------------------------------------------------------


def test_one_users_handle_never_reaches_another_user() -> None:
    with new_store() as (store, _):

        @settings(max_examples=40)
        @given(user_ids, user_ids, histories, histories)
        def check(a: str, b: str, ha: list[Event], hb: list[Event]) -> None:
            if a == b:
                return
            try:
                store.append(a, ha)
                store.append(b, hb)
                store.set_preference(a, "k", "from a")
                assert exact(store.events(a)) == exact(ordered(ha))
                assert exact(store.events(b)) == exact(ordered(hb))
                assert store.preference(b, "k") is None
                expected = sorted(u for u, h in ((a, ha), (b, hb)) if h)
                assert store.users() == tuple(expected)
                store.delete(a)
                assert store.events(a) == ()
                assert exact(store.events(b)) == exact(ordered(hb))
                assert store.users() == ((b,) if hb else ())
            finally:
                store.delete(a)
                store.delete(b)

        check()


def test_reading_an_unknown_user_creates_nothing() -> None:
    with new_store() as (store, schema):
        assert store.events("nobody") == ()
        assert list(store.export("nobody")) == []
        assert store.runner("nobody", CATALOG) is None
        assert store.preference("nobody", "k") is None
        store.progress("nobody", PROGRAM, CATALOG)
        store.delete("nobody")
        store.clear_runner("nobody")
        assert store.users() == ()
        with admin() as conn:
            for table in ("users", "events", "snapshots", "runners", "preferences"):
                count = conn.execute(f'SELECT count(*) FROM "{schema}".{table}').fetchone()
                assert count == (0,), table


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ("", "must not be empty"),
        ("a\x00b", "NUL"),
        ("a\ud800", "lone surrogate"),
        (None, "must be a string"),
        (b"bytes", "must be a string"),
    ],
)
def test_a_bad_user_id_is_refused(user: object, message: str) -> None:
    with new_store() as (store, _):
        calls = [
            lambda: store.append(user, [PainReported(id="p", at=T0, level=1)]),  # type: ignore[arg-type]
            lambda: store.events(user),  # type: ignore[arg-type]
            lambda: store.delete(user),  # type: ignore[arg-type]
            lambda: store.preference(user, "k"),  # type: ignore[arg-type]
            lambda: list(store.export(user)),  # type: ignore[arg-type]
        ]
        for call in calls:
            with pytest.raises(StoreError, match=message) as info:
                call()
            assert len(str(info.value)) < 300
        assert store.users() == ()


def test_preferences_belong_to_their_user_and_go_with_it() -> None:
    with new_store() as (store, _):
        store.set_preference("u", "disclaimer", "v1")
        store.set_preference("u", "disclaimer", "v2")
        store.set_preference("v", "disclaimer", "")
        assert store.preference("u", "disclaimer") == "v2"
        assert store.preference("v", "disclaimer") == ""
        assert store.users() == ()  # preferences are not events
        store.delete("u")
        assert store.preference("u", "disclaimer") is None
        assert store.preference("v", "disclaimer") == ""
        with pytest.raises(StoreError, match="preference key"):
            store.set_preference("u", "", "x")
        with pytest.raises(StoreError, match="preference value"):
            store.set_preference("u", "k", 3)  # type: ignore[arg-type]


def test_the_unfinished_session_survives_a_new_handle() -> None:
    from stretchkit import SessionRunner

    routine = CATALOG.routines[0]
    runner = SessionRunner.start(routine, CATALOG, session_id="s-1", started_at=T0).complete()
    with fresh_schema() as (dsn, _):
        with PostgresStore(dsn) as store:
            store.save_runner("u", runner)
        with PostgresStore(dsn) as store:
            back = store.runner("u", CATALOG)
            assert back is not None
            assert back.to_dict() == runner.to_dict()
            assert store.runner("v", CATALOG) is None
            store.clear_runner("u")
            assert store.runner("u", CATALOG) is None


# -- bad data --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"type":"pain_reported","id":"p"',  # cut short
        '{"type":"pain_reported","id":"p","at":"2026-03-02T09:00:00","level":1}',  # naive
        '{"type":"pain_reported","id":"p","at":"2026-03-02T09:00:00Z","level":11}',
        '{"type":"mystery","id":"p","at":"2026-03-02T09:00:00Z"}',
        "[]",
        "",
    ],
)
def test_a_stored_row_that_no_longer_parses_is_reported_with_user_and_id(body: str) -> None:
    user = "victim ' \" 用户"
    with new_store() as (store, schema):
        store.append(user, [PainReported(id="p", at=T0, level=1)])
        store.append(user, [PainReported(id="fine", at=T0 - timedelta(days=1), level=1)])
        with admin() as conn:
            conn.execute(
                f'UPDATE "{schema}".events SET body = %s WHERE event_id = %s', (body, b"p")
            )
        for call in (
            lambda: store.events(user),
            lambda: list(store.export(user)),
            lambda: store.progress(user, PROGRAM, CATALOG),
        ):
            with pytest.raises(StoreFormatError) as info:
                call()
            message = str(info.value)
            assert repr(user) in message
            assert "'p'" in message
            assert len(message) < 300
        # appending the same id again compares with the damaged copy: reported, not ignored
        with pytest.raises(StoreFormatError, match="'p'"):
            store.append(user, [PainReported(id="p", at=T0, level=2)])


def test_a_damaged_runner_is_reported_with_the_user() -> None:
    from stretchkit import SessionRunner

    with new_store() as (store, schema):
        runner = SessionRunner.start(CATALOG.routines[0], CATALOG, session_id="s", started_at=T0)
        store.save_runner("u", runner)
        with admin() as conn:
            conn.execute(f'UPDATE "{schema}".runners SET body = %s', ('{"format": 99}',))
        with pytest.raises(StoreFormatError, match="runner of user 'u'"):
            store.runner("u", CATALOG)


def test_import_reports_the_line_that_is_wrong() -> None:
    good = json.dumps(PainReported(id="p", at=T0, level=1).to_dict())
    with new_store() as (store, _):
        with pytest.raises(StoreError, match="line 3: not JSON"):
            store.import_("u", [good, "", "{oops", good])
        with pytest.raises(StoreError, match=r"line 2: .*level"):
            store.import_("u", [good, good.replace('"level": 1', '"level": 12')])
        assert store.events("u") == ()  # all or nothing
        assert store.import_("u", [good + "\n", "\n"]) == 1


def test_events_that_are_not_events_are_refused() -> None:
    with new_store() as (store, _):
        with pytest.raises(StoreError, match="not an event: dict"):
            store.append("u", [PainReported(id="p", at=T0, level=1), {"id": "x"}])  # type: ignore[list-item]
        with pytest.raises(StoreError, match="iterable of events"):
            store.append("u", "abc")  # type: ignore[arg-type]
        with pytest.raises(TimeError, match="since"):
            store.events("u", since=datetime(2026, 1, 1))
        assert store.events("u") == ()


# -- the schema ------------------------------------------------------------------------


def test_a_newer_schema_is_refused_and_left_alone() -> None:
    with fresh_schema() as (dsn, schema):
        PostgresStore(dsn).close()
        with admin() as conn:
            conn.execute(
                f'UPDATE "{schema}".stretchkit_schema SET version = %s', (SCHEMA_VERSION + 1,)
            )
        with pytest.raises(StoreFormatError, match="newer stretchkit"):
            PostgresStore(dsn)
        with admin() as conn:
            row = conn.execute(f'SELECT version FROM "{schema}".stretchkit_schema').fetchone()
        assert row == (SCHEMA_VERSION + 1,)


def test_a_foreign_events_table_is_refused_and_left_alone() -> None:
    with fresh_schema() as (dsn, schema):
        with admin() as conn:
            conn.execute(f'CREATE TABLE "{schema}".events (id int)')
            conn.execute(f'INSERT INTO "{schema}".events VALUES (1)')
        with pytest.raises(StoreFormatError, match="did not create"):
            PostgresStore(dsn)
        with admin() as conn:
            assert conn.execute(f'SELECT id FROM "{schema}".events').fetchall() == [(1,)]


def test_an_unreachable_server_is_a_short_store_error_without_the_password() -> None:
    dsn = "host=/nonexistent-socket-dir port=1 user=u password=hunter2 dbname=x connect_timeout=2"
    with pytest.raises(StoreError, match="cannot open") as info:
        PostgresStore(dsn)
    assert "hunter2" not in str(info.value)
    with pytest.raises(StoreError, match="cannot open"):
        PostgresStore("this is = not a dsn ' at all")
    with pytest.raises(StoreError, match="must be a string"):
        PostgresStore(42)  # type: ignore[arg-type]


def test_a_search_path_without_a_schema_is_refused() -> None:
    with pytest.raises(StoreError, match="search_path"):
        PostgresStore(in_schema(server_dsn(), "sk_no_such_schema"))


def test_a_closed_store_says_so() -> None:
    with new_store() as (store, _):
        store.close()
        store.close()
        with pytest.raises(StoreError, match="closed"):
            store.events("u")


def test_the_store_loads_psycopg_only_when_used() -> None:
    code = (
        "import sys, stretchkit, stretchkit.store; assert 'psycopg' not in sys.modules; "
        "stretchkit.PostgresStore; assert 'psycopg' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- snapshots -------------------------------------------------------------------------


def heavy_history(days: int, start: datetime = T0) -> list[Event]:
    """Three sessions a day with pain reports, the way a committed user logs them."""
    from test_engine_support import pain, session

    out: list[Event] = []
    for day in range(days):
        for hour in (7, 13, 21):
            begin = start + timedelta(days=day, hours=hour)
            out.append(session(begin, pain_before=2, pain_after=1 if day % 5 else 0))
            out.append(pain(begin + timedelta(minutes=30), 0 if day % 3 else 2))
    return out


def snapshot_row(schema: str) -> tuple[int, str] | None:
    with admin() as conn:
        row = conn.execute(f'SELECT through_instant, body FROM "{schema}".snapshots').fetchone()
    return None if row is None else (row[0], row[1])


def same_plans(a: Progress, b: Progress, nows: list[datetime]) -> None:
    for now in nows:
        for context in ("lying", "sitting"):
            assert a.plan(now, context) == b.plan(now, context)


def test_a_long_history_loads_from_a_snapshot_that_agrees_with_a_replay() -> None:
    history = heavy_history(60)
    nows = [T0 + timedelta(days=61), T0 + timedelta(days=75, hours=3)]
    with new_store() as (store, schema):
        store.append("u", history)
        assert snapshot_row(schema) is None
        first = store.progress("u", PROGRAM, CATALOG)  # replays, then saves a snapshot
        saved = snapshot_row(schema)
        assert saved is not None
        resumed = store.progress("u", PROGRAM, CATALOG)  # resumes it
        assert len(resumed) == 0  # resumed: no event after the snapshot needed folding
        same_plans(resumed, Progress.replay(PROGRAM, history, catalog=CATALOG), nows)
        same_plans(first, resumed, nows)
        # more events: folded on top; the snapshot is renewed once enough follow it
        more = heavy_history(60, T0 + timedelta(days=60))
        store.append("u", more)
        again = store.progress("u", PROGRAM, CATALOG)
        assert snapshot_row(schema) != saved
        later = [T0 + timedelta(days=121), T0 + timedelta(days=130)]
        same_plans(again, Progress.replay(PROGRAM, history + more, catalog=CATALOG), later)


def test_a_late_event_older_than_the_snapshot_invalidates_it() -> None:
    from test_engine_support import pain

    history = heavy_history(60)
    with new_store() as (store, schema):
        store.append("u", history)
        store.progress("u", PROGRAM, CATALOG)
        assert snapshot_row(schema) is not None
        late = pain(T0 + timedelta(days=20, hours=2), 9)  # a watch syncing late
        store.append("u", [late])
        assert snapshot_row(schema) is None
        got = store.progress("u", PROGRAM, CATALOG)
        want = Progress.replay(PROGRAM, [*history, late], catalog=CATALOG)
        same_plans(got, want, [T0 + timedelta(days=61)])
        # an event newer than the snapshot's last leaves it alone
        store.progress("u", PROGRAM, CATALOG)
        kept = snapshot_row(schema)
        store.append("u", [pain(T0 + timedelta(days=70), 0)])
        assert snapshot_row(schema) == kept


def test_a_snapshot_of_another_policy_or_damaged_is_rebuilt_never_trusted() -> None:
    import attrs

    from stretchkit import Policy

    history = heavy_history(40)
    other = attrs.evolve(Policy.from_program(PROGRAM), pain_free_hours=2, max_tries=2)
    now = T0 + timedelta(days=41)
    with new_store() as (store, schema):
        store.append("u", history)
        store.progress("u", PROGRAM, CATALOG)
        got = store.progress("u", PROGRAM, CATALOG, policy=other)
        assert len(got) == len(history)  # replayed, not resumed
        same_plans(got, Progress.replay(PROGRAM, history, other, catalog=CATALOG), [now])
        with admin() as conn:
            conn.execute(f'UPDATE "{schema}".snapshots SET body = %s', ('{"format": 1, "rules"',))
        got = store.progress("u", PROGRAM, CATALOG)
        same_plans(got, Progress.replay(PROGRAM, history, catalog=CATALOG), [now])
        row = snapshot_row(schema)
        assert row is not None
        assert json.loads(row[1])["snapshot"]["rules"]


def test_an_event_stamped_in_the_future_stays_out_of_the_snapshot() -> None:
    from test_engine_support import pain

    history = heavy_history(50)
    future = pain(T0 + timedelta(days=400), 5)  # a device clock set to next year
    with new_store() as (store, _):
        store.append("u", [*history, future])
        store.progress("u", PROGRAM, CATALOG)
        resumed = store.progress("u", PROGRAM, CATALOG)
        now = T0 + timedelta(days=51)
        want = Progress.replay(PROGRAM, [*history, future], catalog=CATALOG)
        assert resumed.state == want.state  # the future event is folded, not lost
        same_plans(resumed, want, [now])


def test_a_snapshot_is_not_saved_over_events_that_changed_meanwhile() -> None:
    from test_engine_support import pain

    history = heavy_history(40)
    with new_store() as (store, schema):
        store.append("u", history)
        with admin() as conn:
            row = conn.execute(f'SELECT user_id, generation FROM "{schema}".users').fetchone()
        assert row is not None
        key, generation = bytes(row[0]), row[1]
        store.append("u", [pain(T0 + timedelta(days=1, hours=1), 7)])  # the generation moves on
        from stretchkit.store._shared import Loaded

        stale = Progress.replay(PROGRAM, history, catalog=CATALOG)
        loaded = Loaded(progress=stale, base=0, fresh=len(history))
        store._save_snapshot(key, PROGRAM.id, generation, loaded)
        assert snapshot_row(schema) is None


# -- scaling out -----------------------------------------------------------------------


def documented_sql(heading: str) -> str:
    """The first ```sql block after ``heading`` in docs/storage.md."""
    from conftest import ROOT

    text = (ROOT / "docs" / "storage.md").read_text(encoding="utf-8")
    after = text[text.index(heading) :]
    start = after.index("```sql\n") + len("```sql\n")
    return after[start : after.index("```", start)]


def test_the_documented_partitioning_keeps_the_store_working() -> None:
    sql = documented_sql("**Native hash partitioning.**")
    users = [f"user-{i}" for i in range(12)]
    with fresh_schema() as (dsn, schema):
        with PostgresStore(dsn) as store:
            store.append(users[0], [PainReported(id="before", at=T0, level=1)])
        with psycopg_connect(dsn) as conn:
            conn.execute(sql)
        with admin() as conn:
            kind = conn.execute(
                "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = 'events'",
                (schema,),
            ).fetchone()
        assert kind == ("p",)  # a partitioned table now
        with PostgresStore(dsn) as store:
            history = heavy_history(45)
            for user in users:
                store.append(user, history[: len(user) * 20])
            assert store.append(users[0], [PainReported(id="before", at=T0, level=1)]) == 0
            with pytest.raises(DuplicateEventError):
                store.append(users[1], [history[0], PainReported(id=history[0].id, at=T0, level=4)])
            assert store.users() == tuple(sorted(users))
            assert store.events(users[0])[0].id == "before"
            store.progress(users[2], PROGRAM, CATALOG)
            store.delete(users[3])
            assert users[3] not in store.users()
        with admin() as conn:
            spread = conn.execute(
                f'SELECT count(DISTINCT tableoid) FROM "{schema}".events'
            ).fetchone()
        assert spread is not None
        assert spread[0] > 1  # the users landed in several partitions


def psycopg_connect(dsn: str) -> Any:
    import psycopg

    return psycopg.connect(dsn, autocommit=True)


def test_a_device_whose_clock_went_back_is_folded_in_its_own_order() -> None:
    """A device's later event stamped before the snapshot's cut must not be missed."""
    import attrs

    history = heavy_history(40)
    end = T0 + timedelta(days=40)
    device = [
        attrs.evolve(e, id=f"watch-{i}", device="watch", seq=i)
        for i, e in enumerate(heavy_history(3, end))
        if not isinstance(e, SessionLogged)
    ]
    # the watch's clock jumps back a week after its third event, then carries on
    device = [
        attrs.evolve(e, at=e.at - timedelta(days=7)) if i >= 3 else e for i, e in enumerate(device)
    ]
    # a phone whose clock once read 2099, then was put right: its later events sit after
    # the 2099 one in its own order, so they are left out of a snapshot made today
    phone = [
        PainReported(id="phone-0", at=end, level=1, device="phone", seq=0),
        PainReported(
            id="phone-1", at=datetime(2099, 1, 1, tzinfo=UTC), level=2, device="phone", seq=1
        ),
        PainReported(id="phone-2", at=end + timedelta(hours=1), level=6, device="phone", seq=2),
    ]
    everything = [*history, *device, *phone]
    nows = [end + timedelta(days=4), end + timedelta(days=10)]
    with new_store() as (store, schema):
        store.append("u", everything)
        store.progress("u", PROGRAM, CATALOG)
        assert snapshot_row(schema) is not None
        want = Progress.replay(PROGRAM, everything, catalog=CATALOG)
        got = store.progress("u", PROGRAM, CATALOG)
        assert got.state == want.state
        same_plans(got, want, nows)
        # an event the watch sends late, out of its own order, stamped after the cut
        late = attrs.evolve(device[-1], id="watch-late", seq=1, at=device[-1].at)
        store.append("u", [late])
        want = Progress.replay(PROGRAM, [*everything, late], catalog=CATALOG)
        got = store.progress("u", PROGRAM, CATALOG)
        assert got.state == want.state
        same_plans(got, want, nows)
