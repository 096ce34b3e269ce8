"""Import the public-domain Free Exercise DB (https://github.com/yuhonas/free-exercise-db).

Its entries are a JSON list of objects with ``id``, ``name``, ``equipment``,
``primaryMuscles``, ``secondaryMuscles``, ``instructions`` (free prose),
``level``, ``category`` and ``images``. Holds, repetitions, sides and the
start position exist only in the prose, so they are read from it with a few
rules (see ``docs/generation.md``); whatever had to be guessed is flagged in
the report, entry by entry.

The importer works on entries it has never seen: any field may be missing,
``null`` or of the wrong type. It never raises for bad content; an entry it
cannot turn into a valid stretch (no usable name or no instructions) is
reported as skipped with the reason.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from stretchkit.importers._report import (
    EntryReport,
    ImporterError,
    ImportNote,
    ImportReport,
    ImportResult,
)
from stretchkit.model._catalog import Catalog
from stretchkit.model._parts import MAX_SECONDS, Hold, Part, Reps
from stretchkit.model._stretch import Media, Stretch
from stretchkit.model._validators import BAD_TEXT, describe
from stretchkit.model._vocabulary import MediaKind, Sides, StartPosition

if TYPE_CHECKING:
    from stretchkit.io._limits import Limits

__all__ = [
    "ATTRIBUTION",
    "EQUIPMENT",
    "IMAGE_BASE",
    "MUSCLES",
    "import_free_exercise_db",
    "slugify",
]

SOURCE = "free-exercise-db"

ATTRIBUTION = (
    "Stretches imported from the Free Exercise DB (https://github.com/yuhonas/free-exercise-db), "
    "public domain (Unlicense); instructions kept verbatim."
)

IMAGE_BASE = "https://raw.githubusercontent.com/yuhonas/free-exercise-db/main/exercises/"
"""Where the source's relative image paths live; pass ``image_base=""`` to keep them relative."""

EQUIPMENT: dict[str, tuple[str, ...]] = {
    "body only": (),
    "none": (),
    "bands": ("band",),
    "band": ("band",),
    "foam roll": ("foam-roller",),
    "foam roller": ("foam-roller",),
    "exercise ball": ("exercise-ball",),
    "medicine ball": ("medicine-ball",),
    "dumbbell": ("dumbbell",),
    "kettlebells": ("kettlebell",),
    "kettlebell": ("kettlebell",),
    "cable": ("cable-machine",),
    "machine": ("machine",),
    "barbell": ("barbell",),
    "e-z curl bar": ("ez-curl-bar",),
}
"""The source's equipment values and the library's slugs. ``other`` is read from the prose."""

MUSCLES: dict[str, str] = {
    m: m.replace(" ", "-")
    for m in (
        "abdominals",
        "abductors",
        "adductors",
        "biceps",
        "calves",
        "chest",
        "forearms",
        "glutes",
        "hamstrings",
        "lats",
        "lower back",
        "middle back",
        "neck",
        "quadriceps",
        "shoulders",
        "traps",
        "triceps",
    )
}
"""The source's muscles and the target slugs they become; others are slugified and flagged."""

# Equipment named in the prose: (pattern, slug). Mats are optional everywhere and ignored.
_PROSE_EQUIPMENT: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), slug)
    for p, slug in (
        (r"\bchairs?\b", "chair"),
        (r"\bwalls?\b", "wall"),
        (r"\bdoor ?(?:frame|way)s?\b", "door-frame"),
        (r"\b(?:belt|rope|strap|towel)s?\b", "strap"),
        (r"\bfoam roll(?:er)?s?\b", "foam-roller"),
        (r"\b(?:muscle roller|rolling pin|foot roller|pvc pipe)\b", "roller"),
        (r"\bbench(?:es)?\b", "bench"),
        (r"\b(?:chin|pull)-? ?up bar\b", "pull-up-bar"),
        (r"\b(?:broomstick|bodybar|dowel)\b", "pole"),
        (r"\b(?:partner|assistant|helper)\b", "partner"),
        (r"\b(?:exercise|stability|swiss) ball\b", "exercise-ball"),
        (r"\bmedicine ball\b", "medicine-ball"),
        (r"\bdumbbells?\b", "dumbbell"),
        (r"\bkettlebells?\b", "kettlebell"),
    )
)
_BAND_ALONE = re.compile(r"\b(?:resistance )?bands?\b", re.IGNORECASE)
_ALTERNATIVE = re.compile(r"^\s*,?\s*(?:or|and/or)\s+(?:a\s+|an\s+|the\s+)?$", re.IGNORECASE)
_OPTIONAL_AID = re.compile(r"\bor your hands?\b|\bif (?:you (?:need|like|want)|necessary)\b", re.I)

