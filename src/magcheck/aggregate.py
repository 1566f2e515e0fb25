"""Evaluator statistics over many groups' sessions: pure computation, no files and no UI.

Units of analysis (see docs/export-format.md, "Aggregate"):
- component means, their 95% CI, Cronbach's alpha: respondents (one response's component score);
- missing share, benefit support distribution: groups, each at its latest score per component;
- facilitator-member gaps: sessions holding both a facilitator and member answers;
- trends: each group's sessions of one questionnaire, in date order.
Scores come from the core rule (scoring.py, exact fractions); floats only for the statistics.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from .bulkscore import ScoreCache
from .evidence import BenefitSupport, Evidence, benefit_support, load_evidence
from .exports.records import Dataset, SessionRecord
from .model import BENEFIT_IDS, COMPONENT_IDS, Questionnaire
from .scoring import BLIND_SPOT_GAP, MISSING, band, session_scores
from .store import Group

BY_KEYS = ("group", "questionnaire", "month", "region", "focus")
ALPHA_MIN_N = 10
BENEFIT_BANDS = ("likely", "possible", "unlikely", "insufficient")

# Two-sided 95% critical values of Student's t (the 0.975 quantile) by degrees of freedom.
# Between rows the value is interpolated linearly in 1/df, which is accurate to about 0.001;
# past 120 df it runs to the normal limit 1.96 at 1/df = 0.
_T975 = (
    (1, 12.7062), (2, 4.3027), (3, 3.1824), (4, 2.7764), (5, 2.5706), (6, 2.4469),
    (7, 2.3646), (8, 2.3060), (9, 2.2622), (10, 2.2281), (11, 2.2010), (12, 2.1788),
    (13, 2.1604), (14, 2.1448), (15, 2.1314), (16, 2.1199), (17, 2.1098), (18, 2.1009),
    (19, 2.0930), (20, 2.0860), (21, 2.0796), (22, 2.0739), (23, 2.0687), (24, 2.0639),
    (25, 2.0595), (26, 2.0555), (27, 2.0518), (28, 2.0484), (29, 2.0452), (30, 2.0423),
    (40, 2.0211), (50, 2.0086), (60, 2.0003), (80, 1.9901), (100, 1.9840), (120, 1.9799),
)  # fmt: skip
_Z975 = 1.959964


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with df degrees of freedom (table + interpolation)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    table = [(1 / d, t) for d, t in _T975] + [(0.0, _Z975)]
    x = 1 / df
    for (x0, t0), (x1, t1) in zip(table, table[1:], strict=False):
        if x1 <= x <= x0:
            return t0 if x0 == x1 else t1 + (t0 - t1) * (x - x1) / (x0 - x1)
    return _Z975


@dataclass(frozen=True)
class MeanCI:
    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None


class Moments:
    """Running n, sum and sum of squares: a mean with its t-based 95% CI in constant memory."""

    __slots__ = ("n", "s", "ss")

    def __init__(self) -> None:
        self.n, self.s, self.ss = 0, 0.0, 0.0

    def add(self, x: float) -> None:
        self.n += 1
        self.s += x
        self.ss += x * x

    def result(self) -> MeanCI:
        n = self.n
        if n == 0:
            return MeanCI(0, None, None, None, None)
        mean = self.s / n
        if n == 1:
            return MeanCI(1, mean, None, None, None)
        sd = math.sqrt(max(0.0, (self.ss - self.s * self.s / n) / (n - 1)))
        half = t975(n - 1) * sd / math.sqrt(n)
        return MeanCI(n, mean, sd, mean - half, mean + half)


def mean_ci(values: Iterable[float]) -> MeanCI:
    m = Moments()
    for v in values:
        m.add(v)
    return m.result()


class AlphaSums:
    """Integer sums for Cronbach's alpha over complete cases: exact until the final division."""

    __slots__ = ("k", "n", "s", "ss", "t", "tt")

    def __init__(self, k: int) -> None:
        self.k, self.n, self.t, self.tt = k, 0, 0, 0
        self.s = [0] * k
        self.ss = [0] * k

    def add(self, values: tuple[int, ...]) -> None:
        self.n += 1
        total = 0
        for i, v in enumerate(values):
            self.s[i] += v
            self.ss[i] += v * v
            total += v
        self.t += total
        self.tt += total * total

    def alpha(self) -> float | None:
        """k/(k-1) * (1 - sum of item variances / variance of the total); None if undefined."""
        n, k = self.n, self.k
        if n < 2 or k < 2:
            return None
        total_var = n * self.tt - self.t * self.t  # n(n-1) times the sample variance
        if total_var == 0:
            return None
        item_var = sum(n * ss - s * s for s, ss in zip(self.s, self.ss, strict=True))
        return float(Fraction(k, k - 1) * (1 - Fraction(item_var, total_var)))


