"""Responses as analysis tables: one record per response (its answers and, above the privacy
floor, its component scores), pseudonymised when asked; shared by the Parquet and SPSS/Stata
writers and their codebook."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..core.bulk import Plans
from ..core.model import Questionnaire
from ..core.scoring import ComponentScore
from ..errors import InputError
from ..store import Store
from .common import ExportOptions, Pseudonyms, pseudonymize_session, public_group
from .records import Answer, read_store

# Where and when a session was: the first columns of the response tables and the sessions table.
_SESSION_KEYS = (
    "group_id",
    "group",
    "region",
    "focus",
    "check_id",
    "session_id",
    "date",
    "questionnaire_id",
    "questionnaire_version",
    "questionnaire_hash",
    "language",
)
# Lead columns: who answered, where and when (one value per response).
LEAD_COLUMNS = (*_SESSION_KEYS, "response_id", "role", "respondent_code", "completed")
# The sessions table (Parquet): one row per session, with or without responses.
SESSION_COLUMNS = (*_SESSION_KEYS, "part", "created_at")


@dataclass(frozen=True, slots=True)
class Lead:
    group_id: str
    group: str
    region: str | None
    focus: str | None
    check_id: str | None
    session_id: str
    date: date
    questionnaire_id: str
    questionnaire_version: int
    questionnaire_hash: str
    language: str
    response_id: str
    role: str
    respondent_code: str | None
    completed: bool

    def values(self) -> tuple[object, ...]:
        return tuple(getattr(self, c) for c in LEAD_COLUMNS)


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    lead: Lead
    questionnaire: Questionnaire
    answers: list[Answer]
    scores: dict[str, ComponentScore] | None  # None: left out under the privacy floor


@dataclass
class Responses:
    """The questionnaires used (content hash -> questionnaire) and a one-pass stream of responses."""

    questionnaires: dict[str, Questionnaire]
    records: Iterator[ResponseRecord]
    floor: int
    # one row per session as records streams (those without responses too): SESSION_COLUMNS
    sessions: list[tuple[object, ...]] = field(default_factory=list)


def read_responses(store: Store, options: ExportOptions) -> Responses:
    data = read_store(store, options.group_id, options.since)
    if not data.questionnaires:
        raise InputError("nothing to export: no sessions match (check --group and --since)")
    names = Pseudonyms.for_store(store) if options.pseudonymize else None
    groups = {gid: public_group(g, names) for gid, g in data.groups.items()}
    floor = store.privacy_floor()
    sessions: list[tuple[object, ...]] = []

    def stream() -> Iterator[ResponseRecord]:
        cache = Plans()
        for session in data.sessions:
            q = data.questionnaires[session.questionnaire_hash]
            g = groups[session.group_id]
            pseudonymize_session(session, names)
            members = sum(1 for r in session.responses if r.role == "member" and r.answers)
            under_floor = q.role == "member" and members < floor
            day = date.fromisoformat(session.date)
            sessions.append(
                (g.id, g.name, g.region or None, g.focus or None, session.check_id, session.id, day)
                + (session.questionnaire_id, session.questionnaire_version)
                + (session.questionnaire_hash, session.language, q.role, session.created_at)
            )
            for r in session.responses:
                lead = Lead(
                    g.id,
                    g.name,
                    g.region or None,
                    g.focus or None,
                    session.check_id,
                    session.id,
                    day,
                    session.questionnaire_id,
                    session.questionnaire_version,
                    session.questionnaire_hash,
                    session.language,
                    r.id,
                    r.role,
                    r.respondent_code,
                    r.completed_at is not None,
                )
                hidden = under_floor and r.role == "member"
                scores = None if hidden else cache.response(q, r.values())
                yield ResponseRecord(lead, q, r.answers, scores)

    return Responses(data.questionnaires, stream(), floor, sessions)


def timestamp(text: str) -> datetime:
    """A stored ISO 8601 time as an aware UTC datetime."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def version_names(questionnaires: dict[str, Questionnaire], sep: str = "_") -> dict[str, str]:
    """content hash -> '<id>_v<version>', with the hash's first 8 digits added when two
    different documents claim one id and version (an edited file whose version was not raised),
    so two versions are never merged under one name."""
    count: dict[tuple[str, int], int] = {}
    for q in questionnaires.values():
        count[(q.id, q.version)] = count.get((q.id, q.version), 0) + 1
    names = {}
    for h, q in questionnaires.items():
        name = f"{q.id}{sep}v{q.version}"
        names[h] = name + f"{sep}{h[:8]}" if count[(q.id, q.version)] > 1 else name
    return names


def variable_names(item_ids: list[str], taken: set[str], limit: int = 32) -> dict[str, str]:
    """Item id -> a variable name SPSS and Stata accept (letters, digits, _; a letter first;
    at most `limit` characters), unique among `taken` and each other."""
    out: dict[str, str] = {}
    used = set(taken)
    for item_id in item_ids:
        base = re.sub(r"[^A-Za-z0-9_]", "_", item_id)
        if not base[:1].isalpha():
            base = "i_" + base
        base = base[:limit]
        name, n = base, 1
        while name.lower() in {u.lower() for u in used}:
            n += 1
            name = f"{base[: limit - len(str(n)) - 1]}_{n}"
        used.add(name)
        out[item_id] = name
    return out
