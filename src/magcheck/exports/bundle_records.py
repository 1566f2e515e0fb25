"""A bundle's records checked field by field (groups, questionnaires, sessions, responses,
answers), each failure named by its path; nothing is written. reading.py checks the file."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..core.model import PREFER_NOT_TO_SAY, ROLES, Questionnaire
from ..errors import InputError, MagcheckError
from ..store import Group, check_respondent_code
from ..text import clean_name
from . import fields
from .fields import (
    Invalid,
    array,
    ident,
    is_timestamp,
    need,
    obj,
    shown,
    text,
    timestamp,
)
from .records import ResponseRecord, SessionRecord

_Invalid = Invalid
_need = need

GROUP_FIELDS = ("id", "name", "region", "focus", "created_at")
SESSION_FIELDS = (
    "id",
    "group_id",
    "date",
    "language",
    "questionnaire_id",
    "questionnaire_version",
    "questionnaire_hash",
    "created_at",
    "closed_at",
    "check_id",
    "scores",
    "responses",
)
RESPONSE_FIELDS = (
    "id",
    "role",
    "respondent_code",
    "started_at",
    "completed_at",
    "answers",
    "scores",
)


def _text(d: dict[str, Any], key: str, where: str, optional: bool = False) -> Any:
    return text(d, key, where, optional)


def _id(d: dict[str, Any], key: str, where: str) -> str:
    return ident(d, key, where)


def _obj(value: Any, where: str, allowed: tuple[str, ...] | None = None) -> dict[str, Any]:
    return obj(value, where, allowed)


def _list(value: Any, where: str) -> list[Any]:
    return array(value, where)


def _questionnaires(doc: dict[str, Any]) -> dict[str, Questionnaire]:
    """Each questionnaire checked like a questionnaire file, under the hash of its content."""
    out: dict[str, Questionnaire] = {}
    for i, qd in enumerate(_list(doc.get("questionnaires"), "questionnaires")):
        where = f"questionnaires[{i}]"
        q = fields.questionnaire(qd, where)
        _need(q.content_hash not in out, f"{where}.content_hash", "appears twice in the file")
        out[q.content_hash] = replace(q, source=f"bundle:{q.content_hash[:12]}")
    return out


def _clean(value: str, where: str) -> str:
    """The text policy for a name from a file: the refusal names the record and field."""
    try:
        return clean_name(value, where)
    except InputError as exc:
        raise _Invalid(str(exc)) from None


def _groups(doc: dict[str, Any]) -> dict[str, Group]:
    out: dict[str, Group] = {}
    for i, gd in enumerate(_list(doc.get("groups"), "groups")):
        where = f"groups[{i}]"
        _obj(gd, where, GROUP_FIELDS)
        gid = _id(gd, "id", where)
        _need(gid not in out, f"{where}.id", "appears twice in the file")
        name = _clean(_text(gd, "name", where), f"{where}.name")
        _need(0 < len(name) <= 80, f"{where}.name", "must be 1 to 80 characters")
        region = _text(gd, "region", where, optional=True)
        focus = _text(gd, "focus", where, optional=True)
        out[gid] = Group(
            gid,
            name,
            None if region is None else _clean(region, f"{where}.region"),
            None if focus is None else _clean(focus, f"{where}.focus"),
            timestamp(gd, "created_at", where),
        )
    return out


def _session(
    sd: Any,
    where: str,
    groups: dict[str, Group],
    qs: dict[str, Questionnaire],
    stamps: set[str] | None = None,
) -> SessionRecord:
    """stamps: answered_at values already found valid (a file's answers share few times)."""
    stamps = set() if stamps is None else stamps
    _obj(sd, where, SESSION_FIELDS)
    gid = _id(sd, "group_id", where)
    _need(gid in groups, f"{where}.group_id", "is not among the file's groups")
    h = fields.content_hash(sd, "questionnaire_hash", where)
    _need(h in qs, f"{where}.questionnaire_hash", "is not among the file's questionnaires")
    q = qs[h]
    date = fields.day(sd, "date", where)
    language = _text(sd, "language", where)
    if language not in q.languages:
        raise Invalid(f"{where}.language: {shown(language)} is not a language of the questionnaire")
    _need(
        sd.get("questionnaire_id") == q.id,
        f"{where}.questionnaire_id",
        "is not its questionnaire's",
    )
    version = sd.get("questionnaire_version")
    _need(
        version == q.version and not isinstance(version, bool),
        f"{where}.questionnaire_version",
        "is not its questionnaire's",
    )
    check_id = sd.get("check_id")
    if check_id is not None:
        check_id = _id(sd, "check_id", where)
    session = SessionRecord(
        _id(sd, "id", where),
        gid,
        date,
        language,
        q.id,
        q.version,
        h,
        timestamp(sd, "created_at", where),
        timestamp(sd, "closed_at", where, optional=True),
        check_id,
        q.role,
    )
    kinds = (PREFER_NOT_TO_SAY, *q.scale.non_answers)
    fields.scores(sd.get("scores"), f"{where}.scores", q.components, session=True)
    items = {it.id for it in q.items}
    lo, hi = q.scale.min, q.scale.max
    for j, rd in enumerate(_list(sd.get("responses"), f"{where}.responses")):
        rw = f"{where}.responses[{j}]"
        _obj(rd, rw, RESPONSE_FIELDS)
        role = rd.get("role")
        _need(role in ROLES, f"{rw}.role", f"must be one of {', '.join(ROLES)}")
        _need("respondent_code" in rd, f"{rw}.respondent_code", "is missing (null when not set)")
        code = rd.get("respondent_code")
        try:
            code = check_respondent_code(rd.get("respondent_code"))
        except MagcheckError as exc:
            raise _Invalid(f"{rw}.respondent_code: {exc}") from None
        response = ResponseRecord(
            _id(rd, "id", rw),
            role,
            code,
            timestamp(rd, "started_at", rw),
            timestamp(rd, "completed_at", rw, optional=True),
        )
        fields.scores(rd.get("scores"), f"{rw}.scores", q.components, session=False)
        seen: set[str] = set()
        answers = response.answers
        for k, a in enumerate(_list(rd.get("answers"), f"{rw}.answers")):
            # one test for the million good answers; the reason is worked out for a bad one
            if not (
                type(a) is list
                and (len(a) == 3 or (len(a) == 4 and a[1] is None and a[3] in kinds))
                and type(a[0]) is str
                and a[0] in items
                and a[0] not in seen
                and (a[1] is None or (type(a[1]) is int and lo <= a[1] <= hi))
                and type(a[2]) is str
                and (a[2] in stamps or is_timestamp(a[2]))
            ):
                _bad_answer(a, f"{rw}.answers[{k}]", q, seen)
            item, value, answered = a[0], a[1], a[2]
            seen.add(item)
            if answered not in stamps:
                if len(stamps) > 4096:
                    stamps.clear()
                stamps.add(answered)
            missing = None if value is not None else (a[3] if len(a) == 4 else PREFER_NOT_TO_SAY)
            answers.append((item, value, answered, missing))
        session.responses.append(response)
    return session


def _bad_answer(a: Any, where: str, q: Questionnaire, seen: set[str]) -> None:
    """Raise the reason this answer is refused."""
    _need(
        isinstance(a, list) and len(a) in (3, 4),
        where,
        "must be [item_id, value, answered_at] or [item_id, null, answered_at, kind]",
    )
    item, value, answered = a[0], a[1], a[2]
    if len(a) == 4:
        kinds = (PREFER_NOT_TO_SAY, *q.scale.non_answers)
        _need(value is None, where, "a non-answer's value must be null")
        if a[3] not in kinds:
            raise Invalid(
                f"{where}: {shown(a[3])} is not a non-answer this scale offers ({', '.join(kinds)})"
            )
    if not (isinstance(item, str) and any(item == it.id for it in q.items)):
        raise Invalid(f"{where}: item {shown(item)} is not in questionnaire {q.id} v{q.version}")
    _need(item not in seen, where, f"item '{item}' is answered twice")
    lo, hi = q.scale.min, q.scale.max
    _need(
        value is None
        or (isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi),
        where,
        f"value must be {lo}..{hi} or null",
    )
    raise Invalid(
        f"{where}: answered_at {shown(answered)} is not a time like 2026-03-14T18:30:00+00:00"
    )
