"""Driving one session through the engine's runner, for the coach and the demo alike.

The driver owns no terminal: a *view* shows each stretch and counts each timed part
down, and answers what the person did (done, skip with a reason, quit). The coach's
view is the terminal; the demo's is a script. Both go through this loop, the
runner and the store, so the demo shows what the coach does.

Rules
- A stretch starts with its name, its instructions, the chosen variation and
  whether it is back after a rest; each segment is counted down in turn.
- Moving to the other side, or to the next angle or position, is announced first.
- ``complete`` ends the stretch as done, ``skip`` ends it with the reason; ``quit``
  stops the session where it is.
- After every change the runner is handed to ``save`` so an interrupted session
  (Ctrl-C, a closed terminal) can be resumed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from attrs import define, frozen

if TYPE_CHECKING:
    from stretchkit.engine import Segment, SessionRunner
    from stretchkit.model import Catalog, SkipReason

__all__ = ["COMPLETE", "DONE", "QUIT", "Act", "Action", "Driver", "Step", "View", "step_of"]


class Act(enum.StrEnum):
    DONE = "done"
    """This part is done: on to the next one."""
    COMPLETE = "complete"
    """The whole stretch is done (the person held it long enough)."""
    SKIP = "skip"
    QUIT = "quit"


@frozen(kw_only=True)
class Action:
    """What the person did during a segment."""

    act: Act
    reason: SkipReason | None = None


DONE = Action(act=Act.DONE)
COMPLETE = Action(act=Act.COMPLETE)
QUIT = Action(act=Act.QUIT)


@frozen(kw_only=True)
class Step:
    """What the coach says when a stretch starts."""

    number: int
    count: int
    stretch_id: str
    name: str
    instructions: tuple[str, ...]
    cautions: tuple[str, ...]
    equipment: tuple[str, ...]
    variation: str | None
    variation_instructions: tuple[str, ...]
    other_variations: tuple[str, ...]
    reintroduced: bool
    seconds: int


def step_of(runner: SessionRunner, catalog: Catalog) -> Step:
    """The current stretch of ``runner``, with its chosen variation from the routine."""
    i = runner.step_index
    assert i is not None
    planned = runner.steps[i]
    routine = catalog.routine_by_id[runner.routine_id]
    routine_step = routine.steps[planned.index]
    stretch = catalog.stretch_by_id[planned.stretch_id]
    chosen = getattr(planned, "variation", None) or routine_step.variation
    variation = next((v for v in stretch.variations if v.id == chosen), None)
    return Step(
        number=i + 1,
        count=len(runner.steps),
        stretch_id=stretch.id,
        name=stretch.name,
        instructions=stretch.instructions,
        cautions=stretch.cautions,
        equipment=variation.equipment if variation else stretch.equipment,
        variation=variation.name if variation else None,
        variation_instructions=variation.instructions if variation else (),
        other_variations=tuple(v.name for v in stretch.variations if v is not variation),
        reintroduced=planned.reintroduced,
        seconds=sum(s.seconds for s in runner.segments(i)),
    )


def switch_of(previous: Segment | None, segment: Segment) -> str | None:
    """What to announce before ``segment``: the other side, or the next angle or position."""
    if segment.side is not None and (previous is None or previous.side != segment.side):
        return f"{segment.side.capitalize()} side"
    if previous is not None and segment.label and segment.label != previous.label:
        return f"Now: {segment.label}"
    return None


class View(Protocol):
    """Shows a session to the person and reports what they did."""

    def step(self, step: Step) -> None: ...

    def segment(
        self, segment: Segment, *, switch: str | None, number: int, count: int
    ) -> Action: ...

    def skipped(self, step: Step, reason: SkipReason) -> None: ...

    def completed(self, step: Step) -> None: ...


@define
class Driver:
    """Runs the runner's steps through a view; ``runner`` is always the latest state."""

    runner: SessionRunner
    catalog: Catalog
    save: Callable[[SessionRunner], None]

    def run(self, view: View) -> bool:
        """Every step done or skipped (True), or the person quit (False)."""
        while self.runner.current_step is not None:
            step = step_of(self.runner, self.catalog)
            view.step(step)
            i = self.runner.step_index
            assert i is not None
            segments = self.runner.segments(i)
            while self.runner.step_index == i:
                n = self.runner.segment
                segment = segments[n]
                previous = segments[n - 1] if n else None
                action = view.segment(
                    segment,
                    switch=switch_of(previous, segment),
                    number=n + 1,
                    count=len(segments),
                )
                if action.act is Act.QUIT:
                    return False
                if action.act is Act.SKIP:
                    assert action.reason is not None
                    self.runner = self.runner.skip(action.reason)
                    view.skipped(step, action.reason)
                elif action.act is Act.COMPLETE:
                    self.runner = self.runner.complete()
                    view.completed(step)
                else:
                    self.runner = self.runner.advance()
                    if self.runner.step_index != i:
                        view.completed(step)
                self.save(self.runner)
        return True
