"""The terminal side of the coach: questions, keys and the live countdown.

Rules
- Keys are read only when standard input is a terminal (one key at a time, no
  Enter needed, with a timeout), so a piped coach never waits for a key.
- The live display (``rich``: a bar per hold, angle, position and side) is drawn
  only when standard output is a terminal and ``rich`` is installed (the ``cli``
  extra); otherwise each part is one plain line.
- Colour only on a terminal, never with ``NO_COLOR`` set.
- Keys during a countdown: ``p`` or space pauses and goes on, ``n`` moves to the
  next part, ``d`` marks the whole stretch done, ``s`` skips the stretch (then a
  reason: 1 discomfort, 2 pain, 3 no equipment, 4 no time, 5 my choice), ``q``
  stops the session.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import time
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from stretchkit.cli._session import COMPLETE, DONE, QUIT, Act, Action, Step
from stretchkit.cli._words import duration
from stretchkit.model import SkipReason

if TYPE_CHECKING:
    from stretchkit.engine import Segment

__all__ = ["NoAnswer", "Terminal"]

SKIP_CHOICES: tuple[tuple[str, SkipReason, str], ...] = (
    ("1", SkipReason.DISCOMFORT, "discomfort"),
    ("2", SkipReason.PAIN, "pain"),
    ("3", SkipReason.NO_EQUIPMENT, "no equipment"),
    ("4", SkipReason.NO_TIME, "no time"),
    ("5", SkipReason.USER_CHOICE, "my choice"),
)
REASON_WORDS = {reason: words for _, reason, words in SKIP_CHOICES}
KEYS_HELP = "p pause · n next part · d stretch done · s skip · q quit"
_TICK = 0.1


class NoAnswer(Exception):
    """Standard input ended before the question was answered."""


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


class Terminal:
    """Questions, key presses and countdowns on the process's standard streams."""

    def __init__(
        self,
        *,
        speed: float = 1.0,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.speed = speed
        self.keys = _is_tty(self.stdin)
        self.live = _is_tty(self.stdout)
        self.colour = self.live and not os.environ.get("NO_COLOR")
        self._sleep = sleep
        self._saved_mode: Any = None
        self._console: Any = None
        if self.live:
            try:
                from rich.console import Console
            except ImportError:  # the cli extra is not installed: plain lines
                self.live = False
            else:
                self._console = Console(
                    file=self.stdout, no_color=not self.colour, highlight=False, soft_wrap=True
                )

    # -- output --------------------------------------------------------------------

    def say(self, text: str = "", *, style: str | None = None) -> None:
        if self._console is not None:
            self._console.print(text, style=style if self.colour else None, markup=False)
        else:
            print(text, file=self.stdout, flush=True)

    # -- questions -----------------------------------------------------------------

    def ask(self, prompt: str) -> str:
        """One line of answer; :class:`NoAnswer` when standard input has ended."""
        with self._line_mode():
            return self._ask(prompt)

    def _ask(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise NoAnswer(prompt.strip())
        if not self.keys:
            self.say(line.rstrip("\n"))  # echo a piped answer, so the transcript reads well
        return line.strip()

    def ask_number(self, prompt: str, low: int, high: int) -> int:
        while True:
            answer = self.ask(prompt)
            if answer.isdigit() and low <= int(answer) <= high:
                return int(answer)
            self.say(f"Please type a whole number from {low} to {high}.")
            if not self.keys:
                raise NoAnswer(prompt.strip())

    def ask_choice(self, prompt: str, choices: dict[str, str]) -> str:
        """The key of the choice picked (first letter or the whole word)."""
        while True:
            answer = self.ask(prompt).lower()
            for key, word in choices.items():
                if answer in (key, word):
                    return key
            self.say("Please type one of: " + ", ".join(f"{k} ({w})" for k, w in choices.items()))
            if not self.keys:
                raise NoAnswer(prompt.strip())

    # -- keys ----------------------------------------------------------------------

    @contextlib.contextmanager
    def keys_mode(self) -> Iterator[None]:
        """Keys one at a time, without Enter or echo, for a whole session.

        Staying in this mode from the first countdown to the last means a key
        pressed between two parts is not held back waiting for Enter.
        """
        if not self.keys or self._saved_mode is not None:
            yield
            return
        import termios
        import tty

        fd = self.stdin.fileno()
        try:
            self._saved_mode = termios.tcgetattr(fd)
        except termios.error:
            yield
            return
        tty.setcbreak(fd)
        try:
            yield
        finally:
            saved, self._saved_mode = self._saved_mode, None
            with contextlib.suppress(termios.error):
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    @contextlib.contextmanager
    def _line_mode(self) -> Iterator[None]:
        """Lines with echo again while a question is asked inside a session."""
        if self._saved_mode is None:
            yield
            return
        import termios
        import tty

        fd = self.stdin.fileno()
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSADRAIN, self._saved_mode)
        try:
            yield
        finally:
            with contextlib.suppress(termios.error):
                tty.setcbreak(fd)

    def _key(self, timeout: float) -> str | None:
        """One key pressed within ``timeout`` seconds, or ``None``."""
        if not self.keys:
            self._sleep(timeout)
            return None
        fd = self.stdin.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(fd, 32)
        if not data:  # the terminal has gone
            raise EOFError("the terminal closed")
        return data.decode("utf-8", "replace")[:1].lower()

    # -- the session view ----------------------------------------------------------

    def step(self, step: Step) -> None:
        self.say()
        head = f"{step.number}/{step.count}  {step.name}  ({duration(step.seconds)})"
        self.say(head, style="bold")
        if step.reintroduced:
            self.say("Back after a rest: ease in, and skip it if it hurts.", style="yellow")
        if step.variation:
            self.say(f"Variation: {step.variation}", style="cyan")
        for line in (*step.instructions, *step.variation_instructions):
            self.say(f"  {line}")
        for other in step.other_variations:
            self.say(f"  (You may also do it: {other.lower()}.)")
        if step.equipment:
            self.say("  You need: " + ", ".join(e.replace("-", " ") for e in step.equipment))
        for caution in step.cautions:
            self.say(f"  Careful: {caution}", style="yellow")
        if self.keys:
            self.say(f"  Keys: {KEYS_HELP}", style="dim")

    def skipped(self, step: Step, reason: SkipReason) -> None:
        self.say(f"Skipped {step.name}: {REASON_WORDS[reason]}.", style="yellow")

    def completed(self, step: Step) -> None:
        self.say(f"Done: {step.name}.", style="green")

    def segment(self, segment: Segment, *, switch: str | None, number: int, count: int) -> Action:
        if switch:
            self.say(f"  → {switch}", style="bold cyan")
        title = segment.text if segment.side is None else f"{segment.text} ({segment.side})"
        if not self.live:
            self.say(f"  {title}")
        with self.keys_mode():
            if self.live:
                return self._live(segment, title)
            return self._plain(segment)

    def _plain(self, segment: Segment) -> Action:
        end = time.monotonic() + segment.seconds / self.speed
        while (left := end - time.monotonic()) > 0:
            key = self._key(min(_TICK, left) if self.keys else left)
            started = time.monotonic()
            action = self._handle(key)
            if action is not None:
                return action
            end += time.monotonic() - started  # a pause or a question does not count
        return DONE

    def _live(self, segment: Segment, title: str) -> Action:
        from rich.live import Live
        from rich.progress_bar import ProgressBar
        from rich.table import Table

        total = float(segment.seconds)
        done = 0.0
        paused = False

        def frame() -> Table:
            grid = Table.grid(padding=(0, 1))
            grid.add_row(
                f"  {title}",
                ProgressBar(total=total or 1.0, completed=done, width=30),
                f"{duration(max(0.0, total - done) + 0.49)} left"
                + ("  [paused: p to go on]" if paused else ""),
            )
            return grid

        with Live(frame(), console=self._console, auto_refresh=False, transient=False) as live:
            last = time.monotonic()
            while done < total or paused:
                wait = _TICK if paused else min(_TICK, max(0.001, (total - done) / self.speed))
                key = self._key(wait)
                now = time.monotonic()
                if not paused:
                    done = min(total, done + (now - last) * self.speed)
                last = now
                if key in ("p", " "):
                    paused = not paused
                elif key is not None and not paused:
                    live.stop()
                    action = self._handle(key)
                    if action is not None:
                        return action
                    live.start()
                    last = time.monotonic()  # the time spent answering does not count
                live.update(frame(), refresh=True)
        return DONE

    def _handle(self, key: str | None) -> Action | None:
        """The action a key asks for (``None``: keep counting)."""
        if key == "n":
            return DONE
        if key == "d":
            return COMPLETE
        if key == "q":
            return QUIT
        if key == "s":
            reason = self._skip_reason()
            if reason is not None:
                return Action(act=Act.SKIP, reason=reason)
        if key in ("p", " "):
            self.say("  Paused: press p to go on.")
            while self._key(3600.0) not in ("p", " "):
                pass
        return None

    def _skip_reason(self) -> SkipReason | None:
        self.say(
            "  Skip because of: "
            + ", ".join(f"{k} {words}" for k, _, words in SKIP_CHOICES)
            + " (any other key: go on)"
        )
        key = self._key(3600.0)
        while key is None:
            key = self._key(3600.0)
        return next((reason for k, reason, _ in SKIP_CHOICES if k == key), None)
