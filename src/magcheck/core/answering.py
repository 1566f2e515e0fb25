"""Answer-file parsing and resume logic shared by the CLI and the app (no I/O of its own)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem, QuestionnaireError
from .model import DONT_KNOW, NOT_APPLICABLE, PREFER_NOT_TO_SAY, Questionnaire
from .yamlsource import LineDict, load_file

# Words an answer file may use for each non-answer (compared in lower case).
NON_ANSWER_WORDS = {
    PREFER_NOT_TO_SAY: ("prefer_not_to_say", "prefer not to say", "skip", "skipped"),
    DONT_KNOW: ("dont_know", "don't know", "do not know"),
    NOT_APPLICABLE: ("not_applicable", "doesn't apply", "does not apply", "n/a"),
}


def non_answer_of(word: str) -> str | None:
    low = word.strip().lower()
    return next((kind for kind, words in NON_ANSWER_WORDS.items() if low in words), None)


def read_answer_file(path: Path, q: Questionnaire) -> dict[str, int | str | None]:
    """A YAML/JSON mapping of item id -> value, or a non-answer the scale offers
    (prefer_not_to_say, dont_know, not_applicable; null = prefer not to say).

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
    out: dict[str, int | str | None] = {}
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
        kind = non_answer_of(value) if isinstance(value, str) else None
        if value is None:
            out[field] = None
        elif kind is not None and (kind == PREFER_NOT_TO_SAY or kind in q.scale.non_answers):
            out[field] = kind
        elif kind is not None:
            problems.append(Problem(name, line, field, f"'{value}' is not offered by this scale"))
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


# The key for each non-answer, typed on a line (CLI) or pressed (app).
NON_ANSWER_KEYS = {PREFER_NOT_TO_SAY: "0", DONT_KNOW: "d", NOT_APPLICABLE: "n"}


def parse_typed_answer(text: str, q: Questionnaire) -> int | str:
    """What a typed line means: a value, a non-answer kind the scale offers (e.g. 'dont_know'),
    'back', 'quit' or 'invalid'."""
    word = text.strip().lower()
    if word in ("b", "back", "<"):
        return "back"
    if word in ("q", "quit", "exit"):
        return "quit"
    if word == "s" and q.scale.prefer_not_to_say:
        return PREFER_NOT_TO_SAY
    for kind in q.scale.non_answers:
        if word == NON_ANSWER_KEYS[kind]:
            return kind
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
