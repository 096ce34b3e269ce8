"""Snapshots: the fold's state as JSON, so a store need not replay years of history.

Rules
- A snapshot is ``{"format", "rules", "program", "policy", "through", "events", "state"}``:
  the state the fold reached after the events up to and including ``through`` (the key
  of the last one: its effective instant in microseconds since the epoch, its device
  and seq (``""`` and 0 without one) and its id).
- ``rules`` is :data:`RULES_VERSION`, ``policy`` every number of the :class:`Policy` it
  was made under. :func:`progress_from_snapshot` refuses a snapshot of other rules,
  another policy or another program with :class:`SnapshotError`: a store then replays
  the events instead. A snapshot is a cache, never the truth.
- The state is written field by field from the types the fold declares
  (:class:`~stretchkit.ProgressState`), and read back strictly by the same types,
  so a change to the fold's state changes the format in one place.
  ``schemas/snapshot.schema.json`` is generated from the same types
  (``dumps_schema()``; the test says how to rewrite the files); a test
  fails when it is stale.
- Change the fold's rules (what a state means), and :data:`RULES_VERSION` must grow: a
  golden test (``tests/test_snapshot.py``) fails until it does.
- A :class:`Progress` resumed from a snapshot knows only the events after it: an event
  at or before ``through`` cannot be applied to it, and it cannot plan for a ``now``
  before ``through`` (both raise :class:`SnapshotError`); replay the history for those.
"""

from __future__ import annotations

import enum
import json
import sys
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin, get_type_hints

import attrs

from stretchkit.engine._errors import EngineError
from stretchkit.engine._fold import ProgressState
from stretchkit.engine._policy import Policy
from stretchkit.engine._time import INSTANT_RANGE
from stretchkit.model._validators import describe

if TYPE_CHECKING:
    from stretchkit.engine._progress import Progress
    from stretchkit.model import Catalog, Program

__all__ = [
    "RULES_VERSION",
    "SNAPSHOT_FORMAT",
    "SnapshotError",
    "progress_from_snapshot",
    "snapshot_of",
    "snapshot_schema",
]

SNAPSHOT_FORMAT = 2
"""The shape of the snapshot object itself."""

RULES_VERSION = 2
"""What a fold state means. Grow it whenever the fold's rules or its state change."""

SCHEMA_ID = "https://stretchkit.dev/schemas/snapshot/v1.json"


class SnapshotError(EngineError):
    """A snapshot that cannot be used here: other rules, policy or program, or bad data."""


_TOP = ("format", "rules", "program", "policy", "through", "events", "state")

_LIMIT = max(-INSTANT_RANGE[0], INSTANT_RANGE[1])
"""No number in a snapshot is larger: instants lie in the accepted years, counts are smaller.

Without a bound a stored ``10**5000`` is read and then overflows when a plan is made."""


def snapshot_of(progress: Progress, until: int | None = None) -> dict[str, Any]:
    """The snapshot of ``progress``, of the events at or before instant ``until`` if given."""
    state, key, count = progress._snapshot_point(until)
    return {
        "format": SNAPSHOT_FORMAT,
        "rules": RULES_VERSION,
        "program": progress.program.id,
        "policy": attrs.asdict(progress.policy),
        "through": None
        if key is None
        else {"instant": key[0], "device": key[1], "seq": key[2], "id": key[3]},
        "events": count,
        "state": _encode(state),
    }


