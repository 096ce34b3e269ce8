"""The coach, driven as a person would: in a real pseudo-terminal, with pexpect.

Every test runs ``python -m stretchkit coach`` in its own process, with the clock
set by ``STRETCHKIT_NOW`` and the countdowns sped up by ``--fast``, then reads
the store to check that what was typed is what was kept.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect", reason="pexpect is in the dev extra")

import stretchkit as sk  # noqa: E402
from stretchkit.store import SQLiteStore  # noqa: E402

CATALOG = sk.example_catalog()
PROGRAM = CATALOG.programs[0]
USER = "me"
DAY1 = "2026-03-02T09:00:00+01:00"  # a Monday, Europe/Berlin
_COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7]|38;5;[0-9]+)m")


def _env(now: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRETCHKIT_")}
    env.pop("NO_COLOR", None)
    env.update(STRETCHKIT_NOW=now, STRETCHKIT_TZ="Europe/Berlin", TERM="xterm-256color")
    env.update(USER=USER, LOGNAME=USER)  # the default user is the login name
    env.update(extra)
    return env


def _default_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _spawn(store: Path, now: str, *args: str, **env: str) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "stretchkit", "coach", "--store", str(store), *args],
        env=_env(now, **env),
        encoding="utf-8",
        dimensions=(40, 160),
        timeout=20,
        # A terminal's Ctrl-C reaches the coach even when these tests run in a
        # background job, whose children start with SIGINT ignored.
        preexec_fn=_default_interrupt,
    )
    child.logfile_read = _Transcript()
    return child


class _Transcript:
    """Keeps everything the coach wrote, for the assertions after the session."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _first_time(child: pexpect.spawn, pain: int, context: str) -> None:
    child.expect("Who it is for")
    child.expect_exact("(yes/no) ")
    child.sendline("yes")
    _pain_and_context(child, pain, context)


def _pain_and_context(child: pexpect.spawn, pain: int, context: str) -> None:
    child.expect_exact("0 (not at all) to 10? ")
    child.sendline(str(pain))
    child.expect_exact("lying, sitting or standing?")
    child.sendline(context)


def _end(child: pexpect.spawn, pain_after: int) -> str:
    child.expect_exact("How much does it hurt now, 0 to 10? ")
    child.sendline(str(pain_after))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.logfile_read.text[-2000:]
    text: str = child.logfile_read.text
    return text


def _sessions(store: Path) -> list[sk.Session]:
    with SQLiteStore(store) as s:
        return [e.session for e in s.events(USER) if isinstance(e, sk.SessionLogged)]


def _pains(store: Path) -> list[int]:
    with SQLiteStore(store) as s:
        return [e.level for e in s.events(USER) if isinstance(e, sk.PainReported)]


def test_a_full_session_from_the_disclaimer_to_what_comes_next(tmp_path: Path) -> None:
    store = tmp_path / "progress.sqlite3"
    child = _spawn(store, DAY1, "--fast=400")
    _first_time(child, 3, "standing")
    child.expect_exact("Relief: Upper back relief, standing")
    child.expect_exact("1/5  Heel press at three angles")
    child.expect_exact("Left side")
    child.expect_exact("Right side")
    child.expect_exact("5/5  Overhead arms, thumbs out")
    child.expect_exact("facing the wall")  # the stretch's variation
    out = _end(child, 1)
    assert "Logged: 5 stretches done, pain 1/10." in out
    assert "Today: 1 session (at least 1, at most 10)." in out
    assert "24-hour rule: not started" in out
    assert re.search(r"s left", out)  # the live countdown
    assert _COLOUR.search(out)  # colour on a terminal
    [session] = _sessions(store)
    assert session.routine == "upper-back-standing"
    assert (session.pain_before, session.pain_after) == (3, 1)
    assert [s.outcome for s in session.steps] == [sk.Outcome.COMPLETED] * 5
    assert _pains(store) == [3]
    with SQLiteStore(store) as s:
        assert s.runner(USER, CATALOG) is None
        assert s.preference(USER, "coach.acknowledged")

    # the second time: no disclaimer, and NO_COLOR is honoured
    child = _spawn(store, "2026-03-02T12:00:00+01:00", "--fast=1000", NO_COLOR="1")
    _pain_and_context(child, 0, "sitting")
    out = _end(child, 0)
    assert "Who it is for" not in out
    assert not _COLOUR.search(out)
    assert "pain-free for" in out
    assert "to go" in out
    assert "Today: 2 sessions" in out


