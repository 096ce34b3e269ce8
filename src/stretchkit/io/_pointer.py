"""JSON pointers (RFC 6901): the one way a place in a document is named.

Issues, the source map, the converter's errors and the schema's error paths all
name a value by its pointer, so escaping, joining and walking up are written
here once.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["escape_token", "is_within", "join_pointer", "parent_pointer", "unescape_token"]


def escape_token(token: str) -> str:
    """RFC 6901: ``~`` is written ``~0`` and ``/`` is written ``~1``."""
    return token.replace("~", "~0").replace("/", "~1")


def join_pointer(parts: Iterable[str | int]) -> str:
    """The JSON pointer of a path such as ``("stretches", 3, "dose")``."""
    return "".join("/" + escape_token(str(part)) for part in parts)


def unescape_token(token: str) -> str:
    """The key a pointer's token names: :func:`escape_token` undone."""
    return token.replace("~1", "/").replace("~0", "~")


def parent_pointer(pointer: str) -> str:
    """The pointer of the container holding ``pointer``'s value (``""`` stays ``""``)."""
    return pointer[: pointer.rfind("/")] if pointer else ""


def is_within(pointer: str, ancestor: str) -> bool:
    """Whether ``pointer`` is ``ancestor`` or a value inside it."""
    return pointer == ancestor or pointer.startswith(ancestor + "/")
