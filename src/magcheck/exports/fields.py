"""The rules every field of an incoming bundle record must meet, each failure named by its path.

Plain functions over parsed JSON: `re.fullmatch` only (a `$` would let "abc\\n" through), ASCII
digits only in dates and times (`\\d` and `date.fromisoformat` accept other scripts' digits or
loose forms), integers that are not booleans, and no field a reader does not know.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from ..core.checking import check
from ..core.model import Questionnaire
from ..core.yamlsource import LineDict, LineList

ID = re.compile(r"[0-9a-f]{32}")
HASH = re.compile(r"[0-9a-f]{64}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
MAX_TEXT = 10_000


class Invalid(Exception):
    """One field that breaks a rule; str() is `path: what is wrong`."""


def shown(value: Any, limit: int = 40) -> str:
    """A value quoted for a message: anything unprintable as \\uXXXX, long text cut."""
    text = value if isinstance(value, str) else repr(value)
    out = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text[:limit])
    return f"'{out}{'...' if len(text) > limit else ''}'"


def printable(message: str) -> str:
    """A message that is safe to print: nothing in it can act as a terminal control."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in message)


def need(cond: bool, where: str, what: str) -> None:
    if not cond:
        raise Invalid(f"{where}: {what}")


def obj(value: Any, where: str, allowed: Iterable[str] | None = None) -> dict[str, Any]:
    """An object; with allowed, one holding no other keys."""
    need(isinstance(value, dict), where, "must be an object")
    if allowed is not None:
        for key in value:
            if key not in allowed:
                raise Invalid(f"{where}.{shown(key)[1:-1]}: is not a field of this record")
    return value  # type: ignore[no-any-return]


def array(value: Any, where: str) -> list[Any]:
    need(isinstance(value, list), where, "must be a list")
    return value  # type: ignore[no-any-return]


def text(d: dict[str, Any], key: str, where: str, optional: bool = False) -> Any:
    value: Any = d.get(key)
    if value is None and optional:
        need(key in d, f"{where}.{key}", "is missing (null when not set)")
        return None
    need(key in d, f"{where}.{key}", "is missing")
    need(isinstance(value, str) and value != "", f"{where}.{key}", "must be text")
    need(len(value) <= MAX_TEXT, f"{where}.{key}", f"is longer than {MAX_TEXT} characters")
    return value


def ident(d: dict[str, Any], key: str, where: str) -> str:
    value = text(d, key, where)
    need(ID.fullmatch(value) is not None, f"{where}.{key}", "must be a 32-character hex id")
    return value  # type: ignore[no-any-return]


def content_hash(d: dict[str, Any], key: str, where: str) -> str:
    value = text(d, key, where)
    need(HASH.fullmatch(value) is not None, f"{where}.{key}", "must be a 64-character hex hash")
    return value  # type: ignore[no-any-return]


def day(d: dict[str, Any], key: str, where: str) -> str:
    value = text(d, key, where)
    ok = DATE.fullmatch(value) is not None
    if ok:
        try:
            date.fromisoformat(value)
        except ValueError:
            ok = False
    if not ok:
        raise Invalid(f"{where}.{key}: {shown(value)} is not a date like 2026-03-14")
    return value  # type: ignore[no-any-return]


def is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or TIMESTAMP.fullmatch(value) is None:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def timestamp(d: dict[str, Any], key: str, where: str, optional: bool = False) -> Any:
    value = text(d, key, where, optional)
    if value is not None and not is_timestamp(value):
        raise Invalid(f"{where}.{key}: {shown(value)} is not a time like 2026-03-14T18:30:00+00:00")
    return value


def integer(d: dict[str, Any], key: str, where: str, low: int = 0) -> int:
    value: Any = d.get(key)
    need(
        isinstance(value, int) and not isinstance(value, bool) and low <= value < 2**31,
        f"{where}.{key}",
        f"must be a whole number from {low}",
    )
    return value  # type: ignore[no-any-return]


def boolean(d: dict[str, Any], key: str, where: str) -> bool:
    need(isinstance(d.get(key), bool), f"{where}.{key}", "must be true or false")
    return d[key]  # type: ignore[no-any-return]


SCORE_FIELDS = ("score", "n", "band", "facilitator", "facilitator_n", "member", "member_n", "gap")
BANDS = ("strong", "developing", "weak", "missing", "insufficient")


def score_value(value: Any, where: str, low: int = 0) -> None:
    need(
        value is None
        or (isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= 100),
        where,
        f"must be a number from {low} to 100, or null",
    )


def scores(value: Any, where: str, components: tuple[str, ...], session: bool) -> None:
    """Scores a reader of the file sees (import recomputes them): of known components, in range."""
    for comp, s in obj(value, where).items():
        if comp not in components:
            raise Invalid(f"{where}.{shown(comp)[1:-1]}: is not a component of the questionnaire")
        cw = f"{where}.{comp}"
        if not session:
            score_value(s, cw)
            continue
        obj(s, cw, SCORE_FIELDS)
        for key in SCORE_FIELDS:
            need(key in s, f"{cw}.{key}", "is missing")
        for key in ("n", "facilitator_n", "member_n"):
            integer(s, key, cw)
        need(s["band"] in BANDS, f"{cw}.band", f"must be one of {', '.join(BANDS)}")
        for key in ("score", "facilitator", "member"):
            score_value(s[key], f"{cw}.{key}")
        score_value(s["gap"], f"{cw}.gap", low=-100)


def _lined(value: Any) -> Any:
    """JSON as the YAML checker sees it (mappings and lists that know their lines: none here)."""
    if isinstance(value, dict):
        out = LineDict((k, _lined(v)) for k, v in value.items())
        out.key_lines, out.duplicate_keys = {}, []
        return out
    if isinstance(value, list):
        seq = LineList(_lined(v) for v in value)
        seq.item_lines = [0] * len(seq)
        return seq
    return value


def questionnaire(qd: Any, where: str) -> Questionnaire:
    """A bundle's questionnaire document, held to every rule a questionnaire file is held to, and
    its stated content_hash recomputed from the content: a mismatch rejects the file."""
    obj(qd, where)
    stated = content_hash(qd, "content_hash", where)
    body = {k: v for k, v in qd.items() if k != "content_hash"}
    if body.get("description") == {}:
        del body["description"]  # written for a questionnaire without an introduction
    q, problems = check(_lined(body), where)
    if problems:
        p = problems[0]
        raise Invalid(f"{where}.{p.field}: {p.message}")
    assert q is not None
    need(
        q.content_hash == stated,
        f"{where}.content_hash",
        f"does not match its content (stated {stated[:8]}…, computed {q.content_hash[:8]}…)",
    )
    return q
