"""Usage errors as a person meets them: exit 2, one short message, never the bad value whole."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchkit.cli import COMMANDS, EXIT_USAGE, main

# Where each command takes a value that argparse itself checks (a number or a choice).
CHECKED = [
    ["log", "pain"],
    ["generate", "--minutes"],
    ["generate", "f", "--minutes", "5", "--max-steps"],
    ["report", "--out", "r.html", "--days"],
    ["history", "--days"],
    ["validate", "--format"],
    ["coach", "--pain"],
]


def _not_a_number(text: str) -> bool:
    """A value argparse refuses for every place in CHECKED (and not an option)."""
    try:
        float(text)
    except ValueError:
        return not text.startswith("-")
    return False


def _run(argv: list[str]) -> tuple[int, str]:
    """The exit code and the last line on standard error (the message under the usage)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue().strip().splitlines()[-1]


@settings(max_examples=30)
@given(
    st.sampled_from(CHECKED),
    st.text(alphabet="9x-é'z.", min_size=61, max_size=5000).filter(_not_a_number),
)
def test_a_long_bad_value_is_quoted_as_a_prefix_and_its_length(
    where: list[str], value: str
) -> None:
    code, last = _run([*where, value])
    assert code == EXIT_USAGE
    assert len(last) <= 300
    assert value not in last


@pytest.mark.parametrize("command", [*COMMANDS, "no-such-command"])
def test_a_long_unknown_word_is_cut_too(command: str) -> None:
    for junk in ("--" + "z" * 3000, "z" * 3000):
        code, last = _run([command, junk])
        assert code == EXIT_USAGE
        assert len(last) <= 300
        assert "z" * 100 not in last
