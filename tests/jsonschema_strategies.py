"""hypothesis-jsonschema, adapted to the installed Hypothesis.

hypothesis-jsonschema 0.23 still calls ``many.more()``, which newer Hypothesis
replaced by iteration. The shim below is handed to that library's own module
only; nothing else in Hypothesis is touched.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as conjecture_utils

_STOP = object()


class _ManyCompat:
    def __init__(self, data: Any, **kwargs: Any) -> None:
        self._many = conjecture_utils.many(data, **kwargs)
        self._many.__enter__()
        self._elements = iter(self._many)

    def more(self) -> bool:
        return next(self._elements, _STOP) is not _STOP

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


class _ConjectureUtils:
    many = _ManyCompat

    def __getattr__(self, name: str) -> Any:
        return getattr(conjecture_utils, name)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Documents valid against ``schema``."""
    import hypothesis_jsonschema
    import hypothesis_jsonschema._from_schema as generator

    if not hasattr(conjecture_utils.many, "more"):
        generator.cu = _ConjectureUtils()  # type: ignore[assignment]
    return hypothesis_jsonschema.from_schema(schema)
