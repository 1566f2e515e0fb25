"""The aggregator written straight on the core rules (kept as a test oracle).

scoring.response_scores (through Plans, itself checked against it), checkscore.part_scores,
checkscore.compare_parallel and evidence.links, with Fractions throughout: slow, and plainly the
documented rules. magcheck.aggregate.engine must give exactly the same results, down to the last
bit of every float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from magcheck.aggregate.results import (
    ALPHA_MIN_N,
    BAND_COLUMNS,
    BY_KEYS,
    Aggregate,
    Alpha,
    BandCounts,
    BenefitLink,
    ComponentComparison,
    Trend,
    TrendPoint,
)
from magcheck.aggregate.stats import AlphaSums, MeanCI, Moments
from magcheck.core.bulk import Plans
from magcheck.core.checkscore import PRIVACY_FLOOR, compare_parallel, part_scores, privacy_floor
from magcheck.core.evidence import Evidence, load_evidence
from magcheck.core.model import BENEFIT_IDS, COMPONENT_IDS, Questionnaire
from magcheck.core.scoring import INSUFFICIENT, band
from magcheck.exports.records import Dataset, SessionRecord
from magcheck.store import Group


@dataclass
class _Latest:
    when: tuple[str, int, str]
    score: Fraction
    band: str


@dataclass
class _Cell:
    all: Moments = field(default_factory=Moments)
    members: int = 0


@dataclass
class ReferenceAggregator:
    """Every session through checkscore.part_scores; every check through compare_parallel."""

    by: str | None = None
    floor: int = PRIVACY_FLOOR
    evidence: Evidence = field(default_factory=load_evidence)
    groups: dict[str, Group] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.by is not None and self.by not in BY_KEYS:
            raise ValueError(self.by)
        self.floor = privacy_floor(self.floor)
        self._cache = Plans()
        self._seen: set[str] = set()
        self._group_ids: set[str] = set()
        self._responses = self._answers = self._off_role = self._withheld_rounds = 0
        self._overall = {c: _Cell() for c in COMPONENT_IDS}
        self._breakdown: dict[str, dict[str, _Cell]] = {}
        self._alpha: dict[tuple[str, str], AlphaSums] = {}
        self._latest: dict[str, dict[str, _Latest]] = {}
        self._asked: dict[str, set[str]] = {}
        self._trends: dict[tuple[str, str], list[tuple[str, str, TrendPoint]]] = {}
        # check id -> role -> (questionnaire, the part's responses' answers): first of each role
        self._checks: dict[str, dict[str, tuple[Questionnaire, list[dict[str, int | None]]]]] = {}
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

    def add_session(self, session: SessionRecord, q: Questionnaire) -> None:
        if session.id in self._seen:  # the same session from two files counts once
            self._duplicates += 1
            return
        self._seen.add(session.id)
        self._group_ids.add(session.group_id)
        self._responses += len(session.responses)
        self._answers += sum(len(r.answers) for r in session.responses)
        part = [r for r in session.responses if r.role == q.role]
        self._off_role += len(session.responses) - len(part)
        values = [r.values() for r in part]
        if session.check_id is not None:
            self._checks.setdefault(session.check_id, {}).setdefault(q.role, (q, values))
        scores = part_scores(q, q.role, [(q.role, v) for v in values])
        if q.role == "member" and scores.people < self.floor:
            self._withheld_rounds += 1
            return
        key = self._key(session, q)
        by = None
        if key is not None:
            by = self._breakdown.setdefault(key, {c: _Cell() for c in COMPONENT_IDS})
        lo, hi = q.scale.min, q.scale.max
        for v in values:
            for comp, cs in self._cache.response(q, v).items():
                if cs.score is not None:
                    for cell in (self._overall[comp], by[comp] if by is not None else None):
                        if cell is not None:
                            cell.all.add(float(cs.score))
                            cell.members += q.role == "member"
            for comp in q.components:
                items = q.items_of(comp)
                if all(v.get(it.id) is not None for it in items):
                    row = tuple(
                        lo + hi - x if it.reverse else x
                        for it in items
                        if (x := v[it.id]) is not None
                    )
                    label = f"{q.id} v{q.version}"
                    sums = self._alpha.setdefault((label, comp), AlphaSums(len(items)))
                    sums.add(row)
        latest = self._latest.setdefault(session.group_id, {})
        asked = self._asked.setdefault(session.group_id, set())
        components: dict[str, float | None] = {}
        for pc in scores.components:
            asked.add(pc.component)
            components[pc.component] = None if pc.score is None else float(pc.score)
            if pc.score is not None:
                prev = latest.get(pc.component)
                when = (session.date, pc.n, session.created_at)
                if prev is None or when >= prev.when:
                    latest[pc.component] = _Latest(when, pc.score, pc.band)
        scored = [x for x in components.values() if x is not None]
        point = TrendPoint(
            session.date,
            session.id,
            scores.people,
            sum(scored) / len(scored) if scored else None,
            components,
        )
        self._trends.setdefault((session.group_id, q.id), []).append(
            (session.date, session.created_at, point)
        )

    def _shown(self, cell: _Cell) -> MeanCI:
        m = cell.all.result()
        if m.n >= self.floor and (cell.members == 0 or cell.members >= self.floor):
            return m
        return MeanCI(m.n, None, None, None, None)

    def result(self) -> Aggregate:
        overall = {c: self._shown(cell) for c, cell in self._overall.items()}
        withheld = sum(1 for m in overall.values() if m.n and m.mean is None)
        breakdown = {}
        for k, cells in sorted(self._breakdown.items()):
            breakdown[k] = {c: self._shown(cell) for c, cell in cells.items()}
            withheld += sum(1 for m in breakdown[k].values() if m.n and m.mean is None)
        bands = []
        for comp in COMPONENT_IDS:
            counts = dict.fromkeys(BAND_COLUMNS, 0)
            asked = [gid for gid, comps in self._asked.items() if comp in comps]
            for gid in asked:
                found = self._latest[gid].get(comp)
                counts[found.band if found else INSUFFICIENT] += 1
            bands.append(BandCounts(comp, len(asked), counts))
        links = [
            BenefitLink(
                ben,
                comp,
                how,
                overall[comp].mean,
                INSUFFICIENT if overall[comp].mean is None else band(Fraction(overall[comp].mean)),
            )
            for ben in BENEFIT_IDS
            for comp, how in self.evidence.links(ben)
        ]
        diffs: dict[str, Moments] = {c: Moments() for c in COMPONENT_IDS}
        worth = dict.fromkeys(COMPONENT_IDS, 0)
        under = dict.fromkeys(COMPONENT_IDS, 0)
        for check_id in sorted(self._checks):
            parts = self._checks[check_id]
            if set(parts) != {"facilitator", "member"} or not parts["facilitator"][1]:
                continue
            (fq, fvalues), (mq, mvalues) = parts["facilitator"], parts["member"]
            for c in compare_parallel(fq, fvalues[0], mq, mvalues, self.floor):
                if c.members is None:
                    under[c.component] += 1
                elif c.difference is not None:
                    diffs[c.component].add(float(c.difference))
                    worth[c.component] += c.worth_talking_about
        comparisons = tuple(
            ComponentComparison(c, diffs[c].n, worth[c], under[c], diffs[c].result())
            for c in COMPONENT_IDS
        )
        trends = []
        for (gid, qid), points in self._trends.items():
            points.sort(key=lambda p: (p[0], p[1]))
            g = self.groups.get(gid)
            trends.append(Trend(gid, g.name if g else gid[:8], qid, tuple(p[2] for p in points)))
        trends.sort(key=lambda t: (t.group.casefold(), t.questionnaire))
        alphas = []
        for (label, comp), sums in sorted(self._alpha.items()):
            value = sums.alpha() if sums.n >= max(ALPHA_MIN_N, self.floor) else None
            alphas.append(Alpha(label, comp, sums.k, sums.n, value))
        notes = list(self.notes)
        if self._off_role:
            notes.append(
                f"{self._off_role} response(s) left out: their role differs from their "
                "questionnaire's (for example a facilitator answering inside a member round); "
                "a part is scored over its own role only"
            )
        if self._withheld_rounds:
            notes.append(
                f"{self._withheld_rounds} member round(s) with fewer than {self.floor} people "
                "left out of every statistic and trend (privacy floor)"
            )
        if withheld:
            notes.append(
                f"{withheld} cell(s) rest on fewer than {self.floor} respondents "
                f"or members: n shown, no mean (privacy floor)"
            )
        if self._duplicates:
            notes.append(
                f"{self._duplicates} session(s) appeared in more than one file; counted once"
            )
        return Aggregate(
            by=self.by,
            floor=self.floor,
            groups=len(self._group_ids),
            sessions=len(self._seen),
            responses=self._responses,
            answers=self._answers,
            components=overall,
            breakdown=breakdown,
            bands=tuple(bands),
            benefit_links=tuple(links),
            comparisons=comparisons,
            trends=tuple(trends),
            alpha=tuple(alphas),
            notes=tuple(notes),
        )


def reference_aggregate(
    datasets: list[Dataset], by: str | None = None, floor: int = PRIVACY_FLOOR
) -> Aggregate:
    agg = ReferenceAggregator(by=by, floor=floor)
    for data in datasets:
        agg.add_dataset(data)
    return agg.result()
