"""The session runner: the state machine an app drives through one session.

Rules
- A runner walks the planned steps in order. Inside a step it walks *segments*:
  for each side (left then right for ``Sides.EACH``, once otherwise), each part of
  the step's dose (the routine step's own dose, else the stretch's), split into its
  parts: a hold; each angle of an angle sequence; each position of a position
  sequence; each repetition (then its hold at the top); each breath round's
  exhale, hold and release.
- ``advance()`` moves to the next segment; past the last one it completes the step.
  ``complete()`` completes the current step at once, ``skip(reason)`` skips it.
  Every call returns a new runner: a runner is a value, never mutated.
- ``finish(at)`` ends the session and returns its :class:`SessionLogged`; steps not
  reached are not recorded (they were neither done nor skipped).
- The runner never reads the clock: the app passes ``started_at`` and ``at``.
- ``to_dict()`` / ``from_dict(data, catalog)`` resume a session after a restart; the
  doses come back from the catalog, so the stored form stays small.
- ``cues()`` is the timeline of prompts (offset in seconds from the start, kind,
  text) if every segment is done in turn without pause; the last cue, ``done``,
  falls at the sum of the steps' durations. A step's cue says the stretch's name,
  its variation and its instructions; an angle's cue says its degrees, so a voice
  prompt is complete.
- A plan with no step to do is refused with :class:`NotAllowedError`, always: an
  empty session is never run or logged. A plan that does not allow a session (the
  day's maximum is reached) is refused too unless the app passes ``override=True``
  (a bool: a truthy string is not an explicit decision).
- Each step carries its variation: the plan's, or the app's choice
  (``variations={stretch_id: variation_id}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
from attrs import field, frozen

from stretchkit.engine._codec import _SLUG, _event_id, _step_to_dict, _time, session_from_dict
from stretchkit.engine._errors import EngineError, EventFormatError, NotAllowedError
from stretchkit.engine._events import MAX_ID, SessionLogged, check_id
from stretchkit.engine._plan import Plan
from stretchkit.engine._time import check_local_time, instant
from stretchkit.model import (
    Catalog,
    CueKind,
    Outcome,
    Part,
    Routine,
    Session,
    Sides,
    SkipReason,
    StepResult,
    Stretch,
)
from stretchkit.model._validators import ModelError, describe

__all__ = ["Cue", "CueKind", "RunnerStep", "Segment", "SessionRunner"]

RUNNER_FORMAT = 1


@frozen(kw_only=True)
class Segment:
    """One timed part of a step: what to do, on which side, for how many seconds."""

    kind: CueKind
    text: str
    seconds: int
    part_index: int
    side: str | None = None
    """``"left"``/``"right"`` for stretches done on each side, else ``None``."""
    label: str | None = None
    """The angle's or position's label."""
    degrees: int | None = None


@frozen(kw_only=True)
class Cue:
    """A prompt at ``offset_seconds`` from the session's start."""

    offset_seconds: int
    kind: CueKind
    text: str
    step: int | None = None
    """The position of the step in the runner's steps (``None`` for the final cue)."""


@frozen(kw_only=True)
class RunnerStep:
    """A step to run: ``index`` is its position in the routine's steps."""

    stretch_id: str
    index: int
    reintroduced: bool = False
    variation: str | None = None
    """The variation's id, or ``None`` for the stretch as written."""


def _part_segments(part: Part, i: int, side: str | None) -> list[Segment]:
    return [
        Segment(
            kind=beat.kind,
            text=beat.text,
            seconds=beat.seconds,
            part_index=i,
            side=side,
            label=beat.label,
            degrees=beat.degrees,
        )
        for beat in part.beats()
    ]


def segments_of(stretch: Stretch, dose: tuple[Part, ...] | None = None) -> tuple[Segment, ...]:
    """The timed parts of one stretch, sides included, in the order they are done."""
    sides: tuple[str | None, ...] = ("left", "right") if stretch.sides is Sides.EACH else (None,)
    out: list[Segment] = []
    for side in sides:
        for i, part in enumerate(stretch.dose if dose is None else dose):
            out.extend(_part_segments(part, i, side))
    return tuple(out)


