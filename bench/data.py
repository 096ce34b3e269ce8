"""Deterministic benchmark inputs: catalogs and event histories as plain JSON values.

Everything is built from a ``random.Random(seed)`` instance (never the global
generator), so two runs, or two machines, measure the same bytes. The shapes
follow the stretchkit v1 file format (keys are the attrs field names, enums
their values, optional fields at their default left out).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "CONTEXT_POSITIONS",
    "HISTORY_DAYS",
    "catalog_dict",
    "events",
    "invalid_catalog_dict",
    "one_mistake_catalog_dict",
]

JSON = dict[str, Any]

POSITIONS = ["supine", "prone", "side_lying", "all_fours", "kneeling", "seated", "standing"]
CONTEXT_POSITIONS = {
    "lying": ["supine", "prone", "side_lying", "all_fours", "kneeling"],
    "sitting": ["seated"],
    "standing": ["standing"],
}
_CONTEXT_OF = {p: c for c, ps in CONTEXT_POSITIONS.items() for p in ps}
EQUIPMENT = ["wall", "door-frame", "chair", "towel", "strap", "foam-roller", "table", "mat"]
TARGETS = [
    "upper-back",
    "mid-back",
    "lower-back",
    "neck",
    "shoulders",
    "chest",
    "hips",
    "hamstrings",
    "calves",
    "wrists",
    "glutes",
    "quads",
]
WORDS = [
    "gently",
    "press",
    "shoulder",
    "blades",
    "together",
    "lean",
    "weight",
    "into",
    "your",
    "hands",
    "breathe",
    "slowly",
    "keep",
    "the",
    "arms",
    "straight",
    "relax",
    "neck",
    "and",
    "hold",
    "knees",
    "hip",
    "width",
    "apart",
    "drop",
    "head",
    "toward",
    "floor",
    "lift",
    "chest",
]
ANGLE_LABELS = ["toe up", "out 45°", "in 45°", "arms overhead", "arms at 90°", "arms at 45°"]
POSITION_LABELS = ["elbows press", "hands flat", "palms up", "fists", "fingers spread"]

HISTORY_DAYS = {"day": 1, "month": 30, "year": 365}
"""A day, a month and a year of heavy use."""


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _phase(rng: random.Random, kind: str) -> JSON:
    if kind == "hold":
        return {"kind": "hold", "seconds": rng.randint(4, 60)}
    if kind == "angle_sequence":
        labels = rng.sample(ANGLE_LABELS, rng.randint(2, 4))
        return {
            "kind": "angle_sequence",
            "angles": [
                {
                    "label": lab,
                    "degrees": rng.choice([0, 45, 90, -45]),
                    "seconds": rng.randint(3, 10),
                }
                for lab in labels
            ],
        }
    if kind == "position_sequence":
        labels = rng.sample(POSITION_LABELS, rng.randint(2, 4))
        return {
            "kind": "position_sequence",
            "positions": [{"label": lab, "seconds": rng.randint(3, 10)} for lab in labels],
        }
    if kind == "reps":
        phase: JSON = {"kind": "reps", "count": rng.randint(3, 12), "seconds_per_rep": 3}
        if rng.random() < 0.5:
            phase["hold_seconds"] = rng.randint(1, 5)
        return phase
    return {
        "kind": "breath",
        "rounds": rng.randint(2, 5),
        "exhale_seconds": 4,
        "hold_seconds": rng.randint(3, 6),
        "release_seconds": 3,
    }


_KINDS = ["hold", "angle_sequence", "position_sequence", "reps", "breath"]


def _dose_seconds(dose: list[JSON]) -> int:
    total = 0
    for p in dose:
        k = p["kind"]
        if k == "hold":
            total += p["seconds"]
        elif k == "angle_sequence":
            total += sum(a["seconds"] for a in p["angles"])
        elif k == "position_sequence":
            total += sum(a["seconds"] for a in p["positions"])
        elif k == "reps":
            total += p["count"] * (p["seconds_per_rep"] + p.get("hold_seconds", 0))
        else:
            total += p["rounds"] * (p["exhale_seconds"] + p["hold_seconds"] + p["release_seconds"])
    return total


def _stretch(rng: random.Random, i: int) -> JSON:
    sid = f"stretch-{i:05d}"
    position = POSITIONS[i % len(POSITIONS)]
    # Every stretch has one to three phases; the first kind cycles so all five are
    # equally common, and every fifth stretch has all five.
    extra = rng.sample(_KINDS, rng.randint(0, 2))
    kinds = list(_KINDS) if i % 5 == 4 else [_KINDS[i % 5], *extra]
    stretch: JSON = {
        "id": sid,
        "name": f"Stretch {i} {rng.choice(WORDS)} {rng.choice(WORDS)}",
        "instructions": [_sentence(rng, rng.randint(5, 10)) for _ in range(rng.randint(2, 4))],
        "position": position,
        "dose": [_phase(rng, k) for k in kinds],
    }
    if position == "seated" and i % 3 == 0:
        stretch["other_positions"] = ["standing"]
    sides = rng.choice(["none", "both", "each"])
    if sides != "none":
        stretch["sides"] = sides
    if rng.random() < 0.5:
        stretch["equipment"] = sorted(rng.sample(EQUIPMENT, rng.randint(1, 2)))
    stretch["targets"] = sorted(rng.sample(TARGETS, rng.randint(1, 3)))
    if rng.random() < 0.4:
        stretch["variations"] = [
            {
                "id": f"variation-{v}",
                "name": f"Variation {v}: facing the wall",
                "instructions": [_sentence(rng, 6)],
                **({"equipment": ["wall"]} if v == 0 else {}),
            }
            for v in range(rng.randint(1, 2))
        ]
    if rng.random() < 0.6:
        stretch["media"] = [
            {
                "kind": rng.choice(["image", "video", "animation"]),
                "url": f"https://media.example.org/stretches/{sid}/front.jpg",
                "alt": f"A person doing stretch {i}, seen from the front",
            }
        ]
    if rng.random() < 0.3:
        stretch["cautions"] = ["Stop if it hurts; move on to the next stretch."]
    return stretch


def _routine(rng: random.Random, r: int, context: str, picks: list[JSON], override: bool) -> JSON:
    steps: list[JSON] = []
    seconds = 0
    for s in picks:
        step: JSON = {"stretch": s["id"]}
        dose = s["dose"]
        if override and rng.random() < 0.2:
            dose = [{"kind": "hold", "seconds": rng.randint(5, 30)}]
            step["dose"] = dose
        if s.get("variations") and rng.random() < 0.3:
            step["variation"] = s["variations"][0]["id"]
        seconds += _dose_seconds(dose) * (2 if s.get("sides") == "each" else 1)
        steps.append(step)
    return {
        "id": f"routine-{r:05d}",
        "name": f"Routine {r} for {context}",
        "context": context,
        "minutes": max(0.1, round(seconds / 60, 1)),
        "steps": steps,
        "description": f"Five stretches to do when {context}, in the order given.",
    }


def catalog_dict(n: int, seed: int = 20261124) -> JSON:
    """A valid v1 catalog of ``n`` stretches, ``n // 5`` routines of five steps and one program.

    Routines use stretches whose start position fits their context, so a
    context check finds nothing to complain about.
    """
    rng = random.Random(seed * 1_000_003 + n)
    stretches = [_stretch(rng, i) for i in range(n)]
    by_context: dict[str, list[JSON]] = {c: [] for c in CONTEXT_POSITIONS}
    for s in stretches:
        by_context[_CONTEXT_OF[s["position"]]].append(s)
    contexts = list(CONTEXT_POSITIONS)
    routines = []
    for r in range(max(3, n // 5)):
        context = contexts[r % 3]
        pool = by_context[context]
        picks = rng.sample(pool, min(5, len(pool)))
        routines.append(_routine(rng, r, context, picks, override=r >= 3))
    relief = {c: routines[i]["id"] for i, c in enumerate(contexts)}
    program: JSON = {
        "id": "upper-back-relief",
        "name": "Upper back relief",
        "relief": {"routines": relief, "min_sessions_per_day": 1, "max_sessions_per_day": 10},
        "maintenance": {"routines": relief},
        "pain_free_hours": 24,
        "audience": "People with a rounded upper back or pain between the shoulder blades.",
        "symptoms": ["Pain between the shoulder blades.", "A tight, sore or achy mid-back."],
        "disclaimer": ["These stretches are not medical advice."],
        "red_flags": ["Pain after a fall or an accident.", "Numbness or tingling in the arms."],
    }
    return {
        "format_version": 1,
        "stretches": stretches,
        "routines": routines,
        "programs": [program],
    }


def invalid_catalog_dict(n: int, seed: int = 20261124) -> JSON:
    """The valid catalog of ``n`` stretches with a mistake in about one stretch in fifty.

    The mistakes are the ones authors make: a hold of zero seconds, an unknown
    field, an upper-case id, an unknown phase kind, a routine step pointing to a
    stretch that is not there. Same size as the valid one, give or take a few bytes.
    """
    doc = catalog_dict(n, seed)
    mistakes = 0
    for i, s in enumerate(doc["stretches"]):
        if i % 50 != 7:
            continue
        which = mistakes % 4
        mistakes += 1
        if which == 0:
            s["dose"][0] = {"kind": "hold", "seconds": 0}
        elif which == 1:
            s["colour"] = "blue"
        elif which == 2:
            s["id"] = s["id"].upper()
        else:
            s["dose"][0] = {"kind": "wiggle", "seconds": 5}
    for j, r in enumerate(doc["routines"]):
        if j % 50 == 9:
            r["steps"][0]["stretch"] = "no-such-stretch"
    return doc


def one_mistake_catalog_dict(n: int, seed: int = 20261124) -> JSON:
    """The valid catalog of ``n`` stretches with a single mistake, in its last stretch.

    Last, so that a path that re-checks everything after the first error pays for
    the whole document: "one mistake anywhere" at its most expensive place.
    """
    doc = catalog_dict(n, seed)
    doc["stretches"][-1]["dose"][0] = {"kind": "hold", "seconds": 0}
    return doc


# --- events -------------------------------------------------------------------------------

_ZONE = ZoneInfo("Europe/Berlin")
_START = datetime(2025, 1, 6, tzinfo=_ZONE)
PAIN_REPORTS_PER_DAY = 140
"""Pain reports a day besides the sessions' own levels: an app that asks often.

