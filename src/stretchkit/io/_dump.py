"""Canonical catalog text: the same bytes ``json.dumps(indent=2, ensure_ascii=False)`` gives.

``json.dumps`` with an indent falls back to Python's pure-Python encoder,
which was 87 % of a dump. msgspec encodes in C and ``msgspec.json.format``
indents in C, with the same layout, escapes and key order. The two differ
only in how they write some floats: Python writes ``1e-05`` and ``1e+16``
where msgspec writes ``0.00001`` and ``1e16``. Every float Python writes
without an exponent (``1e-4 <= abs(x) < 1e16``, and zero) is written alike by
both, so a document whose msgspec text shows no exponent and no number below
``1e-4`` is already right; any other (rare: the format's floats are minutes
and hours) is written by ``json.dumps``. The test compares both on generated
JSON values, floats and every kind of character included.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Final

import msgspec

from stretchkit.model import Catalog
from stretchkit.model._validators import ModelTypeError, describe

__all__ = ["canonical_json", "dump_catalog"]

_NOT_WRITTEN_ALIKE: Final = re.compile(rb"[0-9][eE]|0\.0000")
"""An exponent, or a number below 1e-4 written out: where the two writers may differ.

Matches inside strings too ("5e3 reps"): those documents merely take the slow writer.
"""


def canonical_json(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False) + "\\n"``, written in C when it can be.

    ``value`` is JSON-shaped (dicts with string keys, lists, strings, finite
    numbers, booleans, ``None``), as the converter's canonical form is.
    """
    raw = msgspec.json.encode(value)
    if _NOT_WRITTEN_ALIKE.search(raw) is not None:
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    return msgspec.json.format(raw, indent=2).decode("utf-8") + "\n"


def _python_float(value: float) -> msgspec.Raw:
    """A float as Python writes it (``1e-05``), passed through msgspec verbatim."""
    return msgspec.Raw(float.__repr__(float(value)).encode("ascii"))


@functools.cache
def _writer() -> Any:
    """The converter that dumps: the shared rules, with floats already written as Python does.

    Built once, on first use; it only writes, so it cannot change what is accepted.
    """
    from stretchkit.io._converter import make_converter

    conv = make_converter()
    conv.register_unstructure_hook(float, _python_float)
    return conv


def dump_catalog(catalog: Catalog) -> str:
    """Canonical JSON text: defaults omitted, two-space indent, UTF-8 as is, a final newline.

    Equal catalogs give equal text, so dumps diff cleanly under version control.
    The floats are written by Python's own ``repr`` (the only place the two writers
    differ), so the text needs no second look.
    """
    from stretchkit.io._converter import unstructure_catalog

    if not isinstance(catalog, Catalog):
        raise ModelTypeError(f"dump_catalog takes a Catalog, got {describe(catalog)}")
    raw = msgspec.json.encode(unstructure_catalog(catalog, conv=_writer()))
    return msgspec.json.format(raw, indent=2).decode("utf-8") + "\n"
