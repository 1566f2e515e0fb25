"""Printed paper forms: each one a numbered copy of a check's part (see core/forms.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from ..core.forms import FormIdentity, printed_number
from ..core.model import Questionnaire
from ..errors import InputError, NotFoundError
from .rows import Check, Group, Session, now
from .sessions import SessionTables

MAX_COPIES = 500  # one print run; more is almost surely a typo


@dataclass(frozen=True)
class PaperForm:
    serial: int
    session_id: str
    check_id: str
    group_id: str
    group_name: str
    questionnaire_id: str
    questionnaire_version: int
    questionnaire_hash: str
    language: str
    position: int  # this copy's place in its print run, 1..batch_size
    batch_size: int
    printed_at: str

    @property
    def number(self) -> str:
        """As printed and typed: ``0042-7``."""
        return printed_number(self.serial)

    def identity(self) -> FormIdentity:
        return FormIdentity(
            self.serial, self.questionnaire_hash, self.language, self.group_id, self.check_id
        )


_SELECT = (
    "SELECT f.serial, f.session_id, s.check_id, s.group_id, g.name AS group_name,"
    " s.questionnaire_id, s.questionnaire_version, s.questionnaire_hash, f.language,"
    " f.position, f.batch_size, f.printed_at"
    " FROM paper_forms f JOIN sessions s ON s.id = f.session_id JOIN groups g ON g.id = s.group_id"
)


class PaperTables(SessionTables):
    """Print runs of paper forms and the lookup of a typed or scanned form."""

    @staticmethod
    def _paper_form(r: sqlite3.Row) -> PaperForm:
        return PaperForm(*tuple(r))

    def print_forms(
        self,
        group: Group,
        q: Questionnaire,
        language: str,
        copies: int,
        check: Check | None = None,
        on: date | str | None = None,
    ) -> list[PaperForm]:
        """Number `copies` new forms of q for a check of `group` (a new check on `on`, or the
        given one), all in one transaction. The forms belong to the check's part for q's role:
        the part is made when the check has none, and reused when it has one of the same
        questionnaire (then paper answers join those typed on screen)."""
        if not 1 <= copies <= MAX_COPIES:
            raise InputError(f"copies: give a number from 1 to {MAX_COPIES}")
        if language not in q.languages:
            raise InputError(
                f"questionnaire '{q.id}' has no '{language}' text (it has {', '.join(q.languages)})"
            )
        session = self._paper_part(group, q, language, check, on)
        stamp = now()
        with self.tx() as db:
            start = db.execute("SELECT coalesce(max(serial), 0) FROM paper_forms").fetchone()[0]
            db.executemany(
                "INSERT INTO paper_forms(serial, session_id, language, position, batch_size,"
                " printed_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(start + i, session.id, language, i, copies, stamp) for i in range(1, copies + 1)],
            )
        return [self.paper_form(start + i) for i in range(1, copies + 1)]

    def _paper_part(
        self,
        group: Group,
        q: Questionnaire,
        language: str,
        check: Check | None,
        on: date | str | None,
    ) -> Session:
        if check is not None:
            part = check.part(q.role)
            if part is not None:
                if part.questionnaire_hash != q.content_hash:
                    raise InputError(
                        f"check {check.id[:8]} already has a {q.role} part made with "
                        f"{part.questionnaire_id} v{part.questionnaire_version} "
                        f"({part.questionnaire_hash[:12]}); print that version's forms or start a "
                        "new check"
                    )
                return part
        return self.create_session(group, q, language, on=on, check=check)

    def paper_form(self, serial: int) -> PaperForm:
        rows = self._query(_SELECT + " WHERE f.serial = ?", (serial,))
        if not rows:
            raise NotFoundError(
                f"no form {printed_number(serial)} was printed on this device "
                "(see 'magcheck paper list')"
            )
        return self._paper_form(rows[0])

    def paper_form_of(self, identity: FormIdentity) -> PaperForm:
        """The form a scanned code names, refused unless this store printed exactly that form."""
        form = self.paper_form(identity.serial)
        if (
            form.questionnaire_hash != identity.questionnaire_hash
            or form.check_id != identity.check_id
            or form.group_id != identity.group_id
            or form.language.lower() != identity.language.lower()
        ):
            raise InputError(
                f"form {form.number}: the scanned code belongs to a form printed elsewhere or for "
                "another check; enter it on the device that printed it"
            )
        return form

    def paper_forms(self, check: Check | None = None) -> list[PaperForm]:
        """Every printed form (of one check), in print order."""
        if check is None:
            rows = self._query(_SELECT + " ORDER BY f.serial")
        else:
            rows = self._query(_SELECT + " WHERE s.check_id = ? ORDER BY f.serial", (check.id,))
        return [self._paper_form(r) for r in rows]