def test_a_skip_for_discomfort_rests_the_stretch_until_the_next_day(tmp_path: Path) -> None:
    store = tmp_path / "progress.sqlite3"
    child = _spawn(store, DAY1, "--fast=10")
    _first_time(child, 3, "lying")
    child.expect_exact("1/5  All-fours shoulder blade squeeze")
    child.expect_exact("s left")
    child.send("s")
    child.expect_exact("Skip because of")
    child.send("1")
    child.expect_exact("Skipped All-fours shoulder blade squeeze: discomfort.")
    for n in range(2, 6):  # the person holds each long enough and says so
        child.expect_exact(f"{n}/5  ")
        child.expect_exact("s left")
        child.send("d")
    out = _end(child, 2)
    assert "Logged: 4 stretches done, 1 skipped, pain 2/10." in out
    assert "Resting: All-fours shoulder blade squeeze until tomorrow at 09:0" in out
    [first] = _sessions(store)
    assert next((r.stretch, r.outcome, r.reason) for r in first.steps) == (
        "all-fours-shoulder-blade-squeeze",
        sk.Outcome.SKIPPED,
        sk.SkipReason.DISCOMFORT,
    )
    assert [r.outcome for r in first.steps[1:]] == [sk.Outcome.COMPLETED] * 4

    # the next day at 09:00 the rest has not quite ended: the stretch is left out
    child = _spawn(store, "2026-03-03T09:00:00+01:00", "--fast=1000")
    _pain_and_context(child, 2, "lying")
    child.expect_exact("left out: All-fours shoulder blade squeeze, resting until today at 09:0")
    out = _end(child, 1)
    assert "1/4  Legs up the wall elbow press" in out
    assert "All-fours shoulder blade squeeze  (" not in out
    # an hour later it is back, to be eased into, and done
    child = _spawn(store, "2026-03-03T10:00:00+01:00", "--fast=1000")
    _pain_and_context(child, 1, "lying")
    child.expect_exact("1. All-fours shoulder blade squeeze (back after a rest: ease in)")
    child.expect_exact("Back after a rest: ease in")
    out = _end(child, 1)
    assert "Resting:" not in out

    first, second, third = _sessions(store)
    assert "all-fours-shoulder-blade-squeeze" not in [r.stretch for r in second.steps]
    assert third.steps[0].stretch == "all-fours-shoulder-blade-squeeze"
    assert third.steps[0].outcome is sk.Outcome.COMPLETED
    assert _pains(store) == [3, 2, 1]
    with SQLiteStore(store) as s:
        after = s.progress(USER, PROGRAM, CATALOG).plan(third.ended_at, "lying")
    assert not after.left_out
    assert not any(step.reintroduced for step in after.steps)