def _resolve(
    catalog: Catalog, routine: Routine, steps: tuple[RunnerStep, ...]
) -> tuple[tuple[tuple[Segment, ...], ...], tuple[str, ...], tuple[str, ...]]:
    """Each step's segments, its stretch's name, and the text its cue says."""
    stretches = catalog.stretch_by_id
    segs, names, texts = [], [], []
    for step in steps:
        if not 0 <= step.index < len(routine.steps):
            raise EngineError(f"routine {routine.id!r} has no step {step.index}")
        rs = routine.steps[step.index]
        if rs.stretch != step.stretch_id:
            raise EngineError(
                f"step {step.index} of routine {routine.id!r} is {rs.stretch!r}, "
                f"not {step.stretch_id!r}"
            )
        stretch = stretches.get(rs.stretch)
        if stretch is None:
            raise EngineError(f"stretch {rs.stretch!r} is not in the catalog")
        segs.append(segments_of(stretch, rs.dose))
        names.append(stretch.name)
        text = stretch.name
        if step.variation is not None:
            variation = next((v for v in stretch.variations if v.id == step.variation), None)
            if variation is None:
                known = ", ".join(v.id for v in stretch.variations) or "none"
                raise EngineError(
                    f"stretch {stretch.id!r} has no variation {step.variation!r} "
                    f"(its variations: {known})"
                )
            text += f", {variation.name}"
            told = (*stretch.instructions, *variation.instructions)
        else:
            told = stretch.instructions
        texts.append(f"{text}. {' '.join(told)}" if told else text)
    return tuple(segs), tuple(names), tuple(texts)


