"""``--store`` and ``--user``: where the commands that keep a history find it.

The default store is ``stretchkit.db`` in the platform's user data folder
(``platformdirs``, from the ``cli`` extra); the default user is the login name.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stretchkit.store import SQLiteStore

__all__ = ["add_store_arguments", "default_store_path", "default_user", "open_store"]

FALLBACK_USER = "me"
"""The user when the login name cannot be found (no passwd entry, no variables)."""


def default_user() -> str:
    """The login name (``getpass.getuser``), or :data:`FALLBACK_USER`."""
    import getpass

    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):
        return FALLBACK_USER
    return name or FALLBACK_USER


def default_store_path() -> Path:
    """``stretchkit.db`` in the user data folder; the folder is made when first used."""
    try:
        import platformdirs
    except ImportError:
        raise SystemExit(
            "stretchkit: the default store needs platformdirs (pip install 'stretchkit[cli]'), "
            "or give --store PATH"
        ) from None
    return Path(platformdirs.user_data_dir("stretchkit", appauthor=False)) / "stretchkit.db"


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="PATH",
        help="the SQLite store file (default: stretchkit.db in the user data folder)",
    )
    parser.add_argument("--user", metavar="NAME", help="whose history (default: the login name)")


def open_store(args: argparse.Namespace) -> SQLiteStore:
    """The store ``--store`` names (the default one is created with its folder)."""
    from stretchkit.store import SQLiteStore

    if args.store is None:
        path = default_store_path()
        try:
            os.makedirs(path.parent, exist_ok=True)
        except OSError as e:
            raise SystemExit(f"stretchkit: cannot make {path.parent}: {e.strerror}") from None
        return SQLiteStore(path)
    return SQLiteStore(args.store)


def user_of(args: argparse.Namespace) -> str:
    return default_user() if args.user is None else str(args.user)
