"""What is measured on the stretchkit side, found by its public names.

The pieces are built by different hands at different times; a piece that is
not there yet is reported as "not available" instead of failing the run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["missing", "sk"]


def sk(name: str) -> Any | None:
    """``stretchkit.<name>`` if the package exports it, else ``None``."""
    try:
        module = importlib.import_module("stretchkit")
    except ImportError:
        return None
    return getattr(module, name, None)


def sk_path(dotted: str) -> Any | None:
    """An object by module path and attribute (``"stretchkit.engine:Progress"``), or ``None``."""
    module_name, _, attr = dotted.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, attr, None)


def missing(*things: Callable[..., Any] | Any | None) -> bool:
    return any(t is None for t in things)