@frozen(kw_only=True)
class SessionRunner:
    """Where the user is in a session. Build it with :meth:`start`."""

    session_id: str
    routine_id: str
    started_at: datetime
    steps: tuple[RunnerStep, ...]
    results: tuple[StepResult, ...] = ()
    """One per step done or skipped so far; the current step is ``steps[len(results)]``."""
    segment: int = 0
    """The current segment of the current step."""
    pain_before: int | None = None
    _segments: tuple[tuple[Segment, ...], ...] = field(eq=False, repr=False, alias="segments")
    _names: tuple[str, ...] = field(eq=False, repr=False, alias="names")
    _texts: tuple[str, ...] = field(eq=False, repr=False, alias="texts")

    @classmethod
    def start(
        cls,
        what: Plan | Routine | str,
        catalog: Catalog,
        *,
        started_at: datetime,
        session_id: str | None = None,
        pain_before: int | None = None,
        variations: Mapping[str, str | None] | None = None,
        override: bool = False,
    ) -> SessionRunner:
        """A runner at the first step of a plan (its steps), or of a whole routine.

        ``session_id`` defaults to one made from the routine and ``started_at``.
        ``variations`` (stretch id to variation id, or ``None`` for the stretch as
        written) overrides the plan's or routine's choice. A plan with no steps
        raises :class:`NotAllowedError`, whatever ``override`` says: there is nothing
        to run. A plan that is not ``allowed`` raises it unless ``override`` is
        ``True``: the app decides, explicitly, to go past the limit.
        """
        check_local_time(started_at, "started_at")
        if not isinstance(what, Plan | Routine | str):
            raise EngineError(
                f"a runner starts from a Plan, a Routine or its id, got {describe(what)}"
            )
        if not isinstance(catalog, Catalog):
            raise EngineError(f"catalog must be a Catalog, got {describe(catalog)}")
        if session_id is None:
            routine_id = what.routine_id if isinstance(what, Plan) else getattr(what, "id", what)
            session_id = f"{routine_id}-{started_at.isoformat()}"[:MAX_ID]
        check_id(session_id, "session_id")
        if pain_before is not None and (type(pain_before) is not int or not 0 <= pain_before <= 10):
            raise EngineError(
                f"pain_before must be an integer from 0 to 10, got {describe(pain_before)}"
            )
        if variations is not None and not isinstance(variations, Mapping):
            raise EngineError(
                f"variations must map stretch ids to variation ids, got {describe(variations)}"
            )
        if type(override) is not bool:
            raise EngineError(f"override must be True or False, got {describe(override)}")
        chosen = dict(variations or {})
        if isinstance(what, Plan):
            if not what.steps:
                raise NotAllowedError(
                    f"the plan for {what.context.value} has no step to do ("
                    + (
                        "try " + " or ".join(c.value for c in what.doable_contexts)
                        if what.doable_contexts
                        else "every stretch is resting or parked"
                    )
                    + ")"
                )
            if not what.allowed and not override:
                at = what.next_allowed_at
                raise NotAllowedError(
                    f"the plan does not allow another session today ({what.sessions_today} "
                    f"of at most {what.max_sessions_per_day} done"
                    + ("" if at is None else f"; the next from {at.isoformat()}")
                    + "); pass override=True to run it anyway"
                )
            routine = _routine(catalog, what.routine_id)
            steps = tuple(
                RunnerStep(
                    stretch_id=s.stretch_id,
                    index=s.index,
                    reintroduced=s.reintroduced,
                    variation=chosen.get(s.stretch_id, s.variation),
                )
                for s in what.steps
            )
        else:
            routine = what if isinstance(what, Routine) else _routine(catalog, what)
            steps = tuple(
                RunnerStep(
                    stretch_id=s.stretch, index=i, variation=chosen.get(s.stretch, s.variation)
                )
                for i, s in enumerate(routine.steps)
            )
        unknown = sorted(set(chosen) - {s.stretch_id for s in steps})
        if unknown:
            raise EngineError(f"variations name {describe(unknown[0])}, which is not a step here")
        segments, names, texts = _resolve(catalog, routine, steps)
        return cls(
            session_id=session_id,
            routine_id=routine.id,
            started_at=started_at,
            steps=steps,
            pain_before=pain_before,
            segments=segments,
            names=names,
            texts=texts,
        )

    # -- where we are -------------------------------------------------------------------

    @property
    def finished_steps(self) -> bool:
        """Every step was done or skipped."""
        return len(self.results) >= len(self.steps)

    @property
    def step_index(self) -> int | None:
        return None if self.finished_steps else len(self.results)

    @property
    def current_step(self) -> RunnerStep | None:
        i = self.step_index
        return None if i is None else self.steps[i]

    @property
    def current_name(self) -> str | None:
        i = self.step_index
        return None if i is None else self._names[i]

    @property
    def current(self) -> Segment | None:
        """The segment to do now (side, part, angle or position, seconds)."""
        i = self.step_index
        return None if i is None else self._segments[i][self.segment]

    def segments(self, step: int) -> tuple[Segment, ...]:
        if type(step) is not int or not 0 <= step < len(self._segments):
            raise EngineError(
                f"step must be an integer from 0 to {len(self._segments) - 1}, got {describe(step)}"
            )
        return self._segments[step]

    # -- transitions ---------------------------------------------------------------------

    def _need_step(self, action: str) -> RunnerStep:
        step = self.current_step
        if step is None:
            raise EngineError(f"cannot {action}: every step of the session is already done")
        return step

    def advance(self) -> SessionRunner:
        """The next segment; past the last one of the step, the step is completed."""
        self._need_step("advance")
        i = len(self.results)
        if self.segment + 1 < len(self._segments[i]):
            return attrs.evolve(self, segment=self.segment + 1)
        return self.complete()

    def complete(self) -> SessionRunner:
        step = self._need_step("complete a step")
        done = StepResult(stretch=step.stretch_id, outcome=Outcome.COMPLETED)
        return attrs.evolve(self, results=(*self.results, done), segment=0)

    def skip(self, reason: SkipReason | str) -> SessionRunner:
        """Skip the current step; ``discomfort`` and ``pain`` rest its stretch."""
        step = self._need_step("skip a step")
        # Looked up by hand: Enum's own error message embeds repr(reason).
        found = (
            reason
            if isinstance(reason, SkipReason)
            else _REASONS.get(reason)
            if isinstance(reason, str)
            else None
        )
        if found is None:
            raise EngineError(
                f"reason must be one of {', '.join(r.value for r in SkipReason)}, "
                f"got {describe(reason)}"
            )
        skipped = StepResult(stretch=step.stretch_id, outcome=Outcome.SKIPPED, reason=found)
        return attrs.evolve(self, results=(*self.results, skipped), segment=0)

    def complete_remaining(
        self, skip: Mapping[str, SkipReason | str] | None = None
    ) -> SessionRunner:
        """Every step left completed, except stretches in ``skip`` (id -> reason).

        For simulations and tests ("a week of use"); an app drives step by step.
        """
        if skip is not None and not isinstance(skip, Mapping):
            raise EngineError(f"skip must map stretch ids to reasons, got {describe(skip)}")
        runner = self
        while (step := runner.current_step) is not None:
            reason = (skip or {}).get(step.stretch_id)
            runner = runner.complete() if reason is None else runner.skip(reason)
        return runner

    def finish(
        self, at: datetime, *, pain_after: int | None = None, event_id: str | None = None
    ) -> SessionLogged:
        """The event to store: the session as lived, ending at ``at``."""
        check_local_time(at, "at")
        if instant(at) < instant(self.started_at):
            raise EngineError(
                f"the session cannot end ({at.isoformat()}) before it started "
                f"({self.started_at.isoformat()})"
            )
        if pain_after is not None and (type(pain_after) is not int or not 0 <= pain_after <= 10):
            raise EngineError(
                f"pain_after must be an integer from 0 to 10, got {describe(pain_after)}"
            )
        if event_id is not None:
            check_id(event_id, "event_id")
        try:
            session = Session(
                id=self.session_id,
                routine=self.routine_id,
                started_at=self.started_at,
                ended_at=at,
                steps=self.results,
                pain_before=self.pain_before,
                pain_after=pain_after,
            )
        except ModelError as e:  # a runner built by hand with attrs.evolve, say
            raise EngineError(f"the session cannot be logged: {e}") from None
        return SessionLogged(id=event_id or self.session_id, at=at, session=session)

    # -- cues --------------------------------------------------------------------------

    def cues(self) -> tuple[Cue, ...]:
        """Every prompt of the session, at its offset from the start."""
        out: list[Cue] = []
        t = 0
        for n, (step, segs) in enumerate(zip(self.steps, self._segments, strict=True)):
            ease = " Ease in, stop if it hurts." if step.reintroduced else ""
            out.append(
                Cue(offset_seconds=t, kind=CueKind.STEP, text=f"{self._texts[n]}{ease}", step=n)
            )
            side: str | None = None
            for seg in segs:
                if seg.side is not None and seg.side != side:
                    side = seg.side
                    out.append(
                        Cue(
                            offset_seconds=t,
                            kind=CueKind.SIDE,
                            text=f"{side.capitalize()} side",
                            step=n,
                        )
                    )
                out.append(Cue(offset_seconds=t, kind=seg.kind, text=seg.text, step=n))
                t += seg.seconds
        out.append(Cue(offset_seconds=t, kind=CueKind.DONE, text="Done. Well done."))
        return tuple(out)

    @property
    def total_seconds(self) -> int:
        return sum(s.seconds for segs in self._segments for s in segs)

    # -- resume ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict to store while the session runs."""
        out: dict[str, Any] = {
            "format": RUNNER_FORMAT,
            "session_id": self.session_id,
            "routine_id": self.routine_id,
            "started_at": self.started_at.isoformat(),
            "steps": [
                {"stretch_id": s.stretch_id, "index": s.index, "reintroduced": s.reintroduced}
                | ({} if s.variation is None else {"variation": s.variation})
                for s in self.steps
            ],
            "results": [_step_to_dict(r) for r in self.results],
            "segment": self.segment,
        }
        if self.pain_before is not None:
            out["pain_before"] = self.pain_before
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], catalog: Catalog) -> SessionRunner:
        """The runner ``to_dict`` stored; the catalog gives the doses back.

        Read strictly, like an event: every value must have the type and the range
        ``to_dict`` writes (``0.9``, ``"0"``, ``True`` are not the integer 0; ``"false"``
        is not ``False``), and every bound is checked here, not later at ``finish()``.
        Anything else raises :class:`EventFormatError` with the path of the bad value.
        """
        if not isinstance(data, Mapping):
            raise EventFormatError("", f"a runner must be an object, got {describe(data)}")
        if not isinstance(catalog, Catalog):
            raise EngineError(f"catalog must be a Catalog, got {describe(catalog)}")
        extra = sorted(str(k)[:100] for k in data if k not in _RUNNER_KEYS)
        if extra:
            raise EventFormatError("", f"unknown key {describe(extra[0])}")
        for key in ("format", "session_id", "routine_id", "started_at", "steps"):
            if key not in data:
                raise EventFormatError("", f"{key!r} is required")
        if type(data["format"]) is not int or data["format"] != RUNNER_FORMAT:
            raise EventFormatError(
                "/format", f"must be {RUNNER_FORMAT}, got {describe(data['format'])}"
            )
        session_id = _event_id(data, "", "session_id")
        routine_id = data["routine_id"]
        if not isinstance(routine_id, str) or not _is_slug(routine_id):
            raise EventFormatError("/routine_id", f"must be a slug, got {describe(routine_id)}")
        started_at = _time(data["started_at"], "/started_at")
        routine = catalog.routine_by_id.get(routine_id)
        if routine is None:
            raise EventFormatError("/routine_id", f"routine {routine_id!r} is not in the catalog")
        steps = _stored_steps(data["steps"], routine)
        results = _stored_results(data.get("results", []), steps)
        pain_before = data.get("pain_before")
        if "pain_before" in data and (type(pain_before) is not int or not 0 <= pain_before <= 10):
            raise EventFormatError(
                "/pain_before", f"must be an integer from 0 to 10, got {describe(pain_before)}"
            )
        try:
            segments, names, texts = _resolve(catalog, routine, steps)
        except EngineError as e:
            raise EventFormatError("/steps", str(e)) from None
        segment = data.get("segment", 0)
        i = len(results)
        limit = len(segments[i]) if i < len(steps) else 1
        if type(segment) is not int or not 0 <= segment < limit:
            raise EventFormatError(
                "/segment", f"must be an integer from 0 to {limit - 1}, got {describe(segment)}"
            )
        return cls(
            session_id=session_id,
            routine_id=routine.id,
            started_at=started_at,
            steps=steps,
            results=results,
            segment=segment,
            pain_before=pain_before,
            segments=segments,
            names=names,
            texts=texts,
        )


