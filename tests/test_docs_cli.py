"""docs/cli.md shows what the commands print today, and every command of the CLI.

``make docs-cli`` (tools/cli_docs.py --write) regenerates the output; this test
fails, with a diff, when a command's output or the COMMANDS table has moved on.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "cli_docs.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_docs", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_page_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(TOOL), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-6000:]


def test_stale_output_and_missing_commands_are_found() -> None:
    tool = _tool()
    stale = (
        "# CLI\n\n```console\n"
        "$ stretchkit validate examples/upper-back-relief.json\nall fine\n```\n"
    )
    fresh, missing = tool.render(stale, add_missing=False)
    assert "all fine" not in fresh
    assert "1 file(s) checked: 1 valid" in fresh
    assert missing == tool.commands()  # this page has no --help section at all
    added, none_missing = tool.render(stale, add_missing=True)
    assert none_missing == []
    for name in tool.commands():
        assert f"## stretchkit {name}\n" in added
        assert f"$ stretchkit {name} --help\nusage: stretchkit {name}" in added
