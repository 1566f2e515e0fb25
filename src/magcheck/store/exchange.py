"""Bulk reads and writes for exports, imports and aggregation: streamed, one transaction per file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import StoreError
from .connection import Connection, _store_error
from .rows import Group
from .schema import link_checks


class ChangedMeanwhile(StoreError):
    """Another process added some of the records between the check and the write: check again."""


SESSION_COLUMNS = (
    "s.id, s.group_id, s.date, s.language, s.questionnaire_id, s.questionnaire_version,"
    " s.questionnaire_hash, s.created_at, s.closed_at, s.check_id, s.questionnaire_role"
)


class ExchangeQueries(Connection):
    """The queries that exports, imports and aggregate need."""

    def export_groups(self) -> list[Group]:
        rows = self._query("SELECT * FROM groups ORDER BY created_at, id")
        return [Group(r["id"], r["name"], r["region"], r["focus"], r["created_at"]) for r in rows]

    def questionnaire_documents(self) -> dict[str, dict[str, Any]]:
        """Every stored questionnaire snapshot, content hash -> document."""
        rows = self._query("SELECT content_hash, document FROM questionnaires")
        return {r[0]: json.loads(r[1]) for r in rows}

    def _export_where(self, group_id: str | None, since: str | None) -> tuple[str, tuple[Any, ...]]:
        clauses, params = [], []
        if group_id is not None:
            clauses.append("s.group_id = ?")
            params.append(group_id)
        if since is not None:
            clauses.append("s.date >= ?")
            params.append(since)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)

    def export_session_rows(
        self, group_id: str | None = None, since: str | None = None
    ) -> list[tuple[Any, ...]]:
        """Sessions as plain tuples (id, group_id, date, language, questionnaire_id,
        questionnaire_version, questionnaire_hash, created_at, closed_at, check_id,
        questionnaire_role), oldest first."""
        where, params = self._export_where(group_id, since)
        rows = self._query(
            f"SELECT {SESSION_COLUMNS} FROM sessions s{where} ORDER BY s.date, s.created_at, s.id",
            params,
        )
        return [tuple(r) for r in rows]

    def iter_export_answers(
        self, group_id: str | None = None, since: str | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Stream (session_id, response_id, role, respondent_code, started_at, completed_at,
        item_id, value, answered_at, missing) in the order of export_session_rows; a response
        with no answers yields one row whose item_id is None."""
        where, params = self._export_where(group_id, since)
        sql = (
            "SELECT r.session_id, r.id, r.role, r.respondent_code, r.started_at, r.completed_at,"
            " a.item_id, a.value, a.answered_at, a.missing"
            " FROM sessions s JOIN responses r ON r.session_id = s.id"
            " LEFT JOIN answers a ON a.response_id = r.id"
            f"{where} ORDER BY s.date, s.created_at, s.id, r.started_at, r.rowid, a.item_id"
        )
        try:
            cursor = self.db.execute(sql, params)
            while batch := cursor.fetchmany(5000):
                yield from (tuple(r) for r in batch)
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None

    def export_session(
        self, session_id: str
    ) -> tuple[tuple[Any, ...] | None, list[tuple[Any, ...]]]:
        """One stored session in the shapes of export_session_rows and iter_export_answers."""
        rows = self._query(
            f"SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", (session_id,)
        )
        if not rows:
            return None, []
        answers = self._query(
            "SELECT r.session_id, r.id, r.role, r.respondent_code, r.started_at, r.completed_at,"
            " a.item_id, a.value, a.answered_at, a.missing FROM responses r"
            " LEFT JOIN answers a ON a.response_id = r.id WHERE r.session_id = ?"
            " ORDER BY r.started_at, r.rowid, a.item_id",
            (session_id,),
        )
        return tuple(rows[0]), [tuple(r) for r in answers]

    def aggregate_rows(
        self, weights: list[tuple[str, int, int]], columns: int, offset: int
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """What magcheck.aggregate.engine needs, read in one snapshot with SQLite doing the heavy part.

        weights: (item_id, column, weight) per item (magcheck.aggregate.engine.CodeLayout). Returns
        sessions (id, group_id, date, created_at, questionnaire_hash, check_id) oldest first as in
        export_session_rows; responses (session_id, role, id) in each session's export order;
        and one row per response with answers: (response_id, number of answers, then for each
        column the sum of (value - offset) x weight over its non-null answers).
        """
        cols = ", ".join(f"w{i} INTEGER NOT NULL" for i in range(columns))
        sums = ", ".join(
            f"coalesce(sum(m.w{i} * (a.value - {int(offset)})), 0)" for i in range(columns)
        )
        rows = [
            (item, *(weight if c == col else 0 for c in range(columns)))
            for item, col, weight in weights
        ]
        db = self.db
        try:
            db.execute("DROP TABLE IF EXISTS temp.aggregate_slots")
            db.execute(
                f"CREATE TEMP TABLE aggregate_slots (item_id TEXT PRIMARY KEY, {cols}) WITHOUT ROWID"
            )
            db.executemany(f"INSERT INTO temp.aggregate_slots VALUES (?{', ?' * columns})", rows)
            cursor = db.cursor()
            cursor.row_factory = None
            db.execute("BEGIN")
            try:
                sessions = cursor.execute(
                    "SELECT id, group_id, date, created_at, questionnaire_hash, check_id"
                    " FROM sessions"
                    " ORDER BY date, created_at, id"
                ).fetchall()
                responses = cursor.execute(
                    "SELECT session_id, role, id FROM responses"
                    " ORDER BY session_id, started_at, rowid"
                ).fetchall()
                codes = cursor.execute(
                    f"SELECT a.response_id, count(*), {sums} FROM answers a"
                    " LEFT JOIN temp.aggregate_slots m ON m.item_id = a.item_id"
                    " GROUP BY a.response_id"
                ).fetchall()
            finally:
                db.execute("COMMIT")
            db.execute("DROP TABLE temp.aggregate_slots")
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None
        return sessions, responses, codes

    def existing_ids(self, table: str, ids: list[str]) -> set[str]:
        """Which of these ids are already in sessions, responses or groups."""
        if table not in ("sessions", "responses", "groups"):
            raise ValueError(table)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT id FROM {table} WHERE id IN ({marks})", tuple(chunk))
            found.update(r[0] for r in rows)
        return found

    @staticmethod
    def _any_of(db: sqlite3.Connection, table: str, column: str, keys: list[str]) -> bool:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT 1 FROM {table} WHERE {column} IN ({marks}) LIMIT 1"
            if db.execute(sql, tuple(chunk)).fetchone():
                return True
        return False

    def group_names(self) -> dict[str, str]:
        """name -> id of every group."""
        return {r[0]: r[1] for r in self._query("SELECT name, id FROM groups")}

    def import_rows(
        self,
        groups: list[tuple[Any, ...]],
        questionnaires: list[tuple[Any, ...]],
        sessions: list[tuple[Any, ...]],
        responses: list[tuple[Any, ...]],
        answers: Iterable[tuple[Any, ...]],
        source: str | None = None,
    ) -> None:
        """Insert everything one imported file adds, in one transaction: all of it or none.

        groups: (id, name, region, focus, created_at); questionnaires: (content_hash, id,
        version, document JSON); sessions, responses, answers: their table's columns in order.
        source: where the responses' answers came from ('odk'), when not typed on a device.
        The caller decided what is new before the write lock was taken: if another process added
        any of these ids or group names meanwhile, nothing is written and ChangedMeanwhile says so.
        """
        with self.tx() as db:
            for table, keys in (
                ("groups", [g[0] for g in groups]),
                ("sessions", [s[0] for s in sessions]),
                ("responses", [r[0] for r in responses]),
            ):
                if self._any_of(db, table, "id", keys):
                    raise ChangedMeanwhile(f"store {self.path}: another import added {table}")
            if self._any_of(db, "groups", "name", [g[1] for g in groups]):
                raise ChangedMeanwhile(f"store {self.path}: another import added a group name")
            db.executemany(
                "INSERT INTO groups(id, name, region, focus, created_at) VALUES (?, ?, ?, ?, ?)",
                groups,
            )
            db.executemany(
                "INSERT OR IGNORE INTO questionnaires(content_hash, id, version, document)"
                " VALUES (?, ?, ?, ?)",
                questionnaires,
            )
            # a check the file names is made here unless it already is (it may hold the other
            # part); sessions from files without checks are linked as the migration links them
            db.executemany(
                "INSERT OR IGNORE INTO checks(id, group_id, date, created_at) VALUES (?, ?, ?, ?)",
                [(s[9], s[1], s[2], s[7]) for s in sessions if s[9] is not None],
            )
            db.executemany(
                "INSERT INTO sessions(id, group_id, date, language, questionnaire_id,"
                " questionnaire_version, questionnaire_hash, created_at, closed_at, check_id,"
                " questionnaire_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                sessions,
            )
            link_checks(db)
            db.executemany(
                "INSERT INTO responses(id, session_id, role, respondent_code, started_at,"
                " completed_at) VALUES (?, ?, ?, ?, ?, ?)",
                responses,
            )
            if source is not None:
                db.executemany(
                    "UPDATE responses SET source = ? WHERE id = ?",
                    [(source, r[0]) for r in responses],
                )
            db.executemany(
                "INSERT INTO answers(response_id, item_id, value, answered_at, missing)"
                " VALUES (?, ?, ?, ?, ?)",
                answers,
            )
