"""SQLiteStore for real: crashes, processes at once, hostile files, isolation, exact round trips.

No mocks: real files in temporary folders, real processes killed with SIGKILL.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchkit import (
    PainReported,
    Progress,
    SQLiteStore,
    StoreError,
    StoreFormatError,
    event_from_dict,
)
from stretchkit.store._shared import event_text
from stretchkit.store._sqlite import APPLICATION_ID, SCHEMA_VERSION
from stretchkit.strategies import events
from test_engine_support import CATALOG, PROGRAM, session

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=400)

# A writer for the crash and concurrency tests: event ids say their content, so two
# processes writing the same id write the same event.
WRITER = r"""
import sys
from datetime import UTC, datetime, timedelta
from stretchkit import PainReported, SQLiteStore
from test_engine_support import CATALOG, PROGRAM

path, name = sys.argv[1], sys.argv[2]
batches, size, users = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5].split(",")
start_at = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
import time
while time.time() < start_at:
    time.sleep(0.001)
t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
new = 0
with SQLiteStore(path) as store:
    for b in range(batches):
        user = users[b % len(users)]
        first = (b * size) // 2 if name == "shared" else b * size
        events = [
            PainReported(
                id=f"{name}-{k}", at=t0 + timedelta(minutes=7 * k, microseconds=k), level=k % 4
            )
            for k in range(first, first + size)
        ]
        new += store.append(user, events)
        print(f"{user}\t{name}-{first}\t{name}-{first + size - 1}", flush=True)
        if b % 5 == 4:
            store.progress(user, PROGRAM, CATALOG)
