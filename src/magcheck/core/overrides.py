"""When a questionnaire in the user folder may stand in for a bundled one with the same id.

A translator's copy (magcheck questionnaires po-import) keeps the id and the version and adds a
language. It may take the bundled questionnaire's place only while it scores answers exactly as
the bundled one does; a copy of an older version gives way to the newer bundled questionnaire
(its translation would describe items that changed).
"""

from __future__ import annotations

from typing import Any

from .model import Questionnaire


def scoring(q: Questionnaire) -> tuple[Any, ...]:
    """Everything that decides how answers score and compare; no text."""
    s = q.scale
    return (
        q.role,
        (s.min, s.max, s.prefer_not_to_say, s.dont_know, s.not_applicable),
        q.bands,
        tuple((it.id, it.component, it.reverse, it.parallel) for it in q.items),
    )


def replaces(bundled: Questionnaire, copy: Questionnaire) -> str | None:
    """None when `copy` may be used instead of `bundled`; else why not, fit to print."""
    if copy.version < bundled.version:
        return (
            f"'{copy.id}' v{copy.version} here is older than the bundled v{bundled.version}; "
            "the bundled one is used (export a new .po file and translate the changed entries)"
        )
    if copy.version == bundled.version and scoring(copy) != scoring(bundled):
        return (
            f"'{copy.id}' v{copy.version} here scores answers differently from the bundled "
            f"v{bundled.version} (items, scale or bands differ); give it a new id or version"
        )
    return None
