"""A stretch: the shared, reusable description routines point to by id."""

from __future__ import annotations

from attrs import field, frozen
from attrs.validators import and_, deep_iterable, instance_of, max_len, min_len

from stretchkit.model._phases import Phase, check_dose, dose_seconds
from stretchkit.model._validators import slug, slugs, text, texts
from stretchkit.model._vocabulary import MediaKind, Position, Sides

__all__ = ["Media", "Stretch", "Variation"]


@frozen(kw_only=True)
class Media:
    """A picture, video or animation; ``alt`` text is required so every app stays accessible."""

    kind: MediaKind = field(validator=instance_of(MediaKind))
    url: str = field(validator=text)
    alt: str = field(validator=text)


@frozen(kw_only=True)
class Variation:
    """A named alternative form of a stretch, such as "facing the wall"."""

    id: str = field(validator=slug)
    name: str = field(validator=text)
    instructions: tuple[str, ...] = field(
        default=(), converter=tuple, validator=and_(max_len(20), texts)
    )
    equipment: tuple[str, ...] = field(default=(), converter=tuple, validator=slugs)


@frozen(kw_only=True)
class Stretch:
    """One stretch: how to get into it, where it works, and how long to do it.

    ``dose`` is done once, or once per side when ``sides`` is :attr:`Sides.EACH`.
    """

    id: str = field(validator=slug)
    name: str = field(validator=text)
    instructions: tuple[str, ...] = field(
        converter=tuple, validator=and_(min_len(1), max_len(20), texts)
    )
    position: Position = field(validator=instance_of(Position))
    dose: tuple[Phase, ...] = field(converter=tuple, validator=check_dose)
    sides: Sides = field(default=Sides.NONE, validator=instance_of(Sides))
    equipment: tuple[str, ...] = field(default=(), converter=tuple, validator=slugs)
    targets: tuple[str, ...] = field(default=(), converter=tuple, validator=slugs)
    variations: tuple[Variation, ...] = field(
        default=(), converter=tuple, validator=deep_iterable(instance_of(Variation))
    )
    media: tuple[Media, ...] = field(
        default=(), converter=tuple, validator=deep_iterable(instance_of(Media))
    )
    cautions: tuple[str, ...] = field(default=(), converter=tuple, validator=texts)

    @property
    def duration(self) -> int:
        """Seconds the whole stretch takes, both sides included."""
        return dose_seconds(self.dose) * self.sides.multiplier

    def duration_with(self, dose: tuple[Phase, ...] | None) -> int:
        """Seconds the stretch takes with ``dose`` in place of its own (``None`` keeps its own)."""
        return dose_seconds(self.dose if dose is None else dose) * self.sides.multiplier
