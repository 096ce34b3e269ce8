"""The public surface: one import, a sorted ``__all__``, and a light start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import stretchkit as sk


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions: the order ruff's RUF022 keeps."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert list(sk.__all__) == sorted(sk.__all__, key=_isort_key)
    for name in sk.__all__:
        assert getattr(sk, name) is not None, name


def test_lazy_names_are_the_ones_the_type_checker_sees() -> None:
    """Every name in ``__all__`` is imported eagerly or listed for lazy loading, once."""
    import stretchkit

    lazy = set(stretchkit._LAZY)
    eager = {n for n in sk.__all__ if n not in lazy}
    assert lazy <= set(sk.__all__)
    for name in eager:
        assert name in vars(stretchkit), f"{name} is neither imported nor lazy"
    assert set(dir(sk)) >= set(sk.__all__)


def test_version_comes_from_the_installed_metadata() -> None:
    assert isinstance(sk.__version__, str)
    assert sk.__version__.count(".") >= 2


def test_import_stays_light() -> None:
    """Schema validation, Hypothesis, databases and the command line load only when used."""
    code = "import sys, json, stretchkit; print(json.dumps(sorted(m for m in sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded = set(json.loads(out))
    heavy = {
        "jsonschema",
        "hypothesis",
        "sqlite3",
        "stretchkit.cli",
        "psycopg",
        "argparse",
        "msgspec",
    }
    assert not loaded & heavy, loaded & heavy
