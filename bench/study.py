"""The optimisation study: prototypes of a faster load path, measured next to pydantic."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.run import Bench

__all__ = ["run"]


def run(bench: Bench) -> None:
    return None
