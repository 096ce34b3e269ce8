"""Where a catalog may point: its ``$schema`` and its media URLs.

A catalog comes from people and tools an app does not control, and an app
shows its media. So a link is either an ``https:`` URL or a relative path
that stays inside the catalog's folder: ``javascript:``, ``file:``, ``data:``,
``http:``, absolute paths, backslashes and ``..`` (also written as
``%2e%2e``) are refused. ``$schema`` is only a hint for editors, never read by
stretchkit, but a stranger's schema there would let an editor fetch it; so it
is one of stretchkit's own schema ids or a relative path to a copy of the
schema file (``..`` allowed there: examples point up to ``schemas/``).

These two functions are the one statement of the rules: the model's
validator, the fast load path and the full pipeline's located check all call them.
"""

from __future__ import annotations

import re
from typing import Any, Final
from urllib.parse import unquote

import attrs

from stretchkit.model._validators import beyond_schema, describe

__all__ = ["CATALOG_SCHEMA_ID", "SCHEMA_IDS", "media_url", "schema_problem", "url_problem"]

CATALOG_SCHEMA_ID: Final = "https://stretchkit.dev/schemas/catalog/v1.json"
"""The schema's ``$id``: a name, never fetched. The last part changes with the format version."""

SCHEMA_IDS: Final = frozenset({CATALOG_SCHEMA_ID})
"""Every schema id a catalog's ``$schema`` may name."""

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HTTPS = re.compile(r"^https://[^/?#\\\s]+", re.IGNORECASE)
_NO_HOST = "/?#\\"
"""What ``_HTTPS`` refuses right after ``https://``, besides white space: no host there."""


def _relative_problem(path: str, *, parent_allowed: bool) -> str | None:
    if path.startswith("/"):
        return "is an absolute path"
    if "\\" in path:
        return "holds a backslash"
    segments = unquote(path.split("#", 1)[0].split("?", 1)[0]).split("/")
    if not parent_allowed and ".." in segments:
        return "leaves the catalog's folder with '..'"
    if "\\" in "/".join(segments):
        return "holds an encoded backslash"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a media link stretchkit allows, or ``None``."""
    if url.startswith("https://") and url[8:9] and url[8] not in _NO_HOST and not url[8].isspace():
        return None  # what the patterns below accept, without running them: the usual link
    scheme = _SCHEME.match(url)
    if scheme is not None:
        if scheme.group(1).lower() == "https" and _HTTPS.match(url):
            return None
        why = f"uses the scheme '{scheme.group(1)[:20]}:'"
    else:
        found = _relative_problem(url, parent_allowed=False)
        if found is None:
            return None
        why = found
    return (
        f"{describe(url)} {why}; a media URL is an https: URL or a relative path "
        "inside the catalog's folder"
    )


def schema_problem(value: str) -> str | None:
    """Why ``value`` is not a ``$schema`` stretchkit allows, or ``None``."""
    if value in SCHEMA_IDS:
        return None
    if (
        _SCHEME.match(value) is None
        and value.lower().endswith(".json")
        and _relative_problem(value, parent_allowed=True) is None
    ):
        return None
    return (
        f"{describe(value)} is not a stretchkit schema; use '{CATALOG_SCHEMA_ID}' "
        "or a relative path to a copy of the schema file (ending in .json)"
    )


@beyond_schema("unsafe-url")
def media_url(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The attrs validator: a media URL is https: or stays inside the catalog's folder."""
    problem = url_problem(value) if isinstance(value, str) else None
    if problem is not None:
        raise ValueError(f"{attribute.name}: {problem}")
