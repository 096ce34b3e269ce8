"""The pre-commit hook, as docs/validation.md tells a content repository to use it.

A throwaway content repository gets the documented ``.pre-commit-config.yaml``
(only ``repo:`` points at this checkout instead of the forge), and the real
``pre-commit`` installs the hook from the documented ``rev`` and runs it on
commit. Offline: pip may not use an index, and finds the hook's dependencies
already installed in this environment (on ``PYTHONPATH``), while stretchkit
itself is built from the hook repository at that rev into the hook's own
environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

pytestmark = [
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout"),
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
]


def _documented_config() -> dict[str, object]:
    page = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    section = page.split("### As a pre-commit hook", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None, "docs/validation.md shows no pre-commit configuration"
    config = yaml.safe_load(block[1])
    assert isinstance(config, dict)
    return config


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def _env(home: Path) -> dict[str, str]:
    paths = sysconfig.get_paths()
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PRE_COMMIT"))},
        "PRE_COMMIT_HOME": str(home),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip's spelling for "build without isolation"
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONPATH": os.pathsep.join(dict.fromkeys([paths["purelib"], paths["platlib"]])),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }


def _hook_repo(rev: str, tmp_path: Path) -> Path:
    """This checkout when it has the documented tag; else a clone tagged at HEAD."""
    has_rev = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if has_rev.returncode == 0:
        return ROOT
    warnings.warn(
        f"{rev} is not a tag of this clone (fetch the tags); the hook is tried at HEAD",
        stacklevel=2,
    )
    clone = tmp_path / "hook-repo"
    _git(tmp_path, "clone", "--quiet", "--no-local", str(ROOT), str(clone))
    _git(clone, "tag", rev)
    return clone


def test_the_documented_rev_is_a_released_version() -> None:
    rev = _documented_config()["repos"][0]["rev"]  # type: ignore[index]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d\d-\d\d$", changelog, re.MULTILINE)
    assert rev in {f"v{v}" for v in released}
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert f"rev: {rev}" in hooks  # the comment at its top says the same
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert set(re.findall(r"rev: (\S+?)`", readme)) == {rev}


def test_the_documented_hook_checks_catalogs_wherever_they_are(tmp_path: Path) -> None:
    config = _documented_config()
    (entry,) = config["repos"]  # type: ignore[misc]
    assert entry["hooks"] == [{"id": "stretchkit-validate"}]
    entry["repo"] = str(_hook_repo(entry["rev"], tmp_path))

    content = tmp_path / "content"
    content.mkdir()
    _git(content, "init", "--quiet", "-b", "main")
    valid = (EXAMPLES / "upper-back-relief.json").read_text(encoding="utf-8")
    invalid = (EXAMPLES / "invalid" / "unknown-part-kind.json").read_text(encoding="utf-8")
    catalogs = {
        "catalog.json": valid,
        "catalogs/upper-back.json": valid,
        "content/catalogs/neck/relief.json": valid,
        "shared/catalog/office.json": valid,
        "programs/upper-back.catalog.json": valid,
        "my-catalog.json": valid,
    }
    others = {"package.json": '{"name": "app"}', "content/settings.json": "[1, 2]"}
    for name, text in {**catalogs, **others}.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    (content / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")
    env = _env(tmp_path / "pre-commit-home")
    pre_commit = [sys.executable, "-m", "pre_commit"]

    subprocess.run([*pre_commit, "install"], cwd=content, env=env, check=True, capture_output=True)
    _git(content, "add", "-A")
    done = subprocess.run(
        ["git", "commit", "-m", "content"],
        cwd=content,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert re.search(r"^stretchkit validate\.+Passed$", done.stdout, re.MULTILINE), done.stdout
    # Which files went to the hook: every catalog, and nothing else.
    shown = subprocess.run(
        [*pre_commit, "run", "--all-files", "--verbose"],
        cwd=content,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # pre-commit may split the files into batches, one summary line each.
    counts = re.findall(r"^(\d+) file\(s\) checked: (\d+) valid", shown, re.MULTILINE)
    assert counts, shown
    assert sum(int(n) for n, _ in counts) == sum(int(v) for _, v in counts) == len(catalogs)

    # A broken catalog deep in the tree stops the next commit, located.
    (content / "content/catalogs/neck/relief.json").write_text(invalid, encoding="utf-8")
    _git(content, "add", "-A")
    done = subprocess.run(
        ["git", "commit", "-m", "broken"],
        cwd=content,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "content/catalogs/neck/relief.json:" in done.stdout
    assert "error[unknown-kind]" in done.stdout
    assert "package.json" not in done.stdout

    # The hook ran the stretchkit built from the hook repository, not this checkout.
    installed = list((tmp_path / "pre-commit-home").rglob("site-packages/stretchkit/__init__.py"))
    assert installed, "the hook environment holds no stretchkit of its own"