def cronbach_alpha(rows: Iterable[Iterable[int]]) -> float | None:
    """Alpha of a respondents x items table (complete rows only)."""
    sums: AlphaSums | None = None
    for row in rows:
        values = tuple(row)
        sums = sums or AlphaSums(len(values))
        sums.add(values)
    return sums.alpha() if sums else None


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


@dataclass
class _Latest:
    when: tuple[str, str]
    score: Fraction
    band: str


@dataclass
class Aggregator:
    """Feed it sessions (add_dataset or add_session); read the statistics with result()."""

    by: str | None = None
    evidence: Evidence = field(default_factory=load_evidence)
    groups: dict[str, Group] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.by is not None and self.by not in BY_KEYS:
            raise ValueError(self.by)
        self._cache = ScoreCache()
        self._seen: set[str] = set()
        self._responses = self._answers = 0
        self._overall = {c: Moments() for c in COMPONENT_IDS}
        self._breakdown: dict[str, dict[str, Moments]] = {}
        self._gaps = {c: Moments() for c in COMPONENT_IDS}
        self._blind = dict.fromkeys(COMPONENT_IDS, 0)
        self._alpha: dict[tuple[str, str], AlphaSums] = {}
        self._alpha_plan: dict[str, list[tuple[str, str, list[tuple[str, bool]]]]] = {}
        self._latest: dict[str, dict[str, _Latest]] = {}
        self._trends: dict[tuple[str, str], list[tuple[str, str, TrendPoint]]] = {}
        self._duplicates = 0

    def add_dataset(self, data: Dataset) -> None:
        for gid, g in data.groups.items():
            self.groups.setdefault(gid, g)
        for session in data.sessions:
            self.add_session(session, data.questionnaires[session.questionnaire_hash])

    def _key(self, session: SessionRecord, q: Questionnaire) -> str | None:
        if self.by is None:
            return None
        g = self.groups.get(session.group_id)
        if self.by == "group":
            return g.name if g else session.group_id[:8]
        if self.by == "questionnaire":
            return f"{q.id} v{q.version}"
        if self.by == "month":
            return session.date[:7]
        value = getattr(g, self.by, None) if g else None
        return value or f"(no {self.by})"

    def _plan(self, q: Questionnaire) -> list[tuple[str, str, list[tuple[str, bool]]]]:
        plan = self._alpha_plan.get(q.content_hash)
        if plan is None:
            label = f"{q.id} v{q.version}"
            plan = [
                (comp, label, [(it.id, it.reverse) for it in q.items_of(comp)])
                for comp in q.components
            ]
            self._alpha_plan[q.content_hash] = plan
        return plan

    def add_session(self, session: SessionRecord, q: Questionnaire) -> None:
        if session.id in self._seen:  # the same session from two files counts once
            self._duplicates += 1
            return
        self._seen.add(session.id)
        key = self._key(session, q)
        by = None
        if key is not None:
            by = self._breakdown.setdefault(key, {c: Moments() for c in COMPONENT_IDS})
        lo, hi = q.scale.min, q.scale.max
        plan = self._plan(q)
        scored = []
        for r in session.responses:
            values = r.values()
            self._responses += 1
            self._answers += len(r.answers)
            scores = self._cache.response(q, values)
            scored.append((r.role, scores))
            for comp, cs in scores.items():
                if cs.score is not None:
                    x = float(cs.score)
                    self._overall[comp].add(x)
                    if by is not None:
                        by[comp].add(x)
            for comp, label, items in plan:
                row = []
                for item_id, reverse in items:
                    v = values.get(item_id)
                    if v is None:
                        break
                    row.append(lo + hi - v if reverse else v)
                else:
                    sums = self._alpha.get((label, comp))
                    if sums is None:
                        sums = self._alpha[(label, comp)] = AlphaSums(len(items))
                    sums.add(tuple(row))
        combined = session_scores(q, scored)
        when = (session.date, session.created_at)
        latest = self._latest.setdefault(session.group_id, {})
        components: dict[str, float | None] = {}
        for comp, sc in combined.items():
            components[comp] = None if sc.score is None else float(sc.score)
            if sc.score is not None:
                prev = latest.get(comp)
                if prev is None or when >= prev.when:
                    latest[comp] = _Latest(when, sc.score, sc.band)
            gap = sc.gap
            if gap is not None:
                self._gaps[comp].add(float(gap))
                if abs(gap) >= BLIND_SPOT_GAP:
                    self._blind[comp] += 1
        values = [v for v in components.values() if v is not None]
        point = TrendPoint(
            session.date, session.id, sum(values) / len(values) if values else None, components
        )
        self._trends.setdefault((session.group_id, q.id), []).append(
            (session.date, session.created_at, point)
        )

    def result(self) -> Aggregate:
        overall = {c: m.result() for c, m in self._overall.items()}
        missing = []
        for comp in COMPONENT_IDS:
            have = [g[comp] for g in self._latest.values() if comp in g]
            n_missing = sum(1 for x in have if x.band == MISSING)
            missing.append(
                MissingShare(comp, len(have), n_missing, n_missing / len(have) if have else None)
            )
        per_group = [
            benefit_support(
                {c: x.score for c, x in latest.items()},
                {c: x.band for c, x in latest.items()},
                self.evidence,
            )
            for latest in self._latest.values()
        ]
        benefits = []
        for i, ben in enumerate(BENEFIT_IDS):
            counts = dict.fromkeys(BENEFIT_BANDS, 0)
            support = Moments()
            for supports in per_group:
                counts[supports[i].band] += 1
                if supports[i].support is not None:
                    support.add(float(supports[i].support))
            benefits.append(BenefitDistribution(ben, len(per_group), counts, support.result()))
        pooled_scores = {c: Fraction(m.mean) for c, m in overall.items() if m.mean is not None}
        pooled = benefit_support(
            pooled_scores, {c: band(s) for c, s in pooled_scores.items()}, self.evidence
        )
        heat = []
        for ben in BENEFIT_IDS:
            scored_weight = sum(
                float(self.evidence.weight(c, ben)) for c in COMPONENT_IDS if c in pooled_scores
            )
            for comp in COMPONENT_IDS:
                w = float(self.evidence.weight(comp, ben))
                mean = overall[comp].mean
                contribution = (
                    w * mean / scored_weight if mean is not None and scored_weight else None
                )
                heat.append(HeatCell(comp, ben, w, mean, contribution))
        trends = []
        for (gid, qid), points in self._trends.items():
            points.sort(key=lambda p: (p[0], p[1]))
            g = self.groups.get(gid)
            trends.append(Trend(gid, g.name if g else gid[:8], qid, tuple(p[2] for p in points)))
        trends.sort(key=lambda t: (t.group.casefold(), t.questionnaire))
        alphas = []
        for (label, comp), sums in sorted(self._alpha.items()):
            value = sums.alpha() if sums.n >= ALPHA_MIN_N else None
            alphas.append(Alpha(label, comp, sums.k, sums.n, value))
        notes = list(self.notes)
        if self._duplicates:
            notes.append(
                f"{self._duplicates} session(s) appeared in more than one file; counted once"
            )
        return Aggregate(
            by=self.by,
            groups=len({gid for gid, _ in self._trends}),
            sessions=len(self._seen),
            responses=self._responses,
            answers=self._answers,
            components=overall,
            breakdown={
                k: {c: m.result() for c, m in v.items()} for k, v in sorted(self._breakdown.items())
            },
            missing=tuple(missing),
            benefits=tuple(benefits),
            pooled_benefits=tuple(pooled),
            heatmap=tuple(heat),
            gaps=tuple(Gap(c, self._gaps[c].result(), self._blind[c]) for c in COMPONENT_IDS),
            trends=tuple(trends),
            alpha=tuple(alphas),
            notes=tuple(notes),
        )


def aggregate(datasets: Iterable[Dataset], by: str | None = None) -> Aggregate:
    agg = Aggregator(by=by)
    for data in datasets:
        agg.add_dataset(data)
    return agg.result()
