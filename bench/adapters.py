"""Bridges from the benchmark's neutral inputs to the stretchkit engine and generator.

Each bridge looks the pieces up by their public names and says why when one is
missing, so the report can print "not available" with a reason.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import orjson

from bench import data
from bench.subjects import sk, sk_path

__all__ = ["Engine", "Generator", "engine", "generator", "history_routines"]

_SMALL = 15


@functools.cache
def _small_catalog_bytes() -> bytes:
    return orjson.dumps(data.catalog_dict(_SMALL))


def history_routines() -> dict[str, list[str]]:
    """The relief routines of the small catalog's program, each with its stretch ids."""
    doc = data.catalog_dict(_SMALL)
    ids = set(doc["programs"][0]["relief"]["routines"].values())
    return {r["id"]: [s["stretch"] for s in r["steps"]] for r in doc["routines"] if r["id"] in ids}


def _first(*names: str) -> Any | None:
    for name in names:
        obj = sk_path(name) if ":" in name else sk(name)
        if obj is not None:
            return obj
    return None


class Engine:
    """The engine's public pieces: events to and from their stored form, Progress, plan."""

    def __init__(self) -> None:
        self.why = ""
        self.progress_cls = _first("Progress", "stretchkit.engine:Progress")
        self.to_dict: Callable[[Any], Any] | None = _first(
            "event_to_dict", "stretchkit.engine:event_to_dict", "unstructure_event"
        )
        self.from_dict: Callable[[Any], Any] | None = _first(
            "event_from_dict", "stretchkit.engine:event_from_dict", "structure_event"
        )
        self.load_catalog = sk("load_catalog")
        missing = [
            name
            for name, obj in (
                ("Progress", self.progress_cls),
                ("event_to_dict", self.to_dict),
                ("event_from_dict", self.from_dict),
                ("load_catalog", self.load_catalog),
            )
            if obj is None
        ]
        if missing:
            self.why = "not available (missing: " + ", ".join(missing) + ")"

    @property
    def ok(self) -> bool:
        return not self.why

    @functools.cached_property
    def catalog(self) -> Any:
        assert self.load_catalog is not None
        return self.load_catalog(_small_catalog_bytes())

    @property
    def program(self) -> Any:
        return self.catalog.programs[0]

    def events(self, neutral: list[dict[str, Any]]) -> list[Any]:
        """The neutral dicts as engine events; the shapes are the stored form by design."""
        assert self.from_dict is not None
        return [self.from_dict(e) for e in neutral]

    def stored_bytes(self, neutral: list[dict[str, Any]]) -> bytes:
        """What an app stores: each event through ``event_to_dict``, one JSON array."""
        assert self.to_dict is not None
        return json.dumps([self.to_dict(e) for e in self.events(neutral)]).encode()

    def replay_bytes(self, raw: bytes) -> Any:
        """What an app that stores its events as one JSON array calls to replay them."""
        assert self.from_dict is not None
        assert self.progress_cls is not None
        replay_json = getattr(self.progress_cls, "replay_json", None)
        if replay_json is not None:  # the library's own replay of stored JSON
            return replay_json(self.program, raw, catalog=self.catalog)
        from_json = _first("events_from_json")
        if from_json is not None:  # the library's own reader of stored JSON
            events = from_json(raw)
        else:
            many = _first("events_from_dicts")
            docs = json.loads(raw)
            events = many(docs) if many is not None else [self.from_dict(d) for d in docs]
        return self.progress_cls.replay(self.program, events, catalog=self.catalog)

    def progress(self, neutral: list[dict[str, Any]]) -> Any:
        assert self.progress_cls is not None
        return self.progress_cls.replay(self.program, self.events(neutral), catalog=self.catalog)

    def next_event(self, neutral: list[dict[str, Any]]) -> Any:
        """A pain report a minute after the last event: appended, never inserted."""
        assert self.from_dict is not None
        last = datetime.fromisoformat(neutral[-1]["at"]) + timedelta(minutes=1)
        return self.from_dict(
            {"type": "pain_reported", "id": "event-next", "at": last.isoformat(), "level": 0}
        )

    def now_after(self, neutral: list[dict[str, Any]]) -> datetime:
        from zoneinfo import ZoneInfo

        last = datetime.fromisoformat(neutral[-1]["at"])
        return (last + timedelta(minutes=5)).astimezone(ZoneInfo("Europe/Berlin"))

    def plan(self, progress: Any, now: datetime) -> Any:
        context = _first("Context")
        return progress.plan(now, context.SITTING if context is not None else "sitting")


@functools.cache
def engine() -> Engine:
    return Engine()


class Generator:
    """``generate_routine(catalog, constraints)`` with a sitting, 10-minute constraint set."""

    def __init__(self) -> None:
        self.why = ""
        self.generate = sk("generate_routine")
        self.constraints = _first("Constraints", "stretchkit.generate:Constraints")
        self.load_catalog = sk("load_catalog")
        missing = [
            name
            for name, obj in (
                ("generate_routine", self.generate),
                ("Constraints", self.constraints),
                ("load_catalog", self.load_catalog),
            )
            if obj is None
        ]
        if missing:
            self.why = "not available (missing: " + ", ".join(missing) + ")"

    @property
    def ok(self) -> bool:
        return not self.why

    def catalog(self, raw: bytes) -> Any:
        assert self.load_catalog is not None
        return self.load_catalog(raw)

    def run(self, catalog: Any, seed: int) -> Any:
        assert self.generate is not None
        assert self.constraints is not None
        context = _first("Context")
        constraints = self.constraints(
            context=context.SITTING if context is not None else "sitting", minutes=10, seed=seed
        )
        return self.generate(catalog, constraints)


@functools.cache
def generator() -> Generator:
    return Generator()