_REASONS: dict[str, SkipReason] = {r.value: r for r in SkipReason}

_RUNNER_KEYS = frozenset(
    {
        "format",
        "session_id",
        "routine_id",
        "started_at",
        "steps",
        "results",
        "segment",
        "pain_before",
    }
)
_STEP_KEYS = frozenset({"stretch_id", "index", "reintroduced", "variation"})


def _is_slug(value: str) -> bool:
    return len(value) <= 64 and _SLUG.match(value) is not None


def _stored_steps(raw: object, routine: Routine) -> tuple[RunnerStep, ...]:
    """The runner's steps as ``to_dict`` wrote them: each names a step of ``routine``."""
    if not isinstance(raw, list | tuple):
        raise EventFormatError("/steps", f"must be an array, got {describe(raw)}")
    if len(raw) > len(routine.steps):
        raise EventFormatError(
            "/steps", f"routine {routine.id!r} has {len(routine.steps)} step(s), got {len(raw)}"
        )
    steps: list[RunnerStep] = []
    seen: set[int] = set()
    for n, item in enumerate(raw):
        p = f"/steps/{n}"
        if not isinstance(item, dict):
            raise EventFormatError(p, f"must be an object, got {describe(item)}")
        extra = sorted(str(k)[:100] for k in item if k not in _STEP_KEYS)
        if extra:
            raise EventFormatError(p, f"unknown key {describe(extra[0])}")
        stretch_id, index = item.get("stretch_id"), item.get("index")
        reintroduced = item.get("reintroduced", False)
        if not isinstance(stretch_id, str) or not _is_slug(stretch_id):
            raise EventFormatError(f"{p}/stretch_id", f"must be a slug, got {describe(stretch_id)}")
        if type(index) is not int or not 0 <= index < len(routine.steps) or index in seen:
            raise EventFormatError(
                f"{p}/index",
                f"must be the index of another step of routine {routine.id!r} "
                f"(0 to {len(routine.steps) - 1}), got {describe(index)}",
            )
        if type(reintroduced) is not bool:
            raise EventFormatError(
                f"{p}/reintroduced", f"must be true or false, got {describe(reintroduced)}"
            )
        if routine.steps[index].stretch != stretch_id:
            raise EventFormatError(
                f"{p}/stretch_id",
                f"step {index} of routine {routine.id!r} is {routine.steps[index].stretch!r}, "
                f"not {describe(stretch_id)}",
            )
        variation = item.get("variation")
        if variation is not None and (not isinstance(variation, str) or not _is_slug(variation)):
            raise EventFormatError(f"{p}/variation", f"must be a slug, got {describe(variation)}")
        seen.add(index)
        steps.append(
            RunnerStep(
                stretch_id=stretch_id, index=index, reintroduced=reintroduced, variation=variation
            )
        )
    return tuple(steps)


