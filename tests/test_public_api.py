"""The public surface: one import, a sorted ``__all__``, and a light start-up."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest

import stretchkit as sk
from stretchkit._names import public_names


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions: the order ruff's RUF022 keeps."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert list(sk.__all__) == sorted(sk.__all__, key=_isort_key)
    for name in sk.__all__:
        assert getattr(sk, name) is not None, name


@pytest.mark.parametrize("package", ["stretchkit", "stretchkit.io"])
def test_the_import_statements_are_the_one_list_of_public_names(package: str) -> None:
    """``__all__``, ``dir()`` and the lazy look-ups all come from the file's imports."""
    module = importlib.import_module(package)
    assert module.__file__ is not None
    table = public_names(Path(module.__file__).read_text(encoding="utf-8"))
    assert list(module.__all__) == sorted(table, key=_isort_key)
    for name, source in table.items():
        assert getattr(module, name) is getattr(importlib.import_module(source), name), name
    assert set(dir(module)) >= set(module.__all__)
    assert not hasattr(module, "_LAZY")
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        module.nothing_here  # noqa: B018


@pytest.mark.parametrize(
    "package",
    [
        "stretchkit.engine",
        "stretchkit.importers",
        "stretchkit.model",
        "stretchkit.report",
        "stretchkit.store",
    ],
)
def test_a_package_that_imports_at_once_lists_what_it_imports(package: str) -> None:
    """Packages without lazy look-ups keep a literal, sorted ``__all__``: exactly their imports."""
    module = importlib.import_module(package)
    assert module.__file__ is not None
    source = Path(module.__file__).read_text(encoding="utf-8")
    assert list(module.__all__) == sorted(public_names(source), key=_isort_key)


def test_every_error_derives_from_the_one_base() -> None:
    errors = [getattr(sk, n) for n in sk.__all__ if n.endswith("Error")]
    assert sk.StretchkitError in errors
    assert len(errors) > 2
    for error in errors:
        assert issubclass(error, sk.StretchkitError), error
        assert issubclass(error, ValueError), error


def test_version_comes_from_the_installed_metadata() -> None:
    assert isinstance(sk.__version__, str)
    assert sk.__version__.count(".") >= 2


def test_import_stays_light() -> None:
    """Schema validation, Hypothesis, databases, the command line and even the model load
    only when used: ``import stretchkit`` alone costs next to nothing (as ``import pydantic``)."""
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
        "matplotlib",
        "attr",
        "cattrs",
        "stretchkit.model",
        "stretchkit.io._issues",
    }
    assert not loaded & heavy, loaded & heavy


def _stretchkit_types(hint: object) -> Iterator[type]:
    """Every stretchkit class named in a type hint, unions and generics unpacked."""
    if typing.get_origin(hint) is not None:
        for arg in typing.get_args(hint):
            yield from _stretchkit_types(arg)
    elif isinstance(hint, type) and hint.__module__.startswith("stretchkit"):
        yield hint


def _hints(obj: object) -> dict[str, object]:
    """``typing.get_type_hints``, with the public names at hand for the forward references
    that modules import only for type checkers."""
    names = {name: getattr(sk, name) for name in sk.__all__}
    return typing.get_type_hints(obj, localns=names)


def _returned_and_held(name: str, obj: object) -> Iterator[tuple[str, object]]:
    """(where, hint) for what a public function returns, and a public class's
    fields and its public methods' and properties' return values."""
    if inspect.isfunction(obj):
        yield name, _hints(obj).get("return")
    if not isinstance(obj, type):
        return
    for field, hint in _hints(obj).items():
        if not field.startswith("_"):
            yield f"{name}.{field}", hint
    for member, value in vars(obj).items():
        if member.startswith("_"):
            continue
        if isinstance(value, staticmethod | classmethod):
            value = value.__func__
        if isinstance(value, property):
            value = value.fget
        if inspect.isfunction(value):
            yield f"{name}.{member}", _hints(value).get("return")


def test_every_type_a_public_call_returns_is_public() -> None:
    public = {id(getattr(sk, name)) for name in sk.__all__}
    private = {
        f"{where} -> {cls.__module__}.{cls.__qualname__}"
        for name in sk.__all__
        for where, hint in _returned_and_held(name, getattr(sk, name))
        for cls in _stretchkit_types(hint)
        if id(cls) not in public
    }
    assert not private, sorted(private)


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("stretchkit", "Phase", "Part"),
        ("stretchkit", "PHASE_KINDS", "PART_KINDS"),
        ("stretchkit", "Position", "StartPosition"),
        ("stretchkit.model", "Phase", "Part"),
        ("stretchkit.model", "Position", "StartPosition"),
        ("stretchkit.strategies", "phases", "parts"),
    ],
)
def test_renamed_names_still_work_with_a_warning(module: str, old: str, new: str) -> None:
    """An app written against the old names keeps running and is told the new one."""
    import importlib

    mod = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=rf"{module}\.{old} is renamed {module}\.{new}"):
        value = getattr(mod, old)
    assert value is getattr(mod, new)
    assert old not in getattr(mod, "__all__", ())


def test_the_public_names_are_found_in_a_zip_archive(tmp_path: Path) -> None:
    """The names are read through the package's loader, so a zipped app (zipapp, zipimport)
    finds them as an installed one does; a file opened by its path would not exist there."""
    import zipfile

    src = Path(sk.__file__).resolve().parent.parent
    archive = tmp_path / "app.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in (src / "stretchkit").rglob("*"):
            if "__pycache__" not in path.parts and path.is_file():
                zipped.write(path, path.relative_to(src))
    code = (
        f"import sys; sys.path.insert(0, {str(archive)!r}); "
        "import stretchkit as sk, stretchkit.io as io; "
        "assert '.zip' in sk.__file__, sk.__file__; "
        "print(len(sk.__all__), io.Limits is sk.Limits, io.load_catalog is sk.load_catalog)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.split() == [str(len(sk.__all__)), "True", "True"]
