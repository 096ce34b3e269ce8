"""The closed vocabularies of the file format.

Every enum value is written to files, so values are explicit strings that never
change when a member is renamed in Python.
"""

from __future__ import annotations

import enum

__all__ = ["Context", "MediaKind", "Sides", "StartPosition"]


class StartPosition(enum.StrEnum):
    """The body position a stretch starts from."""

    SUPINE = "supine"
    PRONE = "prone"
    SIDE_LYING = "side_lying"
    ALL_FOURS = "all_fours"
    KNEELING = "kneeling"
    SEATED = "seated"
    STANDING = "standing"

    @property
    def level(self) -> int:
        """How far off the floor the position is: 0 lying, 1 on knees or hands, 2 seated, 3 up.

        Ordering by level is what keeps a routine from getting up and down twice.
        """
        return _LEVELS[self]


_LEVELS = {
    StartPosition.SUPINE: 0,
    StartPosition.PRONE: 0,
    StartPosition.SIDE_LYING: 0,
    StartPosition.ALL_FOURS: 1,
    StartPosition.KNEELING: 1,
    StartPosition.SEATED: 2,
    StartPosition.STANDING: 3,
}


class Context(enum.StrEnum):
    """The situation a routine is made for: where the user is right now."""

    LYING = "lying"
    SITTING = "sitting"
    STANDING = "standing"

    @property
    def positions(self) -> frozenset[StartPosition]:
        """The start positions that fit this situation."""
        return _CONTEXT_POSITIONS[self]


_CONTEXT_POSITIONS = {
    Context.LYING: frozenset(
        {
            StartPosition.SUPINE,
            StartPosition.PRONE,
            StartPosition.SIDE_LYING,
            StartPosition.ALL_FOURS,
            StartPosition.KNEELING,
        }
    ),
    Context.SITTING: frozenset({StartPosition.SEATED}),
    Context.STANDING: frozenset({StartPosition.STANDING}),
}


class Sides(enum.StrEnum):
    """How a stretch treats the left and right side of the body."""

    NONE = "none"
    """Symmetric or central: there is nothing to do per side."""
    BOTH = "both"
    """Both sides work together, once."""
    EACH = "each"
    """One side, then the other: the dose is done twice."""

    @property
    def multiplier(self) -> int:
        return 2 if self is Sides.EACH else 1


class MediaKind(enum.StrEnum):
    """What a media link shows, so an app can pick a player before fetching it."""

    IMAGE = "image"
    VIDEO = "video"
    ANIMATION = "animation"
