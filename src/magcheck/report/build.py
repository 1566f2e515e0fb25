"""Build a check's report from the store: each part's components, the facilitator-member
comparison, change since the previous check, the review's benefit links, guidance, crisis text.

What a group hears must be defensible: member results only from the privacy floor up, the
facilitator never folded into the members, differences and changes only beyond one answer step,
benefits as links from the review, never as scores (docs/scoring.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .. import i18n
from ..core.checkscore import (
    Comparison,
    PartScores,
    change,
    compare_parallel,
    part_scores,
)
from ..core.evidence import load_evidence
from ..core.model import BENEFIT_IDS, Questionnaire
from ..core.scoring import DEVELOPING, INSUFFICIENT, MISSING, WEAK
from ..store import Check, Session, Store
from ..store.entry import PaperSummary

FACILITATOR, MEMBER = "facilitator", "member"
NEEDS_IDEAS = (DEVELOPING, WEAK, MISSING)


@dataclass(frozen=True)
class ComponentRow:
    component: str
    score: Fraction | None
    band: str
    n: int
    previous: Fraction | None  # same component, previous complete check, same questionnaire
    change: str | None  # up / down / same (beyond one answer step), None when not comparable


@dataclass(frozen=True)
class Part:
    """The facilitator self-assessment or the member round of a check."""

    role: str
    session: Session
    questionnaire: Questionnaire
    people: int  # respondents of this role with at least one answer
    unfinished: int
    shown: bool  # False for a member round under the privacy floor: nothing of it is shown
    rows: tuple[ComponentRow, ...]
    non_answers: dict[str, int]
    previous: Session | None


@dataclass(frozen=True)
class BenefitLink:
    benefit: str
    links: tuple[tuple[str, str, str | None], ...]  # (component, often/sometimes, band here)


@dataclass(frozen=True)
class CheckReport:
    check: Check
    language: str
    floor: int
    facilitator: Part | None
    members: Part | None
    comparisons: tuple[Comparison, ...]  # empty unless both parts exist
    benefits: tuple[BenefitLink, ...]
    standing_from: str | None  # which part the benefit and guidance bands come from
    guidance: dict[str, list[str]]
    crisis_text: str | None
    paper: PaperSummary | None = None  # only for a check with printed paper forms

    @property
    def parts(self) -> tuple[Part, ...]:
        """Members first: the group hears its own view before the facilitator's."""
        return tuple(p for p in (self.members, self.facilitator) if p is not None)

    @property
    def differences(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if c.worth_talking_about)


def _scored(store: Store, session: Session, role: str) -> tuple[Questionnaire, PartScores, list]:
    q = store.questionnaire(session.questionnaire_hash)
    rows = store.session_answers(session)
    skipped = store.session_non_answers(session)
    scores = part_scores(
        q,
        role,
        [(r.role, answers) for r, answers in rows],
        [skipped.get(r.id, {}) for r, _ in rows if r.role == role],
    )
    return q, scores, rows


def _part(store: Store, check: Check, role: str, floor: int) -> tuple[Part | None, list]:
    session = check.part(role)
    if session is None:
        return None, []
    q, scores, rows = _scored(store, session, role)
    shown = role == FACILITATOR or scores.people >= floor
    previous = store.previous_part(check, role, q.id)
    before: dict[str, Fraction | None] = {}
    if previous is not None and shown:
        pq, pscores, _ = _scored(store, previous, role)
        if role == FACILITATOR or pscores.people >= floor:
            before = {c.component: c.score for c in pscores.components}
    table = tuple(
        ComponentRow(
            c.component,
            c.score,
            c.band,
            c.n,
            before.get(c.component),
            change(c.score, before.get(c.component), q.scale.step),
        )
        for c in scores.components
    )
    unfinished = sum(1 for r, _ in rows if r.role == role and not r.complete)
    part = Part(
        role,
        session,
        q,
        scores.people,
        unfinished,
        shown,
        table if shown else (),
        scores.non_answers if shown else {},
        previous,
    )
    return part, [answers for r, answers in rows if r.role == role]


def build_report(store: Store, check: Check, lang: str | None = None) -> CheckReport:
    """The report of one check, in `lang` or else the language its sessions were answered in."""
    first = check.sessions[0].language if check.sessions else None
    language = i18n.lang_or_default(lang or first)
    floor = store.privacy_floor()
    fac, fac_answers = _part(store, check, FACILITATOR, floor)
    mem, mem_answers = _part(store, check, MEMBER, floor)

    comparisons: tuple[Comparison, ...] = ()
    if fac is not None and mem is not None and fac_answers:
        comparisons = tuple(
            compare_parallel(
                fac.questionnaire, fac_answers[0], mem.questionnaire, mem_answers, floor
            )
        )

    # How each component stands: from the members when their results are shown, else from the
    # facilitator; the first shown part that scored a component decides it.
    shown_parts = [p for p in (mem, fac) if p is not None and p.shown]
    here: dict[str, str] = {}
    for part in shown_parts:
        for row in part.rows:
            if row.band != INSUFFICIENT:
                here.setdefault(row.component, row.band)
    standing_from = shown_parts[0].role if shown_parts else None
    evidence = load_evidence()
    benefits = tuple(
        BenefitLink(b, tuple((c, how, here.get(c)) for c, how in evidence.links(b)))
        for b in BENEFIT_IDS
    )
    guidance = {c: i18n.guidance(c, language) for c, b in here.items() if b in NEEDS_IDEAS}
    return CheckReport(
        check=check,
        language=language,
        floor=floor,
        facilitator=fac,
        members=mem,
        comparisons=comparisons,
        benefits=benefits,
        standing_from=standing_from,
        guidance=guidance,
        crisis_text=store.crisis_text(language),
        paper=store.paper_summary(check),
    )


def report_for(store: Store, ref: str, lang: str | None = None) -> CheckReport:
    """A report from a check id or a session id (a session's report is its check's)."""
    from ..errors import NotFoundError

    try:
        check = store.check(ref)
    except NotFoundError:
        try:
            check = store.check_of(store.session(ref))
        except NotFoundError:
            raise NotFoundError(
                f"no check or session '{ref}' (see 'magcheck sessions list')"
            ) from None
    return build_report(store, check, lang)


__all__ = ["BenefitLink", "CheckReport", "ComponentRow", "Part", "build_report"]
