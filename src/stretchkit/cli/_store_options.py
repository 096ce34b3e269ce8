"""``--store`` and ``--user`` for ``log``, ``events`` and ``store``.

The options and their defaults are the coach's (:mod:`stretchkit.cli._userdata`),
so every command reads and writes the same file for the same person; these
commands only turn a problem with them into a one-line exit.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from stretchkit.cli._userdata import (
    UsageError,
    add_store_arguments,
    default_store_path,
    default_user,
)
from stretchkit.cli._userdata import open_store as _open_store
from stretchkit.cli._userdata import user_of as _user_of

if TYPE_CHECKING:
    from stretchkit.store import SQLiteStore

__all__ = ["add_store_arguments", "default_store_path", "default_user", "open_store", "user_of"]


def _usage(error: UsageError) -> NoReturn:
    from stretchkit.cli import EXIT_USAGE
    from stretchkit.cli._validate import emit

    emit(sys.stderr, f"stretchkit: {error}")
    raise SystemExit(EXIT_USAGE)


def open_store(args: argparse.Namespace) -> SQLiteStore:
    """The store ``--store`` names (the default one is created with its folder)."""
    try:
        return _open_store(args)
    except UsageError as e:
        _usage(e)


def user_of(args: argparse.Namespace) -> str:
    try:
        return _user_of(args)
    except UsageError as e:
        _usage(e)
