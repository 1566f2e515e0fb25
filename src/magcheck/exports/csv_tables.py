"""CSV export: an answers table and a scores table that Excel, LibreOffice and pandas read as is.

UTF-8 with a byte order mark (so Excel does not guess a legacy code page), CRLF line ends, and
every text cell that a spreadsheet could run as a formula is neutralised with a leading quote.
Numeric columns are written as plain numbers (never quoted or neutralised), empty when missing.
"""

from __future__ import annotations

from pathlib import Path

from ..core.bulk import Plans
from ..core.scoring import as_float, band, scored_value
from ..store import Store
from .common import (
    FORMULA_STARTS,
    CsvWriter,
    ExportOptions,
    Pseudonyms,
    neutralise,
    owner_only,
    pseudonymize_session,
    public_group,
)
from .csv_codebook import write_csv_codebook
from .records import read_store

SUFFIX = ".csv"
__all__ = ["FORMULA_STARTS", "neutralise", "write"]

SESSION_COLUMNS = [
    "group_id",
    "group",
    "region",
    "focus",
    "session_id",
    "check_id",
    "date",
    "questionnaire",
    "questionnaire_version",
    "language",
    "response_id",
    "role",
    "respondent_code",
    "completed",
]
ANSWER_COLUMNS = SESSION_COLUMNS + [
    "item_id",
    "component",
    "reverse",
    "raw_value",
    "non_answer",
    "scored_value",
    "answered_at",
]
SCORE_COLUMNS = SESSION_COLUMNS + ["component", "score", "band", "answered", "items"]


def table_paths(path: Path) -> tuple[Path, Path]:
    """--out data.csv (or data) -> data-answers.csv and data-scores.csv beside it."""
    stem = path.name[: -len(SUFFIX)] if path.name.lower().endswith(SUFFIX) else path.name
    return path.with_name(f"{stem}-answers.csv"), path.with_name(f"{stem}-scores.csv")


def write(store: Store, path: Path, options: ExportOptions) -> list[Path]:
    data = read_store(store, options.group_id, options.since)
    names = Pseudonyms.for_store(store) if options.pseudonymize else None
    groups = {gid: public_group(g, names) for gid, g in data.groups.items()}
    answers_path, scores_path = table_paths(path)
    cache = Plans()
    floor = store.privacy_floor()
    with (
        owner_only(answers_path, encoding="utf-8-sig", recipients=options.recipients) as afh,
        owner_only(scores_path, encoding="utf-8-sig", recipients=options.recipients) as sfh,
    ):
        answers_out, scores_out = CsvWriter(afh), CsvWriter(sfh)
        answers_out.writerow(ANSWER_COLUMNS)
        scores_out.writerow(SCORE_COLUMNS)
        for session in data.sessions:
            q = data.questionnaires[session.questionnaire_hash]
            g = groups[session.group_id]
            pseudonymize_session(session, names)
            items = {it.id: it for it in q.items}
            lo, hi = q.scale.min, q.scale.max
            members = sum(1 for r in session.responses if r.role == "member" and r.answers)
            under_floor = q.role == "member" and members < floor
            for r in session.responses:
                lead = [
                    g.id,
                    g.name,
                    g.region or "",
                    g.focus or "",
                    session.id,
                    session.check_id or "",
                    session.date,
                    session.questionnaire_id,
                    session.questionnaire_version,
                    session.language,
                    r.id,
                    r.role,
                    r.respondent_code or "",
                    "true" if r.completed_at else "false",
                ]
                for item_id, value, answered_at, missing in r.answers:
                    item = items.get(item_id)
                    scored = (
                        ""
                        if value is None or item is None
                        else scored_value(value, item.reverse, lo, hi)
                    )
                    answers_out.writerow(
                        lead
                        + [
                            item_id,
                            item.component if item else "",
                            ("true" if item.reverse else "false") if item else "",
                            "" if value is None else value,
                            missing or "",
                            scored,
                            answered_at,
                        ]
                    )
                if under_floor and r.role == "member":  # the privacy floor: no scores of one or two
                    continue
                for comp, s in cache.response(q, r.values()).items():
                    score = as_float(s.score)
                    scores_out.writerow(
                        lead
                        + [
                            comp,
                            "" if score is None else score,
                            band(s.score, q.bands),
                            s.answered,
                            s.items,
                        ]
                    )
    book = write_csv_codebook(
        answers_path,
        scores_path,
        ANSWER_COLUMNS,
        SCORE_COLUMNS,
        data.questionnaires,
        options,
        floor,
    )
    return [answers_path, scores_path, book]
