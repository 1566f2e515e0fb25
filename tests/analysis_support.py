"""A store for the analysis-export tests: regions that need escaping or are missing, every kind
of non-answer, a member round under the privacy floor, and two versions of one questionnaire."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from magcheck.core.documents import questionnaire_hash
from magcheck.store import Store

from .export_support import fill_store, questionnaires

NAMES = ["Grupo =Martes", "Tuesday Circle", "Zed Club"]
ODD_REGION = "São Paulo/Sul=1%"


def analysis_store(directory: Path) -> Path:
    groups = fill_store(directory, groups=3, sessions=2, members=4, names=NAMES)
    qs = questionnaires()
    member, facilitator = qs["member"], qs["facilitator"]
    newer = replace(member, version=member.version + 1)
    newer = replace(newer, title={k: v + " (v3)" for k, v in member.title.items()})
    newer = replace(newer, content_hash=questionnaire_hash(newer))
    with Store.open(directory) as store:
        g = groups[1]
        # every non-answer kind, in both questionnaires
        s = store.create_session(g, facilitator, "es", "2025-11-03")
        r = store.start_response(s, "facilitator", "F1")
        items = [it.id for it in facilitator.items]
        store.record_answers(r, {items[0]: "dont_know", items[1]: "prefer_not_to_say", items[2]: 4})
        store.complete_response(r)
        s = store.create_session(g, newer, "pt", "2026-04-07")
        for code in ("M1", "M2", "M3", "M4"):
            r = store.start_response(s, "member", code)
            ids = [it.id for it in newer.items]
            store.record_answers(r, {i: 3 for i in ids} | {ids[0]: "not_applicable", ids[1]: None})
            store.complete_response(r)
        # a member round of two: under the privacy floor of three
        s = store.create_session(groups[2], member, "en", "2026-05-05")
        for code in ("M7", "M8"):
            r = store.start_response(s, "member", code)
            store.record_answers(r, {it.id: 5 for it in member.items})
            store.complete_response(r)
    db = sqlite3.connect(directory / "magcheck.db")
    db.execute("UPDATE groups SET region = ? WHERE id = ?", (ODD_REGION, groups[0].id))
    db.execute("UPDATE groups SET region = NULL WHERE id = ?", (groups[2].id,))
    db.commit()
    db.close()
    return directory


def stored_answers(directory: Path) -> set[tuple[str, str, int | None, str | None]]:
    """(response id, item id, value, non-answer kind) for every answer in the store."""
    db = sqlite3.connect(directory / "magcheck.db")
    try:
        rows = db.execute(
            "SELECT response_id, item_id, value,"
            " CASE WHEN value IS NULL THEN coalesce(missing, 'prefer_not_to_say') END FROM answers"
        ).fetchall()
    finally:
        db.close()
    return {tuple(r) for r in rows}  # type: ignore[misc]


def under_floor_responses(directory: Path) -> set[str]:
    db = sqlite3.connect(directory / "magcheck.db")
    try:
        rows = db.execute(
            "SELECT r.id FROM responses r JOIN sessions s ON s.id = r.session_id"
            " WHERE s.date = '2026-05-05' AND r.role = 'member'"
        ).fetchall()
    finally:
        db.close()
    return {r[0] for r in rows}
