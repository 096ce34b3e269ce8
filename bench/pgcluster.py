"""A throwaway PostgreSQL cluster: ``initdb`` + ``pg_ctl`` in a temporary directory.

Used by ``.ci/run`` (as a script, before any virtual environment exists, so the
standard library only) and by the ``store`` bench section (imported). One place
knows how to start and stop a cluster; both callers use it.

    python3 bench/pgcluster.py find          # exit 1 if no initdb/pg_ctl is installed
    python3 bench/pgcluster.py start [--fast] # prints shell `export` lines (DSN, dir)
    python3 bench/pgcluster.py stop DIR       # stops the server and removes DIR

The server listens on a Unix socket in the temporary directory only (no TCP), on
a port number that is free on the loopback interface, so two clusters never
collide. PostgreSQL refuses to run as root: when started by root, the cluster
runs as the ``postgres`` account (created by Debian's package), or as a system
account this script creates when there is none. ``--fast`` turns off fsync and
synchronous commit: right for tests, wrong for measuring appends.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["Cluster", "bin_dir", "start", "stop"]

DB_USER = "stretchkit"
DB_NAME = "stretchkit_test"
SERVICE_ACCOUNT = "stretchkit-pg"
"""The account created to run the server when root starts it and ``postgres`` does not exist."""


class Cluster:
    """A running throwaway cluster: its directory and a DSN for its database."""

    def __init__(self, directory: Path, dsn: str) -> None:
        self.directory = directory
        self.dsn = dsn

    def stop(self) -> None:
        stop(self.directory)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def bin_dir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: Debian's newest version first, then ``PATH``."""

    def version(p: str) -> tuple[int, ...]:
        name = Path(p).parent.parent.name
        return tuple(int(x) for x in name.split(".") if x.isdigit())

    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True):
        if os.access(Path(initdb).with_name("pg_ctl"), os.X_OK):
            return Path(initdb).parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _account() -> str | None:
    """The account the server runs as: ``None`` for the current one (not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", SERVICE_ACCOUNT):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        [
            "useradd",
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            SERVICE_ACCOUNT,
        ],
        check=True,
        capture_output=True,
    )
    return SERVICE_ACCOUNT


def start(*, fast: bool = False) -> Cluster:
    """Start a new cluster with an empty database; raise ``RuntimeError`` saying why not."""
    bindir = bin_dir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb and pg_ctl found)")
    account = _account()
    directory = Path(tempfile.mkdtemp(prefix="stretchkit-pg-", dir="/tmp"))
    try:
        directory.chmod(0o755)  # the server's account and the tests' account both enter it
        if account is not None:
            entry = pwd.getpwnam(account)
            os.chown(directory, entry.pw_uid, entry.pw_gid)
        data, log, port = directory / "data", directory / "server.log", _free_port()
        options = [
            f"-k {directory}",
            f"-p {port}",
            "-c listen_addresses=''",
            "-c max_connections=60",
        ]
        if fast:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        pg_ctl, createdb = bindir / "pg_ctl", bindir / "createdb"
        _run(account, bindir / "initdb", "-D", data, "-U", DB_USER, "-A", "trust", "-E", "UTF8")
        _run(
            account,
            pg_ctl,
            "-D",
            data,
            "-l",
            log,
            "-w",
            "-t",
            "60",
            "-o",
            " ".join(options),
            "start",
        )
        _run(account, createdb, "-h", directory, "-p", port, "-U", DB_USER, DB_NAME)
    except BaseException:
        stop(directory)
        raise
    dsn = f"host={directory} port={port} user={DB_USER} dbname={DB_NAME}"
    return Cluster(directory, dsn)


def _run(account: str | None, *argv: object) -> None:
    result = subprocess.run(
        [str(a) for a in argv],
        user=account,
        cwd="/tmp",
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{Path(str(argv[0])).name} failed: {' / '.join(tail)}")


def stop(directory: Path | str) -> None:
    """Stop the server (if it runs) and remove its directory; never raises for a missing one."""
    directory = Path(directory)
    data = directory / "data"
    bindir = bin_dir()
    if bindir is not None and (data / "postmaster.pid").exists():
        account = _account() if os.geteuid() == 0 else None
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            user=account,
            cwd="/tmp",
            capture_output=True,
            check=False,
        )
    shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "find":
        found = bin_dir()
        print(found or "PostgreSQL is not installed")
        return 0 if found else 1
    if command == "start":
        try:
            cluster = start(fast="--fast" in argv[1:])
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            print(f"pgcluster: cannot start PostgreSQL: {e}", file=sys.stderr)
            return 1
        print(f"export STRETCHKIT_PGCLUSTER_DIR={shlex.quote(str(cluster.directory))}")
        print(f"export STRETCHKIT_TEST_POSTGRES_DSN={shlex.quote(cluster.dsn)}")
        return 0
    if command == "stop" and len(argv) == 2:
        stop(argv[1])
        return 0
    print("usage: pgcluster.py find | start [--fast] | stop DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
