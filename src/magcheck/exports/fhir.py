"""FHIR R4 export: a collection Bundle of Group, Questionnaire and QuestionnaireResponse resources.

Questionnaire items are grouped by component (a "group" item per component holding its "choice"
items); answers are Codings of the scale point. Session facts FHIR has no field for (session id,
meeting date, role, respondent code) travel as extensions under urn:magcheck:fhir:.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import i18n
from ..core.model import Questionnaire
from ..store import Store
from .common import ExportOptions, Pseudonyms, owner_only, pseudonymize_session, public_group
from .records import ResponseRecord, SessionRecord, read_store

SUFFIX = ".fhir.json"
EXT = "urn:magcheck:fhir:"
_NS = uuid.UUID("5b0f3c52-4f8e-4f43-9a3c-6d1f0f6f2b10")


def _full_url(kind: str, ident: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, f'{kind}:{ident}')}"


def _canonical_url(q: Questionnaire) -> str:
    return f"urn:magcheck:questionnaire:{q.id}"


def _scale_system(q: Questionnaire) -> str:
    return f"urn:magcheck:scale:{q.id}:{q.version}"


def questionnaire_resource(q: Questionnaire) -> dict[str, Any]:
    lang = q.languages[0]
    options = [
        {
            "valueCoding": {
                "system": _scale_system(q),
                "code": str(v),
                "display": q.scale.label(v, lang),
            }
        }
        for v in q.scale.points
    ]
    return {
        "resourceType": "Questionnaire",
        "id": q.content_hash[:64],
        "url": _canonical_url(q),
        "version": str(q.version),
        "name": q.id.replace("-", "_"),
        "title": q.title[lang],
        "status": "active",
        "language": lang,
        "identifier": [{"system": "urn:magcheck:content-hash", "value": q.content_hash}],
        "item": [
            {
                "linkId": comp,
                "text": i18n.name(comp, lang),
                "type": "group",
                "item": [
                    {
                        "linkId": it.id,
                        "text": it.text[lang],
                        "type": "choice",
                        "answerOption": options,
                    }
                    for it in q.items_of(comp)
                ],
            }
            for comp in q.components
        ],
    }


def _ext(name: str, value: str) -> dict[str, str]:
    return {"url": EXT + name, "valueString": value}


def response_resource(
    q: Questionnaire, session: SessionRecord, r: ResponseRecord, group_url: str
) -> dict[str, Any]:
    values = r.values()
    lang = session.language if session.language in q.languages else q.languages[0]
    extensions = [_ext("session-id", session.id), _ext("role", r.role)]
    extensions.append({"url": EXT + "session-date", "valueDate": session.date})
    if r.respondent_code:
        extensions.append(_ext("respondent-code", r.respondent_code))

    def answer(item_id: str) -> dict[str, Any]:
        node: dict[str, Any] = {"linkId": item_id, "text": q.item(item_id).text[lang]}
        value = values.get(item_id)
        if value is not None:
            node["answer"] = [
                {
                    "valueCoding": {
                        "system": _scale_system(q),
                        "code": str(value),
                        "display": q.scale.label(value, lang),
                    }
                }
            ]
        return node

    groups = []
    for comp in q.components:
        answered = [answer(it.id) for it in q.items_of(comp) if it.id in values]
        if answered:
            groups.append({"linkId": comp, "text": i18n.name(comp, lang), "item": answered})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": r.id,
        "extension": extensions,
        "identifier": {"system": "urn:magcheck:response", "value": r.id},
        "questionnaire": f"{_canonical_url(q)}|{q.version}",
        "status": "completed" if r.completed_at else "in-progress",
        "subject": {"reference": group_url},
        "authored": r.completed_at or r.started_at,
        "language": lang,
    }
    if groups:
        resource["item"] = groups
    return resource


def write(store: Store, path: Path, options: ExportOptions) -> list[Path]:
    data = read_store(store, options.group_id, options.since)
    names = Pseudonyms.for_store(store) if options.pseudonymize else None
    shown = {gid: public_group(g, names) for gid, g in data.groups.items()}
    # urls derive from the ids shown, so a pseudonymised file holds nothing computed from real ids
    group_urls = {gid: _full_url("group", g.id) for gid, g in shown.items()}
    q_urls = {h: _full_url("questionnaire", h) for h in data.questionnaires}
    with owner_only(path, recipients=options.recipients) as fh:
        fh.write(
            json.dumps(
                {
                    "resourceType": "Bundle",
                    "id": str(uuid.uuid4()),
                    "type": "collection",
                    "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
                },
                ensure_ascii=False,
            )[:-1]
            + ',"entry":['
        )
        first = True

        def entry(url: str, resource: dict[str, Any]) -> None:
            nonlocal first
            fh.write(
                ("" if first else ",\n")
                + json.dumps({"fullUrl": url, "resource": resource}, ensure_ascii=False)
            )
            first = False

        for gid, g in shown.items():
            entry(
                group_urls[gid],
                {
                    "resourceType": "Group",
                    "id": g.id,
                    "identifier": [{"system": "urn:magcheck:group", "value": g.id}],
                    "type": "person",
                    "actual": True,
                    "name": g.name,
                },
            )
        for h, q in data.questionnaires.items():
            entry(q_urls[h], questionnaire_resource(q))
        for session in data.sessions:
            q = data.questionnaires[session.questionnaire_hash]
            group_url = group_urls[session.group_id]
            pseudonymize_session(session, names)
            for r in session.responses:
                entry(_full_url("response", r.id), response_resource(q, session, r, group_url))
        fh.write("]}\n")
    return [path]
