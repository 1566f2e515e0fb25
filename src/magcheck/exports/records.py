"""Plain records of exported data (groups, sessions, responses, answers) and their reader from a store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..core.documents import from_document
from ..core.model import PREFER_NOT_TO_SAY, Questionnaire
from ..store import Group, Store

# item id, value (None = a non-answer), answered_at, which non-answer (None for a value)
Answer = tuple[str, int | None, str, str | None]


@dataclass(slots=True)
class ResponseRecord:
    id: str
    role: str
    respondent_code: str | None
    started_at: str
    completed_at: str | None
    answers: list[Answer] = field(default_factory=list)

    def values(self) -> dict[str, int | None]:
        return {a[0]: a[1] for a in self.answers}

    def content(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.role,
            self.respondent_code or "",
            self.started_at,
            self.completed_at or "",
            tuple(sorted(self.answers, key=lambda a: a[0])),
        )


@dataclass(slots=True)
class SessionRecord:
    id: str
    group_id: str
    date: str
    language: str
    questionnaire_id: str
    questionnaire_version: int
    questionnaire_hash: str
    created_at: str
    closed_at: str | None
    check_id: str | None = None
    questionnaire_role: str | None = None
    responses: list[ResponseRecord] = field(default_factory=list)

    def row(self) -> tuple[Any, ...]:
        """The sessions table's columns, in order."""
        return (
            self.id,
            self.group_id,
            self.date,
            self.language,
            self.questionnaire_id,
            self.questionnaire_version,
            self.questionnaire_hash,
            self.created_at,
            self.closed_at,
            self.check_id,
            self.questionnaire_role,
        )

    def content(self) -> tuple[Any, ...]:
        """Everything that makes two copies of a session the same session, in a stable order."""
        return (self.row(), tuple(sorted(r.content() for r in self.responses)))


@dataclass
class Dataset:
    """What one export holds; sessions may be a one-pass stream (from a store) or a list."""

    device_id: str
    groups: dict[str, Group]
    questionnaires: dict[str, Questionnaire]
    sessions: Iterable[SessionRecord]


def sessions_from_rows(
    session_rows: Iterable[tuple[Any, ...]], answer_rows: Iterable[tuple[Any, ...]]
) -> Iterator[SessionRecord]:
    """Merge session rows with the answer stream (same order, see Store.iter_export_answers)."""
    answers = iter(answer_rows)
    pending = next(answers, None)
    for row in session_rows:
        session = SessionRecord(*row)
        current: ResponseRecord | None = None
        while pending is not None and pending[0] == session.id:
            _, rid, role, code, started, completed, item, value, answered, missing = pending
            if current is None or current.id != rid:
                current = ResponseRecord(rid, role, code, started, completed)
                session.responses.append(current)
            if item is not None:
                if value is None and missing is None:
                    missing = PREFER_NOT_TO_SAY  # stored before non-answers had kinds
                current.answers.append((item, value, answered, missing))
            pending = next(answers, None)
        yield session


def read_store(store: Store, group_id: str | None = None, since: str | None = None) -> Dataset:
    """The store's data as a Dataset whose sessions stream from SQLite."""
    rows = store.export_session_rows(group_id, since)
    used = {r[6] for r in rows}
    group_ids = {r[1] for r in rows}
    documents = store.questionnaire_documents()
    questionnaires = {
        h: from_document(doc, source=f"store:{h[:12]}") for h, doc in documents.items() if h in used
    }
    groups = {g.id: g for g in store.export_groups() if g.id in group_ids or group_id is None}
    return Dataset(
        device_id=store.device_id(),
        groups=groups,
        questionnaires=questionnaires,
        sessions=sessions_from_rows(rows, store.iter_export_answers(group_id, since)),
    )


def stored_session(store: Store, session_id: str) -> SessionRecord | None:
    row, answers = store.export_session(session_id)
    if row is None:
        return None
    return next(sessions_from_rows([row], answers))
