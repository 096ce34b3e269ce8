"""The catalog: one document holding stretches, routines and programs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from attrs import field, frozen
from attrs.validators import deep_iterable, instance_of

from stretchkit.model._program import Program
from stretchkit.model._routine import Routine
from stretchkit.model._stretch import Stretch

__all__ = ["FORMAT_VERSION", "Catalog"]

FORMAT_VERSION = 1
"""The catalog file format this library writes. Older versions are upgraded by ``migrate``."""


# One typed converter per element type: mypy's attrs plugin cannot resolve a
# generic one, and ``converter=tuple`` would leave callers' arguments untyped.
def _stretches(items: Iterable[Stretch]) -> tuple[Stretch, ...]:
    return tuple(items)


def _routines(items: Iterable[Routine]) -> tuple[Routine, ...]:
    return tuple(items)


def _programs(items: Iterable[Program]) -> tuple[Program, ...]:
    return tuple(items)


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

    @property
    def stretch_by_id(self) -> Mapping[str, Stretch]:
        return MappingProxyType({s.id: s for s in self.stretches})

    @property
    def routine_by_id(self) -> Mapping[str, Routine]:
        return MappingProxyType({r.id: r for r in self.routines})

    @property
    def program_by_id(self) -> Mapping[str, Program]:
        return MappingProxyType({p.id: p for p in self.programs})

    def stretch(self, stretch_id: str) -> Stretch:
        """The stretch with this id; :class:`KeyError` naming it if there is none."""
        for s in self.stretches:
            if s.id == stretch_id:
                return s
        raise KeyError(f"no stretch with id {stretch_id!r} in this catalog")

    def routine(self, routine_id: str) -> Routine:
        for r in self.routines:
            if r.id == routine_id:
                return r
        raise KeyError(f"no routine with id {routine_id!r} in this catalog")

    def program(self, program_id: str) -> Program:
        for p in self.programs:
            if p.id == program_id:
                return p
        raise KeyError(f"no program with id {program_id!r} in this catalog")

    def routine_duration(self, routine: Routine | str) -> int:
        """Seconds a routine of this catalog takes; references must resolve."""
        r = self.routine(routine) if isinstance(routine, str) else routine
        return r.duration(self.stretch_by_id)
