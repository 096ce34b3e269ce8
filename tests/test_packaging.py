"""Packaging as a user meets it: the sdist is complete, described, and its own tests pass.

The sdist is built with the real ``build`` front end (no isolation, so no
network: hatchling comes from the dev extra) and unpacked. Against the source
inside it, not this checkout, every test module is collected (so each imports and
finds its data) and the tests that read shipped files run: the schemas, the
examples, the hostile corpus, the public names and ``validate`` on the examples.
The sdist holding every tracked file is checked on its own, so running the whole
suite a second time would only repeat this run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_SDIST_RUN = "STRETCHKIT_SDIST_RUN"
"""Set for the tests run from the unpacked sdist, so they do not build it again."""
NOT_SHIPPED = {".ci/run"}
SHIPPED_FILE_TESTS = (
    "tests/test_schema.py",
    "tests/test_examples.py",
    "tests/test_hostile.py",
    "tests/test_public_api.py",
    "tests/test_cli_validate.py",
)
"""The tests run from the unpacked sdist: the ones that read files it must ship."""
"""Tracked files the sdist leaves out: CI plumbing only."""


pytestmark = pytest.mark.skipif(
    bool(os.environ.get(IN_SDIST_RUN)), reason="already running from the unpacked sdist"
)


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--sdist",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (archive,) = out.glob("stretchkit-*.tar.gz")
    return archive


def _members(archive: Path) -> set[str]:
    with tarfile.open(archive) as tar:
        return {m.name.split("/", 1)[1] for m in tar.getmembers() if m.isfile() and "/" in m.name}


def test_the_sdist_holds_every_tracked_file(sdist: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    missing = {path for path in tracked if (ROOT / path).is_file()} - _members(sdist) - NOT_SHIPPED
    assert not missing, f"add to [tool.hatch.build.targets.sdist] include: {sorted(missing)}"


def test_the_sdist_carries_licence_and_metadata(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        top = sdist.name.removesuffix(".tar.gz")
        pkg_info = tar.extractfile(f"{top}/PKG-INFO")
        assert pkg_info is not None
        metadata = pkg_info.read().decode("utf-8")
        licence = tar.extractfile(f"{top}/LICENSE")
        assert licence is not None
        assert licence.read().decode("utf-8").startswith("MIT License")
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata
    for label in ("Homepage", "Repository", "Issues", "Changelog", "Documentation"):
        assert f"Project-URL: {label}, https://" in metadata


def test_the_sdists_own_tests_collect_and_its_file_tests_pass(sdist: Path, tmp_path: Path) -> None:
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data")
    (tree,) = tmp_path.glob("stretchkit-*")
    env = {
        **os.environ,
        IN_SDIST_RUN: "1",
        # The sdist's source comes first, ahead of this checkout's editable install.
        "PYTHONPATH": os.pathsep.join([str(tree / "src"), os.environ.get("PYTHONPATH", "")]),
        "HYPOTHESIS_PROFILE": "sdist",
    }
    where = subprocess.run(
        [sys.executable, "-c", "import stretchkit; print(stretchkit.__file__)"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(tree), where
    pytest = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
    for args in (["--collect-only"], list(SHIPPED_FILE_TESTS)):
        done = subprocess.run(
            [*pytest, *args], cwd=tree, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
