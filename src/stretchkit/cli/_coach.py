"""``stretchkit coach``: a person does today's routine, timed, and hears what comes next.

Rules
- The first time (and again whenever the program's safety text changes) the coach
  shows who the program is for, its disclaimer and its red flags, and asks for an
  acknowledgement, stored as a preference of the user.
- A session stopped by Ctrl-C or a closed terminal was saved step by step; the
  next ``coach`` offers to resume it, log it as it stands, or drop it. A saved
  session older than the engine's longest session can only be logged or dropped.
- The pain level asked at the start is stored as a report before the plan is
  made, so a pain-free answer can meet the 24-hour rule there and then.
- The command reads the clock once; the session's end is that reading plus the
  time that passed on the monotonic clock (``STRETCHKIT_NOW`` sets the start).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import TYPE_CHECKING

from stretchkit.cli._clock import FAST_SPEED

if TYPE_CHECKING:
    from stretchkit.cli._term import Terminal
    from stretchkit.engine import Plan, SessionRunner
    from stretchkit.model import Catalog, Program
    from stretchkit.store import ProgressStore

CONTEXTS = ("lying", "sitting", "standing")
ACK_KEY = "coach.acknowledged"
CONTEXT_KEY = "coach.context"
SAVED_AT_KEY = "coach.saved-at"
EXIT_INTERRUPTED = 130
OUTPUT_IS_RESULT = False
"""The coach talks to a person; what it keeps is in the store, not on standard output."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from stretchkit.cli._userdata import add_program_arguments, add_store_arguments

    add_program_arguments(parser)
    parser.add_argument("--context", choices=CONTEXTS, help="your situation now (else asked)")
    parser.add_argument(
        "--pain", type=int, metavar="0-10", help="your pain now, 0 to 10 (else asked)"
    )
    parser.add_argument(
        "--pain-after", type=int, metavar="0-10", help="your pain at the end (else asked)"
    )
    add_store_arguments(parser)
    parser.add_argument(
        "--fast",
        nargs="?",
        type=float,
        const=FAST_SPEED,
        metavar="SPEED",
        help=f"count down SPEED times faster (default {FAST_SPEED:g}; or STRETCHKIT_SPEED)",
    )


class _HungUp(Exception):
    """The terminal closed (SIGHUP)."""


def _hang_up(signum: int, frame: FrameType | None) -> None:
    raise _HungUp