_LIE = r"\b(?:lie|lying|lay|laying)\b"
# Start positions from the prose, strong patterns first; each is (pattern, position, weak).
_POSITION_RULES: tuple[tuple[re.Pattern[str], StartPosition, bool], ...] = tuple(
    (re.compile(p, re.IGNORECASE), pos, weak)
    for p, pos, weak in (
        (
            rf"{_LIE}[^.;]{{0,25}}\bface ?down\b|\bface ?down\b"
            rf"|{_LIE}[^.;]{{0,20}}\bon (?:your|the) (?:stomach|belly|front)\b|\bprone\b",
            StartPosition.PRONE,
            False,
        ),
        (
            rf"{_LIE}[^.;]{{0,20}}\bon (?:your|the) (?:left |right )?side\b|\bside-?lying\b",
            StartPosition.SIDE_LYING,
            False,
        ),
        (
            rf"{_LIE}[^.;]{{0,20}}\bon your back\b"
            r"|\bwith your back (?:on|pressed (?:against|to|into)) the (?:floor|ground|mat)\b"
            r"|\bsupine\b",
            StartPosition.SUPINE,
            False,
        ),
        (
            r"\bhands,? (?:and )?knees\b|\ball[ -]fours\b|\bquadruped\b",
            StartPosition.ALL_FOURS,
            False,
        ),
        (r"\bkneel(?:ing)?\b|\bon (?:your|both) knees\b", StartPosition.KNEELING, False),
        (r"\bsit\b|\bsits\b|\bsitting\b|\bseated\b|\bin a chair\b", StartPosition.SEATED, False),
        (r"\bstand(?:ing)?\b|\bstands\b|\bstance\b", StartPosition.STANDING, False),
        (rf"{_LIE}|\blying position\b", StartPosition.SUPINE, True),
        (r"\bpush-?up position\b|\bplank\b", StartPosition.ALL_FOURS, True),
    )
)
_NAME_POSITIONS: tuple[tuple[re.Pattern[str], StartPosition], ...] = tuple(
    (re.compile(p, re.IGNORECASE), pos)
    for p, pos in (
        (r"side[ _-]?lying|on[ _-]your[ _-]side", StartPosition.SIDE_LYING),
        (r"prone|face[ _-]?down", StartPosition.PRONE),
        (r"lying|supine|on[ _-]your[ _-]back", StartPosition.SUPINE),
        (r"all[ _-]fours", StartPosition.ALL_FOURS),
        (r"kneeling", StartPosition.KNEELING),
        (r"seated|sitting|chair", StartPosition.SEATED),
        (r"standing", StartPosition.STANDING),
    )
)
_OTHER_PERSON = re.compile(r"\b(?:partner|assistant|helper)\b[^,.;]*", re.IGNORECASE)
"""A clause about the partner ("your partner kneeling beside you"): not the user's position."""

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
}  # fmt: skip
_NUM = r"(\d{1,6}|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"
_RANGE = rf"{_NUM}(?:\s*(?:-|–|—|to|or)\s*{_NUM})?"
_MORE = r"(?:\s*(?:or|and) (?:more|longer|over)|\s*\+)?"
_DURATION = re.compile(rf"\b{_RANGE}{_MORE}\s*(seconds?|secs?|minutes?|mins?)\b", re.IGNORECASE)
_REPS = re.compile(rf"\b{_RANGE}{_MORE}\s*(?:repetitions?|reps?|times)\b", re.IGNORECASE)
_DEFINITION = re.compile(r"\b(?:equals?|is|counts? as|makes?)\s*$", re.IGNORECASE)
"""Words before "1 repetition" that define a repetition rather than prescribe a count."""
_VAGUE_REPS = re.compile(
    r"\b(?:(?:a|the) (?:number|recommended (?:amount|number)) of (?:repetitions|reps|times)"
    r"|several times|repeat (?:the|this) (?:movement|motion)|continue alternating)\b",
    re.IGNORECASE,
)
_MOVING = re.compile(
    r"\b(?:circles?|circular|swing|swinging|repeat|alternat\w*|jump|lunge|raise and lower)\b",
    re.IGNORECASE,
)
_EACH_SIDE = re.compile(
    r"\b(?:switch|change|swap) (?:sides?|legs?|feet|arms?|hands?|to the other)\b"
    r"|\b(?:repeat|switch|perform)\b[^.]{0,30}\b(?:other|opposite) (?:side|leg|foot|arm|hand)\b"
    r"|\b(?:to|on|with|for) (?:the|your) (?:other|opposite) (?:side|leg|foot|arm|hand)\b"
    r"|\b(?:each|per|every) (?:side|leg|foot|arm|hand)\b|\bone side at a time\b"
    r"|\bboth sides\b",
    re.IGNORECASE,
)
_ALTERNATING = re.compile(r"\balternat(?:e|ing|ely)\b", re.IGNORECASE)
_BOTH_LIMBS = re.compile(
    r"\bboth (?:of your )?(?:arms|legs|knees|hands|wrists|shoulders|feet|elbows)\b", re.I
)
_ONE_SIDE = re.compile(
    r"\b(?:left|right|one) (?:arm|leg|foot|knee|hip|hand|side|shoulder|wrist|ankle)\b", re.I
)
_CAUTION = re.compile(
    r"\bavoid this\b|\bif you have\b|\bbe careful\b|\bbe sure to inform\b|\bdon'?t pull too hard\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(f"(?:{BAD_TEXT.pattern})+")
"""Control characters, lone surrogates and bidirectional controls: each run becomes a space."""
_SPACES = re.compile(r"\s+")

DEFAULT_HOLD = 30
"""Seconds of a hold when the prose gives none (a common guideline for static stretches)."""
DEFAULT_REPS = 10
SECONDS_PER_REP = 3
"""Tempo of one repetition when the prose gives none."""
MAX_INSTRUCTIONS = 20
MAX_TEXT = 2000


def slugify(value: str) -> str:
    """``90_90_Hamstring`` → ``90-90-hamstring``; accents folded, at most 64 characters."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    folded = folded.replace("'", "")  # "Runner's Stretch" -> runners-stretch
    slug = _SLUG_JUNK.sub("-", folded.lower()).strip("-")
    if len(slug) > 64:
        slug = slug[:64].rstrip("-")
        if "-" in slug[48:]:
            slug = slug[: slug.rindex("-")]
    return slug


def import_free_exercise_db(
    entries_or_path: object, *, image_base: str = IMAGE_BASE, limits: Limits | None = None
) -> ImportResult:
    """Turn Free Exercise DB entries into a catalog of stretches, with a report.

    ``entries_or_path`` is the parsed JSON list, or a path to the JSON file
    (``str`` or :class:`os.PathLike`). The file is read as ``validate`` reads a
    catalog: a regular file only, within ``limits`` (the same defaults). A file that
    cannot be read (missing, a FIFO, a directory, a device) raises :class:`OSError`;
    anything wrong *inside* it, too large or too deep included, is reported, never
    raised. ``image_base`` that is not text raises :class:`ImporterError`.
    """
    from stretchkit._files import read_regular
    from stretchkit.io._limits import Limits
    from stretchkit.io._parse import parse_json

    if not isinstance(image_base, str) or (image_base and _text(image_base, 500) != image_base):
        raise ImporterError(
            f"image_base must be a URL or path prefix of plain text, got {describe(image_base)}"
        )
    limits = Limits() if limits is None else limits
    problems: list[ImportNote] = []
    entries: Sequence[object]
    data: object = entries_or_path
    if isinstance(data, str | os.PathLike):
        raw, size = read_regular(data, limits.max_bytes)
        if size > limits.max_bytes:
            problems.append(
                ImportNote(
                    code="too-large",
                    message=f"the file is {size:,} bytes, more than the limit of "
                    f"{limits.max_bytes:,}",
                )
            )
            data = []
        else:
            parsed = parse_json(raw, limits)
            if parsed.fatal:
                first = next((i for i in parsed.issues if i.is_error), None)
                why = first.message if first is not None else "it is not JSON"
                problems.append(
                    ImportNote(code="invalid-json", message=f"the file is not JSON: {why}")
                )
                data = []
            else:
                data = parsed.value
    if isinstance(data, dict):
        if isinstance(data.get("exercises"), list):
            data = data["exercises"]
        else:
            problems.append(
                ImportNote(
                    code="single-entry", message="the input is one object; read as one entry"
                )
            )
            data = [data]
    if isinstance(data, list | tuple):
        entries = data
    else:
        problems.append(
            ImportNote(
                code="not-a-list",
                message=f"expected a JSON list of exercises, got {type(data).__name__}",
            )
        )
        entries = []

    stretches: list[Stretch] = []
    reports: list[EntryReport] = []
    used_ids: dict[str, int] = {}
    for index, entry in enumerate(entries):
        report, stretch = _import_entry(index, entry, used_ids, image_base)
        reports.append(report)
        if stretch is not None:
            stretches.append(stretch)
            used_ids.setdefault(stretch.id, 2)
    return ImportResult(
        catalog=Catalog(stretches=stretches),
        report=ImportReport(
            source=SOURCE,
            attribution=ATTRIBUTION,
            entries=tuple(reports),
            problems=tuple(problems),
        ),
    )


class _Entry:
    """Notes gathered while one entry is read."""

    def __init__(self) -> None:
        self.guesses: list[ImportNote] = []
        self.problems: list[ImportNote] = []

    def guess(self, code: str, message: str) -> None:
        self.guesses.append(ImportNote(code=code, message=message))

    def problem(self, code: str, message: str) -> None:
        self.problems.append(ImportNote(code=code, message=message))


def _import_entry(
    index: int, entry: object, used_ids: dict[str, int], image_base: str
) -> tuple[EntryReport, Stretch | None]:
    notes = _Entry()
    if not isinstance(entry, dict):
        notes.problem("not-an-object", f"an entry must be a JSON object, got {_kind(entry)}")
        return _report(index, None, None, notes, {}), None
    source_id = _text(entry.get("id"), 200)
    try:
        return _build(index, entry, source_id, used_ids, image_base, notes)
    except Exception as exc:  # an unseen entry must be reported, never crash
        notes.problem("not-understood", f"the entry could not be read: {str(exc)[:200]}")
        return _report(index, source_id, None, notes, {}), None


def _build(
    index: int,
    entry: dict[str, Any],
    source_id: str | None,
    used_ids: dict[str, int],
    image_base: str,
    notes: _Entry,
) -> tuple[EntryReport, Stretch | None]:
    name = _text(entry.get("name"), MAX_TEXT)
    if name is None and source_id is not None:
        name = _text(source_id.replace("_", " ").replace("-", " "), MAX_TEXT)
        if name:
            notes.guess("name-from-id", f"no name; {name!r} made from the id")
    instructions = _instructions(entry.get("instructions"), notes)
    if name is None:
        notes.problem("no-name", "the entry has neither a usable name nor an id")
    if not instructions:
        notes.problem("no-instructions", "the entry has no usable instructions")
    if name is None or not instructions:
        return _report(index, source_id, None, notes, {}), None

    stretch_id = _stretch_id(source_id, name, index, used_ids, notes)
    category = entry.get("category")
    if category is not None and category != "stretching":
        notes.guess(
            "not-a-stretch", f"the source files it under {_text(category, 60) or category!r}"
        )
    prose = " ".join(instructions)
    position = _position(instructions, name, notes)
    sides = _sides(prose, notes)
    dose = _dose(prose, notes)
    equipment = _equipment(entry.get("equipment"), prose, notes)
    targets = _targets(entry, notes)
    media = _media(entry.get("images"), name, image_base, notes)
    cautions = tuple(
        dict.fromkeys(s for s in _SENTENCE.split(prose) if _CAUTION.search(s) and s.strip())
    )[:20]
    extracted: dict[str, Any] = {
        "position": position.value,
        "sides": sides.value,
        "dose": [_describe_part(p) for p in dose],
        "equipment": list(equipment),
        "targets": list(targets),
    }
    try:
        # Through a dict: the attrs plugin types converter=tuple fields as unresolved generics.
        fields: dict[str, Any] = {
            "id": stretch_id,
            "name": name,
            "instructions": instructions,
            "position": position,
            "dose": dose,
            "sides": sides,
            "equipment": equipment,
            "targets": targets,
            "media": media,
            "cautions": cautions,
        }
        stretch = Stretch(**fields)
    except (TypeError, ValueError) as exc:
        notes.problem("invalid", f"the stretch read from it is not valid: {exc}")
        return _report(index, source_id, None, notes, extracted), None
    return _report(index, source_id, stretch.id, notes, extracted), stretch


def _report(
    index: int,
    source_id: str | None,
    stretch_id: str | None,
    notes: _Entry,
    extracted: dict[str, Any],
) -> EntryReport:
    return EntryReport(
        index=index,
        source_id=source_id,
        stretch_id=stretch_id,
        guesses=tuple(notes.guesses),
        problems=tuple(notes.problems),
        extracted=extracted,
    )


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _text(value: object, limit: int) -> str | None:
    """Clean human text: numbers become strings, control characters and runs of space one space."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int) and value.bit_length() > 4 * limit:
        return None  # more digits than the text may hold (and than str() will write)
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    cleaned = _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()
    if not cleaned:
        return None
    if len(cleaned) > limit:
        cut = cleaned[: limit - 1]
        cleaned = (cut[: cut.rindex(" ")] if " " in cut[limit // 2 :] else cut) + "…"
    return cleaned


def _instructions(value: object, notes: _Entry) -> tuple[str, ...]:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        notes.guess("instructions-not-a-list", "the instructions are one text, not a list")
        value = [value]
    if not isinstance(value, list | tuple):
        if value is not None:
            notes.problem("instructions-wrong-type", f"instructions are {_kind(value)}")
        return ()
    cleaned: list[str] = []
    dropped = 0
    for item in value:
        text = _text(item, MAX_TEXT)
        if text is None:
            dropped += 1
        else:
            cleaned.append(text)
    if dropped:
        notes.problem("instructions-dropped", f"{dropped} instruction(s) empty or not text")
    if len(cleaned) > MAX_INSTRUCTIONS:
        notes.guess(
            "instructions-merged",
            f"{len(cleaned)} instructions; the last ones are merged to keep {MAX_INSTRUCTIONS}",
        )
        tail = _text(" ".join(cleaned[MAX_INSTRUCTIONS - 1 :]), MAX_TEXT) or ""
        cleaned = [*cleaned[: MAX_INSTRUCTIONS - 1], tail]
    return tuple(cleaned)


def _stretch_id(
    source_id: str | None, name: str, index: int, used_ids: dict[str, int], notes: _Entry
) -> str:
    base = slugify(source_id) if source_id else ""
    if not base:
        base = slugify(name)
        if source_id is None:
            notes.guess("id-from-name", f"no id; {base or 'a number'} used")
        else:
            notes.guess("id-from-name", f"the id {source_id!r} has no letters or digits to keep")
    if not base:
        base = f"exercise-{index + 1}"
    candidate = base
    n = used_ids.get(base, 2)
    while candidate in used_ids:
        suffix = f"-{n}"
        candidate = base[: 64 - len(suffix)].rstrip("-") + suffix
        n += 1
    if candidate != base:
        # The next suffix to try for this base: 20,000 copies of one id stay linear.
        used_ids[base] = n
    if candidate != base:
        notes.guess("id-renamed", f"{base!r} is taken; renamed to {candidate!r}")
    return candidate


def _position(instructions: Sequence[str], name: str, notes: _Entry) -> StartPosition:
    """The start position: the first sentence that names one wins; strong wording before weak."""
    for step_index, step in enumerate(instructions):
        for sentence in _SENTENCE.split(step):
            found = _position_in(_OTHER_PERSON.sub(" ", sentence))
            if found is None:
                continue
            position, phrase, weak = found
            if weak:
                notes.guess(
                    "position-guessed",
                    f"{phrase!r} read as {position.value} (the wording does not say exactly)",
                )
            elif step_index > 0:
                notes.guess(
                    "position-late",
                    f"the first step names no position; {phrase!r} read as {position.value}",
                )
            elif re.search(
                rf"\bif you(?:'re| are)?\b[^.]{{0,20}}{re.escape(phrase)}", sentence, re.I
            ):
                notes.guess("position-guessed", f"{phrase!r} is only an option; read as a start")
            return position
    for pattern, position in _NAME_POSITIONS:
        if pattern.search(name):
            notes.guess(
                "position-from-name", f"no position in the prose; the name says {position.value}"
            )
            return position
    notes.guess("position-defaulted", "no position in the prose or the name; standing assumed")
    return StartPosition.STANDING


def _position_in(sentence: str) -> tuple[StartPosition, str, bool] | None:
    best: tuple[int, StartPosition, str] | None = None
    for weak_pass in (False, True):
        for pattern, position, weak in _POSITION_RULES:
            if weak is not weak_pass:
                continue
            match = pattern.search(sentence)
            if match and (best is None or match.start() < best[0]):
                best = (match.start(), position, match.group(0))
        if best is not None:
            return best[1], best[2], weak_pass
    return None


def _sides(prose: str, notes: _Entry) -> Sides:
    if _ALTERNATING.search(prose):
        notes.guess("sides-alternating", "alternating sides: both sides are counted as one dose")
        return Sides.BOTH
    if _EACH_SIDE.search(prose):
        return Sides.EACH
    if _BOTH_LIMBS.search(prose):
        return Sides.BOTH
    one = _ONE_SIDE.search(prose)
    if one:
        notes.guess("sides-guessed", f"{one.group(0)!r} but no switch named; each side assumed")
        return Sides.EACH
    return Sides.NONE


def _number(token: str | None) -> int | None:
    if token is None:
        return None
    token = token.lower()
    return int(token) if token.isdigit() else _WORDS.get(token)


def _range(match: re.Match[str]) -> tuple[int, int | None]:
    low = _number(match.group(1)) or 0
    high = _number(match.group(2))
    return low, high


def _dose(prose: str, notes: _Entry) -> tuple[Part, ...]:
    """Holds and repetitions from the prose, in the order the text gives them."""
    found: list[tuple[int, Part]] = []
    reps = next(
        (m for m in _REPS.finditer(prose) if not _DEFINITION.search(prose[: m.start()])), None
    )
    vague = _VAGUE_REPS.search(prose)
    short_hold: int | None = None
    for match in _DURATION.finditer(prose):
        low, high = _range(match)
        if match.group(3).lower().startswith("m"):
            low, high = low * 60, None if high is None else high * 60
        seconds = min(max(low, 1), MAX_SECONDS)
        if seconds != low:
            notes.guess("dose-clamped", f"{match.group(0)!r} read as {seconds} s")
        if high is not None and high != low:
            notes.guess("dose-range", f"{match.group(0)!r}: the lower bound, {seconds} s, is used")
        if (reps or vague) and seconds <= 5 and short_hold is None:
            short_hold = seconds
            continue
        found.append((match.start(), Hold(seconds=seconds)))
    if reps or vague:
        if reps:
            low, high = _range(reps)
            count = min(max(low, 1), 1000)
            if count != low:
                notes.guess("dose-clamped", f"{reps.group(0)!r} read as {count} repetitions")
            if high is not None and high != low:
                notes.guess("dose-range", f"{reps.group(0)!r}: the lower bound, {count}, is used")
            at = reps.start()
        else:
            count = DEFAULT_REPS
            notes.guess("reps-count", f"no number of repetitions; {DEFAULT_REPS} assumed")
            at = vague.start() if vague else 0
        notes.guess("reps-tempo", f"no time per repetition; {SECONDS_PER_REP} s assumed")
        found.append(
            (at, Reps(count=count, seconds_per_rep=SECONDS_PER_REP, hold_seconds=short_hold or 0))
        )
    found.sort(key=lambda item: item[0])
    parts = tuple(p for _, p in found[:6])
    if parts:
        return parts
    if _MOVING.search(prose):
        notes.guess(
            "dose-defaulted",
            f"no hold or count in the prose; a movement, so {DEFAULT_REPS} repetitions of "
            f"{SECONDS_PER_REP} s assumed",
        )
        return (Reps(count=DEFAULT_REPS, seconds_per_rep=SECONDS_PER_REP),)
    notes.guess("dose-defaulted", f"no hold or count in the prose; a {DEFAULT_HOLD} s hold assumed")
    return (Hold(seconds=DEFAULT_HOLD),)


def _describe_part(part: Part) -> str:
    if isinstance(part, Hold):
        return f"hold {part.seconds} s"
    if isinstance(part, Reps):
        extra = f" + hold {part.hold_seconds} s" if part.hold_seconds else ""
        return f"reps {part.count} x {part.seconds_per_rep} s{extra}"
    return type(part).__name__  # pragma: no cover - the importer makes holds and reps only


def _equipment(value: object, prose: str, notes: _Entry) -> tuple[str, ...]:
    declared: list[str] = []
    values: Iterable[object] = value if isinstance(value, list | tuple) else [value]
    other = False
    for item in values:
        if item is None:
            continue
        text = _text(item, 100) if isinstance(item, str) else None
        if text is None:
            notes.problem("equipment-wrong-type", f"equipment {_kind(item)} ignored")
            continue
        key = text.lower()
        if key == "other":
            other = True
        elif key in EQUIPMENT:
            declared.extend(EQUIPMENT[key])
        elif slugify(key):
            declared.append(slugify(key))
            notes.guess("equipment-unmapped", f"equipment {text!r} kept as {slugify(key)!r}")
    from_prose: list[str] = []
    for sentence in _SENTENCE.split(prose):
        if _OPTIONAL_AID.search(sentence):
            continue
        found = sorted(
            (m.start(), m.end(), slug)
            for pattern, slug in _PROSE_EQUIPMENT
            for m in pattern.finditer(sentence)
        )
        previous: tuple[int, int, str] | None = None
        for start, end, slug in found:
            if (
                previous
                and slug != previous[2]
                and _ALTERNATIVE.match(sentence[previous[1] : start])
            ):
                notes.guess(
                    "equipment-alternative",
                    f"{sentence[previous[0] : end]!r}: the first, {previous[2]}, is used",
                )
                continue
            from_prose.append(slug)
            previous = (start, end, slug)
        if "strap" not in from_prose and _BAND_ALONE.search(sentence) and "band" not in declared:
            from_prose.append("band")
    added = [e for e in dict.fromkeys(from_prose) if e not in declared]
    if added:
        notes.guess("equipment-from-prose", "the instructions name " + ", ".join(added))
    if other and not declared and not added:
        notes.guess("equipment-unknown", "the source says 'other' and the prose names nothing")
    return tuple(dict.fromkeys([*declared, *added]))


def _targets(entry: dict[str, Any], notes: _Entry) -> tuple[str, ...]:
    targets: list[str] = []
    for key in ("primaryMuscles", "secondaryMuscles"):
        value = entry.get(key)
        if value is None:
            continue
        items: Iterable[object] = value if isinstance(value, list | tuple) else [value]
        for item in items:
            text = _text(item, 100) if isinstance(item, str) else None
            if text is None:
                notes.problem("muscle-wrong-type", f"{key}: {_kind(item)} ignored")
                continue
            slug = MUSCLES.get(text.lower())
            if slug is None:
                slug = slugify(text)
                if not slug:
                    notes.problem("muscle-unreadable", f"{key}: {text!r} ignored")
                    continue
                notes.guess("target-unmapped", f"muscle {text!r} kept as {slug!r}")
            targets.append(slug)
    if not targets:
        notes.guess("no-targets", "no muscles named; the stretch has no targets")
    return tuple(dict.fromkeys(targets))


def _media(value: object, name: str, image_base: str, notes: _Entry) -> tuple[Media, ...]:
    if value is None:
        return ()
    items: Iterable[object] = value if isinstance(value, list | tuple) else [value]
    paths = [p for p in (_text(i, MAX_TEXT - len(image_base)) for i in items) if p is not None]
    media = []
    for number, path in enumerate(paths[:20], start=1):
        url = path if re.match(r"^[a-z][a-z0-9+.-]*://", path, re.I) else image_base + path
        alt = _text(f"{name}, picture {number} of {len(paths)}", MAX_TEXT) or "A picture"
        media.append(Media(kind=MediaKind.IMAGE, url=url, alt=alt))
    if len(media) < len(paths) or len(paths) < len(list(items)):
        notes.problem("images-dropped", "some images were not text paths or were too many")
    return tuple(media)
