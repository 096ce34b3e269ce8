"""Public names read from a package's own import statements: one list, nothing kept in sync.

A public package (``stretchkit``, ``stretchkit.io``) re-exports names from
private modules, and imports most of them only on first use so that importing
it stays light. Its ``from stretchkit.x import Name as Name`` statements, at
the top and in the ``if TYPE_CHECKING:`` block, are the one list: type checkers
read them as they stand, and :func:`public_names` reads them (once, on the
first look-up the package cannot answer from its globals) to learn which module
holds each name. ``__all__`` and ``dir()`` come from the same table. Packages
that import everything at once (``stretchkit.engine``, ``stretchkit.model``, …)
keep a literal ``__all__`` instead, which ruff holds to their imports.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

__all__ = ["attach", "isort_key", "public_names"]


def public_names(source: str) -> dict[str, str]:
    """Every public name the module whose text is ``source`` imports from stretchkit, and
    the module it comes from."""
    import ast

    tree = ast.parse(source)
    blocks = [tree.body]
    blocks += [n.body for n in tree.body if isinstance(n, ast.If)]  # the TYPE_CHECKING block
    return {
        name: node.module or ""
        for body in blocks
        for node in body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("stretchkit")
        for alias in node.names
        if not (name := alias.asname or alias.name).startswith("_")
    }


def _source_of(namespace: MutableMapping[str, object]) -> str:
    """The package's own text, from its loader (a zip archive works too)."""
    package = str(namespace["__name__"])
    loader = getattr(namespace.get("__spec__"), "loader", None)
    get_source = getattr(loader, "get_source", None)
    source = get_source(package) if get_source is not None else None
    if not isinstance(source, str):
        raise ImportError(
            f"{package} reads its public names from its own source, which this installation "
            "does not have (install it with its .py files)"
        )
    return source


def isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions: the order ruff's RUF022 keeps."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2), name


def attach(
    namespace: MutableMapping[str, object],
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A look-up of public names and a ``__dir__`` for the package whose globals are ``namespace``.

    The look-up answers ``__all__`` and every name of :func:`public_names`,
    importing its module then; a value found is stored in ``namespace``, so
    later look-ups do not come here. Any other name is an :class:`AttributeError`.
    """
    package = str(namespace["__name__"])
    table: dict[str, str] = {}

    def names() -> dict[str, str]:
        if not table:
            table.update(public_names(_source_of(namespace)))
        return table

    def look_up(name: str) -> object:
        value: object
        if name == "__all__":
            value = sorted(names(), key=isort_key)
        elif name in names():
            from importlib import import_module

            value = getattr(import_module(names()[name]), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def listing() -> list[str]:
        return sorted({*namespace, *names()})

    return look_up, listing
