"""The command line as a Unix tool, run in a real subprocess through a real shell.

Only regular files (and ``-``) are read; closed, full and broken output streams never
give a traceback and never change what the exit code says; files are written
atomically. Each case here hung, crashed or lost data before.
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

EXAMPLE = EXAMPLES / "upper-back-relief.json"
INVALID = EXAMPLES / "invalid" / "duplicate-stretch-id.json"
TIMEOUT = 30
"""A command that hangs is stopped (and the test fails) after this many seconds."""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shells and FIFOs")


def _shell(
    command: str, *, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``stretchkit`` inside a bash command line; ``$SK`` is the program."""
    env = {**os.environ, "SK": f"{shlex.quote(sys.executable)} -m stretchkit.cli"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        cwd=ROOT,
        preexec_fn=preexec,
        check=False,
    )


def _entries(n: int) -> list[dict[str, object]]:
    return [
        {
            "id": f"Stretch_{i}",
            "name": f"Stretch {i}",
            "instructions": ["Stand tall and hold for 30 seconds."],
            "primaryMuscles": ["neck"],
        }
        for i in range(n)
    ]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


# --- only regular files are read ---------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        "validate {}",
        "show {} some-routine",
        "generate --catalog {} --minutes 5",
        "import free-exercise-db {}",
    ],
)
@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_a_file_that_is_not_regular_exits_2_without_hanging(
    argv: str, kind: str, fifo: Path, tmp_path: Path
) -> None:
    path = {"fifo": fifo, "directory": tmp_path, "device": Path("/dev/zero")}[kind]
    done = _shell("$SK " + argv.format(shlex.quote(str(path))))
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_standard_input_is_still_read_with_a_dash() -> None:
    done = _shell(f"$SK validate - < {shlex.quote(str(EXAMPLE))}")
    assert done.returncode == 0, done.stderr


def test_a_closed_standard_input_is_unreadable_not_a_crash() -> None:
    done = _shell("$SK validate - <&-")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


# --- closed, full and broken output streams ----------------------------------------------


@pytest.mark.parametrize(
    "redirect", [">&-", "2>&-", ">&- 2>&-", ">/dev/full", "2>/dev/full", ">/dev/full 2>&-"]
)
@pytest.mark.parametrize(("path", "verdict"), [(EXAMPLE, 0), (INVALID, 1)])
def test_validate_keeps_its_verdict_whatever_happens_to_the_output(
    redirect: str, path: Path, verdict: int
) -> None:
    done = _shell(f"$SK validate {shlex.quote(str(path))} {redirect}")
    assert done.returncode == verdict, done.stderr
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


@pytest.mark.parametrize("command", ["schema", f"show {EXAMPLE} upper-back-sitting"])
def test_a_command_whose_output_is_lost_says_so_and_exits_2(command: str) -> None:
    done = _shell(f"$SK {command} >/dev/full")
    assert done.returncode == 2
    assert "cannot write the output" in done.stderr
    assert "Traceback" not in done.stderr


CLOSED_READER = "{ exec 0<&-; sleep 0.2; }"
"""The reading end of the pipe is closed before a byte is written: every write gets EPIPE,
whatever the size of the system's pipe buffer (which can hold a whole small output)."""


@pytest.mark.parametrize("reader", ["head -1", CLOSED_READER])
def test_a_reader_that_stops_early_gives_no_traceback_and_validate_keeps_its_verdict(
    reader: str, tmp_path: Path
) -> None:
    many = tmp_path / "many.json"  # a thousand issues
    many.write_text(json.dumps({"format_version": 1, "stretches": [{"id": "Bad"}] * 3000}))
    done = _shell(f'$SK validate {many} | {reader}; echo "rc=${{PIPESTATUS[0]}}"')
    assert done.stdout.splitlines()[-1] == "rc=1"
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
    assert "Broken pipe" not in done.stderr


def test_a_reader_that_stops_early_cuts_the_product_short(tmp_path: Path) -> None:
    source = tmp_path / "exercises.json"
    source.write_text(json.dumps(_entries(20)))
    done = _shell(
        f'$SK import free-exercise-db {source} | {CLOSED_READER}; echo "rc=${{PIPESTATUS[0]}}"'
    )
    assert done.stdout.splitlines() == ["rc=2"]
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


# --- files are written atomically ----------------------------------------------------------


def test_import_replaces_the_output_file_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    source, out = tmp_path / "exercises.json", tmp_path / "catalog.json"
    source.write_text(json.dumps(_entries(3)))
    out.write_text("previous")
    out.chmod(0o640)
    done = _shell(f"$SK import free-exercise-db {source} -o {out}")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(out.read_text())["stretches"]) == 3
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.json", "exercises.json"]


def _small_files() -> None:
    """In the child: files may not grow past 4 KiB, and exceeding it is an error, not a kill."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_a_write_that_fails_half_way_leaves_the_previous_file_untouched(tmp_path: Path) -> None:
    source, out = tmp_path / "exercises.json", tmp_path / "catalog.json"
    source.write_text(json.dumps(_entries(200)))  # its catalog is far beyond 4 KiB
    out.write_text("previous")
    done = _shell(f"$SK import free-exercise-db {source} -o {out}", preexec=_small_files)
    assert done.returncode == 2
    assert "cannot write" in done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.json", "exercises.json"]


@pytest.mark.parametrize("target", ["/dev/null", "{fifo}", "{folder}"])
def test_an_output_that_is_not_a_regular_file_is_refused_not_replaced(
    target: str, fifo: Path, tmp_path: Path
) -> None:
    source = tmp_path / "exercises.json"
    source.write_text(json.dumps(_entries(2)))
    folder = tmp_path / "folder"
    folder.mkdir()
    path = target.format(fifo=fifo, folder=folder)
    done = _shell(f"$SK import free-exercise-db {source} -o {path}")
    assert done.returncode == 2
    assert "not a regular file" in done.stderr
    assert Path("/dev/null").is_char_device()
    assert fifo.is_fifo()


# --- the generator refuses what it cannot honour, up front -----------------------------------


@pytest.mark.parametrize(
    ("option", "named"),
    [
        ("--id 'Bad Id'", "routine_id"),
        ("--name ' '", "name"),
        ("--name $'a\\u202eb'", "name"),
        ("--target neck=abc", "--target"),
        ("--avoid 'Not A Slug'", "avoid"),
    ],
)
def test_generate_refuses_a_bad_wish_with_exit_2_and_a_message(option: str, named: str) -> None:
    done = _shell(f"$SK generate --catalog {EXAMPLE} --minutes 5 {option}")
    assert done.returncode == 2
    assert named in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_import_refuses_a_bad_image_base_with_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "exercises.json"
    source.write_text(json.dumps(_entries(2)))
    done = _shell(f"$SK import free-exercise-db {source} --image-base $'a\\u202eb'")
    assert done.returncode == 2
    assert "image_base" in done.stderr
    assert "Traceback" not in done.stderr
