"""Keep docs/cli.md's command output real: run every shown command and write what it prints.

In docs/cli.md, a ``console`` block holds lines ``$ COMMAND`` each followed by
its output. This script runs each command (with ``bash``, from the repository
root, in a fixed environment) and puts the output it prints now under it.
Every command of the CLI's ``COMMANDS`` table must have a section with its
``--help``; ``--write`` adds a section for a command that has none.

    python tools/cli_docs.py --write   # make docs-cli: rewrite the page
    python tools/cli_docs.py --check   # exit 1 and show a diff if the page is stale
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "cli.md"
BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
PROMPT = "$ "


def _env() -> dict[str, str]:
    """The same output on every machine: width, colour, locale, zone and the venv's tools."""
    bin_dir = str(Path(sys.executable).parent)
    passed = ("HOME", "TMPDIR", "SYSTEMROOT", "PYTHONPATH")
    keep = {k: v for k, v in os.environ.items() if k in passed}
    return {
        **keep,
        "PATH": os.pathsep.join([bin_dir, "/usr/bin", "/bin"]),
        "COLUMNS": "80",
        "LINES": "40",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "TZ": "UTC",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",  # stdout and stderr in the order a terminal shows them
    }


def run(command: str) -> str:
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    return done.stdout


def commands() -> list[str]:
    """The names of the CLI's commands, in the order of its table."""
    from stretchkit.cli import COMMANDS

    return list(COMMANDS)


def _render_block(body: str) -> str:
    lines: list[str] = []
    for line in body.splitlines():
        if line.startswith(PROMPT):
            lines.append(line)
            output = run(line[len(PROMPT) :])
            if output:
                lines.extend(output.rstrip("\n").split("\n"))
    return "```console\n" + "\n".join(lines) + "\n```\n"


def render(text: str, *, add_missing: bool) -> tuple[str, list[str]]:
    """The page with fresh output, and the commands that have no ``--help`` section."""
    missing = [
        name
        for name in commands()
        if not re.search(rf"^\$ stretchkit {re.escape(name)} --help$", text, re.MULTILINE)
    ]
    if add_missing:
        for name in missing:
            text = text.rstrip("\n") + (
                f"\n\n## stretchkit {name}\n\n```console\n$ stretchkit {name} --help\n```\n"
            )
        missing = []
    return BLOCK.sub(lambda m: _render_block(m.group(1)), text), missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite docs/cli.md")
    mode.add_argument("--check", action="store_true", help="fail if docs/cli.md is stale")
    args = parser.parse_args(argv)
    old = PAGE.read_text(encoding="utf-8")
    new, missing = render(old, add_missing=args.write)
    if args.write:
        if new != old:
            PAGE.write_text(new, encoding="utf-8")
        return 0
    problems = [f"no section with `$ stretchkit {name} --help`" for name in missing]
    if new != old:
        diff = difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            "docs/cli.md",
            "what the commands print",
            lineterm="",
        )
        problems.append("\n".join(diff))
    if problems:
        print("docs/cli.md is stale; run `make docs-cli`:", *problems, sep="\n", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
