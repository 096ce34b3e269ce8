"""The stretchkit benchmark: ``python -m bench`` (or ``make bench``).

A plain script, not a test suite: it measures stretchkit side by side with
pydantic, msgspec and bare-Python floors on deterministic inputs, prints a
table of medians and ratios, and writes ``docs/performance.md``. Tests never
assert times; this is where times are looked at.
"""
