"""Build a session's report (scores, bands, blind spots, benefits, guidance) from the store."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .. import i18n
from ..core.evidence import BenefitSupport, benefit_support
from ..core.model import Questionnaire
from ..core.scoring import (
    DEVELOPING,
    MISSING,
    ComponentScore,
    SessionComponent,
    response_scores,
    session_scores,
)
from ..store import Response, Session, Store


@dataclass(frozen=True)
class ComponentRow:
    result: SessionComponent
    previous: Fraction | None  # same component in the group's previous session, same questionnaire

    @property
    def component(self) -> str:
        return self.result.component

    @property
    def change(self) -> Fraction | None:
        if self.previous is None or self.result.score is None:
            return None
        return self.result.score - self.previous


@dataclass(frozen=True)
class SessionReport:
    session: Session
    questionnaire: Questionnaire
    language: str
    responses: tuple[Response, ...]
    components: tuple[ComponentRow, ...]
    benefits: tuple[BenefitSupport, ...]
    guidance: dict[str, list[str]]
    previous_session: Session | None

    def count(self, role: str) -> int:
        return sum(1 for r in self.responses if r.role == role)

    @property
    def unfinished(self) -> int:
        return sum(1 for r in self.responses if not r.complete)


def score_session(
    store: Store, session: Session
) -> tuple[
    Questionnaire, list[tuple[Response, dict[str, ComponentScore]]], dict[str, SessionComponent]
]:
    q = store.questionnaire(session.questionnaire_hash)
    per_response = [
        (r, response_scores(q, answers)) for r, answers in store.session_answers(session)
    ]
    combined = session_scores(q, [(r.role, s) for r, s in per_response])
    return q, per_response, combined


def build_report(store: Store, session: Session, lang: str | None = None) -> SessionReport:
    language = i18n.lang_or_default(lang or session.language)
    q, per_response, combined = score_session(store, session)
    previous = store.previous_session(session)
    before: dict[str, SessionComponent] = {}
    if previous is not None:
        before = score_session(store, previous)[2]
    rows = tuple(
        ComponentRow(result, before[c].score if c in before else None)
        for c, result in combined.items()
    )
    benefits = benefit_support(
        {c: r.score for c, r in combined.items()}, {c: r.band for c, r in combined.items()}
    )
    guidance = {
        c: i18n.guidance(c, language)
        for c, r in combined.items()
        if r.band in (DEVELOPING, MISSING)
    }
    return SessionReport(
        session=session,
        questionnaire=q,
        language=language,
        responses=tuple(r for r, _ in per_response),
        components=rows,
        benefits=tuple(benefits),
        guidance=guidance,
        previous_session=previous,
    )
