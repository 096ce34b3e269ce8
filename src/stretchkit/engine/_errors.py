"""Errors the engine raises: each a :class:`~stretchkit.StretchkitError` saying why."""

from __future__ import annotations

from stretchkit._errors import StretchkitError
from stretchkit.model._validators import describe

__all__ = ["DuplicateEventError", "EngineError", "EventFormatError", "NotAllowedError", "TimeError"]


class EngineError(StretchkitError):
    """Input the engine cannot use. The state it was given is unchanged."""


class TimeError(EngineError):
    """A naive timestamp, an impossible offset, or a missing or ambiguous local time."""


class DuplicateEventError(EngineError):
    """Two different events share one id: stored history is inconsistent."""

    def __init__(self, event_id: str) -> None:
        super().__init__(
            f"event id {describe(event_id)} is used by two events with different content; "
            "ids must be unique (the same event twice is fine)"
        )
        self.event_id = event_id


class EventFormatError(EngineError):
    """A stored event (JSON-ready dict) is not valid; the message gives the path.

    The path is a JSON pointer; the whole document's is empty, and then the message
    stands alone (it says what was wrong with the document) rather than after a
    bare colon.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class NotAllowedError(EngineError):
    """A session was started from a plan that does not allow one (the day's maximum is
    reached, or every stretch is left out). Past the maximum, ``override=True`` runs it
    anyway; a plan with no step to do is never run."""
