"""What the person-facing commands share: the catalog and program, the store and the user.

``coach``, ``plan`` and ``history`` work on the example catalog unless given
``--catalog``, and on the embedded SQLite store in the user's data folder unless
given ``--store`` (or ``STRETCHKIT_STORE``); the user is ``--user`` (or
``STRETCHKIT_USER``, else the login name). Every command that keeps a history
(``log``, ``events``, ``store``, ``report`` too) takes its defaults from here, so
they all read and write the same file for the same person.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from stretchkit.engine import Plan, Progress
    from stretchkit.model import Catalog, Program
    from stretchkit.store import ProgressStore, SQLiteStore

__all__ = [
    "DEFAULT_USER",
    "UsageError",
    "add_program_arguments",
    "add_store_arguments",
    "default_store_path",
    "default_user",
    "load_program",
    "open_store",
    "open_user",
    "plan_now",
    "replayed",
]

DEFAULT_USER = "me"
"""The user when no login name can be found (no passwd entry, no variables)."""
STORE_FILE = "progress.sqlite3"


class UsageError(Exception):
    """A problem with the command's input: reported in one line, exit code 2."""


def _cut(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else f"{value[:limit]}... ({len(value)} characters)"


def add_program_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--catalog", metavar="FILE", help="catalog file (default: the example that ships)"
    )
    parser.add_argument(
        "--program", metavar="ID", help="program id (default: the catalog's first program)"
    )


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="PATH",
        help="progress store file (default: STRETCHKIT_STORE, else "
        f"{STORE_FILE} in your data folder)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="whose progress (default: STRETCHKIT_USER, else your login name)",
    )


def load_program(args: argparse.Namespace) -> tuple[Catalog, Program]:
    """The catalog and program the command works on; :class:`UsageError` if unusable."""
    from stretchkit.io._issues import CatalogError

    try:
        if args.catalog:
            from stretchkit.io._load import load_catalog

            catalog = load_catalog(Path(args.catalog))
        else:
            from stretchkit.examples import example_catalog

            catalog = example_catalog()
    except CatalogError as error:
        errors = [i for i in error.issues if i.is_error]
        first = errors[0].format() if errors else "not a valid catalog"
        more = f" (and {len(errors) - 1} more: stretchkit validate)" if len(errors) > 1 else ""
        raise UsageError(_cut(first, 220) + more) from None
    if not catalog.programs:
        raise UsageError(f"{_cut(str(args.catalog))} has no program to follow")
    if args.program is None:
        return catalog, catalog.programs[0]
    found = next((p for p in catalog.programs if p.id == args.program), None)
    if found is None:
        known = ", ".join(p.id for p in catalog.programs)
        raise UsageError(f"no program {_cut(args.program)!r} in the catalog (it has: {known})")
    return catalog, found


def default_store_path() -> Path:
    """``STRETCHKIT_STORE``, else the file in the platform's user data folder."""
    env = os.environ.get("STRETCHKIT_STORE")
    if env:
        return Path(env)
    try:
        from platformdirs import user_data_path
    except ImportError:  # without the cli extra: the XDG default
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        return base / "stretchkit" / STORE_FILE
    return user_data_path("stretchkit", appauthor=False) / STORE_FILE


def default_user() -> str:
    """``STRETCHKIT_USER``, else the login name (``getpass.getuser``), else :data:`DEFAULT_USER`."""
    env = os.environ.get("STRETCHKIT_USER")
    if env:
        return env
    import getpass

    try:
        return getpass.getuser() or DEFAULT_USER
    except (OSError, KeyError, ImportError):
        return DEFAULT_USER


def user_of(args: argparse.Namespace) -> str:
    user = args.user or default_user()
    if not user.strip() or len(user) > 200 or not user.isprintable():
        raise UsageError(f"--user must be a printable name of 1 to 200 characters: {_cut(user)!r}")
    return str(user)


def open_store(args: argparse.Namespace) -> SQLiteStore:
    """The store the command reads and writes; its folder is created on first use."""
    from stretchkit.store import SQLiteStore, StoreError

    path = Path(args.store) if args.store else default_store_path()
    if not args.store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(f"cannot create {_cut(str(path.parent))}: {e.strerror}") from None
    try:
        return SQLiteStore(path)
    except (StoreError, OSError) as e:
        raise UsageError(f"cannot open the store {_cut(str(path))}: {_cut(str(e), 200)}") from None


def open_user(args: argparse.Namespace) -> tuple[datetime, Catalog, Program, str, SQLiteStore]:
    """What a person-facing command starts from: now (the clock read once), the
    catalog and program, the user and their store. Raises ``ClockError`` or
    :class:`UsageError`, each a one-line exit.
    """
    from stretchkit.cli._clock import read_now

    now = read_now()
    catalog, program = load_program(args)
    user = user_of(args)
    return now, catalog, program, user, open_store(args)


def replayed(store: ProgressStore, user: str, program: Program, catalog: Catalog) -> Progress:
    """The user's progress folded from every event: it can plan for any past moment."""
    from stretchkit.engine import Progress

    return Progress.replay(program, store.events(user), catalog=catalog)


def plan_now(
    store: ProgressStore,
    user: str,
    program: Program,
    catalog: Catalog,
    now: datetime,
    context: str,
) -> Plan:
    """The plan at ``now``: from the store's snapshot, or from every event when ``now``
    is earlier than the snapshot (a clock set back)."""
    from stretchkit.engine import SnapshotError

    try:
        return store.progress(user, program, catalog).plan(now, context)
    except SnapshotError:
        return replayed(store, user, program, catalog).plan(now, context)
