"""What an aggregation returns: frozen records the renderers read."""

from __future__ import annotations

from dataclasses import dataclass

from .benefits import BenefitSupport
from .stats import MeanCI

BY_KEYS = ("group", "questionnaire", "month", "region", "focus")
ALPHA_MIN_N = 10
BENEFIT_BANDS = ("likely", "possible", "unlikely", "insufficient")


@dataclass(frozen=True)
class Alpha:
    questionnaire: str
    component: str
    items: int
    n: int
    alpha: float | None  # None when n < ALPHA_MIN_N or the total has no variance


@dataclass(frozen=True)
class MissingShare:
    component: str
    groups: int  # groups with a score for the component
    missing: int  # of which the latest score is in the "missing" band
    share: float | None


@dataclass(frozen=True)
class BenefitDistribution:
    benefit: str
    groups: int
    counts: dict[str, int]  # benefit band -> number of groups
    support: MeanCI  # group-level support, insufficient groups left out


@dataclass(frozen=True)
class HeatCell:
    component: str
    benefit: str
    weight: float
    mean: float | None  # pooled component mean (respondent level)
    contribution: float | None  # weight * mean / total weight of scored components


@dataclass(frozen=True)
class Gap:
    component: str
    gap: MeanCI  # facilitator minus member mean, per session
    blind_spots: int  # sessions with |gap| >= 20


@dataclass(frozen=True)
class TrendPoint:
    date: str
    session_id: str
    score: float | None  # mean over the session's scored components
    components: dict[str, float | None]


@dataclass(frozen=True)
class Trend:
    group_id: str
    group: str
    questionnaire: str
    points: tuple[TrendPoint, ...]

    @property
    def change(self) -> float | None:
        scored = [p.score for p in self.points if p.score is not None]
        return scored[-1] - scored[0] if len(scored) >= 2 else None

    def component_change(self, component: str) -> float | None:
        values = [v for p in self.points if (v := p.components.get(component)) is not None]
        return values[-1] - values[0] if len(values) >= 2 else None


@dataclass(frozen=True)
class Aggregate:
    by: str | None
    groups: int
    sessions: int
    responses: int
    answers: int
    components: dict[str, MeanCI]
    breakdown: dict[str, dict[str, MeanCI]]  # by-key value -> component -> mean
    missing: tuple[MissingShare, ...]
    benefits: tuple[BenefitDistribution, ...]
    pooled_benefits: tuple[BenefitSupport, ...]
    heatmap: tuple[HeatCell, ...]
    gaps: tuple[Gap, ...]
    trends: tuple[Trend, ...]
    alpha: tuple[Alpha, ...]
    notes: tuple[str, ...] = ()
