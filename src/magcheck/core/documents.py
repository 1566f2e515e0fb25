"""A questionnaire as plain data: its canonical content hash, and to/from the stored document."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from fractions import Fraction
from typing import Any

from .model import Bands, Item, Questionnaire, Scale


def _canonical(q: dict[str, Any]) -> str:
    return json.dumps(q, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(doc: dict[str, Any]) -> str:
    """sha256 of the questionnaire's meaning, independent of comments, order and layout."""
    return hashlib.sha256(_canonical(doc).encode("utf-8")).hexdigest()


def meaning(q: Questionnaire) -> dict[str, Any]:
    """What the hash covers: the stored document with every default spelled out, without the
    introduction's wording (editing it does not change what answers mean) and the hash itself."""
    doc = to_document(q)
    del doc["description"], doc["content_hash"]
    return doc


def questionnaire_hash(q: Questionnaire) -> str:
    """The content hash of a questionnaire, however it was read: a YAML file, a store snapshot
    or a bundle. Computed from the content, never taken from what a document says about itself."""
    return content_hash(meaning(q))


def to_document(q: Questionnaire) -> dict[str, Any]:
    """The questionnaire as plain data (for the store snapshot and exports); inverse of from_document."""
    doc: dict[str, Any] = {
        "id": q.id,
        "version": q.version,
        "role": q.role,
        "languages": list(q.languages),
        "title": dict(q.title),
        "description": dict(q.description),
        "scale": {
            "min": q.scale.min,
            "max": q.scale.max,
            "prefer_not_to_say": q.scale.prefer_not_to_say,
            "labels": {k: list(v) for k, v in q.scale.labels.items()},
        },
        "items": [_item_document(it) for it in q.items],
        "bands": {"strong": _num_out(q.bands.strong), "developing": _num_out(q.bands.developing)},
        "content_hash": q.content_hash,
    }
    # Keys added after version 1 appear only when they differ from the default, so a document
    # written before them stays exactly as it was.
    if q.bands.weak != Bands().weak:
        doc["bands"]["weak"] = _num_out(q.bands.weak)
    for flag in ("dont_know", "not_applicable"):
        if getattr(q.scale, flag):
            doc["scale"][flag] = True
    return doc


def _item_document(it: Item) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": it.id,
        "component": it.component,
        "reverse": it.reverse,
        "text": dict(it.text),
    }
    if it.parallel:  # only when set: older documents stay exactly as they were
        doc["parallel"] = it.parallel
    return doc


def _num_out(x: Fraction) -> int | float:
    return int(x) if x.denominator == 1 else float(x)


def from_document(doc: dict[str, Any], source: str = "store") -> Questionnaire:
    """The questionnaire a stored document holds, its content_hash recomputed from the content
    (a "content_hash" key in the document is ignored)."""
    scale = doc["scale"]
    bands = doc.get("bands") or {}
    q = Questionnaire(
        id=doc["id"],
        version=int(doc["version"]),
        role=doc["role"],
        languages=tuple(doc["languages"]),
        title=dict(doc["title"]),
        description=dict(doc.get("description") or {}),
        scale=Scale(
            min=int(scale["min"]),
            max=int(scale["max"]),
            labels={k: tuple(v) for k, v in scale["labels"].items()},
            prefer_not_to_say=bool(scale.get("prefer_not_to_say", False)),
            dont_know=bool(scale.get("dont_know", False)),
            not_applicable=bool(scale.get("not_applicable", False)),
        ),
        items=tuple(
            Item(
                id=it["id"],
                component=it["component"],
                text=dict(it["text"]),
                reverse=bool(it["reverse"]),
                parallel=it.get("parallel") or None,
            )
            for it in doc["items"]
        ),
        bands=Bands(
            strong=Fraction(str(bands.get("strong", 75))),
            developing=Fraction(str(bands.get("developing", 50))),
            weak=Fraction(str(bands.get("weak", 25))),
        ),
        source=source,
    )
    return replace(q, content_hash=questionnaire_hash(q))
