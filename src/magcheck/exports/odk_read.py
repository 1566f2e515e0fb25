"""Read a submissions CSV from ODK Central or KoboToolbox and check every cell; write nothing.

The form came from exports/xlsform.py, so its fields have known names. Which server wrote the
file is told by its columns (ODK Central: SubmissionDate, KEY, meta-instanceID, group paths
joined with '-'; KoboToolbox: _uuid, _submission_time, paths joined with '/', ',' or ';'
between cells). Any problem stops the whole file with the row (the spreadsheet's row number:
the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ..core.model import Questionnaire
from ..errors import InputError
from ..inputs import read_regular
from ..store.rows import check_respondent_code
from ..text import clean_name, shown
from .xlsform import (
    DATE_FIELD,
    GROUP_FIELD,
    HASH_FIELD,
    ITEMS_GROUP,
    QUESTIONNAIRE_FIELD,
    RESPONDENT_FIELD,
    questionnaire_tag,
)

MAX_BYTES = 256 * 1024 * 1024

# The submission's own id, best first: ODK Central's KEY and KoboToolbox's rootUuid stay the same
# when a submission is edited on the server; instanceID changes with each edit.
_ID_COLUMNS = (
    "KEY",
    "meta-rootUuid",
    "meta/rootUuid",
    "_uuid",
    "meta-instanceID",
    "meta/instanceID",
)
_TIME_COLUMNS = ("SubmissionDate", "_submission_time")
_VERSION_COLUMNS = ("FormVersion", "__version__")


class OdkRejected(InputError):
    """The file is refused whole; the message names the file, row and column."""

    title = "Submissions refused"


@dataclass(frozen=True)
class Submission:
    row: int  # the spreadsheet row number (header = 1)
    instance_id: str
    group: str  # as typed on the phone, through the text policy
    day: str  # the meeting date, YYYY-MM-DD
    respondent_code: str | None
    started_at: str
    completed_at: str
    answers: tuple[tuple[str, int | None, str | None], ...]  # item id, value, non-answer kind


@dataclass(frozen=True)
class Submissions:
    path: Path
    server: str  # "ODK Central" or "KoboToolbox"
    rows: tuple[Submission, ...]
    group_column: str  # where the group was read, for messages about it


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def _column_of(columns: list[str], name: str) -> str | None:
    """The column holding a form field: its name alone or at the end of a group path."""
    found = [c for c in columns if c == name or c.endswith(("-" + name, "/" + name))]
    exact = [c for c in found if c == name]
    if exact:
        return exact[0]
    preferred = [c for c in found if c in (f"{ITEMS_GROUP}-{name}", f"{ITEMS_GROUP}/{name}")]
    chosen = preferred or found
    return chosen[0] if chosen else None


def _timestamp(value: str) -> str | None:
    """An ISO time as magcheck stores it (UTC, seconds); None when it is not one."""
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _day(value: str) -> str | None:
    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def _table(name: str, raw: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows, each with its spreadsheet row number."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OdkRejected(
            f"{name}: byte {exc.start + 1} is not UTF-8; export the CSV again as UTF-8"
        ) from None
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, cells in enumerate(reader, 1):
            if number == 1 or any(c.strip() for c in cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise OdkRejected(f"{name}: row {number + 1}: not valid CSV ({exc})") from None
    if not rows:
        raise OdkRejected(f"{name}: the file is empty")
    header = [c.strip() for c in rows[0][1]]
    if not rows[1:]:
        raise OdkRejected(f"{name}: no submissions in the file")
    return header, rows[1:]


def read_submissions(path: Path, q: Questionnaire, max_bytes: int = MAX_BYTES) -> Submissions:
    """Every submission of the file, checked against the questionnaire, or OdkRejected."""
    name = str(path)
    columns, table = _table(name, read_regular(path, max_bytes))
    server = "ODK Central" if {"SubmissionDate", "KEY"} & set(columns) else "KoboToolbox"
    index = {c: i for i, c in enumerate(columns)}

    def cell(column: str | None, cells: list[str]) -> str:
        if column is None:
            return ""
        i = index[column]
        return cells[i] if i < len(cells) else ""

    def refuse(row: int, column: str, problem: str) -> OdkRejected:
        return OdkRejected(f"{name}: row {row}, column {shown(column)}: {problem}")

    hint = (
        "; this CSV was not exported from a form made by 'magcheck questionnaires xlsform "
        f"{q.id}', or it was exported with labels instead of values"
    )

    def need(field: str, what: str) -> str:
        column = _column_of(columns, field)
        if column is None:
            raise OdkRejected(f"{name}: row 1: no column for {what} ('{field}'){hint}")
        return column

    # First whether the form was made from this questionnaire: that explains every other
    # difference (other items, another scale) in one sentence.
    hash_column = need(HASH_FIELD, "the questionnaire's content hash")
    version_column = next((c for c in _VERSION_COLUMNS if c in columns), None)
    tag_column = _column_of(columns, QUESTIONNAIRE_FIELD)
    for row, cells in table:
        found_hash = cell(hash_column, cells).strip()
        if found_hash != q.content_hash:
            version = cell(version_column, cells).strip()
            made = cell(tag_column, cells).strip()
            raise refuse(
                row,
                hash_column,
                f"form version {shown(version or '?')} was made from questionnaire "
                f"{shown(made or 'unknown')} (hash {shown(found_hash[:12] or 'none')}…), "
                f"not the installed {questionnaire_tag(q)} (hash {q.content_hash[:12]}…): "
                f"export a new XLSForm with 'magcheck questionnaires xlsform {q.id}', publish "
                "it, and collect with it",
            )
    id_column = next((c for c in _ID_COLUMNS if c in columns), None)
    if id_column is None:
        raise OdkRejected(
            f"{name}: row 1: no submission id column (one of {', '.join(_ID_COLUMNS)})"
        )
    time_column = next((c for c in _TIME_COLUMNS if c in columns), None)
    group_column = need(GROUP_FIELD, "the group")
    date_column = need(DATE_FIELD, "the meeting date")
    code_column = _column_of(columns, RESPONDENT_FIELD)
    start_column = _column_of(columns, "start")
    end_column = _column_of(columns, "end")
    item_columns = [(item.id, need(item.id, f"item {item.id}")) for item in q.items]
    codes = {str(v): v for v in q.scale.points}
    allowed = [*codes, *q.scale.non_answers]
    labels = {label for texts in q.scale.labels.values() for label in texts}

    rows: list[Submission] = []
    seen: dict[str, int] = {}
    for row, cells in table:
        instance = cell(id_column, cells).strip().removeprefix("uuid:")
        if not instance:
            raise refuse(row, id_column, "no submission id")
        if instance in seen:
            raise refuse(row, id_column, f"the same submission as row {seen[instance]}")
        seen[instance] = row
        try:
            group = clean_name(cell(group_column, cells), "group")
        except InputError as exc:
            raise refuse(row, group_column, str(exc)) from None
        if not group:
            raise refuse(row, group_column, "no group given")
        try:
            code = check_respondent_code(cell(code_column, cells).strip())
        except InputError as exc:
            raise refuse(row, str(code_column), str(exc)) from None
        day = _day(cell(date_column, cells))
        if day is None:
            given = shown(cell(date_column, cells))
            raise refuse(row, date_column, f"'{given}' is not a date like 2026-03-14")
        submitted = _timestamp(cell(time_column, cells)) if time_column else None
        if time_column and submitted is None:
            raise refuse(row, time_column, f"'{shown(cell(time_column, cells))}' is not a time")
        start = _timestamp(cell(start_column, cells)) if start_column else None
        end = _timestamp(cell(end_column, cells)) if end_column else None
        fallback = submitted or end or start or f"{day}T00:00:00+00:00"
        answers: list[tuple[str, int | None, str | None]] = []
        for item_id, column in item_columns:
            value = cell(column, cells).strip()
            if value in codes:
                answers.append((item_id, codes[value], None))
            elif value in q.scale.non_answers:
                answers.append((item_id, None, value))
            else:
                got = f"'{shown(value)}'" if value else "nothing"
                why = f"{got} is not one of {', '.join(allowed)}"
                if value in labels:
                    why += " (export the CSV with XML values, not labels)"
                raise refuse(row, column, why)
        started, completed = start or fallback, end or fallback
        rows.append(Submission(row, instance, group, day, code, started, completed, tuple(answers)))
    return Submissions(path, server, tuple(rows), group_column)
