"""The catalog: one document holding stretches, routines and programs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Final

from attrs import field, frozen

from stretchkit.model._about import About, about, described
from stretchkit.model._links import CATALOG_SCHEMA_ID
from stretchkit.model._program import Program
from stretchkit.model._routine import Routine
from stretchkit.model._stretch import Stretch
from stretchkit.model._validators import as_tuple, deep_iterable, describe, instance_of

__all__ = ["FORMAT_VERSION", "SCHEMA_ABOUT", "Catalog"]

FORMAT_VERSION = 1
"""The catalog file format this library writes. Older versions are upgraded by ``migrate``."""


# One typed converter per element type: mypy's attrs plugin cannot resolve a
# generic one, and ``converter=tuple`` would leave callers' arguments untyped.
def _stretches(items: Iterable[Stretch]) -> tuple[Stretch, ...]:
    return as_tuple(items)


def _routines(items: Iterable[Routine]) -> tuple[Routine, ...]:
    return as_tuple(items)


def _programs(items: Iterable[Program]) -> tuple[Program, ...]:
    return as_tuple(items)


SCHEMA_ABOUT: Final = About(
    "Schema",
    "The schema this document follows, for editors: one of stretchkit's schema ids, or a "
    "relative path to a copy of the schema file.",
    (CATALOG_SCHEMA_ID,),
)
"""What the schema says about ``$schema``, the one member that is no field of the model."""


@described(
    "stretchkit catalog",
    "Stretches shared by id, the routines that use them and the programs that use those "
    f"(file format version {FORMAT_VERSION}). Some rules cannot be written in JSON Schema and "
    "are checked by stretchkit validate: unique ids, references that resolve, unique labels "
    "within a sequence, maximum sessions not below the minimum, routine minutes near the "
    "derived duration, safe media links.",
    {
        "format_version": FORMAT_VERSION,
        "stretches": [
            {
                "id": "heel-press",
                "name": "Heel press",
                "instructions": ["Press one heel into the floor."],
                "position": "seated",
                "dose": [{"kind": "hold", "seconds": 30}],
                "sides": "each",
            }
        ],
    },
)
@frozen(kw_only=True)
class Catalog:
    """Stretches shared by id, the routines that use them, and the programs that use those.

    The catalog does not check that references resolve: that is a whole-document
    check made by :func:`stretchkit.validate_catalog`, which can say where.
    """

    stretches: tuple[Stretch, ...] = field(
        default=(),
        converter=_stretches,
        validator=deep_iterable(instance_of(Stretch)),
        metadata=about("Stretches", "Every stretch of the catalog. Default: none."),
    )
    routines: tuple[Routine, ...] = field(
        default=(),
        converter=_routines,
        validator=deep_iterable(instance_of(Routine)),
        metadata=about("Routines", "Every routine of the catalog. Default: none."),
    )
    programs: tuple[Program, ...] = field(
        default=(),
        converter=_programs,
        validator=deep_iterable(instance_of(Program)),
        metadata=about("Programs", "Every program of the catalog. Default: none."),
    )
    format_version: int = field(
        default=FORMAT_VERSION,
        validator=instance_of(int),
        metadata=about(
            "Format version",
            f"The file format version; this schema describes version {FORMAT_VERSION}.",
            FORMAT_VERSION,
        ),
    )

    @cached_property
    def stretch_by_id(self) -> Mapping[str, Stretch]:
        """Read-only look-up by id, built once per catalog (the first of a repeated id wins)."""
        return MappingProxyType({s.id: s for s in reversed(self.stretches)})

    @cached_property
    def routine_by_id(self) -> Mapping[str, Routine]:
        """Read-only look-up by id, built once per catalog (the first of a repeated id wins)."""
        return MappingProxyType({r.id: r for r in reversed(self.routines)})

    @cached_property
    def program_by_id(self) -> Mapping[str, Program]:
        """Read-only look-up by id, built once per catalog (the first of a repeated id wins)."""
        return MappingProxyType({p.id: p for p in reversed(self.programs)})

    def stretch(self, stretch_id: str) -> Stretch:
        """The stretch with this id; :class:`KeyError` naming it if there is none."""
        found = self.stretch_by_id.get(stretch_id)
        if found is None:
            raise KeyError(f"no stretch with id {describe(stretch_id)} in this catalog")
        return found

    def routine(self, routine_id: str) -> Routine:
        found = self.routine_by_id.get(routine_id)
        if found is None:
            raise KeyError(f"no routine with id {describe(routine_id)} in this catalog")
        return found

    def program(self, program_id: str) -> Program:
        found = self.program_by_id.get(program_id)
        if found is None:
            raise KeyError(f"no program with id {describe(program_id)} in this catalog")
        return found

    def routine_duration(self, routine: Routine | str) -> int:
        """Seconds a routine of this catalog takes; references must resolve."""
        r = self.routine(routine) if isinstance(routine, str) else routine
        return r.duration(self.stretch_by_id)
