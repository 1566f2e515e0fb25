"""Evaluator statistics over many groups' sessions: pure computation, no files and no UI.

Units of analysis (see docs/export-format.md, "Aggregate"):
- component means, their 95% CI, Cronbach's alpha: respondents (one response's component score);
- missing share, benefit support distribution: groups, each at its latest score per component;
- facilitator-member gaps: sessions holding both a facilitator and member answers;
- trends: each group's sessions of one questionnaire, in date order.
Scores come from the core rule (scoring.py, exact fractions); floats only for the statistics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..core.bulk import Plans, ScoredPlan, ratio
from ..core.evidence import Evidence, load_evidence
from ..core.model import BENEFIT_IDS, COMPONENT_IDS, Questionnaire
from ..core.scoring import BLIND_SPOT_GAP, MISSING, band, band_of
from ..exports.records import Dataset, SessionRecord
from ..store import Group
from .benefits import GroupBenefits, Latest, benefit_support
from .results import (
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
from .stats import AlphaSums, Moments, moments

MAX_CONFLICT_NOTES = 20


@dataclass
class Aggregator:
    """Feed it sessions (add_dataset, add_session or add_coded_session); read result()."""

    by: str | None = None
    evidence: Evidence = field(default_factory=load_evidence)
    groups: dict[str, Group] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.by is not None and self.by not in BY_KEYS:
            raise ValueError(self.by)
        self._plans = Plans()
        # session id -> (hash of its content, file it was counted from): a copy that differs
        # from the counted one is a conflict; the caller feeds files in an order set by their
        # content (aggregate.sources), so which copy counts never depends on argument order
        self._seen: dict[str, tuple[int, str | None]] = {}
        self._conflicts: list[str] = []
        self._responses = self._answers = 0
        self._overall_xs: list[list[float]] = [[] for _ in COMPONENT_IDS]
        self._breakdown: dict[str, list[list[float]]] = {}
        self._gap_xs: list[list[float]] = [[] for _ in COMPONENT_IDS]
        self._blind = [0] * len(COMPONENT_IDS)
        self._latest: dict[str, dict[str, Latest]] = {}
        self._trends: dict[tuple[str, str], list[tuple[str, str, TrendPoint]]] = {}
        self._duplicates = 0
        self._blind_edge = ratio(BLIND_SPOT_GAP)

    def plan(self, q: Questionnaire) -> ScoredPlan:
        return self._plans.plan(q)

    def add_dataset(self, data: Dataset, source: str | None = None) -> None:
        for gid, g in data.groups.items():
            self.groups.setdefault(gid, g)
        for session in data.sessions:
            self.add_session(session, data.questionnaires[session.questionnaire_hash], source)

    def _key(self, group_id: str, date: str, q: Questionnaire) -> str | None:
        if self.by is None:
            return None
        g = self.groups.get(group_id)
        if self.by == "group":
            return g.name if g else group_id[:8]
        if self.by == "questionnaire":
            return f"{q.id} v{q.version}"
        if self.by == "month":
            return date[:7]
        value = getattr(g, self.by, None) if g else None
        return value or f"(no {self.by})"

    def _first(
        self, session_id: str, session: SessionRecord | None = None, source: str | None = None
    ) -> bool:
        digest = hash(session.content()) if session is not None else 0
        seen = self._seen.get(session_id)
        if seen is None:
            self._seen[session_id] = (digest, source)
            return True
        self._duplicates += 1  # the same session from two files counts once
        if seen[0] != digest:
            self._conflicts.append(
                f"session {session_id[:8]} differs between {seen[1]} and {source}; "
                f"the copy in {seen[1]} is counted"
            )
        return False

    def add_session(
        self, session: SessionRecord, q: Questionnaire, source: str | None = None
    ) -> None:
        if not self._first(session.id, session, source):
            return
        plan = self.plan(q)
        rows = []
        for r in session.responses:
            self._answers += len(r.answers)
            rows.append(plan.entries({a[0]: a[1] for a in r.answers}))
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(plan.comps)
        for seen, column in zip(plan.seen, columns, strict=True):
            seen.extend(column)
        roles = [r.role for r in session.responses]
        self._add_scored(
            session.id, session.group_id, session.date, session.created_at, plan, roles, columns
        )

    def add_coded_sessions(
        self,
        sessions: Iterable[tuple[str, str, str, str, ScoredPlan]],
        responses: dict[str, list[tuple[str, int, tuple[int, ...]]]],
    ) -> None:
        """Sessions (id, group_id, date, created_at, plan) in order, with their responses in
        order as (role, number of answers, packed codes from CodeLayout; plan.set_layout
        first). Each component's patterns are looked up for all responses at once."""
        todo = []
        packed: dict[int, list[tuple[int, ...]]] = {}
        for row in sessions:
            if not self._first(row[0]):
                continue
            plan = row[4]
            mine = responses.get(row[0], [])
            codes = packed.setdefault(id(plan), [])
            todo.append((row, mine, len(codes)))
            codes.extend(cols for _, _, cols in mine)
            self._answers += sum(n for _, n, _ in mine)
        plans = {id(p): p for p in self._plans.values()}
        columns = {}
        for key, codes in packed.items():
            plan = plans[key]
            columns[key] = [plan.coded_column(ci, codes) for ci in range(len(plan.comps))]
            for seen, column in zip(plan.seen, columns[key], strict=True):
                seen.extend(column)
        for (session_id, group_id, date, created_at, plan), mine, start in todo:
            end = start + len(mine)
            self._add_scored(
                session_id,
                group_id,
                date,
                created_at,
                plan,
                [role for role, _, _ in mine],
                [column[start:end] for column in columns[id(plan)]],
            )

    def _add_scored(
        self,
        session_id: str,
        group_id: str,
        date: str,
        created_at: str,
        plan: ScoredPlan,
        roles: list[str],
        columns: list[Any],
    ) -> None:
        """scoring.session_scores over memo entries, in exact integers; statistics updated.

        roles: the responses' roles in order; columns: per component of the plan, the
        responses' memo entries in the same order. Respondent scores reach the pooled means in
        the order the responses came (float sums depend on it): collected per component here,
        summed in result().
        """
        q = plan.q
        key = self._key(group_id, date, q)
        by = None
        if key is not None:
            by = self._breakdown.get(key)
            if by is None:
                by = self._breakdown[key] = [[] for _ in COMPONENT_IDS]
        self._responses += len(roles)
        fac = [i for i, role in enumerate(roles) if role == "facilitator"]
        mem = [i for i, role in enumerate(roles) if role == "member"]
        den = plan.den
        bands = q.bands
        bn, bd = self._blind_edge
        latest = self._latest.setdefault(group_id, {})
        components: dict[str, float | None] = {}
        overall, gaps = self._overall_xs, self._gap_xs
        for ci, column in enumerate(columns):
            comp, g = plan.comps[ci], plan.gidx[ci]
            ks = [e[0] for e in column if e[0] is not None]
            if not ks:
                components[comp] = None
                continue
            xs = [e[1] for e in column if e[0] is not None]
            overall[g].extend(xs)
            if by is not None:
                by[g].extend(xs)
            t, d = sum(ks), len(ks) * den
            components[comp] = t / d  # int / int: correctly rounded, as float(Fraction)
            band_ = band_of(t, d, bands)
            prev = latest.get(comp)
            # latest by meeting date; on one date, the session more respondents scored wins
            # (a member round over a self-assessment), then the later created
            when = (date, len(ks), created_at)
            if prev is None or when >= prev.when:
                latest[comp] = Latest(when, t, d, band_)
            if fac and mem:
                fk = [k for i in fac if (k := column[i][0]) is not None]
                mk = [k for i in mem if (k := column[i][0]) is not None]
                if fk and mk:
                    nf, nm = len(fk), len(mk)
                    gap_num = sum(fk) * nm - sum(mk) * nf
                    gap_den = nf * nm * den
                    gaps[g].append(gap_num / gap_den)
                    if abs(gap_num) * bd >= bn * gap_den:
                        self._blind[g] += 1
        values = [v for v in components.values() if v is not None]
        point = TrendPoint(
            date, session_id, sum(values) / len(values) if values else None, components
        )
        self._trends.setdefault((group_id, q.id), []).append((date, created_at, point))

    def _alpha_sums(self) -> dict[tuple[str, str], AlphaSums]:
        """Integer sums over complete cases: each memo entry weighted by how often it came."""
        out: dict[tuple[str, str], AlphaSums] = {}
        for plan in self._plans.values():
            for ci, memo in enumerate(plan.memos):
                times = Counter(map(id, plan.seen[ci]))
                for e in memo.values():
                    row, n = e[2], times.get(id(e), 0)
                    if row is None or not n:
                        continue
                    sums = out.get((plan.label, plan.comps[ci]))
                    if sums is None:
                        sums = out[(plan.label, plan.comps[ci])] = AlphaSums(len(row))
                    sums.add(row, n)
        return out

    def result(self) -> Aggregate:
        overall = {c: moments(self._overall_xs[i]) for i, c in enumerate(COMPONENT_IDS)}
        missing = []
        for comp in COMPONENT_IDS:
            have = [g[comp] for g in self._latest.values() if comp in g]
            n_missing = sum(1 for x in have if x.band == MISSING)
            missing.append(
                MissingShare(comp, len(have), n_missing, n_missing / len(have) if have else None)
            )
        fast = GroupBenefits(self.evidence)
        per_group = [fast.supports(latest) for latest in self._latest.values()]
        benefits = []
        for i, ben in enumerate(BENEFIT_IDS):
            counts = dict.fromkeys(BENEFIT_BANDS, 0)
            support = Moments()
            for supports in per_group:
                band_, value = supports[i]
                counts[band_] += 1
                if value is not None:
                    support.add(value)
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
        for (label, comp), sums in sorted(self._alpha_sums().items()):
            value = sums.alpha() if sums.n >= ALPHA_MIN_N else None
            alphas.append(Alpha(label, comp, sums.k, sums.n, value))
        notes = list(self.notes)
        if self._duplicates:
            notes.append(
                f"{self._duplicates} session(s) appeared in more than one file; counted once"
            )
        if self._conflicts:
            notes.append(
                f"{len(self._conflicts)} session(s) differ between files (conflicts); for each, "
                "the copy in the file that comes first by checksum is counted"
            )
            notes.extend(self._conflicts[:MAX_CONFLICT_NOTES])
            if len(self._conflicts) > MAX_CONFLICT_NOTES:
                notes.append(
                    f"... and {len(self._conflicts) - MAX_CONFLICT_NOTES} more conflict(s)"
                )
        return Aggregate(
            by=self.by,
            groups=len({gid for gid, _ in self._trends}),
            sessions=len(self._seen),
            responses=self._responses,
            answers=self._answers,
            components=overall,
            breakdown={
                k: {c: moments(v[i]) for i, c in enumerate(COMPONENT_IDS)}
                for k, v in sorted(self._breakdown.items())
            },
            missing=tuple(missing),
            benefits=tuple(benefits),
            pooled_benefits=tuple(pooled),
            heatmap=tuple(heat),
            gaps=tuple(
                Gap(c, moments(self._gap_xs[i]), self._blind[i])
                for i, c in enumerate(COMPONENT_IDS)
            ),
            trends=tuple(trends),
            alpha=tuple(alphas),
            notes=tuple(notes),
        )


def aggregate(datasets: Iterable[Dataset], by: str | None = None) -> Aggregate:
    agg = Aggregator(by=by)
    for data in datasets:
        agg.add_dataset(data)
    return agg.result()
