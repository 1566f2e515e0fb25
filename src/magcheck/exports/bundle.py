"""The bundle format: one JSON file with everything an evaluator's store needs, checksummed.

The file is written in canonical form (sorted keys, no spaces, UTF-8), sessions streamed one by
one; "sha256" sorts last among the top-level keys, so the checksum is appended at the end.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.bulk import Plans
from ..core.documents import to_document
from ..core.scoring import ComponentScore, SessionComponent, as_float
from ..store import Store
from .common import (
    FORMAT_NAME,
    FORMAT_VERSION,
    ExportOptions,
    Pseudonyms,
    owner_only,
    pseudonymize_session,
    public_group,
    score_record,
)
from .records import SessionRecord, read_store

SUFFIX = ".json"


def canonical(value: Any) -> str:
    """The one serialisation the checksum is computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum(document: dict[str, Any]) -> str:
    """sha256 (hex) of the canonical form of the document without its "sha256" member."""
    body = {k: v for k, v in document.items() if k != "sha256"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def session_scores_json(combined: dict[str, SessionComponent]) -> dict[str, Any]:
    return {
        c: {
            "score": as_float(s.score),
            "n": s.n,
            "band": s.band,
            "facilitator": as_float(s.facilitator.score),
            "facilitator_n": s.facilitator.n,
            "member": as_float(s.member.score),
            "member_n": s.member.n,
            "gap": as_float(s.gap),
        }
        for c, s in combined.items()
    }


def response_scores_json(scores: dict[str, ComponentScore]) -> dict[str, float | None]:
    return {c: as_float(s.score) for c, s in scores.items()}


def session_json(
    session: SessionRecord,
    per_response: list[dict[str, ComponentScore]],
    combined: dict[str, SessionComponent],
) -> dict[str, Any]:
    return {
        "id": session.id,
        "group_id": session.group_id,
        "date": session.date,
        "language": session.language,
        "questionnaire_id": session.questionnaire_id,
        "questionnaire_version": session.questionnaire_version,
        "questionnaire_hash": session.questionnaire_hash,
        "created_at": session.created_at,
        "closed_at": session.closed_at,
        "check_id": session.check_id,
        "scores": session_scores_json(combined),
        "responses": [
            {
                "id": r.id,
                "role": r.role,
                "respondent_code": r.respondent_code,
                "started_at": r.started_at,
                "completed_at": r.completed_at,
                "answers": [list(a) if a[1] is None else list(a[:3]) for a in r.answers],
                "scores": response_scores_json(scores),
            }
            for r, scores in zip(session.responses, per_response, strict=True)
        ],
    }


def write(store: Store, path: Path, options: ExportOptions) -> list[Path]:
    data = read_store(store, options.group_id, options.since)
    names = Pseudonyms.for_store(store) if options.pseudonymize else None
    head = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "device_id": names.ident("device", data.device_id) if names else data.device_id,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pseudonymized": options.pseudonymize,
        "filters": {
            "group_id": (
                names.ident("group", options.group_id)
                if names and options.group_id
                else options.group_id
            ),
            "since": options.since,
        },
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "region": g.region,
                "focus": g.focus,
                "created_at": g.created_at,
            }
            for g in (public_group(g, names) for g in data.groups.values())
        ],
        # one document per content hash (a store may hold one questionnaire under an older-style
        # key too), stated with the hash a reader recomputes from it
        "questionnaires": list(
            {q.content_hash: to_document(q) for q in data.questionnaires.values()}.values()
        ),
    }
    digest = hashlib.sha256()
    cache = Plans()
    with owner_only(path, binary=True, recipients=options.recipients) as fh:

        def emit(text: str) -> None:
            chunk = text.encode("utf-8")
            digest.update(chunk)
            fh.write(chunk)

        text = canonical(head)
        emit(text[:-1] + ',"sessions":[')
        for i, session in enumerate(data.sessions):
            q = data.questionnaires[session.questionnaire_hash]
            per_response, combined = score_record(cache, q, session)
            session.questionnaire_hash = q.content_hash
            pseudonymize_session(session, names)
            emit(("," if i else "") + canonical(session_json(session, per_response, combined)))
        emit("]")
        digest.update(b"}")
        fh.write(f',"sha256":"{digest.hexdigest()}"}}\n'.encode())
    return [path]
