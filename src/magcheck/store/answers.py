"""Responses and their answers: one transaction per answer, so nothing answered is lost."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping

from ..core.model import NON_ANSWERS, PREFER_NOT_TO_SAY, ROLES, Questionnaire
from ..errors import InputError, NotFoundError
from .connection import Connection
from .rows import Response, Session, check_respondent_code, new_id, now


class AnswerTables(Connection):
    """Responses and answers."""

    # -- responses and answers ----------------------------------------------------------------

    @staticmethod
    def _response(r: sqlite3.Row) -> Response:
        return Response(
            r["id"],
            r["session_id"],
            r["role"],
            r["respondent_code"],
            r["started_at"],
            r["completed_at"],
            r["source"],
            r["entered_by"],
        )

    def start_response(
        self, session: Session, role: str, respondent_code: str | None = None
    ) -> Response:
        if role not in ROLES:
            raise InputError(f"role '{role}' is not one of {', '.join(ROLES)}")
        code = check_respondent_code(respondent_code)
        rid = new_id()
        with self.tx() as db:
            db.execute(
                "INSERT INTO responses(id, session_id, role, respondent_code, started_at) VALUES (?, ?, ?, ?, ?)",
                (rid, session.id, role, code, now()),
            )
        return self.response(rid)

    def response(self, ref: str) -> Response:
        rows = self._query("SELECT * FROM responses WHERE id = ?", (ref,))
        if not rows and len(ref) >= 4 and re.fullmatch(r"[0-9a-f]+", ref):
            rows = self._query("SELECT * FROM responses WHERE id LIKE ? LIMIT 2", (ref + "%",))
            if len(rows) > 1:
                raise NotFoundError(
                    f"response id '{ref}' matches more than one response; give more of it"
                )
        if not rows:
            raise NotFoundError(f"no response '{ref}'")
        return self._response(rows[0])

    def responses(self, session: Session) -> list[Response]:
        rows = self._query(
            "SELECT * FROM responses WHERE session_id = ? ORDER BY started_at, rowid", (session.id,)
        )
        return [self._response(r) for r in rows]

    def unfinished_responses(self) -> list[Response]:
        rows = self._query(
            "SELECT * FROM responses WHERE completed_at IS NULL ORDER BY started_at DESC"
        )
        return [self._response(r) for r in rows]

    def record_answer(self, response: Response, item_id: str, value: int | str | None) -> None:
        """Commit one answer now; answering again replaces it.

        value: a point on the scale, or one of NON_ANSWERS (None means prefer not to say).
        """
        self.record_answers(response, {item_id: value})

    def record_answers(self, response: Response, answers: Mapping[str, int | str | None]) -> None:
        """Several answers in one transaction: all are stored or none."""
        stamp = now()
        rows = []
        for item_id, given in answers.items():
            value, missing = split_answer(given)
            rows.append((response.id, item_id, value, stamp, missing))
        with self.tx() as db:
            db.executemany(
                "INSERT INTO answers(response_id, item_id, value, answered_at, missing)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(response_id, item_id) DO UPDATE SET"
                " value = excluded.value, answered_at = excluded.answered_at,"
                " missing = excluded.missing",
                rows,
            )

    def non_answers(self, response: Response) -> dict[str, str]:
        """item id -> which non-answer (prefer_not_to_say, dont_know, not_applicable)."""
        rows = self._query(
            "SELECT item_id, coalesce(missing, 'prefer_not_to_say') FROM answers"
            " WHERE response_id = ? AND value IS NULL",
            (response.id,),
        )
        return {r[0]: r[1] for r in rows}

    def session_non_answers(self, session: Session) -> dict[str, dict[str, str]]:
        """response id -> item id -> non-answer, for a whole session in one query."""
        rows = self._query(
            "SELECT a.response_id, a.item_id, coalesce(a.missing, 'prefer_not_to_say')"
            " FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE r.session_id = ? AND a.value IS NULL",
            (session.id,),
        )
        out: dict[str, dict[str, str]] = {}
        for rid, item, kind in rows:
            out.setdefault(rid, {})[item] = kind
        return out

    def answers(self, response: Response) -> dict[str, int | None]:
        rows = self._query(
            "SELECT item_id, value FROM answers WHERE response_id = ?",
            (response.id,),
        )
        return {r["item_id"]: r["value"] for r in rows}

    def session_answers(self, session: Session) -> list[tuple[Response, dict[str, int | None]]]:
        """Every response of a session with its answers, in two queries."""
        responses = self.responses(session)
        rows = self._query(
            "SELECT a.response_id, a.item_id, a.value FROM answers a"
            " JOIN responses r ON r.id = a.response_id WHERE r.session_id = ?",
            (session.id,),
        )
        by_response: dict[str, dict[str, int | None]] = {r.id: {} for r in responses}
        for row in rows:
            by_response[row["response_id"]][row["item_id"]] = row["value"]
        return [(r, by_response[r.id]) for r in responses]

    def complete_response(self, response: Response) -> Response:
        with self.tx() as db:
            db.execute(
                "UPDATE responses SET completed_at = COALESCE(completed_at, ?) WHERE id = ?",
                (now(), response.id),
            )
        return self.response(response.id)

    def discard_response(self, response: Response) -> None:
        """Remove a response that has no answers (a member who walked away before answering)."""
        with self.tx() as db:
            if db.execute("SELECT 1 FROM answers WHERE response_id = ?", (response.id,)).fetchone():
                raise InputError("this response already has answers; it is kept")
            db.execute("DELETE FROM responses WHERE id = ?", (response.id,))


def next_item_index(q: Questionnaire, answers: Mapping[str, object]) -> int:
    """Where a response resumes: the first item with no stored answer (len(items) when done)."""
    for i, item in enumerate(q.items):
        if item.id not in answers:
            return i
    return len(q.items)


def split_answer(given: int | str | None) -> tuple[int | None, str | None]:
    """(value, missing) as stored: a point on the scale, or NULL and which non-answer."""
    if given is None:
        return None, PREFER_NOT_TO_SAY
    if isinstance(given, str):
        if given not in NON_ANSWERS:
            raise InputError(
                f"'{given}' is not an answer (use a number or {', '.join(NON_ANSWERS)})"
            )
        return None, given
    return given, None
