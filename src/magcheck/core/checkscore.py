"""A check's numbers: each part's component scores, the facilitator-member comparison on parallel
items, change since the previous check, and the privacy floor. Pure and exact (fractions).

Every rule here is stated in docs/scoring.md; the two that protect people:
- member results exist only from PRIVACY_FLOOR members up (a setting may raise it, never lower it);
- a facilitator-member difference or a change is called one only when it is larger than one
  answer step can make (Scale.step: 25 points on a 1-5 scale).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from .model import Item, Questionnaire
from .scoring import band, mean, response_scores

PRIVACY_FLOOR = 3
UP, DOWN, SAME = "up", "down", "same"


def privacy_floor(setting: str | int | None) -> int:
    """The floor in force: a setting may raise it above 3, never lower it."""
    try:
        value = int(setting) if setting is not None else PRIVACY_FLOOR
    except ValueError:
        value = PRIVACY_FLOOR
    return max(PRIVACY_FLOOR, value)


@dataclass(frozen=True)
class PartComponent:
    """One component of one part: the mean of its respondents' scores."""

    component: str
    score: Fraction | None
    n: int  # respondents whose answers gave this component a score
    band: str


@dataclass(frozen=True)
class PartScores:
    """A facilitator self-assessment or a member round, scored over its own role only."""

    role: str
    people: int  # respondents of this role who gave at least one answer
    components: tuple[PartComponent, ...]
    non_answers: dict[str, int]  # non-answer kind -> how many answers were that


def part_scores(
    q: Questionnaire,
    role: str,
    responses: Iterable[tuple[str, Mapping[str, int | None]]],
    non_answers: Iterable[Mapping[str, str]] = (),
) -> PartScores:
    """Score the responses of `role` (others, e.g. a facilitator inside a member round, are
    never folded in). responses: (role, item id -> value or None)."""
    mine = [answers for r, answers in responses if r == role]
    scored = [response_scores(q, answers) for answers in mine]
    rows = []
    for comp in q.components:
        values = [s[comp].score for s in scored if s[comp].score is not None]
        score = mean(v for v in values if v is not None)
        rows.append(PartComponent(comp, score, len(values), band(score, q.bands)))
    counts: Counter[str] = Counter()
    for kinds in non_answers:
        counts.update(kinds.values())
    people = sum(1 for answers in mine if answers)
    return PartScores(role, people, tuple(rows), dict(counts))


@dataclass(frozen=True)
class Comparison:
    """Facilitator and members on the parallel items of one component."""

    component: str
    facilitator: Fraction | None
    members: Fraction | None
    n_members: int
    step: Fraction  # one answer step on the 0-100 scale

    @property
    def difference(self) -> Fraction | None:
        if self.facilitator is None or self.members is None:
            return None
        return self.facilitator - self.members

    @property
    def worth_talking_about(self) -> bool:
        """Only a difference larger than one answer step can make."""
        d = self.difference
        return d is not None and abs(d) > self.step


def parallel_pairs(fq: Questionnaire, mq: Questionnaire) -> list[tuple[Item, Item]]:
    """(facilitator item, member item) pairs that ask the same thing: the facilitator item names
    its partner, the partner exists with the same component, and both scales are the same."""
    if (fq.scale.min, fq.scale.max) != (mq.scale.min, mq.scale.max):
        return []
    members = {it.id: it for it in mq.items}
    pairs = []
    for it in fq.items:
        partner = members.get(it.parallel or "")
        if partner is not None and partner.component == it.component:
            pairs.append((it, partner))
    return pairs


def _sub(q: Questionnaire, items: Sequence[Item]) -> Questionnaire:
    return replace(q, items=tuple(items))


def compare_parallel(
    fq: Questionnaire,
    facilitator: Mapping[str, int | None],
    mq: Questionnaire,
    members: Sequence[Mapping[str, int | None]],
    floor: int = PRIVACY_FLOOR,
) -> list[Comparison]:
    """Per component with parallel items: the facilitator's score on them, the members' mean on
    their partners (each member scored by the usual rule on those items alone) and its n. The
    members' side exists only when at least `floor` members have a score."""
    pairs = parallel_pairs(fq, mq)
    out = []
    for comp in fq.components:
        mine = [(f, m) for f, m in pairs if f.component == comp]
        if not mine:
            continue
        fsub = _sub(fq, [f for f, _ in mine])
        msub = _sub(mq, [m for _, m in mine])
        fscore = response_scores(fsub, facilitator)[comp].score
        mscores = [
            s
            for answers in members
            if (s := response_scores(msub, answers)[comp].score) is not None
        ]
        shown = len(mscores) >= max(floor, PRIVACY_FLOOR)
        out.append(
            Comparison(
                comp,
                fscore,
                mean(mscores) if shown else None,
                len(mscores),
                fq.scale.step,
            )
        )
    return out


def change(current: Fraction | None, previous: Fraction | None, step: Fraction) -> str | None:
    """up / down only beyond one answer step; otherwise about the same; None without both."""
    if current is None or previous is None:
        return None
    if current - previous > step:
        return UP
    if previous - current > step:
        return DOWN
    return SAME
