"""The catalog: one document holding stretches, routines and programs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from types import MappingProxyType

from attrs import field, frozen

from stretchkit.model._program import Program
from stretchkit.model._routine import Routine
from stretchkit.model._stretch import Stretch
from stretchkit.model._validators import as_tuple, deep_iterable, describe, instance_of

__all__ = ["FORMAT_VERSION", "Catalog"]

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


@frozen(kw_only=True)
class Catalog:
    """Stretches shared by id, the routines that use them, and the programs that use those.

    The catalog does not check that references resolve: that is a whole-document
    check made by :func:`stretchkit.validate_catalog`, which can say where.
    """

    stretches: tuple[Stretch, ...] = field(
        default=(), converter=_stretches, validator=deep_iterable(instance_of(Stretch))
    )
    routines: tuple[Routine, ...] = field(
        default=(), converter=_routines, validator=deep_iterable(instance_of(Routine))
    )
    programs: tuple[Program, ...] = field(
        default=(), converter=_programs, validator=deep_iterable(instance_of(Program))
    )
    format_version: int = field(default=FORMAT_VERSION, validator=instance_of(int))

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
