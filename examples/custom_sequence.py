"""Build a custom sequence: a routine made to measure from the example catalog.

    python examples/custom_sequence.py [--minutes 2.5] [--context sitting] [--seed 7]
                                       [--avoid bridge ...] [--out routine.json]

Prints the routine with each step's duration; with ``--out`` writes a catalog that
holds the routine and exactly the stretches it uses (valid on its own).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import stretchkit as sk

CATALOG = Path(__file__).resolve().parent / "upper-back-relief.json"


def build(minutes: float, context: str | None, seed: int, avoid: list[str]) -> sk.GenerationResult:
    catalog = sk.load_catalog(CATALOG)
    constraints = sk.Constraints(
        minutes=minutes,
        context=context,
        targets={"upper-back": 2, "neck": 1},
        avoid=avoid,
        seed=seed,
        routine_id="my-sequence",
        name="My sequence",
    )
    return sk.generate_routine(catalog, constraints)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.5)
    parser.add_argument("--context", choices=[c.value for c in sk.Context], default="sitting")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--avoid", nargs="*", default=[])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    try:
        result = build(args.minutes, args.context, args.seed, args.avoid)
    except (ValueError, TypeError) as error:  # bad constraints: one line, no traceback
        print(f"custom_sequence: {error}", file=sys.stderr)
        return 2
    for unmet in result.unmet:
        print(f"note: {unmet.code}: {unmet.message}")
    routine = result.routine
    if routine is None:
        return 1
    by_id = {s.id: s for s in result.stretches}
    print(f"{routine.name} ({routine.id}), {result.seconds} s of {result.budget_seconds} s:")
    for n, step in enumerate(routine.steps, start=1):
        stretch = by_id[step.stretch]
        print(f"  {n}. {stretch.name} ({stretch.duration} s)")
    if args.out is not None:
        text = sk.dump_catalog(result.as_catalog())
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
