"""A stretch: the shared, reusable description routines point to by id."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen

from stretchkit.model._about import about, described
from stretchkit.model._links import media_url
from stretchkit.model._parts import Part, check_dose, dose_seconds, parts
from stretchkit.model._validators import (
    ModelError,
    and_,
    as_tuple,
    beyond_schema,
    deep_iterable,
    instance_of,
    max_len,
    min_len,
    slug,
    slugs,
    strings,
    text,
    texts,
    unique,
)
from stretchkit.model._vocabulary import MediaKind, Sides, StartPosition

__all__ = ["Media", "Stretch", "Variation"]


@described(
    "Media",
    "A picture, video or animation of the stretch, with required alternative text.",
    {
        "kind": "image",
        "url": "media/heel-press.jpg",
        "alt": "A seated person pressing one heel into the floor.",
    },
)
@frozen(kw_only=True)
class Media:
    """A picture, video or animation; ``alt`` text is required so every app stays accessible."""

    kind: MediaKind = field(
        validator=instance_of(MediaKind),
        metadata=about("Media kind", "image, video or animation.", "image"),
    )
    url: str = field(
        validator=and_(text, media_url),
        metadata=about(
            "URL",
            "Where the media is: an absolute URL or a path relative to the catalog (text, up to "
            "2000 characters).",
            "https://example.org/heel-press.jpg",
            "media/heel-press.mp4",
        ),
    )
    alt: str = field(
        validator=text,
        metadata=about(
            "Alternative text",
            "What the media shows, for people who cannot see it.",
            "A seated person pressing one heel into the floor, toes up.",
        ),
    )


@described(
    "Variation",
    'A named alternative form of a stretch, such as "facing the wall".',
    {"id": "facing-the-wall", "name": "Facing the wall", "equipment": ["wall"]},
)
@frozen(kw_only=True)
class Variation:
    """A named alternative form of a stretch, such as "facing the wall"."""

    id: str = field(
        validator=slug,
        metadata=about(
            "Variation id",
            'Unique within its stretch; routine steps name it in "variation".',
            "facing-the-wall",
        ),
    )
    name: str = field(
        validator=text,
        metadata=about("Name", "The variation's name as the user sees it.", "Facing the wall"),
    )
    instructions: tuple[str, ...] = field(
        default=(),
        converter=strings,
        validator=and_(max_len(20), texts),
        metadata=about(
            "Instructions",
            "Cues that differ from the stretch's own, in order; at most 20. Default: none.",
            ["Stand facing the wall, a forearm's length away."],
        ),
    )
    equipment: tuple[str, ...] = field(
        default=(),
        converter=strings,
        validator=slugs,
        metadata=about("Equipment", "Equipment this form needs (slugs). Default: none.", ["wall"]),
    )


def _variations(items: Iterable[Variation]) -> tuple[Variation, ...]:
    return as_tuple(items)


def _media(items: Iterable[Media]) -> tuple[Media, ...]:
    return as_tuple(items)


def _position_tuple(items: Iterable[StartPosition]) -> tuple[StartPosition, ...]:
    return as_tuple(items)


@beyond_schema("invalid-value")
def _not_the_start(instance: Stretch, attribute: object, value: tuple[StartPosition, ...]) -> None:
    if instance.position in value:
        raise ModelError("other_positions must not hold the start position itself")


@described(
    "Stretch",
    "One stretch, shared by id: how to get into it, where it works and how long to do it.",
)
@frozen(kw_only=True)
class Stretch:
    """One stretch: how to get into it, where it works, and how long to do it.

    ``dose`` is done once, or once per side when ``sides`` is :attr:`Sides.EACH`.
    """

    id: str = field(
        validator=slug,
        metadata=about(
            "Stretch id", "Unique in the catalog; routine steps refer to it.", "heel-press"
        ),
    )
    name: str = field(
        validator=text,
        metadata=about(
            "Name", "The stretch's name as the user sees it.", "Heel press at three angles"
        ),
    )
    instructions: tuple[str, ...] = field(
        converter=strings,
        validator=and_(min_len(1), max_len(20), texts),
        metadata=about(
            "Instructions",
            "Short cues in order, 1 to 20 of them.",
            [
                "Press your heel into the floor with the toes pointing up.",
                "Turn the toes out 45 degrees and press again.",
                "Turn the toes in 45 degrees and press again.",
            ],
        ),
    )
    position: StartPosition = field(
        validator=instance_of(StartPosition),
        metadata=about(
            "Start position", "The body position the stretch starts from.", "seated", "all_fours"
        ),
    )
    dose: tuple[Part, ...] = field(
        converter=parts,
        validator=check_dose,
        metadata=about(
            "Dose",
            "What to do and for how long: 1 to 24 parts in order, done once, or once per side "
            'when sides is "each".',
        ),
    )
    sides: Sides = field(
        default=Sides.NONE,
        validator=instance_of(Sides),
        metadata=about(
            "Sides",
            "none: nothing per side; both: both sides together, once; each: one side then the "
            'other, so the dose is done twice. Default "none".',
            "each",
        ),
    )
    equipment: tuple[str, ...] = field(
        default=(),
        converter=strings,
        validator=slugs,
        metadata=about(
            "Equipment",
            "Things the stretch needs (slugs). Default: none.",
            ["wall"],
            ["door-frame"],
        ),
    )
    targets: tuple[str, ...] = field(
        default=(),
        converter=strings,
        validator=slugs,
        metadata=about(
            "Targets",
            "Body areas the stretch works (slugs). Default: none.",
            ["upper-back", "shoulders"],
        ),
    )
    variations: tuple[Variation, ...] = field(
        default=(),
        converter=_variations,
        validator=deep_iterable(instance_of(Variation)),
        metadata=about("Variations", "Named alternative forms. Default: none."),
    )
    media: tuple[Media, ...] = field(
        default=(),
        converter=_media,
        validator=deep_iterable(instance_of(Media)),
        metadata=about(
            "Media", "Pictures, videos or animations, each with alternative text. Default: none."
        ),
    )
    cautions: tuple[str, ...] = field(
        default=(),
        converter=strings,
        validator=texts,
        metadata=about(
            "Cautions",
            "Warnings shown before the stretch. Default: none.",
            ["Stop if you feel pain."],
        ),
    )
    other_positions: tuple[StartPosition, ...] = field(
        default=(),
        converter=_position_tuple,
        validator=and_(
            max_len(len(StartPosition) - 1),
            unique,
            deep_iterable(instance_of(StartPosition)),
            _not_the_start,
        ),
        metadata=about(
            "Other start positions",
            "Further start positions the stretch works from exactly as written, besides position "
            "(the heel press is done seated or standing). Routines and the generator accept any of"
            " them. No repeats, and not the start position itself.",
            ["standing"],
            ["seated", "standing"],
        ),
    )
    """Further start positions the stretch works from as written: the heel press is done
    seated or standing. Routines and the generator accept any of :attr:`positions`."""

    @property
    def positions(self) -> frozenset[StartPosition]:
        """Every start position the stretch can be done from."""
        return frozenset((self.position, *self.other_positions))

    @property
    def duration(self) -> int:
        """Seconds the whole stretch takes, both sides included."""
        return dose_seconds(self.dose) * self.sides.multiplier

    def duration_with(self, dose: tuple[Part, ...] | None) -> int:
        """Seconds the stretch takes with ``dose`` in place of its own (``None`` keeps its own)."""
        return dose_seconds(self.dose if dose is None else dose) * self.sides.multiplier
