"""Answer-file parsing and resume logic shared by the CLI and the app (no I/O of its own)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem, QuestionnaireError
from .model import Questionnaire
from .yamlsource import LineDict, load_file

PREFER_NOT_WORDS = ("prefer_not_to_say", "prefer not to say", "skip", "skipped")


def read_answer_file(path: Path, q: Questionnaire) -> dict[str, int | None]:
    """A YAML/JSON mapping of item id -> value (null or 'prefer_not_to_say' = missing).

    Raises QuestionnaireError listing every problem with file:line: field.
    """
    doc, problems = load_file(path)
    name = str(path)
    if not problems and not isinstance(doc, LineDict):
        problems = [
            Problem(name, 1, "(top)", "must be a mapping of item id to value, e.g. coping_1: 4")
        ]
    if problems:
        raise QuestionnaireError(problems)
    known = {it.id for it in q.items}
    lo, hi = q.scale.min, q.scale.max
    out: dict[str, int | None] = {}
    for key, line in doc.duplicate_keys:
        problems.append(Problem(name, line, str(key), "answered twice"))
    for key, value in doc.items():
        line = doc.key_lines.get(key)
        field = str(key)
        if field not in known:
            problems.append(
                Problem(name, line, field, f"no item '{field}' in questionnaire '{q.id}'")
            )
            continue
        if value is None or (isinstance(value, str) and value.strip().lower() in PREFER_NOT_WORDS):
            out[field] = None
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(
                Problem(name, line, field, f"'{value}' is not a whole number from {lo} to {hi}")
            )
        elif not lo <= value <= hi:
            problems.append(Problem(name, line, field, f"{value} is outside the scale {lo}..{hi}"))
        else:
            out[field] = value
    if problems:
        raise QuestionnaireError(problems)
    return out


def parse_typed_answer(text: str, q: Questionnaire) -> int | None | str:
    """What a typed line means: a value, None (prefer not to say), 'back', 'quit' or 'invalid'."""
    word = text.strip().lower()
    if word in ("b", "back", "<"):
        return "back"
    if word in ("q", "quit", "exit"):
        return "quit"
    if word in ("0", "s") and q.scale.prefer_not_to_say:
        return None
    try:
        value = int(word)
    except ValueError:
        return "invalid"
    return value if q.scale.min <= value <= q.scale.max else "invalid"


def check_language(q: Questionnaire, lang: str) -> str:
    if lang not in q.languages:
        raise InputError(
            f"questionnaire '{q.id}' has no '{lang}' text (it has {', '.join(q.languages)})"
        )
    return lang
