"""The one base class of every error stretchkit raises for input it cannot use.

It is a :class:`ValueError`, so code written against the older errors (all
``ValueError`` subclasses) keeps working, and an app can catch everything the
library refuses with one ``except StretchkitError`` at its edge. Each part of
the library derives its own errors from it; none raises a bare ``ValueError``
for bad content.
"""

from __future__ import annotations

__all__ = ["StretchkitError"]


class StretchkitError(ValueError):
    """Input stretchkit cannot use; the message says where and why, in one line or a short list."""
