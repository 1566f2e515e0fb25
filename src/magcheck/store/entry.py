"""Double entry of paper forms: each keyed pass kept key by key, the two passes compared, and a
verified form turned into a response in one transaction (rules in core/keying.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from ..core.keying import (
    BLANK,
    Disagreement,
    Keyed,
    as_answer,
    as_stored,
    check_keyer_code,
    check_pass,
    compare,
    entered_by,
    from_stored,
)
from ..core.model import Questionnaire
from ..errors import InputError
from .paper import PaperForm, PaperTables
from .rows import Check, new_id, now

PAPER_SOURCE = "paper"


class AlreadyKeyed(InputError):
    """This pass of the form is complete: it can be looked at, never keyed over."""

    def __init__(self, form: PaperForm, pass_no: int, keyer: str) -> None:
        self.form, self.pass_no, self.keyer = form, pass_no, keyer
        super().__init__(
            f"form {form.number} is already keyed in pass {pass_no} (by {keyer}); nothing was "
            f"changed. To see it: magcheck enter show {form.number} --pass {pass_no}"
        )


@dataclass(frozen=True)
class KeyedPass:
    form: PaperForm
    pass_no: int
    keyer: str
    started_at: str
    completed_at: str | None
    values: dict[str, Keyed] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True)
class Outcome:
    """Where a form stands after a pass was completed or a disagreement resolved."""

    form: PaperForm
    verified: bool
    disagreements: int  # found between the two passes (0 until both are complete)
    unresolved: int
    response_id: str | None = None


@dataclass(frozen=True)
class FormStatus:
    form: PaperForm
    items: int
    passes: dict[int, tuple[str, int, bool]]  # pass -> (keyer, keys typed, complete)
    disagreements: int | None  # None until both passes are complete
    unresolved: int
    verified: bool

    @property
    def state(self) -> str:
        """One phrase for a status table."""
        if self.verified:
            return "verified"
        if self.disagreements:
            return f"disagreements: {self.disagreements}, {self.unresolved} to resolve"
        done = [p for p, (_, _, complete) in sorted(self.passes.items()) if complete]
        if done:
            return " and ".join(f"pass {p}" for p in done) + " done"
        if self.passes:
            return "being keyed"
        return "printed"

    @property
    def progress(self) -> str:
        """The furthest step reached, for the list of printed forms: printed, being entered,
        entered once, entered twice or verified."""
        if self.verified:
            return "verified"
        done = sum(1 for _, _, complete in self.passes.values() if complete)
        if done:
            return "entered twice" if done >= 2 else "entered once"
        return "being entered" if self.passes else "printed"


@dataclass(frozen=True)
class PaperSummary:
    """A check's paper forms, for its report: only verified forms count in it."""

    printed: int
    verified: int
    disagreements: int  # found (and resolved) on the verified forms
    unverified: int