With ten sessions a day this makes a year of heavy use about 55,000 events, the
size the performance issue measures.
"""


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def events(days: int, routines: dict[str, list[str]], seed: int = 7) -> list[JSON]:
    """``days`` of heavy use, oldest first: ten sessions a day of five steps, pain reports,
    and once a week a stretch brought back.

    ``routines`` maps a routine id to its five stretch ids. Pain comes and goes in
    waves of a few days, so the 24-hour rule and the rest/backoff paths are both
    exercised. Events are plain dicts in a neutral shape; :mod:`bench.events`
    turns them into what the engine stores.
    """
    rng = random.Random(seed * 7919 + days)
    ids = sorted(routines)
    out: list[JSON] = []
    n = 0
    for day in range(days):
        base = _START + timedelta(days=day)
        painful_day = (day // 3) % 2 == 0
        daily: list[JSON] = []
        for k in range(10):
            start = base + timedelta(hours=7, minutes=90 * k + rng.randint(0, 20))
            rid = ids[(day + k) % len(ids)]
            steps: list[JSON] = []
            for sid in routines[rid]:
                roll = rng.random()
                if roll < 0.03:
                    steps.append({"stretch": sid, "outcome": "skipped", "reason": "discomfort"})
                elif roll < 0.04:
                    steps.append({"stretch": sid, "outcome": "skipped", "reason": "no_time"})
                else:
                    steps.append({"stretch": sid, "outcome": "completed"})
            end = start + timedelta(minutes=3, seconds=rng.randint(0, 59))
            session: JSON = {
                "id": f"session-{day:04d}-{k:02d}",
                "routine": rid,
                "started_at": _iso(start),
                "ended_at": _iso(end),
                "steps": steps,
            }
            if painful_day:
                session["pain_before"] = rng.randint(1, 6)
                session["pain_after"] = rng.randint(0, 4)
            else:
                session["pain_before"] = 0
                session["pain_after"] = 0
            daily.append({"type": "session_logged", "at": _iso(end), "session": session})
        for k in range(PAIN_REPORTS_PER_DAY):
            at = base + timedelta(hours=6, seconds=k * 420 + rng.randint(0, 60))
            level = rng.randint(1, 6) if painful_day and rng.random() < 0.5 else 0
            daily.append({"type": "pain_reported", "at": _iso(at), "level": level})
        if day % 7 == 6:
            sid = routines[ids[day % len(ids)]][0]
            at = base + timedelta(hours=21, minutes=30)
            daily.append({"type": "stretch_reenabled", "at": _iso(at), "stretch_id": sid})
        daily.sort(key=lambda e: e["at"])
        for e in daily:
            e["id"] = f"event-{n:07d}"
            n += 1
        out.extend(daily)
    return out
