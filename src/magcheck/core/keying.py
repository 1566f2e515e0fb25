"""Keying paper forms: which key means what, and how two keyed passes of a form are compared.

A keyer types one key per item, in the form's order (docs/paper-entry.md):

- a digit on the questionnaire's scale (1..5 for the bundled scale): the box ticked;
- ``0``: "prefer not to say" was ticked;
- ``9``: "doesn't apply" was ticked; ``8``: "don't know" (facilitator forms);
- ``.``: no box ticked (blank). A blank becomes no answer at all once the form is verified.

Each of 0, 8 and 9 is accepted only when the scale offers that choice. The paper form prints the
same codes (``PAPER_CODES``) next to its boxes, so the keyer can check a key against the form.

Everything here is pure: the store keeps the keys (store/entry.py), this module says what they
mean and where two passes disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..text import clean_name, shown
from .model import DONT_KNOW, NOT_APPLICABLE, PERSON_CODE, PREFER_NOT_TO_SAY, Item, Scale

BLANK = "blank"  # no box ticked on paper: kept while keying, no answer row once verified
KEY_PREFER_NOT_TO_SAY = "0"
KEY_DONT_KNOW = "8"
KEY_NOT_APPLICABLE = "9"
KEY_BLANK = "."
# For the printed form and the keyer's sheet: each non-answer's key, in this order.
PAPER_CODES: tuple[tuple[str, str], ...] = (
    (KEY_PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY),
    (KEY_DONT_KNOW, DONT_KNOW),
    (KEY_NOT_APPLICABLE, NOT_APPLICABLE),
    (KEY_BLANK, BLANK),
)
PASSES = (1, 2)

# A keyed value: a point on the scale, or a non-answer kind, or BLANK.
Keyed = int | str

_KEYER_RE = re.compile(PERSON_CODE)


class KeyRefused(InputError):
    """A key that means nothing for this item: nothing moves, nothing is stored."""


def check_keyer_code(code: object) -> str:
    """A keyer's code such as K1 or A-07 (like a respondent code: it holds a digit, so it is
    never a person's name)."""
    if not isinstance(code, str) or not code.strip():
        raise InputError("keyer code: give your keyer code, such as K1 (never your name)")
    code = clean_name(code.strip(), "keyer code")
    if not _KEYER_RE.fullmatch(code):
        raise InputError(
            f"keyer code '{shown(code)}' is not allowed: use up to 16 letters, digits, '-' or "
            "'_', including at least one digit (e.g. K1), never a person's name"
        )
    return code


def check_pass(number: object) -> int:
    if number not in PASSES:
        raise InputError(f"pass: give 1 (first entry) or 2 (blind second entry), not {number!r}")
    return int(number)  # type: ignore[call-overload]


def keymap(scale: Scale) -> dict[str, Keyed]:
    """Every key a keyer may press for an item on this scale, and what it means."""
    if scale.min < 1 or scale.max > 7:
        raise InputError(
            f"this questionnaire's scale runs {scale.min}..{scale.max}: paper entry keys one "
            "digit from 1 to 7 per item (0, 8, 9 are the non-answers)"
        )
    keys: dict[str, Keyed] = {str(p): p for p in scale.points}
    offered = {PREFER_NOT_TO_SAY: scale.prefer_not_to_say, DONT_KNOW: scale.dont_know}
    offered[NOT_APPLICABLE] = scale.not_applicable
    for key, kind in PAPER_CODES:
        if kind == BLANK or offered[kind]:
            keys[key] = kind
    return keys


def read_key(keys: Mapping[str, Keyed], key: str) -> Keyed:
    """What a key means here; anything else is refused, saying which keys work."""
    if key in keys:
        return keys[key]
    raise KeyRefused(f"key '{shown(key)[:8]}' is not one of {legend(keys)}")


def legend(keys: Mapping[str, Keyed]) -> str:
    """``1-5, 0, 9, .``: the keys that work, for messages."""
    points = sorted(int(k) for k, v in keys.items() if isinstance(v, int))
    parts = [f"{points[0]}-{points[-1]}"] if points else []
    return ", ".join(parts + [k for k, v in keys.items() if isinstance(v, str)])


def key_of(value: Keyed) -> str:
    """The key that stands for a keyed value (to show it back, or in a disagreement)."""
    if isinstance(value, int):
        return str(value)
    for key, kind in PAPER_CODES:
        if kind == value:
            return key
    raise ValueError(value)


def as_stored(value: Keyed) -> tuple[int | None, str | None]:
    """(value, missing) columns of paper_values."""
    return (value, None) if isinstance(value, int) else (None, value)


def from_stored(value: int | None, missing: str | None) -> Keyed:
    return value if value is not None else (missing or BLANK)


def as_answer(value: Keyed) -> int | str | None:
    """The answer a verified value becomes: a point, a non-answer kind, or None for a blank
    (no answer row at all)."""
    return None if value == BLANK else value


def next_index(items: Sequence[Item], keyed: Mapping[str, Keyed]) -> int:
    """Where a pass resumes: the first item with no key (len(items) when every item has one)."""
    for i, item in enumerate(items):
        if item.id not in keyed:
            return i
    return len(items)


@dataclass(frozen=True)
class Disagreement:
    """One item the two passes of a form keyed differently."""

    item_id: str
    number: int  # the item's place on the form, from 1
    first: Keyed
    second: Keyed


def compare(
    items: Sequence[Item], first: Mapping[str, Keyed], second: Mapping[str, Keyed]
) -> list[Disagreement]:
    """Item by item, in the form's order: every item whose two keyed values differ."""
    return [
        Disagreement(item.id, n, first[item.id], second[item.id])
        for n, item in enumerate(items, start=1)
        if first.get(item.id) != second.get(item.id)
    ]


def item_ref(items: Sequence[Item], ref: str) -> Item:
    """An item named by its id (M07) or its number on the form (7)."""
    text = ref.strip()
    for item in items:
        if item.id == text:
            return item
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(items):
        return items[int(text) - 1]
    raise InputError(
        f"item '{shown(text)[:20]}': give an item id (such as {items[0].id}) or its number on "
        f"the form (1 to {len(items)})"
    )


def entered_by(first: str, second: str) -> str:
    """responses.entered_by for a verified form: both keyers' codes, pass 1 then pass 2
    ("K1/K2"; "K1/K1" when one person keyed both)."""
    return f"{first}/{second}"