print(f"new\t{new}", flush=True)
"""


def run_writer(*args: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def expected(name: str, first: int, last: int) -> list[PainReported]:
    return [
        PainReported(
            id=f"{name}-{k}", at=T0 + timedelta(minutes=7 * k, microseconds=k), level=k % 4
        )
        for k in range(first, last + 1)
    ]


# -- crashes --------------------------------------------------------------------------


def test_a_writer_killed_at_random_moments_loses_no_returned_append(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    rnd = random.Random(8)
    acknowledged: dict[str, set[str]] = {}
    for round_ in range(12):
        writer = run_writer(path, f"r{round_}", 400, 50, "alice,bob")
        time.sleep(rnd.uniform(0.15, 0.6))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        for line in out.splitlines():
            user, first, last = line.split("\t")
            acknowledged.setdefault(user, set()).update(
                e.id
                for e in expected(f"r{round_}", int(first.split("-")[1]), int(last.split("-")[1]))
            )
        with SQLiteStore(path) as store:
            report = store.check()
            assert report.integrity == ("ok",), report
            assert not report.bad_rows
            for user in ("alice", "bob"):
                stored = {e.id for e in store.events(user)}
                assert acknowledged.get(user, set()) <= stored  # every returned append is there
                for name in {i.rsplit("-", 1)[0] for i in stored}:
                    numbers = sorted(
                        int(i.rsplit("-", 1)[1]) for i in stored if i.startswith(name + "-")
                    )
                    # whole batches only: each user's share is a run of complete batches of 50
                    assert len(numbers) % 50 == 0, (user, name, len(numbers))
                progress = store.progress(user, PROGRAM, CATALOG)
                replayed = Progress.replay(PROGRAM, store.events(user), catalog=CATALOG)
                assert progress.state == replayed.state
    assert sum(map(len, acknowledged.values())) > 0


# -- processes at once -----------------------------------------------------------------


def test_four_processes_create_one_new_store_and_append_at_once(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    start_at = time.time() + 1.5
    names = ["shared", "shared", "p2", "p3"]  # two processes write overlapping, duplicate ids
    writers = [run_writer(path, name, 30, 40, "alice,bob,carol", start_at) for name in names]
    results = [w.communicate(timeout=120) for w in writers]
    for writer, (_, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err[-2000:]
        assert "locked" not in err
    want: dict[str, dict[str, PainReported]] = {}
    new_total = 0
    for out, _ in results:
        for line in out.splitlines():
            if line.startswith("new\t"):
                new_total += int(line.split("\t")[1])
                continue
            user, first, last = line.split("\t")
            if user == "new":
                continue
            name = first.rsplit("-", 1)[0]
            for e in expected(name, int(first.rsplit("-", 1)[1]), int(last.rsplit("-", 1)[1])):
                want.setdefault(user, {})[e.id] = e
    with SQLiteStore(path) as store:
        assert store.check().ok
        for user, events in want.items():
            stored = store.events(user)
            assert len(stored) == len({e.id for e in stored})  # nothing duplicated
            assert {e.id: e for e in stored} == events  # nothing lost
        # every event was counted new exactly once, whichever process got there first
        assert new_total == sum(len(v) for v in want.values())


def _open_at(path: str, at: float, errors: Any) -> None:
    while time.time() < at:
        pass
    try:
        SQLiteStore(path).close()
    except StoreError as e:
        errors.put(str(e))


def test_processes_opening_one_new_store_at_once_all_see_a_store(tmp_path: Path) -> None:
    """The creator's commit can fall between a reader's looks at the file: never "foreign"."""
    fork = multiprocessing.get_context("fork")
    errors = fork.Queue()
    for round_ in range(12):
        at = time.time() + 0.2
        path = str(tmp_path / f"new-{round_}.db")
        openers = [fork.Process(target=_open_at, args=(path, at, errors)) for _ in range(6)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join(60)
            assert opener.exitcode == 0
    assert errors.empty(), errors.get()


def test_threads_share_one_store(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "threads.db")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for b in range(20):
                store.append("alice", expected("t", (n * 20 + b) * 5, (n * 20 + b) * 5 + 9))
                store.events("alice")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(store.events("alice")) == 4 * 20 * 5 + 5
    store.close()


# -- hostile files ----------------------------------------------------------------------


def snapshot_of_folder(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def foreign_with_events_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE events (user_id TEXT, event_id TEXT, data TEXT)")
    conn.execute("INSERT INTO events VALUES ('a', 'b', 'c')")
    conn.commit()
    conn.close()


def newer_store(path: Path) -> None:
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def corrupted(path: Path) -> None:
    with SQLiteStore(path) as store:
        store.append("alice", expected("c", 0, 300))
    data = bytearray(path.read_bytes())
    rnd = random.Random(3)
    for i in range(100, len(data), 97):
        data[i] = rnd.randrange(256)
    path.write_bytes(bytes(data))


def other_application(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


BAD_FILES = {
    "random bytes": lambda p: p.write_bytes(random.Random(1).randbytes(4096)),
    "a short text file": lambda p: p.write_text("hello\n"),
    "a foreign database with an events table": foreign_with_events_table,
    "another application's database": other_application,
    "a store from a newer stretchkit": newer_store,
    "a corrupted store": corrupted,
    "a truncated header": lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20),
}


@pytest.mark.parametrize("make", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_file_that_is_not_a_usable_store_is_refused_and_left_alone(
    tmp_path: Path, make: object
) -> None:
    path = tmp_path / "store.db"
    make(path)  # type: ignore[operator]
    for extra in ("store.db-wal", "store.db-shm"):
        (tmp_path / extra).unlink(missing_ok=True)
    before = snapshot_of_folder(tmp_path)

    def use() -> None:
        with SQLiteStore(path) as store:
            store.events("alice")  # a damaged page may only show when read
            store.append("alice", expected("x", 0, 3))

    with pytest.raises(StoreError) as info:
        use()
    message = str(info.value)
    assert len(message) < 300, message
    assert "\n" not in message
    assert not isinstance(info.value, sqlite3.Error)
    assert snapshot_of_folder(tmp_path) == before or isinstance(info.value, StoreFormatError)
    if not make is BAD_FILES["a corrupted store"]:  # noqa: E714
        assert snapshot_of_folder(tmp_path) == before


def test_a_directory_or_fifo_at_the_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match="directory"):
        SQLiteStore(tmp_path / "dir.db")
    os.mkfifo(tmp_path / "fifo.db")
    with pytest.raises(StoreError, match="regular file"):
        SQLiteStore(tmp_path / "fifo.db")
    with pytest.raises(StoreError, match="folder does not exist"):
        SQLiteStore(tmp_path / "missing" / "x.db")


def test_a_zero_byte_file_is_initialised(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with SQLiteStore(path) as store:
        assert store.append("alice", expected("z", 0, 2)) == 3
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_stored_row_that_no_longer_parses_is_named(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.append("alice", expected("b", 0, 5))
        store.append("bob", expected("b", 0, 5))
    conn = sqlite3.connect(path)
    conn.execute(
        'UPDATE events SET data = \'{"type": "pain_reported", "id": "b-3"}\' '
        "WHERE user_id = 'alice' AND event_id = CAST('b-3' AS BLOB)"
    )
    conn.commit()
    conn.close()
    with SQLiteStore(path) as store:
        with pytest.raises(StoreFormatError, match=r"'b-3' of user 'alice'"):
            store.events("alice")
        with pytest.raises(StoreFormatError, match="b-3"):
            store.progress("alice", PROGRAM, CATALOG)
        assert len(store.events("bob")) == 6  # the other user is untouched
        report = store.check()
        assert not report.ok
        assert len(report.bad_rows) == 1
        assert "b-3" in report.bad_rows[0]


# -- isolation and round trips --------------------------------------------------------


def test_users_never_see_each_other(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        a = [PainReported(id="same", at=T0, level=1)]
        b = [PainReported(id="same", at=T0, level=9)]  # one id, two users: no conflict
        assert store.append("a", a) == 1
        assert store.append("b", b) == 1
        assert store.events("a") == tuple(a)
        assert store.events("b") == tuple(b)
        assert [json.loads(x)["level"] for x in store.export("a")] == [1]
        store.set_preference("a", "k", "va")
        store.delete("b")
        assert store.events("a") == tuple(a)
        assert store.preference("a", "k") == "va"
        assert store.users() == ("a",)
        assert store.events("nobody") == ()
        assert store.runner("nobody", CATALOG) is None
        assert store.users() == ("a",)


def test_event_ids_come_back_in_code_point_order(tmp_path: Path) -> None:
    ids = ["\U0001f9d8", "\uffee", "Z", "a", "é", "aa", "\ud7ff", "\ue000", "~"]
    events = [PainReported(id=i, at=T0, level=1) for i in ids]
    with SQLiteStore(tmp_path / "s.db") as store:
        store.append("u", events)
        assert [e.id for e in store.events("u")] == sorted(ids)  # Python sorts by code point


OFFSETS = [timezone(timedelta(hours=5, minutes=45)), timezone(timedelta(hours=-3, minutes=-30))]


def test_round_trips_are_exact_and_replay_to_the_same_plan(tmp_path: Path) -> None:
    history = []
    for day in range(20):
        zone = OFFSETS[day % 2]
        start = (T0 + timedelta(days=day, microseconds=day * 1234 + 1)).astimezone(zone)
        history.append(session(start, id=f"s{day}", pain_before=max(0, 6 - day), pain_after=0))
        history.append(PainReported(id=f"p{day}", at=start + timedelta(hours=3), level=day % 2))
    with SQLiteStore(tmp_path / "a.db") as one, SQLiteStore(tmp_path / "b.db") as two:
        one.append("u", history)
        lines = list(one.export("u"))
        assert two.import_("moved", lines) == len(history)
        for store, user in ((one, "u"), (two, "moved")):
            back = store.events(user)
            assert [e.to_dict() for e in back] == [
                e.to_dict() for e in sorted(history, key=lambda e: (e.at, e.id))
            ]
            for got in back:
                assert got.at.utcoffset() in {z.utcoffset(None) for z in OFFSETS}
            want = Progress.replay(PROGRAM, history, catalog=CATALOG).plan(NOW, "lying")
            assert store.progress(user, PROGRAM, CATALOG).plan(NOW, "lying") == want
            assert store.progress(user, PROGRAM, CATALOG).plan(NOW, "lying") == want  # snapshot


def test_import_reports_the_bad_line_and_stores_nothing(tmp_path: Path) -> None:
    good = PainReported(id="g", at=T0, level=1).to_dict()
    cases = {
        "not JSON": "{",
        "NaN": '{"type": "pain_reported", "id": "n", "at": "2026-03-02T09:00:00Z", "level": NaN}',
        "duplicate key": '{"type": "pain_reported", "id": "d", "id": "e", "at": "x", "level": 1}',
        "bad event": '{"type": "pain_reported", "id": "b", "at": "2026-03-02", "level": 1}',
    }
    with SQLiteStore(tmp_path / "s.db") as store:
        for why, line in cases.items():
            with pytest.raises(StoreError, match="line 2") as info:
                store.import_("u", [json.dumps(good) + "\n", line + "\n"])
            assert len(str(info.value)) < 300, why
        assert store.events("u") == ()
        assert store.import_("u", ["\ufeff" + json.dumps(good), "", "  \n"]) == 1


def test_backup_is_a_working_store(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        store.append("u", expected("k", 0, 99))
        store.backup(tmp_path / "copy.db")
    with SQLiteStore(tmp_path / "copy.db") as copy:
        assert len(copy.events("u")) == 100
        assert copy.check().ok


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.events("u")


@given(st.lists(events(), max_size=8))
def test_stored_text_is_each_events_json(batch: list[Any]) -> None:
    """The text a store writes is ASCII JSON that reads back as the same event."""
    for event in batch:
        text = event_text(event)
        assert text.isascii()
        assert json.loads(text) == event.to_dict()
        assert event_from_dict(json.loads(text)).to_dict() == event.to_dict()


def test_non_ascii_ids_and_names_round_trip_through_the_file(tmp_path: Path) -> None:
    history = [
        PainReported(id=f"schmerz-ü-{i}-東京-😀", at=T0 + timedelta(hours=i), level=i % 3)
        for i in range(5)
    ]
    with SQLiteStore(tmp_path / "u.db") as store:
        assert store.append("zoë", history) == 5
    with SQLiteStore(tmp_path / "u.db") as store:
        assert [e.to_dict() for e in store.events("zoë")] == [e.to_dict() for e in history]
        assert store.append("zoë", history) == 0


def test_non_ascii_text_is_stored_escaped() -> None:
    event = PainReported(id="schmerz-ü-東京-😀", at=T0, level=2)
    text = event_text(event)
    assert text.isascii()
    assert "\\u00fc" in text
    assert event_from_dict(json.loads(text)) == event
