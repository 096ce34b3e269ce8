"""The strict converter's verdict on a document: the typed catalog, or every problem.

This is the success path's judge: the converter refuses everything the schema
refuses, so a document it accepts with no semantic error needs no schema run.
It judges the top level and each item of the three arrays on its own, so it
can be asked about the suspect items only, as the schema is.
"""

from __future__ import annotations

from typing import Any, Final

from stretchkit.io._pointer import is_within
from stretchkit.io._screen import ITEM_KEYS
from stretchkit.model import FORMAT_VERSION, Catalog

__all__ = ["PENDING", "structure", "structure_items"]


def structure(document: dict[str, Any]) -> tuple[Catalog | None, list[tuple[str, str]]]:
    """The strict converter's verdict: the catalog, or (pointer, message) for every problem.

    This is the success path: the converter refuses everything the schema
    refuses (a differential test in ``tests/test_load.py`` holds the two
    together), so a document it accepts with no semantic error needs no schema
    run. On failure its pointers say which items the schema must explain.
    ``$schema`` is checked by the schema alone, so the converter sees the rest.
    """
    from stretchkit.io._converter import (
        STRUCTURE_ERRORS,
        structure_catalog,
        structure_errors_to_messages,
    )

    body = {k: v for k, v in document.items() if k != "$schema"}
    try:
        catalog = structure_catalog(body)
    except STRUCTURE_ERRORS as exc:
        return None, structure_errors_to_messages(exc)
    if not isinstance(document.get("$schema", ""), str):
        return None, []
    return catalog, []


def _item_problems(document: dict[str, Any], key: str, index: int) -> list[tuple[str, str]]:
    """The converter's problems with one top-level item, pointed as in the whole document.

    The item is structured in a catalog of its own (the same code and words as
    the whole document's), and ``/key/0`` in its pointers becomes ``/key/index``.
    """
    _, problems = structure({"format_version": FORMAT_VERSION, key: [document[key][index]]})
    mine, theirs = f"/{key}/0", f"/{key}/{index}"
    return [
        (theirs + pointer[len(mine) :] if is_within(pointer, mine) else pointer, message)
        for pointer, message in problems
    ]


PENDING: Final = object()
"""The converter would accept every item and the top level: the catalog is built when needed."""


def structure_items(
    document: dict[str, Any], suspects: frozenset[tuple[str, int]]
) -> tuple[object, list[tuple[str, str]]]:
    """:func:`structure`'s verdict, asking the converter only about ``suspects``.

    The converter judges the top level and each item of the three arrays on its
    own (the catalog has no rule across items: those are semantic), so the top
    level with those arrays emptied, plus each suspect item alone, give every
    problem the whole document gives. With none, the answer is
    :data:`PENDING`: the items not suspected break no rule the schema states
    (:mod:`stretchkit.io._screen`), and the whole catalog is built only if the
    semantic checks find no error either.
    """
    top = {k: [] if k in ITEM_KEYS and isinstance(v, list) else v for k, v in document.items()}
    top_catalog, problems = structure(top)
    for key, index in sorted(suspects, key=lambda item: (ITEM_KEYS.index(item[0]), item[1])):
        problems.extend(_item_problems(document, key, index))
    if top_catalog is None or problems:
        return None, problems
    return PENDING, []