def progress_from_snapshot(
    data: object,
    program: Program,
    policy: Policy | None = None,
    *,
    catalog: Catalog | None = None,
) -> Progress:
    """The :class:`Progress` ``data`` (from :func:`snapshot_of`) stands for."""
    from stretchkit.engine._progress import Progress

    base = Progress.start(program, policy, catalog=catalog)
    if not isinstance(data, Mapping):
        raise SnapshotError(f"a snapshot must be an object, got {type(data).__name__}")
    keys = set(data)
    if keys != set(_TOP):
        extra = sorted(keys - set(_TOP))
        what = (
            f"unknown key {describe(extra[0])}"
            if extra
            else f"missing {describe(sorted(set(_TOP) - keys)[0])}"
        )
        raise SnapshotError(f"snapshot: {what}")
    if data["format"] != SNAPSHOT_FORMAT:
        raise SnapshotError(
            f"snapshot /format: {describe(data['format'])} is not {SNAPSHOT_FORMAT}"
        )
    if data["rules"] != RULES_VERSION:
        raise SnapshotError(
            f"snapshot made under rules version {describe(data['rules'])}, "
            f"these are {RULES_VERSION}"
        )
    if data["program"] != program.id:
        raise SnapshotError(f"snapshot of program {describe(data['program'])}, not {program.id!r}")
    if data["policy"] != attrs.asdict(base.policy):
        raise SnapshotError("snapshot made under another policy")
    through = data["through"]
    key: tuple[int, str, int, str] | None = None
    if through is not None:
        if (
            not isinstance(through, Mapping)
            or set(through) != {"instant", "device", "seq", "id"}
            or type(through["instant"]) is not int
            or not -_LIMIT <= through["instant"] <= _LIMIT
            or type(through["device"]) is not str
            or type(through["seq"]) is not int
            or not 0 <= through["seq"] <= _LIMIT
            or type(through["id"]) is not str
        ):
            raise SnapshotError(
                "snapshot /through: must be {instant: integer, device: string, seq: integer, "
                "id: string}"
            )
        key = (through["instant"], through["device"], through["seq"], through["id"])
    count = data["events"]
    if type(count) is not int or not 0 <= count <= _LIMIT or (count == 0) != (key is None):
        raise SnapshotError(f"snapshot /events: {describe(count)} does not fit /through")
    state = _decode(data["state"], ProgressState, "/state")
    return base._resumed(state, key, count)


# -- the state, by its declared types ---------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {name: _encode(v) for name, v in zip(value._fields, value, strict=True)}
    if attrs.has(type(value)):
        return {a.name: _encode(getattr(value, a.name)) for a in attrs.fields(type(value))}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in sorted(value.items())}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls, vars(sys.modules[cls.__module__]))


def _fields(cls: type) -> list[str]:
    if attrs.has(cls):
        return [a.name for a in attrs.fields(cls)]
    return list(cls._fields)  # type: ignore[attr-defined]


def _is_record(hint: Any) -> bool:
    return isinstance(hint, type) and (
        attrs.has(hint) or (issubclass(hint, tuple) and hasattr(hint, "_fields"))
    )


def _decode(value: Any, hint: Any, path: str) -> Any:
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        if value is None and type(None) in get_args(hint):
            return None
        options = [o for o in get_args(hint) if o is not type(None)]
        if len(options) != 1:
            raise TypeError(f"unsupported union in the fold state: {hint}")
        return _decode(value, options[0], path)
    if _is_record(hint):
        if not isinstance(value, dict):
            raise SnapshotError(f"snapshot {path}: must be an object")
        names = _fields(hint)
        if set(value) != set(names):
            extra = sorted(set(value) ^ set(names))
            raise SnapshotError(f"snapshot {path}: unexpected or missing key {describe(extra[0])}")
        hints = _hints(hint)
        values = {n: _decode(value[n], hints[n], f"{path}/{n}") for n in names}
        try:
            return hint(**values)
        except (TypeError, ValueError) as e:
            raise SnapshotError(f"snapshot {path}: {e}") from None
    if origin is tuple:
        args = get_args(hint)
        if not isinstance(value, list):
            raise SnapshotError(f"snapshot {path}: must be an array")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(v, args[0], f"{path}/{i}") for i, v in enumerate(value))
        if len(value) != len(args):
            raise SnapshotError(f"snapshot {path}: must hold {len(args)} items")
        return tuple(
            _decode(v, a, f"{path}/{i}") for i, (v, a) in enumerate(zip(value, args, strict=True))
        )
    if origin in (Mapping, dict, typing.Mapping):
        key_type, value_type = get_args(hint)
        if not isinstance(value, dict):
            raise SnapshotError(f"snapshot {path}: must be an object")
        out = {
            _decode(k, key_type, f"{path}/{k}"): _decode(v, value_type, f"{path}/{k}")
            for k, v in value.items()
        }
        return types.MappingProxyType(out)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            raise SnapshotError(
                f"snapshot {path}: {describe(value)} is not a {hint.__name__}"
            ) from None
    if hint is bool:
        if type(value) is not bool:
            raise SnapshotError(f"snapshot {path}: must be true or false")
        return value
    if hint is int:
        if type(value) is not int or not -_LIMIT <= value <= _LIMIT:
            raise SnapshotError(f"snapshot {path}: must be an integer of at most {_LIMIT}")
        return value
    if hint is float:
        if type(value) not in (int, float) or not -_LIMIT <= value <= _LIMIT:
            raise SnapshotError(f"snapshot {path}: must be a number of at most {_LIMIT}")
        return float(value)
    if hint is str:
        if type(value) is not str:
            raise SnapshotError(f"snapshot {path}: must be a string")
        return value
    raise TypeError(f"unsupported type in the fold state: {hint}")