def fingerprint(program: Program) -> str:
    """Which safety text was acknowledged: changes whenever the program's text does."""
    text = "\n".join(
        [program.id, program.audience or "", *program.disclaimer, "", *program.red_flags]
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def run(args: argparse.Namespace) -> int:
    from stretchkit.cli import EXIT_OK, EXIT_USAGE
    from stretchkit.cli._clock import ClockError, speed
    from stretchkit.cli._term import NoAnswer, Terminal
    from stretchkit.cli._userdata import UsageError, open_user
    from stretchkit.engine import EngineError
    from stretchkit.store import StoreError

    for name in ("pain", "pain_after"):
        value = getattr(args, name)
        if value is not None and not 0 <= value <= 10:
            from stretchkit.cli import usage_message

            message = f"stretchkit coach: --{name.replace('_', '-')} must be 0 to 10, got {value}"
            print(usage_message(message), file=sys.stderr)
            return EXIT_USAGE
    try:
        term = Terminal(speed=speed(args.fast))
        now, catalog, program, user, store = open_user(args)
    except (ClockError, UsageError) as error:
        print(f"stretchkit coach: {error}")
        return EXIT_USAGE
    previous = None
    with contextlib.suppress(ValueError, AttributeError):  # not the main thread, no SIGHUP
        previous = signal.signal(signal.SIGHUP, _hang_up)
    try:
        with store:
            return Coach(term, store, user, catalog, program, now, args).run()
    except NoAnswer as no:
        print(f"stretchkit coach: no answer to {no.args[0]!r} (standard input ended)")
        return EXIT_USAGE
    except (EngineError, StoreError, UsageError) as error:
        print(f"stretchkit coach: {error}")
        return EXIT_USAGE
    finally:
        if previous is not None:
            signal.signal(signal.SIGHUP, previous)
    return EXIT_OK


class Coach:
    """One ``coach`` command: acknowledge, resume or plan, run, log, say what next."""

    def __init__(
        self,
        term: Terminal,
        store: ProgressStore,
        user: str,
        catalog: Catalog,
        program: Program,
        now: datetime,
        args: argparse.Namespace,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.term, self.store, self.user = term, store, user
        self.catalog, self.program, self.now, self.args = catalog, program, now, args
        self._monotonic = monotonic
        self._t0 = monotonic()

    def clock(self) -> datetime:
        """The command's one reading of the clock, moved on by the time since."""
        elapsed = timedelta(seconds=self._monotonic() - self._t0)
        return (self.now.astimezone(UTC) + elapsed).astimezone(self.now.tzinfo)

    # -- the command ---------------------------------------------------------------

    def run(self) -> int:
        from stretchkit.cli import EXIT_OK
        from stretchkit.engine import EngineError

        say = self.term.say
        say(f"{self.program.name}", style="bold")
        if not self.acknowledged():
            say("Nothing was recorded. Come back when you are ready.")
            return EXIT_OK
        try:
            saved = self.store.runner(self.user, self.catalog)
        except EngineError as error:  # saved against another catalog, or damaged
            self.term.say(f"The stopped session cannot be resumed ({error}); it is dropped.")
            self.store.clear_runner(self.user)
            saved = None
        if saved is not None:
            return self.offer_resume(saved)
        pain = self.args.pain
        if pain is None:
            pain = self.term.ask_number("How much does it hurt now, 0 (not at all) to 10? ", 0, 10)
        context = self.args.context or self.ask_context()
        self.store.set_preference(self.user, CONTEXT_KEY, context)
        from stretchkit.engine import PainReported, SessionRunner

        self.store.append(
            self.user,
            [PainReported(id=f"coach-pain-{self.now.isoformat()}", at=self.now, level=pain)],
        )
        plan = self.progress_plan(self.now, context)
        from stretchkit.cli._words import next_lines, plan_lines

        say()
        for line in plan_lines(plan, self.catalog):
            say(line)
        if not plan.allowed or not plan.steps:
            say()
            for line in next_lines(plan, self.catalog):
                say(line)
            return EXIT_OK
        runner = SessionRunner.start(
            plan,
            self.catalog,
            session_id=f"coach-{self.now.isoformat()}",
            started_at=self.now,
            pain_before=pain,
        )
        return self.run_session(runner, context)

    def progress_plan(self, now: datetime, context: str) -> Plan:
        from stretchkit.cli._userdata import plan_now

        return plan_now(self.store, self.user, self.program, self.catalog, now, context)

    def ask_context(self) -> str:
        last = self.store.preference(self.user, CONTEXT_KEY)
        hint = f" [{last}]" if last in CONTEXTS else ""
        while True:
            answer = self.term.ask(f"Are you lying, sitting or standing?{hint} ").lower()
            if not answer and last in CONTEXTS:
                return str(last)
            for context in CONTEXTS:
                if answer and context.startswith(answer):
                    return context
            self.term.say("Please type lying, sitting or standing (or l, si, st).")
            if not self.term.keys:
                from stretchkit.cli._term import NoAnswer

                raise NoAnswer("lying, sitting or standing?")

    def acknowledged(self) -> bool:
        """The safety text was acknowledged before, or is now."""
        mark = fingerprint(self.program)
        if self.store.preference(self.user, ACK_KEY) == mark:
            return True
        say, program = self.term.say, self.program
        say()
        if program.audience:
            say(f"Who it is for: {program.audience}")
        for symptom in program.symptoms:
            say(f"  - {symptom}")
        if program.disclaimer:
            say("Please read first:", style="bold")
            for line in program.disclaimer:
                say(f"  - {line}")
        if program.red_flags:
            say("See a medical professional first, and do not start, if you have:", style="bold")
            for flag in program.red_flags:
                say(f"  - {flag}")
        from stretchkit.cli._words import rules_lines

        say("How it works:", style="bold")
        for line in rules_lines(program):
            say(f"  {line}")
        answer = self.term.ask("Have you read this, and none of the red flags applies? (yes/no) ")
        if answer.lower() not in ("y", "yes"):
            return False
        self.store.set_preference(self.user, ACK_KEY, mark)
        return True

    # -- a saved session -----------------------------------------------------------

    def offer_resume(self, saved: SessionRunner) -> int:
        from stretchkit.cli import EXIT_OK
        from stretchkit.cli._words import plural, when
        from stretchkit.engine import MAX_SESSION_HOURS

        routine = self.catalog.routine_by_id[saved.routine_id]
        done = len(saved.results)
        age = self.now.astimezone(UTC) - saved.started_at.astimezone(UTC)
        self.term.say(
            f"You stopped {routine.name} {when(saved.started_at, self.now)} after "
            f"{plural(done, 'stretch')} of {len(saved.steps)}."
        )
        choices = {"r": "resume", "l": "log", "d": "drop"}
        if age >= timedelta(hours=MAX_SESSION_HOURS) or age < timedelta(0):
            del choices["r"]
            self.term.say("It is too long ago to go on with; log what you did, or drop it.")
        prompt = ", ".join(f"{k} to {w}" for k, w in choices.items())
        pick = self.term.ask_choice(f"Type {prompt}: ", choices)
        context = routine.context.value
        if pick == "r":
            return self.run_session(saved, context)
        if pick == "d":
            self.store.clear_runner(self.user)
            self.term.say("Dropped; nothing of it was logged.")
            return EXIT_OK
        saved_at = self.store.preference(self.user, SAVED_AT_KEY)
        end = saved.started_at
        with contextlib.suppress(TypeError, ValueError):
            stamp = datetime.fromisoformat(saved_at or "")
            if (
                saved.started_at.astimezone(UTC)
                <= stamp.astimezone(UTC)
                <= self.now.astimezone(UTC)
            ):
                end = stamp.astimezone(UTC).astimezone(self.now.tzinfo)
        return self.log(saved, end, context)

    # -- running -------------------------------------------------------------------

    def save(self, runner: SessionRunner) -> None:
        self.store.save_runner(self.user, runner)
        self.store.set_preference(self.user, SAVED_AT_KEY, self.clock().isoformat())

    def run_session(self, runner: SessionRunner, context: str) -> int:
        from stretchkit.cli import EXIT_OK
        from stretchkit.cli._session import Driver

        say = self.term.say
        self.save(runner)
        driver = Driver(runner=runner, catalog=self.catalog, save=self.save)
        try:
            with self.term.keys_mode():
                finished = driver.run(self.term)
        except (KeyboardInterrupt, _HungUp, EOFError, OSError) as stop:
            self.save(driver.runner)
            with contextlib.suppress(OSError, ValueError):
                say()
                say(
                    "Stopped. What you did is kept: run `stretchkit coach` again to resume "
                    "it or to log it as it stands."
                )
            del stop
            return EXIT_INTERRUPTED
        if not finished:
            choices = {"l": "log", "k": "keep"}
            pick = self.term.ask_choice(
                "Stopped. Type l to log what you did, k to keep it and resume later: ", choices
            )
            if pick == "k":
                say("Kept: run `stretchkit coach` again to resume it.")
                return EXIT_OK
        return self.log(driver.runner, self.clock(), context)

    def log(self, runner: SessionRunner, end: datetime, context: str) -> int:
        from stretchkit.cli import EXIT_OK
        from stretchkit.cli._clock import settle
        from stretchkit.cli._term import NoAnswer
        from stretchkit.cli._words import next_lines, plural
        from stretchkit.model import Outcome

        pain_after = self.args.pain_after
        if pain_after is None:
            try:
                pain_after = self.term.ask_number("How much does it hurt now, 0 to 10? ", 0, 10)
            except NoAnswer:  # input ended: keep the session, without the pain at the end
                self.term.say("No answer: the session is logged without the pain at the end.")
        end = settle(max(end, runner.started_at, key=lambda d: d.astimezone(UTC)))
        event = runner.finish(end, pain_after=pain_after)
        self.store.append(self.user, [event])
        self.store.clear_runner(self.user)
        done = sum(1 for r in event.session.steps if r.outcome is Outcome.COMPLETED)
        skipped = len(event.session.steps) - done
        say = self.term.say
        say()
        say(
            f"Logged: {plural(done, 'stretch')} done"
            + (f", {skipped} skipped" if skipped else "")
            + ("" if pain_after is None else f", pain {pain_after}/10")
            + ". Well done."
        )
        after = self.progress_plan(settle(self.clock()), context)
        for line in next_lines(after, self.catalog):
            say(line)
        return EXIT_OK