def _stored_results(raw: object, steps: tuple[RunnerStep, ...]) -> tuple[StepResult, ...]:
    """The step results so far: the session reader checks each, then they must follow the steps."""
    if not isinstance(raw, list | tuple):
        raise EventFormatError("/results", f"must be an array, got {describe(raw)}")
    if len(raw) > len(steps):
        raise EventFormatError(
            "/results", f"there are {len(steps)} step(s) but {len(raw)} result(s)"
        )
    try:
        probe = session_from_dict(
            {
                "id": "runner",
                "routine": "runner",
                "started_at": "2000-01-01T00:00:00Z",
                "ended_at": "2000-01-01T00:00:00Z",
                "steps": list(raw),
            }
        )
    except EventFormatError as e:  # the reader says /steps/2/reason: here it is /results/2/…
        why = str(e)[len(e.path) + 2 :]
        raise EventFormatError("/results" + e.path.removeprefix("/steps"), why) from None
    for n, (result, step) in enumerate(zip(probe.steps, steps, strict=False)):
        if result.stretch != step.stretch_id:
            raise EventFormatError(
                f"/results/{n}/stretch", f"must be {step.stretch_id!r}, the step's stretch"
            )
    return probe.steps


def _routine(catalog: Catalog, routine_id: str) -> Routine:
    found = catalog.routine_by_id.get(routine_id)
    if found is None:
        raise EngineError(f"routine {describe(routine_id)} is not in the catalog")
    return found
