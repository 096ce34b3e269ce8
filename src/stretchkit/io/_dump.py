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

What is left of a dump is building the JSON-shaped form. The converter's
:func:`~stretchkit.io._converter.unstructure_catalog` defines it; the
functions here build the same dicts and lists with one generated function per
model class (the cattrs rules inlined: defaults omitted, enums as values, a
part's ``kind`` first; tuples of strings passed as they are, msgspec writes
them as arrays). They are generated from the attrs fields at first use, so a
new field needs no edit here, and a test holds the text equal to the
converter's on generated catalogs.

Each stretch, routine and program is encoded as soon as its dict is built
and kept as :class:`msgspec.Raw` bytes: its dicts and lists are freed at once,
so a big catalog never holds hundreds of thousands of fresh containers, and
the garbage collector (left running, as apps run it) has next to nothing to
walk. At 20,000 stretches that was the difference between 1.4 s and 0.25 s.
"""

from __future__ import annotations

import enum
import functools
import json
import re
import types
import typing
from typing import Any, Final

import attrs
import msgspec

from stretchkit.model import PART_KINDS, Catalog, Context, Part
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


def _float(value: float) -> float | msgspec.Raw:
    """A float field as Python writes it: msgspec's own text where the two agree, else ``repr``."""
    x = float(value)
    if 1e-4 <= abs(x) < 1e16 or x == 0:
        return x
    return msgspec.Raw(float.__repr__(x).encode("ascii"))


_CONTEXT_ORDER: Final = tuple(Context)


def _by_context(value: typing.Mapping[Context, str]) -> dict[str, str]:
    """The routines-by-context object, keys in the order of :class:`Context`."""
    return {c.value: value[c] for c in _CONTEXT_ORDER if c in value}


class _Writer:
    """Source of one function per attrs class, each building that class's canonical dict."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {
            "_float": _float,
            "_by_context": _by_context,
            "_raw": msgspec.Raw,
            "_encode": msgspec.json.Encoder().encode,
        }
        self.done: dict[type, str] = {}
        self.lines: list[str] = []
        self.fresh = 0

    def var(self) -> str:
        self.fresh += 1
        return f"_v{self.fresh}"

    def constant(self, value: object) -> str:
        name = f"_c{len(self.names)}"
        self.names[name] = value
        return name

    def expr(self, t: Any, e: str, *, encoded: bool = False) -> str:
        """An expression for the canonical form of ``e``, a value of type ``t``.

        With ``encoded``, the items of an array of objects are encoded one by one
        (see :func:`dump_catalog`).
        """
        if t in (str, int, bool):
            return e
        if t is float:
            return f"_float({e})"
        if isinstance(t, type) and issubclass(t, enum.Enum):
            return f"{e}.value"
        if t == dict[Context, str]:
            return f"_by_context({e})"
        if t == Part:
            return f"{self.parts()}[type({e})]({e})"
        origin = typing.get_origin(t)
        args = typing.get_args(t)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            item = self.var()
            inner = self.expr(args[0], item)
            if inner == item:
                return e  # strings, numbers, enums' values: msgspec writes a tuple as an array
            if encoded:
                inner = f"_raw(_encode({inner}))"
            return f"[{inner} for {item} in {e}]"
        if origin in (typing.Union, types.UnionType) and type(None) in args:
            rest = [a for a in args if a is not type(None)]
            if len(rest) == 1:
                return f"(None if {e} is None else {self.expr(rest[0], e)})"
        if isinstance(t, type) and attrs.has(t):
            return f"{self.function(t)}({e})"
        raise TypeError(f"no canonical form for {t!r}")  # a new kind of field: add it here

    def parts(self) -> str:
        table = {cl: self.function(cl, kind=kind) for cl, kind in PART_KINDS.items()}
        name = "_parts"
        if name not in self.names:
            self.names[name] = table  # filled with the functions once they are defined
        return name

    def function(self, cl: type, *, kind: str | None = None) -> str:
        if cl in self.done:
            return self.done[cl]
        name = f"_un_{cl.__name__}"
        self.done[cl] = name
        attrs.resolve_types(cl)
        first = [f"'kind': {kind!r}"] if kind is not None else []
        required = [a for a in attrs.fields(cl) if a.default is attrs.NOTHING]
        optional = [a for a in attrs.fields(cl) if a.default is not attrs.NOTHING]
        if cl is Catalog:
            first = ["'format_version': o.format_version"]
            optional = [a for a in optional if a.name != "format_version"]
        top = cl is Catalog
        body = [
            *first,
            *(f"{a.name!r}: {self.expr(a.type, 'o.' + a.name, encoded=top)}" for a in required),
        ]
        lines = [f"def {name}(o):", f"    d = {{{', '.join(body)}}}"]
        for a in optional:
            default = a.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                if default.takes_self:
                    raise TypeError(f"{cl.__name__}.{a.name}: a default made from self")
                default = default.factory()
            value = self.var()
            lines += [
                f"    {value} = o.{a.name}",
                f"    if {value} != {self.constant(default)}:",
                f"        d[{a.name!r}] = {self.expr(a.type, value, encoded=top)}",
            ]
        lines.append("    return d")
        self.lines += lines
        return name

    def build(self) -> Any:
        top = self.function(Catalog)
        exec("\n".join(self.lines), self.names)
        table = self.names.get("_parts", {})
        for cl, fn_name in list(table.items()):
            table[cl] = self.names[fn_name]
        return self.names[top]


@functools.cache
def _unstructure() -> Any:
    """The generated writer for a whole catalog, built once on first use (it only writes)."""
    return _Writer().build()


def dump_catalog(catalog: Catalog) -> str:
    """Canonical JSON text: defaults omitted, two-space indent, UTF-8 as is, a final newline.

    Equal catalogs give equal text, so dumps diff cleanly under version control.
    The floats are written by Python's own ``repr`` where msgspec would write
    them differently (the only place the two writers differ), so the text needs
    no second look.
    """
    if not isinstance(catalog, Catalog):
        raise ModelTypeError(f"dump_catalog takes a Catalog, got {describe(catalog)}")
    raw = msgspec.json.encode(_unstructure()(catalog))
    return msgspec.json.format(raw, indent=2).decode("utf-8") + "\n"
