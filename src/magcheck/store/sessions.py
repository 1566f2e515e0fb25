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
from .rows import ROUND_MODE, SESSION_MODES, Check, Group, Session, new_id, now

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
            check_id=r["check_id"],
            questionnaire_role=r["questionnaire_role"],
        )

    def create_session(
        self,
        group: Group,
        q: Questionnaire,
        language: str,
        on: date | str | None = None,
        check: Check | None = None,
    ) -> Session:
        """A new session of q; it joins `check` (one meeting's assessment) or starts a new one."""
        if language not in q.languages:
            raise InputError(
                f"questionnaire '{q.id}' has no '{language}' text (it has {', '.join(q.languages)})"
            )
        if check is not None:
            if check.group_id != group.id:
                raise InputError(f"check {check.id[:8]} belongs to another group")
            taken = check.part(q.role)
            if taken is not None:
                what = "member round" if q.role == "member" else "facilitator self-assessment"
                raise InputError(
                    f"check {check.id[:8]} already has a {what} (session {taken.id[:8]}); "
                    f"add respondents to it with --session {taken.id[:8]}"
                )
            day = check.date
        else:
            day = on.isoformat() if isinstance(on, date) else (on or date.today().isoformat())
            try:
                date.fromisoformat(day)
            except ValueError:
                raise InputError(f"date '{day}' is not a date like 2026-03-14") from None
        self.save_questionnaire(q)
        sid = new_id()
        stamp = now()
        with self.tx() as db:
            check_id = check.id if check is not None else new_id()
            if check is None:
                db.execute(
                    "INSERT INTO checks(id, group_id, date, created_at) VALUES (?, ?, ?, ?)",
                    (check_id, group.id, day, stamp),
                )
            db.execute(
                "INSERT INTO sessions(id, group_id, date, language, questionnaire_id,"
                " questionnaire_version, questionnaire_hash, created_at, check_id,"
                " questionnaire_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sid,
                    group.id,
                    day,
                    language,
                    q.id,
                    q.version,
                    q.content_hash,
                    stamp,
                    check_id,
                    q.role,
                ),
            )
        return self.session(sid)

    # -- checks -------------------------------------------------------------------------------

    def check(self, ref: str) -> Check:
        """A check by id or unique id prefix (at least 4 characters), or the check of a session."""
        rows = self._query("SELECT id FROM checks WHERE id = ?", (ref,))
        if not rows and len(ref) >= 4 and re.fullmatch(r"[0-9a-f]+", ref):
            rows = self._query("SELECT id FROM checks WHERE id LIKE ? LIMIT 2", (ref + "%",))
            if len(rows) > 1:
                raise NotFoundError(
                    f"check id '{ref}' matches more than one check; give more of it"
                )
        if not rows:
            raise NotFoundError(f"no check '{ref}' (see 'magcheck sessions list')")
        return self._checks("WHERE c.id = ?", (rows[0][0],))[0]

    def checks(self, group: Group | None = None) -> list[Check]:
        """A group's checks (or every check), newest first."""
        if group is None:
            return self._checks("", ())
        return self._checks("WHERE c.group_id = ?", (group.id,))

    def check_of(self, session: Session) -> Check:
        if session.check_id is None:  # cannot happen after migration 3; kept for safety
            raise NotFoundError(f"session {session.id[:8]} belongs to no check")
        return self._checks("WHERE c.id = ?", (session.check_id,))[0]

    def _checks(self, where: str, params: tuple[Any, ...]) -> list[Check]:
        rows = self._query(
            "SELECT c.id, c.group_id, g.name, c.date, c.created_at FROM checks c"
            f" JOIN groups g ON g.id = c.group_id {where}"
            " ORDER BY c.date DESC, c.created_at DESC, c.rowid DESC",
            params,
        )
        if not rows:
            return []
        ids = [r[0] for r in rows]
        by_check: dict[str, list[Session]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._query(
                self._SESSION_SQL + f" WHERE s.check_id IN ({marks}) ORDER BY s.created_at",
                tuple(chunk),
            ):
                by_check[r["check_id"]].append(self._session(r))
        return [Check(r[0], r[1], r[2], r[3], r[4], tuple(by_check[r[0]])) for r in rows]

    def previous_part(self, check: Check, role: str, questionnaire_id: str) -> Session | None:
        """The same part (role) of the group's previous check that used the same questionnaire
        and is complete: what a change is measured against."""
        rows = self._query(
            self._SESSION_SQL + " JOIN checks c ON c.id = s.check_id"
            " WHERE s.group_id = ? AND s.questionnaire_id = ? AND s.questionnaire_role = ?"
            " AND s.check_id != ? AND (c.date < ? OR (c.date = ? AND c.created_at < ?))"
            " ORDER BY c.date DESC, c.created_at DESC, s.created_at DESC",
            (
                check.group_id,
                questionnaire_id,
                role,
                check.id,
                check.date,
                check.date,
                check.created_at,
            ),
        )
        for r in rows:
            session = self._session(r)
            if session.status == "complete":
                return session
        return None

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

    def newest_sessions(self, limit: int | None = None) -> list[Session]:
        """Sessions newest first (the `limit` newest, or all), responses counted only for those
        returned: with thousands of sessions, counting for every one costs more than the sort.
        One order for a first page and the whole list, ties included."""
        newest = "SELECT id FROM sessions ORDER BY date DESC, created_at DESC, rowid DESC LIMIT ?"
        rows = self._query(
            self._SESSION_SQL + f" WHERE s.id IN ({newest})"
            " ORDER BY s.date DESC, s.created_at DESC, s.rowid DESC",
            (-1 if limit is None else int(limit),),
        )
        return [self._session(r) for r in rows]

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
