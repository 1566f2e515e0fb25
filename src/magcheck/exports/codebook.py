"""The codebook written with every analysis export: a Frictionless Data Package (datapackage.json)
whose Table Schemas give each column's type, description, allowed values and value labels (in
the chosen language), the questionnaires' item texts, and every questionnaire version and content
hash the data was answered with."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.model import COMPONENT_IDS, NON_ANSWERS, ROLES, Questionnaire
from ..i18n import LANGUAGE_NAMES, band_word, lang_or_default, name

BANDS = ("strong", "developing", "weak", "missing", "insufficient")
ROLE_LABELS = {
    "facilitator": {"en": "Facilitator", "es": "Quien facilita", "pt": "Quem facilita"},
    "member": {"en": "Member", "es": "Participante", "pt": "Participante"},
    "observer": {"en": "Observer", "es": "Observador/a", "pt": "Observador/a"},
}
NON_ANSWER_LABELS = {
    "prefer_not_to_say": {
        "en": "Prefer not to say",
        "es": "Prefiero no decirlo",
        "pt": "Prefiro não dizer",
    },
    "dont_know": {"en": "Don't know", "es": "No sé", "pt": "Não sei"},
    "not_applicable": {
        "en": "Doesn't apply to me",
        "es": "No se aplica a mí",
        "pt": "Não se aplica a mim",
    },
}
# Missing-value codes in the SPSS and Stata files, one per non-answer kind (docs/export-format.md).
SPSS_CODES = {"prefer_not_to_say": -1, "dont_know": -2, "not_applicable": -3}
STATA_CODES = {"prefer_not_to_say": "a", "dont_know": "b", "not_applicable": "c"}

# name -> (Table Schema type, description). Descriptions are English; labels follow --lang.
COLUMNS: dict[str, tuple[str, str]] = {
    "group_id": ("string", "Group id (32 hex; a salted pseudonymous id with --pseudonymize)."),
    "group": ("string", "Group name (a G-... pseudonym with --pseudonymize)."),
    "region": ("string", "The group's region; empty (null) when not set."),
    "focus": ("string", "The group's focus (for example depression); null when not set."),
    "check_id": (
        "string",
        "The check (a facilitator self-assessment and member round) the session belongs to.",
    ),
    "session_id": ("string", "Session id: one meeting's questionnaire round."),
    "date": ("date", "Meeting date."),
    "year": ("integer", "Year of the meeting date (a partition key of the dataset)."),
    "questionnaire_id": ("string", "Questionnaire id."),
    "questionnaire": ("string", "Questionnaire id."),
    "questionnaire_version": ("integer", "Questionnaire version."),
    "questionnaire_hash": (
        "string",
        "sha256 content hash of the exact questionnaire answered (see questionnaires).",
    ),
    "language": ("string", "Language the session was answered in."),
    "response_id": ("string", "Response id: one person's answers in one session."),
    "role": ("string", "Who answered."),
    "respondent_code": (
        "string",
        "Respondent code within the group (an R... pseudonym with --pseudonymize); null when none.",
    ),
    "completed": ("boolean", "Whether the respondent finished the questionnaire."),
    "item_id": ("string", "Item (question) id; the label is the item's text."),
    "component": ("string", "Core component the item or score measures."),
    "reverse": ("boolean", "Reverse-keyed item: scored as min + max - value."),
    "value": (
        "integer",
        "The point chosen on the scale as answered (before reverse-keying); null for a non-answer.",
    ),
    "raw_value": (
        "integer",
        "The point chosen on the scale as answered (before reverse-keying); empty for a non-answer.",
    ),
    "non_answer": ("string", "Which non-answer was given; null when a scale point was chosen."),
    "scored_value": ("integer", "The value after reverse-keying; null for a non-answer."),
    "part": (
        "string",
        "Which part of a check the session is: the questionnaire's role (facilitator or member).",
    ),
    "created_at": (
        "datetime",
        "When the session was started on the device (UTC); orders two sessions on one date.",
    ),
    "answered_at": (
        "datetime",
        "When the answer was saved (UTC in Parquet; as stored, with its offset, in CSV).",
    ),
    "score": (
        "number",
        "Component score 0..100 at full precision; null when fewer than half the component's items were answered.",
    ),
    "band": (
        "string",
        "Band of the score (strong >= 75, developing >= 50, weak >= 25, else missing; insufficient when no score).",
    ),
    "answered": ("integer", "Items of the component answered with a scale point."),
    "items": ("integer", "Items of the component in the questionnaire."),
}


def _labels(values: list[Any], label_of: Any) -> dict[str, Any]:
    return {
        "constraints": {"enum": values},
        "categories": [{"value": v, "label": label_of(v)} for v in values],
    }


def field(column: str, lang: str, questionnaires: list[Questionnaire]) -> dict[str, Any]:
    """The Table Schema field of a shared column, with allowed values and labels where it has them."""
    kind, description = COLUMNS[column]
    out: dict[str, Any] = {"name": column, "type": kind, "description": description}
    lang = lang_or_default(lang)
    if column in ("role", "part"):
        out.update(_labels(list(ROLES), lambda v: ROLE_LABELS[v][lang]))
    elif column == "component":
        out.update(_labels(list(COMPONENT_IDS), lambda v: name(v, lang)))
    elif column == "band":
        out.update(_labels(list(BANDS), lambda v: band_word(v, lang)))
    elif column == "language":
        langs = sorted({x for q in questionnaires for x in q.languages})
        out.update(_labels(langs, lambda v: LANGUAGE_NAMES.get(v, v)))
    elif column == "non_answer":
        out.update(_labels(list(NON_ANSWERS), lambda v: NON_ANSWER_LABELS[v][lang]))
    elif column in ("questionnaire_id", "questionnaire"):
        ids = sorted({q.id for q in questionnaires})
        titles = {q.id: q.title.get(lang) or q.title[q.languages[0]] for q in questionnaires}
        out.update(_labels(ids, lambda v: titles[v]))
    elif column == "questionnaire_hash":
        out.update(
            _labels(sorted(q.content_hash for q in questionnaires), _version_label(questionnaires))
        )
    elif column == "item_id":
        texts: dict[str, str] = {}
        for q in questionnaires:
            for it in q.items:
                texts.setdefault(it.id, item_text(q, it.id, lang))
        out.update(_labels(sorted(texts), lambda v: texts[v]))
    elif column in ("value", "raw_value", "scored_value"):
        scale = _shared_scale(questionnaires, lang)
        if scale:
            out.update(_labels([v for v, _ in scale], dict(scale).__getitem__))
    return out


def _version_label(questionnaires: list[Questionnaire]) -> Any:
    by_hash = {q.content_hash: q for q in questionnaires}
    return lambda h: f"{by_hash[h].id} version {by_hash[h].version}"


def _shared_scale(questionnaires: list[Questionnaire], lang: str) -> list[tuple[int, str]]:
    """The scale anchors when every questionnaire uses the same ones (else see each wide table)."""
    anchors = {
        tuple((v, q.scale.label(v, q.text_lang(lang))) for v in q.scale.points)
        for q in questionnaires
    }
    return list(next(iter(anchors))) if len(anchors) == 1 else []


def item_text(q: Questionnaire, item_id: str, lang: str) -> str:
    texts = q.item(item_id).text
    return texts.get(lang) or texts[q.text_lang(lang)]


def item_field(
    q: Questionnaire, item_id: str, column: str, lang: str, codes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A wide table's item column: the item's text as description, the anchors as value labels,
    and (SPSS/Stata) the missing-value codes of the non-answers the scale offers."""
    lang_q = q.text_lang(lang)
    item = q.item(item_id)
    values: list[Any] = list(q.scale.points)
    labels = {v: q.scale.label(v, lang_q) for v in q.scale.points}
    description = item_text(q, item_id, lang)
    if item.reverse:
        description += " [reverse-keyed]"
    out: dict[str, Any] = {"name": column, "type": "integer", "description": description}
    out["magcheck:item"] = {"id": item_id, "component": item.component, "reverse": item.reverse}
    if codes:
        offered = NON_ANSWERS  # all three: a stored answer may predate its scale's options
        missing = [codes[k] for k in offered]
        out["magcheck:missing_codes"] = {codes[k]: k for k in offered}
        if all(isinstance(c, int) for c in missing):  # SPSS: user-missing values in the data
            values += missing
            labels.update({codes[k]: NON_ANSWER_LABELS[k][lang_or_default(lang)] for k in offered})
        else:  # Stata: extended missing values .a/.b/.c, outside the integer domain
            description += " Missing: " + ", ".join(
                f".{codes[k]} = {NON_ANSWER_LABELS[k][lang_or_default(lang)]}" for k in offered
            )
            out["description"] = description
    out.update(_labels(values, labels.__getitem__))
    return out