class EntryTables(PaperTables):
    """Keyed passes, their comparison and verification."""

    def keyed_pass(self, serial: int, pass_no: int) -> KeyedPass | None:
        rows = self._query(
            "SELECT entered_by, started_at, completed_at FROM paper_entries"
            " WHERE serial = ? AND pass = ?",
            (serial, pass_no),
        )
        if not rows:
            return None
        values = {
            r[0]: from_stored(r[1], r[2])
            for r in self._query(
                "SELECT item_id, value, missing FROM paper_values WHERE serial = ? AND pass = ?",
                (serial, pass_no),
            )
        }
        r = rows[0]
        return KeyedPass(self.paper_form(serial), pass_no, r[0], r[1], r[2], values)

    def is_verified(self, serial: int) -> bool:
        return bool(self._query("SELECT 1 FROM paper_verified WHERE serial = ?", (serial,)))

    def start_pass(self, form: PaperForm, pass_no: int, keyer: str) -> KeyedPass:
        """Open pass 1 or 2 of a form for a keyer, or resume it where its keys stop. A complete
        pass is refused (AlreadyKeyed), so nothing keyed is ever overwritten silently."""
        pass_no, keyer = check_pass(pass_no), check_keyer_code(keyer)
        if self.is_verified(form.serial):
            raise InputError(f"form {form.number} is already verified; nothing was changed")
        existing = self.keyed_pass(form.serial, pass_no)
        if existing is not None:
            if existing.complete:
                raise AlreadyKeyed(form, pass_no, existing.keyer)
            return existing  # resumed; the pass keeps the code of whoever started it
        with self.tx() as db:
            db.execute(
                "INSERT INTO paper_entries(serial, pass, entered_by, started_at)"
                " VALUES (?, ?, ?, ?)",
                (form.serial, pass_no, keyer, now()),
            )
        entry = self.keyed_pass(form.serial, pass_no)
        assert entry is not None
        return entry

    def record_key(self, entry: KeyedPass, item_id: str, value: Keyed) -> None:
        """One key, committed before this returns (a crash loses at most the key being typed)."""
        stored, missing = as_stored(value)
        with self.tx() as db:
            db.execute(
                "INSERT INTO paper_values(serial, pass, item_id, value, missing, entered_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(serial, pass, item_id) DO UPDATE SET"
                " value = excluded.value, missing = excluded.missing,"
                " entered_at = excluded.entered_at",
                (entry.form.serial, entry.pass_no, item_id, stored, missing, now()),
            )

    def clear_key(self, entry: KeyedPass, item_id: str) -> None:
        with self.tx() as db:
            db.execute(
                "DELETE FROM paper_values WHERE serial = ? AND pass = ? AND item_id = ?",
                (entry.form.serial, entry.pass_no, item_id),
            )

    def complete_pass(self, entry: KeyedPass, q: Questionnaire) -> Outcome:
        """Close a pass once every item has a key. When the other pass is complete too, the
        two are compared: equal passes verify the form in the same transaction."""
        with self.tx() as db:
            keyed = self._values(db, entry.form.serial, entry.pass_no)
            missing = [it.id for it in q.items if it.id not in keyed]
            if missing:
                raise InputError(
                    f"form {entry.form.number}, pass {entry.pass_no}: {len(missing)} items have "
                    f"no key yet (first: {missing[0]})"
                )
            db.execute(
                "UPDATE paper_entries SET completed_at = coalesce(completed_at, ?)"
                " WHERE serial = ? AND pass = ?",
                (now(), entry.form.serial, entry.pass_no),
            )
            return self._settle(db, entry.form, q, None)

    def disagreements(self, form: PaperForm, q: Questionnaire) -> list[Disagreement]:
        """Where the form's two complete passes differ (empty while a pass is open)."""
        passes = [self.keyed_pass(form.serial, p) for p in (1, 2)]
        if not all(p is not None and p.complete for p in passes):
            return []
        first, second = passes
        assert first is not None and second is not None
        return compare(q.items, first.values, second.values)

    def resolutions(self, serial: int) -> dict[str, Keyed]:
        rows = self._query(
            "SELECT item_id, value, missing FROM paper_resolved WHERE serial = ?", (serial,)
        )
        return {r[0]: from_stored(r[1], r[2]) for r in rows}

    def resolve(
        self, form: PaperForm, q: Questionnaire, item_id: str, value: Keyed, by: str
    ) -> Outcome:
        """Settle one disagreement with the value read from the paper (the first pass's, the
        second's, or a third); the last one settled verifies the form in the same transaction."""
        by = check_keyer_code(by)
        if self.is_verified(form.serial):
            raise InputError(f"form {form.number} is already verified; nothing was changed")
        found = {d.item_id: d for d in self.disagreements(form, q)}
        if item_id not in found:
            raise InputError(
                f"form {form.number}, item {item_id}: the two passes agree here or are not both "
                "complete; only a disagreement is resolved (see 'magcheck enter compare')"
            )
        stored, missing = as_stored(value)
        with self.tx() as db:
            db.execute(
                "INSERT INTO paper_resolved(serial, item_id, value, missing, resolved_by,"
                " resolved_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(serial, item_id) DO UPDATE"
                " SET value = excluded.value, missing = excluded.missing,"
                " resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at",
                (form.serial, item_id, stored, missing, by, now()),
            )
            return self._settle(db, form, q, by)

    # -- inside a transaction ----------------------------------------------------------------

    @staticmethod
    def _values(db: sqlite3.Connection, serial: int, pass_no: int) -> dict[str, Keyed]:
        rows = db.execute(
            "SELECT item_id, value, missing FROM paper_values WHERE serial = ? AND pass = ?",
            (serial, pass_no),
        )
        return {r[0]: from_stored(r[1], r[2]) for r in rows}

    def _settle(
        self, db: sqlite3.Connection, form: PaperForm, q: Questionnaire, by: str | None
    ) -> Outcome:
        """Compare when both passes are complete; verify when nothing is left to resolve."""
        rows = db.execute(
            "SELECT pass, entered_by, started_at, completed_at FROM paper_entries"
            " WHERE serial = ? ORDER BY pass",
            (form.serial,),
        ).fetchall()
        done = {r[0]: r for r in rows if r[3] is not None}
        if set(done) != {1, 2}:
            return Outcome(form, False, 0, 0)
        first = self._values(db, form.serial, 1)
        second = self._values(db, form.serial, 2)
        found = compare(q.items, first, second)
        resolved = {
            r[0]: from_stored(r[1], r[2])
            for r in db.execute(
                "SELECT item_id, value, missing FROM paper_resolved WHERE serial = ?",
                (form.serial,),
            )
        }
        open_ = [d for d in found if d.item_id not in resolved]
        if open_:
            return Outcome(form, False, len(found), len(open_))
        final = {**first, **{k: v for k, v in resolved.items() if k in first}}
        rid = new_id()
        stamp = now()
        db.execute(
            "INSERT INTO responses(id, session_id, role, respondent_code, started_at,"
            " completed_at, source, entered_by) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)",
            (
                rid,
                form.session_id,
                q.role,
                min(r[2] for r in done.values()),
                max(r[3] for r in done.values()),
                PAPER_SOURCE,
                entered_by(done[1][1], done[2][1]),
            ),
        )
        answers = []
        for item in q.items:
            answer = as_answer(final[item.id])
            if answer is None:
                continue  # blank on paper: no answer row
            value, missing = as_stored(answer)
            answers.append((rid, item.id, value, stamp, missing))
        db.executemany(
            "INSERT INTO answers(response_id, item_id, value, answered_at, missing)"
            " VALUES (?, ?, ?, ?, ?)",
            answers,
        )
        db.execute(
            "INSERT INTO paper_verified(serial, response_id, disagreements, verified_by,"
            " verified_at) VALUES (?, ?, ?, ?, ?)",
            (form.serial, rid, len(found), by or done[2][1], stamp),
        )
        return Outcome(form, True, len(found), 0, rid)

    # -- status ------------------------------------------------------------------------------

    def entry_status(self, check: Check | None = None) -> list[FormStatus]:
        """Every printed form (of one check) and how far its double entry has come."""
        forms = self.paper_forms(check)
        passes: dict[int, dict[int, tuple[str, int, bool]]] = {}
        for r in self._query(
            "SELECT e.serial, e.pass, e.entered_by, e.completed_at IS NOT NULL,"
            " (SELECT count(*) FROM paper_values v WHERE v.serial = e.serial AND v.pass = e.pass)"
            " FROM paper_entries e"
        ):
            passes.setdefault(r[0], {})[r[1]] = (r[2], r[4], bool(r[3]))
        verified = {
            r[0]: r[1] for r in self._query("SELECT serial, disagreements FROM paper_verified")
        }
        questionnaires: dict[str, Questionnaire] = {}
        out = []
        for form in forms:
            q = questionnaires.get(form.questionnaire_hash)
            if q is None:
                q = questionnaires[form.questionnaire_hash] = self.questionnaire(
                    form.questionnaire_hash
                )
            mine = passes.get(form.serial, {})
            count: int | None = None
            unresolved = 0
            if form.serial in verified:
                count = verified[form.serial]
            elif all(mine.get(p, ("", 0, False))[2] for p in (1, 2)):
                found = self.disagreements(form, q)
                resolved = self.resolutions(form.serial)
                count = len(found)
                unresolved = sum(1 for d in found if d.item_id not in resolved)
            out.append(
                FormStatus(form, len(q.items), mine, count, unresolved, form.serial in verified)
            )
        return out

    def paper_summary(self, check: Check) -> PaperSummary | None:
        """How many of a check's forms were printed and verified; None when it has none."""
        rows = self._query(
            "SELECT count(*), count(v.serial), coalesce(sum(v.disagreements), 0)"
            " FROM paper_forms f JOIN sessions s ON s.id = f.session_id"
            " LEFT JOIN paper_verified v ON v.serial = f.serial WHERE s.check_id = ?",
            (check.id,),
        )
        printed, verified, disagreements = rows[0]
        if not printed:
            return None
        return PaperSummary(printed, verified, disagreements, printed - verified)


__all__ = ["BLANK", "AlreadyKeyed", "EntryTables", "FormStatus", "KeyedPass", "Outcome"]
