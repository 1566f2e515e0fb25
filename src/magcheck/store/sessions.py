"""Groups, the questionnaire snapshots sessions were answered with, and sessions."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from typing import Any

from ..core.model import Questionnaire
from ..errors import InputError, NotFoundError
from ..text import clean_name, fold, shown
from .connection import Connection
from .rows import ROUND_MODE, SESSION_MODES, Group, Session, new_id, now

__all__ = ["ROUND_MODE", "SessionTables"]


class SessionTables(Connection):
    """Groups, questionnaire snapshots and sessions."""

    # -- groups -------------------------------------------------------------------------------

    def add_group(self, name: str, region: str | None = None, focus: str | None = None) -> Group:
        name = clean_name(name, "group name")
        region = clean_name(region, "region") if region else None
        focus = clean_name(focus, "focus") if focus else None
        if not name:
            raise InputError("a group needs a name")
        if len(name) > 80:
            raise InputError("a group name can be at most 80 characters")
        for field, value in (("region", region), ("focus", focus)):
            if value is not None and len(value) > 80:
                raise InputError(f"a group's {field} can be at most 80 characters")
        key = fold(name)
        for other in self._query("SELECT name FROM groups"):
            if fold(other["name"]) == key:
                raise InputError(
                    f"a group that looks like this already exists: '{shown(other['name'])}'"
                )
        group = Group(new_id(), name, region or None, focus or None, now())
        with self.tx() as db:
            db.execute(
                "INSERT INTO groups(id, name, region, focus, created_at) VALUES (?, ?, ?, ?, ?)",
                (group.id, group.name, group.region, group.focus, group.created_at),
            )
        return group

    def groups(self) -> list[Group]:
        rows = self._query("SELECT * FROM groups ORDER BY name COLLATE NOCASE")
        return [Group(r["id"], r["name"], r["region"], r["focus"], r["created_at"]) for r in rows]

    def group(self, ref: str) -> Group:
        """A group by name (as typed, or any spelling that looks the same: NFD accents, case),
        by id, or by a unique id prefix."""
        rows = self._query("SELECT * FROM groups WHERE name = ? OR id = ?", (ref, ref))
        if not rows and len(ref) >= 4:
            rows = self._query("SELECT * FROM groups WHERE id LIKE ?", (ref + "%",))
        if not rows:
            key = fold(ref)
            rows = [r for r in self._query("SELECT * FROM groups") if fold(r["name"]) == key]
        if len(rows) != 1:
            names = (
                ", ".join(shown(g.name) for g in self.groups())
                or "none yet; add one with 'magcheck groups add NAME'"
            )
            raise NotFoundError(f"no group '{shown(ref)}' (groups: {names})")
        r = rows[0]
        return Group(r["id"], r["name"], r["region"], r["focus"], r["created_at"])

    # -- questionnaires -----------------------------------------------------------------------

    def save_questionnaire(self, q: Questionnaire) -> None:
        from ..core.documents import to_document  # light: no YAML parser

        with self.tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO questionnaires(content_hash, id, version, document) VALUES (?, ?, ?, ?)",
                (q.content_hash, q.id, q.version, json.dumps(to_document(q), ensure_ascii=False)),
            )

    def questionnaire(self, content_hash: str) -> Questionnaire:
        """The exact wording a session was answered with, even if the file changed since."""
        from ..core.documents import from_document

        rows = self._query(
            "SELECT document FROM questionnaires WHERE content_hash = ?", (content_hash,)
        )
        if not rows:
            raise NotFoundError(
                f"questionnaire with content hash {content_hash[:12]} is not in the store"
            )
        return from_document(json.loads(rows[0][0]), source=f"store:{content_hash[:12]}")

    # -- sessions -----------------------------------------------------------------------------

    _SESSION_SQL = """
        SELECT s.*, g.name AS group_name,
               (SELECT COUNT(*) FROM responses r WHERE r.session_id = s.id) AS respondents,
               (SELECT COUNT(*) FROM responses r WHERE r.session_id = s.id
                 AND r.completed_at IS NULL) AS unfinished,
               (SELECT value FROM meta WHERE key = 'session_mode:' || s.id) AS mode
        FROM sessions s JOIN groups g ON g.id = s.group_id
    """

    @staticmethod
    def _session(r: sqlite3.Row) -> Session:
        return Session(
            id=r["id"],
            group_id=r["group_id"],
            group_name=r["group_name"],
            date=r["date"],
            language=r["language"],
            questionnaire_id=r["questionnaire_id"],
            questionnaire_version=r["questionnaire_version"],
            questionnaire_hash=r["questionnaire_hash"],
            created_at=r["created_at"],
            closed_at=r["closed_at"],
            respondents=r["respondents"],
            unfinished=r["unfinished"],
            mode=r["mode"],
        )

    def create_session(
        self, group: Group, q: Questionnaire, language: str, on: date | str | None = None
    ) -> Session:
        if language not in q.languages:
            raise InputError(
                f"questionnaire '{q.id}' has no '{language}' text (it has {', '.join(q.languages)})"
            )
        day = on.isoformat() if isinstance(on, date) else (on or date.today().isoformat())
        try:
            date.fromisoformat(day)
        except ValueError:
            raise InputError(f"date '{day}' is not a date like 2026-03-14") from None
        self.save_questionnaire(q)
        sid = new_id()
        with self.tx() as db:
            db.execute(
                "INSERT INTO sessions(id, group_id, date, language, questionnaire_id,"
                " questionnaire_version, questionnaire_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (sid, group.id, day, language, q.id, q.version, q.content_hash, now()),
            )
        return self.session(sid)

    def session(self, ref: str) -> Session:
        """A session by id or unique id prefix (at least 4 characters)."""
        rows = self._query(self._SESSION_SQL + " WHERE s.id = ?", (ref,))
        if not rows and len(ref) >= 4 and re.fullmatch(r"[0-9a-f]+", ref):
            rows = self._query(self._SESSION_SQL + " WHERE s.id LIKE ? LIMIT 2", (ref + "%",))
            if len(rows) > 1:
                raise NotFoundError(
                    f"session id '{shown(ref)}' matches more than one session; give more of it"
                )
        if not rows:
            raise NotFoundError(f"no session '{shown(ref)}' (see 'magcheck sessions list')")
        return self._session(rows[0])

    def sessions(self, group: Group | None = None, limit: int | None = None) -> list[Session]:
        sql = self._SESSION_SQL
        params: tuple[Any, ...] = ()
        if group is not None:
            sql += " WHERE s.group_id = ?"
            params = (group.id,)
        sql += " ORDER BY s.date DESC, s.created_at DESC, s.rowid DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [self._session(r) for r in self._query(sql, params)]

    def previous_session(self, session: Session) -> Session | None:
        """The group's session just before this one with the same questionnaire."""
        rows = self._query(
            self._SESSION_SQL + " WHERE s.group_id = ? AND s.questionnaire_id = ? AND s.id != ?"
            " AND (s.date < ? OR (s.date = ? AND s.created_at < ?))"
            " ORDER BY s.date DESC, s.created_at DESC LIMIT 1",
            (
                session.group_id,
                session.questionnaire_id,
                session.id,
                session.date,
                session.date,
                session.created_at,
            ),
        )
        return self._session(rows[0]) if rows else None

    def set_session_mode(self, session: Session, mode: str) -> None:
        """How the app runs a session: 'facilitator' (one respondent) or 'round' (pass the device)."""
        if mode not in SESSION_MODES:
            raise InputError(f"mode '{mode}' is not one of {', '.join(SESSION_MODES)}")
        self.set_meta(f"session_mode:{session.id}", mode)

    def close_session(self, session: Session) -> None:
        with self.tx() as db:
            db.execute("UPDATE sessions SET closed_at = ? WHERE id = ?", (now(), session.id))
