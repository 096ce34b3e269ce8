"""A stretch: the shared, reusable description routines point to by id."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen

from stretchkit.model._links import media_url
from stretchkit.model._phases import Phase, check_dose, dose_seconds, phases
from stretchkit.model._validators import (
    ModelError,
    ModelTypeError,
    and_,
    as_tuple,
    deep_iterable,
    describe,
    instance_of,
    max_len,
    min_len,
    slug,
    slugs,
    strings,
    text,
    texts,
)
from stretchkit.model._vocabulary import MediaKind, Position, Sides

__all__ = ["Media", "Stretch", "Variation"]


@frozen(kw_only=True)
class Media:
    """A picture, video or animation; ``alt`` text is required so every app stays accessible."""

    kind: MediaKind = field(validator=instance_of(MediaKind))
    url: str = field(validator=and_(text, media_url))
    alt: str = field(validator=text)


@frozen(kw_only=True)
class Variation:
    """A named alternative form of a stretch, such as "facing the wall"."""

    id: str = field(validator=slug)
    name: str = field(validator=text)
    instructions: tuple[str, ...] = field(
        default=(), converter=strings, validator=and_(max_len(20), texts)
    )
    equipment: tuple[str, ...] = field(default=(), converter=strings, validator=slugs)


def _variations(items: Iterable[Variation]) -> tuple[Variation, ...]:
    return as_tuple(items)


def _media(items: Iterable[Media]) -> tuple[Media, ...]:
    return as_tuple(items)


def _position_tuple(items: Iterable[Position]) -> tuple[Position, ...]:
    return as_tuple(items)


def _other_positions(instance: Stretch, attribute: object, value: tuple[Position, ...]) -> None:
    if len(value) > len(Position) - 1:
        raise ModelError(f"other_positions must hold at most {len(Position) - 1} positions")
    for position in value:
        if not isinstance(position, Position):
            raise ModelTypeError(f"other_positions must hold positions, got {describe(position)}")
    if len(set(value)) != len(value) or instance.position in value:
        raise ModelError("other_positions must not repeat a position or the start position itself")


@frozen(kw_only=True)
class Stretch:
    """One stretch: how to get into it, where it works, and how long to do it.

    ``dose`` is done once, or once per side when ``sides`` is :attr:`Sides.EACH`.
    """

    id: str = field(validator=slug)
    name: str = field(validator=text)
    instructions: tuple[str, ...] = field(
        converter=strings, validator=and_(min_len(1), max_len(20), texts)
    )
    position: Position = field(validator=instance_of(Position))
    dose: tuple[Phase, ...] = field(converter=phases, validator=check_dose)
    sides: Sides = field(default=Sides.NONE, validator=instance_of(Sides))
    equipment: tuple[str, ...] = field(default=(), converter=strings, validator=slugs)
    targets: tuple[str, ...] = field(default=(), converter=strings, validator=slugs)
    variations: tuple[Variation, ...] = field(
        default=(), converter=_variations, validator=deep_iterable(instance_of(Variation))
    )
    media: tuple[Media, ...] = field(
        default=(), converter=_media, validator=deep_iterable(instance_of(Media))
    )
    cautions: tuple[str, ...] = field(default=(), converter=strings, validator=texts)
    other_positions: tuple[Position, ...] = field(
        default=(), converter=_position_tuple, validator=_other_positions
    )
    """Further start positions the stretch works from as written: the heel press is done
    seated or standing. Routines and the generator accept any of :attr:`positions`."""

    @property
    def positions(self) -> frozenset[Position]:
        """Every start position the stretch can be done from."""
        return frozenset((self.position, *self.other_positions))

    @property
    def duration(self) -> int:
        """Seconds the whole stretch takes, both sides included."""
        return dose_seconds(self.dose) * self.sides.multiplier

    def duration_with(self, dose: tuple[Phase, ...] | None) -> int:
        """Seconds the stretch takes with ``dose`` in place of its own (``None`` keeps its own)."""
        return dose_seconds(self.dose if dose is None else dose) * self.sides.multiplier
