"""The benchmark's pydantic and msgspec peers state no bound of the format: they read the model's.

The peers are written as users of those libraries would write them, so they are
a second description of the catalog format. What keeps them honest is that
every bound and default in them comes from the model (``stretchkit.model._bounds``):
a number written by hand would drift the day the model changes. The first test
reads the source, so it runs without the ``bench`` extra; the second compares the
pydantic peer with the model field by field where pydantic is installed.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import stretchkit.model as model
from stretchkit.model._bounds import checks, default, size_range, whole_range
from stretchkit.model._validators import Whole

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "peers.py"
_BOUNDS = {"ge", "le", "gt", "lt", "min_length", "max_length"}


def _number(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _calls(tree: ast.AST) -> list[ast.Call]:
    """Every ``Field(...)`` and ``msgspec.Meta(...)`` call."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = node.func.id if isinstance(node.func, ast.Name) else name
            if name in ("Field", "Meta"):
                found.append(node)
    return found


def test_no_bound_or_default_of_the_format_is_written_in_the_peers() -> None:
    tree = ast.parse(PEERS.read_text(encoding="utf-8"))
    written = []
    for call in _calls(tree):
        pattern = any(k.arg == "pattern" for k in call.keywords)
        for keyword in call.keywords:
            if keyword.arg in _BOUNDS and _number(keyword.value):
                assert isinstance(keyword.value, ast.Constant | ast.UnaryOp)
                # "Not empty" is part of the text rule a pattern states, not a bound.
                if not (
                    pattern and keyword.arg == "min_length" and ast.unparse(keyword.value) == "1"
                ):
                    written.append(f"line {call.lineno}: {ast.unparse(keyword)}")
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name[:2] in ("Py", "Ms"):
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and item.value is not None:
                    value = item.value
                    hand = _number(value) or (
                        isinstance(value, ast.Constant) and isinstance(value.value, bool)
                    )
                    if hand:
                        written.append(f"line {item.lineno}: {ast.unparse(item)}")
    assert not written, f"bench/peers.py states the format by hand: {written}"


def _peer_classes() -> list[tuple[type, Any]]:
    pytest.importorskip("pydantic")
    sys.path.insert(0, str(ROOT))
    try:
        peers = importlib.import_module("bench.peers")
    finally:
        sys.path.remove(str(ROOT))
    pairs = []
    for name in model.__all__:
        cls = getattr(model, name)
        peer = getattr(peers, f"Py{name}", None)
        if isinstance(cls, type) and attrs.has(cls) and peer is not None:
            pairs.append((cls, peer))
    return pairs


def test_the_pydantic_peer_has_the_models_fields_bounds_and_defaults() -> None:
    pairs = _peer_classes()
    assert len(pairs) >= 15
    for cls, peer in pairs:
        fields = attrs.fields_dict(cls)
        tag = {"kind"} if cls in model.PART_KINDS else set()
        assert set(peer.model_fields) - {"schema_"} == set(fields) | tag, cls
        for name, info in peer.model_fields.items():
            if name not in fields:
                continue
            where = f"{cls.__name__}.{name}"
            found = {type(m).__name__: m for m in info.metadata}
            if any(isinstance(c, Whole) for c in checks(cls, name)):
                low, high = whole_range(cls, name)
                assert (found["Ge"].ge, found["Le"].le) == (low, high), where
            low, high = size_range(cls, name)
            if high is not None and "MaxLen" in found:
                assert found["MaxLen"].max_length == high, where
            if fields[name].default is not attrs.NOTHING and not info.is_required():
                expected = default(cls, name)
                if attrs.has(type(expected)):  # a nested peer: compare its fields
                    assert info.default.model_dump() == attrs.asdict(expected), where
                else:
                    assert info.default == expected, where
