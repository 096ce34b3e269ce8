"""Reading a catalog source: a path, bytes, text or a mapping, bounded by the limits.

A ``str`` is a file path, which lets untrusted text that looks like a path make
an app read a local file; the ``loads``/``validates`` calls take the document
itself and never open anything. Old callers passed JSON text as a ``str`` to
the path calls: that still works, with a :class:`DeprecationWarning`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any, Final, TypeAlias

from stretchkit._files import read_regular
from stretchkit.io._issues import Issue, new_issue
from stretchkit.io._limits import Limits

__all__ = ["CatalogData", "CatalogSource", "read_source", "warn_if_text"]

CatalogSource: TypeAlias = str | bytes | bytearray | os.PathLike[str] | Mapping[str, Any]
"""What :func:`load_catalog` and :func:`validate_catalog` accept.

A ``str`` is a file path. (For compatibility a ``str`` whose first character
other than white space or a byte-order mark is ``{`` or ``[``, or a blank one,
is still parsed as JSON text, with a :class:`DeprecationWarning`.) A
:class:`pathlib.Path` is always a path, ``bytes`` always the document itself.
Text that did not come from the app itself goes to :func:`loads_catalog`,
which never opens a file.
"""

CatalogData: TypeAlias = str | bytes | bytearray | Mapping[str, Any]
"""What :func:`loads_catalog` accepts: the document itself, never a path."""

_TEXT_AS_PATH: Final = (
    "a str given to {name}() is a file path; this one looks like JSON text and is parsed "
    "as such for now, but that will stop: call {text_name}(text) for text, or pass bytes"
)
_TEXT_NAMES: Final = {"load_catalog": "loads_catalog"}
"""The text counterpart the warning names; the validating calls' is validates_catalog."""


def _is_text(source: str) -> bool:
    stripped = source.lstrip(" \t\r\n\ufeff")
    return not stripped or stripped[0] in "{["


def warn_if_text(source: object, name: str) -> None:
    """Old callers passed JSON text as a ``str``: keep them working, and tell them."""
    if isinstance(source, str) and _is_text(source):
        text_name = _TEXT_NAMES.get(name, "validates_catalog")
        message = _TEXT_AS_PATH.format(name=name, text_name=text_name)
        warnings.warn(message, DeprecationWarning, stacklevel=3)


def read_source(
    source: CatalogSource, limits: Limits
) -> tuple[bytes | str | Mapping[str, Any] | None, str | None, list[Issue]]:
    """The document's bytes, text or mapping, the file name if it came from one, and issues."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), None, []
    if isinstance(source, Mapping):
        return source, None, []
    if isinstance(source, str) and _is_text(source):
        return source, None, []  # deprecated: see warn_if_text
    if not isinstance(source, str | os.PathLike):
        raise TypeError(
            "a catalog source is a path, bytes, JSON text or a mapping, "
            f"got {type(source).__name__}"
        )
    name = os.fsdecode(source)
    try:
        data, size = read_regular(source, limits.max_bytes)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, name, [new_issue("unreadable", "", f"cannot read the file: {reason}")]
    if size > limits.max_bytes:
        message = f"the file is {size:,} bytes, more than the limit of {limits.max_bytes:,}"
        return None, name, [new_issue("too-large", "", message)]
    return data, name, []