def test_ctrl_c_in_a_hold_keeps_the_session_and_the_next_coach_resumes_it(
    tmp_path: Path,
) -> None:
    store = tmp_path / "progress.sqlite3"
    child = _spawn(store, DAY1, "--fast=10")
    _first_time(child, 4, "lying")
    child.expect_exact("1/5  All-fours shoulder blade squeeze")
    child.expect_exact("Hold, 40 seconds")
    child.expect_exact("s left")
    child.sendintr()
    child.expect_exact("What you did is kept")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert _sessions(store) == []
    with SQLiteStore(store) as s:
        saved = s.runner(USER, CATALOG)
    assert saved is not None
    assert (saved.step_index, saved.pain_before) == (0, 4)

    child = _spawn(store, "2026-03-02T09:05:00+01:00", "--fast=1000")
    child.expect_exact("You stopped Upper back relief, lying down today at 09:00")
    child.expect_exact("after 0 stretches of 5")
    child.sendline("r")
    child.expect_exact("1/5  All-fours shoulder blade squeeze")
    out = _end(child, 2)
    assert "Logged: 5 stretches done, pain 2/10." in out
    [session] = _sessions(store)
    assert session.started_at.isoformat() == DAY1
    assert (session.pain_before, session.pain_after) == (4, 2)
    assert len(session.steps) == 5
    with SQLiteStore(store) as s:
        assert s.runner(USER, CATALOG) is None


def test_a_stopped_session_can_be_logged_as_it_stands(tmp_path: Path) -> None:
    store = tmp_path / "progress.sqlite3"
    child = _spawn(store, DAY1, "--fast=10")
    _first_time(child, 4, "sitting")
    child.expect_exact("1/5  Heel press at three angles")
    child.expect_exact("s left")
    child.send("d")
    child.expect_exact("2/5  Clasped arms posture")
    child.expect_exact("s left")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    child = _spawn(store, "2026-03-02T10:00:00+01:00", "--fast=1000")
    child.expect_exact("after 1 stretch of 5")
    child.sendline("l")
    out = _end(child, 3)
    assert "Logged: 1 stretch done, pain 3/10." in out
    [session] = _sessions(store)
    assert [r.stretch for r in session.steps] == ["heel-press-three-angles"]
    # it ends where it was stopped, not when it was logged
    assert (
        session.started_at < session.ended_at < datetime.fromisoformat(DAY1) + timedelta(minutes=5)
    )


def test_piped_the_coach_prints_plain_lines_and_never_waits_for_keys(tmp_path: Path) -> None:
    store = tmp_path / "progress.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "stretchkit", "coach", "--store", str(store), "--fast=2000"],
        input="yes\n2\nsitting\n1\n",
        capture_output=True,
        text=True,
        env=_env(DAY1),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\x1b" not in done.stdout
    assert "Logged: 5 stretches done, pain 1/10." in done.stdout
    assert "Keys:" not in done.stdout
    # standard input ends before a question is answered: a clear error, no hang
    done = subprocess.run(
        [sys.executable, "-m", "stretchkit", "coach", "--store", str(store)],
        input="",
        capture_output=True,
        text=True,
        env=_env("2026-03-02T12:00:00+01:00"),
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "standard input ended" in done.stdout
    assert len(_sessions(store)) == 1


def test_a_terminal_closed_mid_session_keeps_what_was_done(tmp_path: Path) -> None:
    store = tmp_path / "progress.sqlite3"
    child = _spawn(store, DAY1, "--fast=10")
    _first_time(child, 5, "sitting")
    child.expect_exact("1/5  Heel press at three angles")
    child.expect_exact("s left")
    child.send("d")  # the first stretch done, then the terminal goes away
    child.expect_exact("2/5  Clasped arms posture")
    child.expect_exact("s left")
    child.close(force=True)  # the terminal closes: the coach gets SIGHUP
    with SQLiteStore(store) as s:
        saved = s.runner(USER, CATALOG)
    assert saved is not None
    assert [r.stretch for r in saved.results] == ["heel-press-three-angles"]
    assert saved.pain_before == 5

    child = _spawn(store, "2026-03-02T09:30:00+01:00", "--fast=1000")
    child.expect_exact("after 1 stretch of 5")
    child.sendline("r")
    child.expect_exact("2/5  Clasped arms posture")
    out = _end(child, 4)
    assert "Logged: 5 stretches done, pain 4/10." in out
    [session] = _sessions(store)
    assert [r.stretch for r in session.steps][:2] == [
        "heel-press-three-angles",
        "clasped-arms-posture",
    ]