def questionnaire_entries(
    questionnaires: dict[str, Questionnaire], lang: str, documents: bool = False
) -> list[dict[str, Any]]:
    out = []
    for h, q in sorted(questionnaires.items(), key=lambda kv: (kv[1].id, kv[1].version, kv[0])):
        entry: dict[str, Any] = {
            "id": q.id,
            "version": q.version,
            "content_hash": h,
            "role": q.role,
            "title": q.title.get(lang) or q.title[q.languages[0]],
            "scale": {
                "min": q.scale.min,
                "max": q.scale.max,
                "non_answers": list(q.scale.non_answers),
            },
        }
        if documents:
            entry["document"] = f"questionnaires/{h}.json"
        out.append(entry)
    return out


def mixed_versions(questionnaires: dict[str, Questionnaire]) -> list[str]:
    """Questionnaire ids answered in more than one version or content hash."""
    seen: dict[str, set[str]] = {}
    for h, q in questionnaires.items():
        seen.setdefault(q.id, set()).add(h)
    return sorted(qid for qid, hashes in seen.items() if len(hashes) > 1)


def package(
    resources: list[dict[str, Any]],
    questionnaires: dict[str, Questionnaire],
    lang: str,
    pseudonymized: bool,
    floor: int,
    documents: bool = False,
    notes: str = "",
) -> dict[str, Any]:
    mixed = mixed_versions(questionnaires)
    description = (
        "Answers and scores exported by magcheck. Column descriptions are in English; value "
        f"labels and item texts are in '{lang_or_default(lang)}'. Member scores of rounds with "
        f"fewer than {floor} members are left out (the privacy floor). "
    )
    if mixed:
        description += (
            "Mixed versions: " + ", ".join(mixed) + " were answered in more than one version; "
            "each version has its own wide table and its own content hash, never merged. "
        )
    return {
        "profile": "data-package",
        "name": "magcheck-export",
        "title": "magcheck export",
        "description": (description + notes).strip(),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "magcheck": {
            "app_version": __version__,
            "language": lang_or_default(lang),
            "pseudonymized": pseudonymized,
            "privacy_floor": floor,
            "questionnaires": questionnaire_entries(questionnaires, lang, documents),
            "mixed_versions": mixed,
        },
        "resources": resources,
    }


def resource(
    res_name: str, path: str | list[str], fmt: str, fields: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    safe = re.sub(r"[^a-z0-9._-]+", "-", res_name.lower()).strip("-") or "data"
    out: dict[str, Any] = {
        "name": safe,
        "path": path,
        "format": fmt,
        "profile": "tabular-data-resource",
    }
    out.update(extra)
    out["schema"] = {"fields": fields}
    return out


def write_package(path: Path, descriptor: dict[str, Any], recipients: tuple[str, ...] = ()) -> Path:
    """The codebook, encrypted like the data it describes when the export is (NAME.age)."""
    from .common import owner_only

    with owner_only(path, recipients=recipients) as fh:
        json.dump(descriptor, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return path
