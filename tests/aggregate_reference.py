"""The aggregator as first written, straight on the core rules (kept as a test oracle).

scoring.response_scores (through Plans, itself checked against it), scoring.session_scores
and evidence.benefit_support, with Fractions throughout: slow, and plainly the documented rules.
magcheck.aggregate.engine must give exactly the same results, down to the last bit of every float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from magcheck.aggregate.benefits import benefit_support
from magcheck.aggregate.results import (
    ALPHA_MIN_N,
    BENEFIT_BANDS,
    BY_KEYS,
    Aggregate,
    Alpha,
    BenefitDistribution,
    Gap,
    HeatCell,
    MissingShare,
    Trend,
    TrendPoint,
)
from magcheck.aggregate.stats import AlphaSums, Moments
from magcheck.core.bulk import Plans
from magcheck.core.evidence import Evidence, load_evidence
from magcheck.core.model import BENEFIT_IDS, COMPONENT_IDS, Questionnaire
from magcheck.core.scoring import BLIND_SPOT_GAP, MISSING, band, session_scores
from magcheck.exports.records import Dataset, SessionRecord
from magcheck.store import Group


@dataclass
class _Latest:
    when: tuple[str, int, str]
    score: Fraction
    band: str


@dataclass
class ReferenceAggregator:
    """The aggregator as first written: every session through scoring.session_scores."""

    by: str | None = None
    evidence: Evidence = field(default_factory=load_evidence)
    groups: dict[str, Group] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.by is not None and self.by not in BY_KEYS:
            raise ValueError(self.by)
        self._cache = Plans()
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
        latest = self._latest.setdefault(session.group_id, {})
        components: dict[str, float | None] = {}
        for comp, sc in combined.items():
            components[comp] = None if sc.score is None else float(sc.score)
            if sc.score is not None:
                prev = latest.get(comp)
                when = (session.date, sc.n, session.created_at)
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


def reference_aggregate(datasets: list[Dataset], by: str | None = None) -> Aggregate:
    agg = ReferenceAggregator(by=by)
    for data in datasets:
        agg.add_dataset(data)
    return agg.result()
