"""The one text policy: what names and texts may hold, when two names look alike, how data is shown.

Every entry point (CLI arguments, the app's dialogs, questionnaire files, imported bundles) passes
text through `clean_name` or `clean_text`; every output of data to a terminal passes through
`shown`. Rules:

- Text is NFC-normalised and its whitespace collapsed to single spaces.
- Refused everywhere: C0/C1 control characters and DEL (ESC starts terminal escape sequences),
  bidi controls (they reorder what is shown), zero-width and other invisible characters (they
  make two names look alike), variation selectors other than the emoji ones (U+FE0E, U+FE0F),
  line/paragraph separators, private-use, surrogate and unassigned code points.
- Names and codes are one line: tab and newline are refused too. Longer texts (questionnaire
  titles, descriptions, item texts, labels) may be written over several lines in YAML (folded and
  literal blocks end in a newline), so tab, newline and carriage return are allowed there and
  become spaces like any other whitespace: every text is shown as one paragraph.
- `fold` is the key for "these two names look the same": NFKC, case folding, and the UTS #39
  confusable skeleton (data/confusables.tsv, generated from Unicode's confusables.txt by
  tools/make_confusables.py).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from .errors import InputError

_BIDI = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_INVISIBLE = frozenset(
    [
        0x00AD,  # soft hyphen
        0x034F,  # combining grapheme joiner
        0x115F,  # Hangul fillers: letters that draw nothing
        0x1160,
        0x3164,
        0xFFA0,
        0x17B4,  # Khmer inherent vowels: invisible
        0x17B5,
        0x180E,  # Mongolian vowel separator
        *range(0x180B, 0x1810),  # Mongolian variation selectors
        *range(0x200B, 0x200E),  # zero width space, non-joiner, joiner
        *range(0x2060, 0x2065),  # word joiner, invisible operators
        0x2800,  # braille blank
        0xFEFF,  # zero width no-break space (BOM)
        *range(0xFE00, 0xFE0E),  # variation selectors (FE0E/FE0F pick text/emoji style: allowed)
        *range(0xE0100, 0xE01F0),  # variation selectors supplement
    ]
)
_BAD_CATEGORIES = frozenset(["Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"])
_MULTILINE_OK = frozenset("\t\n\r")


def _refused(ch: str) -> bool:
    cp = ord(ch)
    return cp in _BIDI or cp in _INVISIBLE or unicodedata.category(ch) in _BAD_CATEGORIES


def describe(ch: str) -> str:
    """U+001B (ESCAPE): how a refused or escaped character is named to a person."""
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ord(ch), "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


# unicodedata has no names for control characters; these are the ones people meet.
_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
    0x9B: "CONTROL SEQUENCE INTRODUCER",
    0x9D: "OPERATING SYSTEM COMMAND",
}


def _check(value: object, field: str, allowed: frozenset[str]) -> str:
    if not isinstance(value, str):
        raise InputError(f"{field}: must be text")
    for i, ch in enumerate(value, 1):
        if ch not in allowed and _refused(ch):
            raise InputError(f"{field}: {describe(ch)} at position {i} is not allowed")
    return " ".join(unicodedata.normalize("NFC", value).split())


def clean_name(value: object, field: str) -> str:
    """A one-line name or code, NFC with single spaces; InputError naming the field and character.

    The position counts characters of the value as given, from 1.
    """
    return _check(value, field, frozenset())


def clean_text(value: object, field: str) -> str:
    """A longer text (title, description, item text, label): as clean_name, but it may have been
    written over several lines (tab, newline and carriage return become spaces)."""
    return _check(value, field, _MULTILINE_OK)


def problem_in(value: str, multiline: bool = False) -> str | None:
    """The refusal for a text without the field ('U+001B (ESCAPE) at position 5 is not allowed'),
    or None when the text is acceptable: for validators that collect problems."""
    try:
        _check(value, "", _MULTILINE_OK if multiline else frozenset())
    except InputError as exc:
        return str(exc).removeprefix(": ")
    return None


# -- looking alike ------------------------------------------------------------------------------


@cache
def _confusables() -> dict[str, str]:
    from .paths import package_data

    table: dict[str, str] = {}
    with package_data("confusables.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            source, target = line.rstrip("\n").split("\t")
            table[chr(int(source, 16))] = "".join(chr(int(h, 16)) for h in target.split())
    return table


def _skeleton(text: str) -> str:
    table = _confusables()
    mapped = "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


def fold(name: str) -> str:
    """The comparison key of a name: two names with the same key look the same to a reader.

    NFKC (compatibility forms: full-width, ligatures), case folding, and the UTS #39 skeleton
    (Cyrillic 'а' and Greek 'ο' read as Latin 'a' and 'o'), applied before and after case folding
    so that both 'I'/'l' and 'A'/'a' meet.
    """
    text = " ".join(unicodedata.normalize("NFKC", name).split())
    return _skeleton(_skeleton(text).casefold())


# -- showing ------------------------------------------------------------------------------------


def _escaped(ch: str) -> str:
    return f"<U+{ord(ch):04X}>"


def shown(text: object) -> str:
    """What a data text becomes before it reaches a terminal: every control, bidi, zero-width or
    otherwise invisible character is replaced by a visible <U+XXXX>, newlines and tabs included,
    so no byte of data can act as a terminal control sequence or reorder a line."""
    value = text if isinstance(text, str) else str(text)
    if value.isascii() and value.isprintable():
        return value  # the common case, quickly
    return "".join(_escaped(ch) if _refused(ch) else ch for ch in value)


def shown_lines(text: object) -> str:
    """shown() for text of several lines: line breaks (\n, \r\n) stay, all else is escaped."""
    value = text if isinstance(text, str) else str(text)
    lines = []
    for line in value.split("\n"):
        if line.endswith("\r"):
            lines.append(shown(line[:-1]) + "\r")
        else:
            lines.append(shown(line))
    return "\n".join(lines)


def json_shown(dumped: str) -> str:
    """JSON text with every character shown() would escape written as a \\uXXXX escape instead:
    the same data to a JSON reader, nothing a terminal acts on."""
    if dumped.isascii() and dumped.isprintable():
        return dumped
    out: list[str] = []
    for ch in dumped:
        if ch not in "\n" and _refused(ch):
            encoded = ch.encode("utf-16-be", "surrogatepass")
            out.extend(
                f"\\u{int.from_bytes(encoded[i : i + 2]):04x}" for i in (0, 2)[: len(encoded) // 2]
            )
        else:
            out.append(ch)
    return "".join(out)