# -- the schema, from the same types ----------------------------------------------------


def _schema_of(hint: Any) -> dict[str, Any]:
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        options = [o for o in get_args(hint) if o is not type(None)]
        return {"anyOf": [_schema_of(options[0]), {"type": "null"}]}
    if _is_record(hint):
        hints = _hints(hint)
        names = _fields(hint)
        return {
            "type": "object",
            "required": names,
            "additionalProperties": False,
            "properties": {n: _schema_of(hints[n]) for n in names},
        }
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _schema_of(args[0])}
        return {
            "type": "array",
            "prefixItems": [_schema_of(a) for a in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin in (Mapping, dict, typing.Mapping):
        return {"type": "object", "additionalProperties": _schema_of(get_args(hint)[1])}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"enum": [m.value for m in hint]}
    if hint in (int, float):
        kind = "integer" if hint is int else "number"
        return {"type": kind, "minimum": -_LIMIT, "maximum": _LIMIT}
    simple = {bool: "boolean", str: "string"}
    return {"type": simple[hint]}


def snapshot_schema() -> dict[str, Any]:
    """The JSON Schema of a snapshot, generated from the fold's and the policy's types."""
    policy = _schema_of(Policy)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "stretchkit progress snapshot",
        "description": (
            "The state the progress engine's fold reached after a user's events up to "
            "'through'. A cache a store keeps so that loading a user does not replay the "
            "whole history; ignored unless its rules version, program and policy match. "
            "Generated by stretchkit.engine._snapshot; do not edit."
        ),
        "type": "object",
        "required": list(_TOP),
        "additionalProperties": False,
        "properties": {
            "format": {
                "title": "Snapshot format",
                "description": "The version of this object's shape.",
                "const": SNAPSHOT_FORMAT,
            },
            "rules": {
                "title": "Rules version",
                "description": "The version of the fold's rules the state was made under.",
                "const": RULES_VERSION,
            },
            "program": {
                "title": "Program id",
                "description": "The program whose progress this is.",
                "type": "string",
                "examples": ["upper-back-relief"],
            },
            "policy": {
                "title": "Policy",
                "description": "Every number of the policy the state was made under.",
                **policy,
            },
            "through": {
                "title": "Last event folded",
                "description": (
                    "The key of the last event in the state: its effective instant in "
                    'microseconds since the Unix epoch, its device and seq ("" and 0 '
                    "without one) and its id; null for no events."
                ),
                "anyOf": [
                    {
                        "type": "object",
                        "required": ["instant", "device", "seq", "id"],
                        "additionalProperties": False,
                        "properties": {
                            "instant": _schema_of(int),
                            "device": {"type": "string"},
                            "seq": {**_schema_of(int), "minimum": 0},
                            "id": {"type": "string"},
                        },
                    },
                    {"type": "null"},
                ],
                "examples": [{"instant": 1796025600000000, "device": "", "seq": 0, "id": "pain-1"}],
            },
            "events": {
                "title": "Events folded",
                "description": "How many events the state holds.",
                **_schema_of(int),
                "minimum": 0,
                "examples": [52000],
            },
            "state": {
                "title": "Fold state",
                "description": (
                    "The fold's state, field by field (instants in microseconds since the "
                    "Unix epoch); see stretchkit.ProgressState."
                ),
                **_schema_of(ProgressState),
            },
        },
    }


def dumps_schema() -> str:
    """The schema file's exact text."""
    return json.dumps(snapshot_schema(), indent=2, ensure_ascii=False) + "\n"
