"""Programs: a course such as "upper back relief", with its rules.

A program has a *relief* phase (routines per situation, done between a minimum
and a maximum number of times a day) that lasts until pain has been gone for
``pain_free_hours``, then a *maintenance* phase. The reintroduction numbers say
how a stretch that caused discomfort is rested and brought back.
"""

from __future__ import annotations

from attrs import field, frozen

from stretchkit.model._about import About, Define, about, described
from stretchkit.model._validators import (
    ModelError,
    Validator,
    and_,
    beyond_schema,
    deep_mapping,
    instance_of,
    max_len,
    min_len,
    number,
    optional,
    slug,
    strings,
    text,
    texts,
    whole,
)
from stretchkit.model._vocabulary import Context

__all__ = ["MaintenancePhase", "Program", "Reintroduction", "ReliefPhase"]

_routines_by_context: Validator = deep_mapping(
    key_validator=instance_of(Context),
    value_validator=slug,
    mapping_validator=min_len(1),
    define=Define(
        "routines_by_context",
        About(
            "Routines by context",
            "For each situation, the id of the routine to do in it; at least one.",
            ({"lying": "lying-relief", "sitting": "sitting-relief"},),
        ),
    ),
)


@beyond_schema("sessions-range")
def _not_below_the_minimum(
    instance: ReliefPhase | MaintenancePhase, attribute: object, value: int
) -> None:
    """A phase's daily maximum is not below its minimum (the field before it)."""
    if value < instance.min_sessions_per_day:
        raise ModelError(
            f"max_sessions_per_day ({value}) is below min_sessions_per_day "
            f"({instance.min_sessions_per_day})"
        )


@described(
    "Relief phase",
    "What to do while there is pain: routines per situation, between a minimum and a maximum "
    "number of sessions a day (the maximum must not be below the minimum).",
    {
        "routines": {"lying": "lying-relief", "sitting": "sitting-relief"},
        "min_sessions_per_day": 1,
        "max_sessions_per_day": 10,
    },
)
@frozen(kw_only=True)
class ReliefPhase:
    """Routines to do while there is pain: at least ``min_sessions_per_day``, at most the max."""

    routines: dict[Context, str] = field(
        validator=_routines_by_context,
        metadata=about("Routines", "The routine for each situation."),
    )
    min_sessions_per_day: int = field(
        default=1,
        validator=whole(1, 48),
        metadata=about(
            "Minimum sessions a day", "At least this many sessions a day, 1 to 48. Default 1.", 1
        ),
    )
    max_sessions_per_day: int = field(
        default=10,
        validator=and_(whole(1, 48), _not_below_the_minimum),
        metadata=about(
            "Maximum sessions a day",
            "At most this many sessions a day, 1 to 48, not below the minimum. Default 10.",
            10,
        ),
    )
    in_order: bool = field(
        default=True,
        validator=instance_of(bool),
        metadata=about(
            "In order", "Stretches are done in the order the routine gives. Default true.", True
        ),
    )
    """Stretches are done in the order the routine gives."""


@described(
    "Maintenance phase",
    "What keeps the user well once the pain is gone: daily warm-ups (the maximum must not be below"
    " the minimum).",
    {"routines": {"standing": "standing-warm-up"}},
)
@frozen(kw_only=True)
class MaintenancePhase:
    """Routines that keep the user well once the pain is gone: daily warm-ups."""

    routines: dict[Context, str] = field(
        validator=_routines_by_context,
        metadata=about("Routines", "The routine for each situation."),
    )
    min_sessions_per_day: int = field(
        default=1,
        validator=whole(0, 48),
        metadata=about(
            "Minimum sessions a day", "At least this many sessions a day, 0 to 48. Default 1.", 1
        ),
    )
    max_sessions_per_day: int = field(
        default=3,
        validator=and_(whole(1, 48), _not_below_the_minimum),
        metadata=about(
            "Maximum sessions a day",
            "At most this many sessions a day, 1 to 48, not below the minimum. Default 3.",
            3,
        ),
    )


