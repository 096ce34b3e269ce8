"""Format versions: upgrade older documents by explicit steps, never by guessing.

Every catalog says which version of the file format it was written in
(``format_version``). A document of an older version is upgraded one version
at a time by the functions in :data:`MIGRATIONS`, each written by hand when
the format changed; a version the library does not know (missing, newer,
or older without a registered step) is a clear error. Today only version 1
exists, so the registry is empty.

A migration takes the parsed document of version ``n`` (dicts and lists) and
returns a new document of version ``n + 1``; it must not change its input.
Issues found afterwards point into the migrated document; their lines and
columns come from the nearest location the original text still has.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

from stretchkit.io._issues import CatalogError, Issue, Severity
from stretchkit.model import FORMAT_VERSION

__all__ = ["MIGRATIONS", "Migration", "document_version", "migrate"]

Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""Upgrade a document of version ``n`` to version ``n + 1``, returning a new document."""

MIGRATIONS: Final[dict[int, Migration]] = {}
"""``{n: upgrade from version n to n + 1}``: the only ways an old document becomes current."""


def _error(code: str, pointer: str, message: str) -> CatalogError:
    return CatalogError(
        [Issue(severity=Severity.ERROR, code=code, pointer=pointer, message=message)]
    )


def document_version(document: Mapping[str, Any]) -> int:
    """The format version a document declares; :class:`CatalogError` if it declares none usable."""
    if "format_version" not in document:
        raise _error(
            "missing-version",
            "",
            f'a catalog must say which file format it uses: add "format_version": {FORMAT_VERSION}',
        )
    version = document["format_version"]
    if type(version) is float and version.is_integer():
        version = int(version)  # 1.0 is the integer 1, as in JSON Schema and the converter
    if type(version) is not int:
        raise _error(
            "unsupported-version",
            "/format_version",
            f"format_version must be a whole number such as {FORMAT_VERSION}, "
            f"got {json.dumps(version, default=repr)}",
        )
    return version


def migrate(
    document: Mapping[str, Any],
    *,
    migrations: Mapping[int, Migration] = MIGRATIONS,
    current: int = FORMAT_VERSION,
) -> dict[str, Any]:
    """The document upgraded to the ``current`` format version (itself, copied, if it is current).

    Raises :class:`CatalogError` (codes ``missing-version``,
    ``unsupported-version``) for a version it cannot read. ``migrations`` and
    ``current`` exist for tests; the defaults are the library's own.
    """
    version = document_version(document)
    if version > current:
        raise _error(
            "unsupported-version",
            "/format_version",
            f"format_version {version} is newer than this stretchkit reads (up to {current}); "
            "upgrade stretchkit",
        )
    upgraded = dict(document)
    while version < current:
        step = migrations.get(version)
        if step is None:
            known = ", ".join(str(v) for v in sorted({*migrations, current}))
            raise _error(
                "unsupported-version",
                "/format_version",
                f"format_version {version} is not a version stretchkit knows (it reads {known})",
            )
        upgraded = step(upgraded)
        following = upgraded.get("format_version")
        if following != version + 1:  # a broken migration is a bug, not bad content
            raise RuntimeError(
                f"the migration from version {version} gave format_version {following!r}"
            )
        version = following
    return upgraded
