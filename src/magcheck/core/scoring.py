"""Pure scoring rules: answers -> component scores -> bands and session means.

Arithmetic is exact (fractions) so a score on a band's edge lands in the band the rule names;
floats appear only when a result leaves this module for display or export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import ceil

from .model import Bands, Questionnaire

STRONG, DEVELOPING, WEAK, MISSING = "strong", "developing", "weak", "missing"
INSUFFICIENT = "insufficient"
BANDS: tuple[str, ...] = (STRONG, DEVELOPING, WEAK, MISSING)


def scored_value(value: int, reverse: bool, lo: int, hi: int) -> int:
    """Reverse-keyed items are flipped: v' = min + max - v."""
    return lo + hi - value if reverse else value


@dataclass(frozen=True)
class ComponentScore:
    """One response's score for one component. score is None when insufficient."""

    component: str
    score: Fraction | None
    answered: int
    items: int

    @property
    def insufficient(self) -> bool:
        return self.score is None


def needed_answers(items: int) -> int:
    """At least half of a component's items, rounded up, must be answered."""
    return ceil(items / 2)


def response_scores(
    q: Questionnaire, answers: Mapping[str, int | None]
) -> dict[str, ComponentScore]:
    """Score one response; answers maps item id -> value, None (or absent) meaning missing."""
    lo, hi = q.scale.min, q.scale.max
    out: dict[str, ComponentScore] = {}
    for comp in q.components:
        items = q.items_of(comp)
        values = [
            scored_value(v, it.reverse, lo, hi)
            for it in items
            if (v := answers.get(it.id)) is not None
        ]
        if len(values) < needed_answers(len(items)) or not values:
            out[comp] = ComponentScore(comp, None, len(values), len(items))
            continue
        mean = Fraction(sum(values), len(values))
        out[comp] = ComponentScore(comp, (mean - lo) / (hi - lo) * 100, len(values), len(items))
    return out


DEFAULT_BANDS = Bands()


def band_of(num: int, den: int, bands: Bands = DEFAULT_BANDS) -> str:
    """The band of the exact score num / den (den > 0): each edge belongs to the band it starts.

    Decided in integers by cross-multiplication, so bulk paths that keep scores as integer
    ratios use this same rule without building fractions.
    """
    for word, edge in ((STRONG, bands.strong), (DEVELOPING, bands.developing), (WEAK, bands.weak)):
        if num * edge.denominator >= edge.numerator * den:
            return word
    return MISSING


def band(score: Fraction | None, bands: Bands = DEFAULT_BANDS) -> str:
    if score is None:
        return INSUFFICIENT
    return band_of(score.numerator, score.denominator, bands)


def mean(values: Iterable[Fraction]) -> Fraction | None:
    vals = list(values)
    return sum(vals, Fraction(0)) / len(vals) if vals else None


@dataclass(frozen=True)
class RoleScore:
    score: Fraction | None
    n: int


@dataclass(frozen=True)
class SessionComponent:
    component: str
    score: Fraction | None
    n: int
    band: str
    facilitator: RoleScore
    member: RoleScore

    @property
    def gap(self) -> Fraction | None:
        """Facilitator score minus member mean within one session, when both exist: a
        descriptive field of the bundle format only. Comparing a facilitator with members is
        checkscore.compare_parallel's job (parallel items, the privacy floor, one answer step)."""
        if self.facilitator.score is None or self.member.score is None:
            return None
        return self.facilitator.score - self.member.score


def session_scores(
    q: Questionnaire, responses: Iterable[tuple[str, Mapping[str, ComponentScore]]]
) -> dict[str, SessionComponent]:
    """Combine responses (role, scores): every respondent weighs the same."""
    rows = list(responses)
    out: dict[str, SessionComponent] = {}
    for comp in q.components:
        scored = [
            (role, s[comp].score) for role, s in rows if comp in s and s[comp].score is not None
        ]
        everyone = [v for _, v in scored if v is not None]
        fac = [v for r, v in scored if r == "facilitator" and v is not None]
        mem = [v for r, v in scored if r == "member" and v is not None]
        score = mean(everyone)
        out[comp] = SessionComponent(
            component=comp,
            score=score,
            n=len(everyone),
            band=band(score, q.bands),
            facilitator=RoleScore(mean(fac), len(fac)),
            member=RoleScore(mean(mem), len(mem)),
        )
    return out


def display(score: Fraction | None, places: int = 0) -> str:
    """Score text that never contradicts its band: truncated, never rounded up over an edge."""
    if score is None:
        return "–"
    scale = 10**places
    truncated = Fraction(int(score * scale // 1), scale)
    return f"{float(truncated):.{places}f}"


def as_float(score: Fraction | None) -> float | None:
    """Full float precision for exports: rounding here could carry a value over a band's edge."""
    return None if score is None else float(score)