@described(
    "Reintroduction",
    "How a stretch that caused discomfort is rested and brought back: the first rest lasts "
    "rest_hours, each further one rest_backoff times longer, never more than max_rest_hours; after"
    " max_tries troubled tries it is parked.",
    {"rest_hours": 24, "rest_backoff": 2, "max_rest_hours": 168, "max_tries": 4},
)
@frozen(kw_only=True)
class Reintroduction:
    """How a stretch that caused trouble is rested and brought back.

    The first rest lasts ``rest_hours``; each further one ``rest_backoff`` times
    longer, never more than ``max_rest_hours``. After ``max_tries`` troubled
    tries the stretch is parked until the user brings it back.
    """

    rest_hours: float = field(
        default=24.0,
        validator=number(0, 8760),
        metadata=about("Rest hours", "Hours of the first rest, 0 to 8760. Default 24.", 24),
    )
    rest_backoff: float = field(
        default=2.0,
        validator=number(1, 10),
        metadata=about(
            "Rest back-off", "How many times longer each further rest is, 1 to 10. Default 2.", 2
        ),
    )
    max_rest_hours: float = field(
        default=168.0,
        validator=number(0, 8760),
        metadata=about(
            "Maximum rest hours", "The longest rest in hours, 0 to 8760. Default 168 (a week).", 168
        ),
    )
    max_tries: int = field(
        default=4,
        validator=whole(1, 100),
        metadata=about(
            "Maximum tries", "Troubled tries before the stretch is parked, 1 to 100. Default 4.", 4
        ),
    )


@described("Program", "A named course, its audience, its safety text and its rules.")
@frozen(kw_only=True)
class Program:
    """A named course, its audience, its safety text and its rules."""

    id: str = field(
        validator=slug, metadata=about("Program id", "Unique in the catalog.", "upper-back-relief")
    )
    name: str = field(
        validator=text,
        metadata=about("Name", "The program's name as the user sees it.", "Upper back relief"),
    )
    relief: ReliefPhase = field(
        validator=instance_of(ReliefPhase),
        metadata=about("Relief phase", "Routines and limits while there is pain."),
    )
    maintenance: MaintenancePhase = field(
        validator=instance_of(MaintenancePhase),
        metadata=about("Maintenance phase", "Routines and limits once the pain is gone."),
    )
    pain_free_hours: float = field(
        default=24.0,
        validator=number(1, 8760),
        metadata=about(
            "Pain-free hours",
            "Hours without pain after which relief gives way to maintenance, 1 to 8760. Default "
            "24.",
            24,
        ),
    )
    reintroduction: Reintroduction = field(
        factory=Reintroduction,
        validator=instance_of(Reintroduction),
        metadata=about(
            "Reintroduction",
            "How troubled stretches are rested and brought back. Default: every field at its "
            "default.",
        ),
    )
    audience: str | None = field(
        default=None,
        validator=optional(text),
        metadata=about(
            "Audience",
            "Who the program is for. null means the same as leaving it out.",
            "People with a rounded upper back or pain between the shoulder blades.",
        ),
    )
    symptoms: tuple[str, ...] = field(
        default=(),
        converter=strings,
        validator=and_(max_len(50), texts),
        metadata=about(
            "Symptoms",
            "Symptoms the program addresses; at most 50. Default: none.",
            ["Tight, sore or achy mid-back."],
        ),
    )
    disclaimer: tuple[str, ...] = field(
        default=(),
        converter=strings,
        validator=and_(max_len(50), texts),
        metadata=about(
            "Disclaimer",
            "Safety text shown before starting; at most 50 paragraphs. Default: none.",
            ["This is not medical advice."],
        ),
    )
    red_flags: tuple[str, ...] = field(
        default=(),
        converter=strings,
        validator=and_(max_len(50), texts),
        metadata=about(
            "Red flags",
            "Signs that need a professional rather than stretching; at most 50. Default: none.",
            ["Pain after a fall or an accident."],
        ),
    )
