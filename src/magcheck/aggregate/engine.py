"""Evaluator statistics over many groups' sessions: pure computation, no files and no UI.

Units of analysis (see docs/export-format.md, "Aggregate"):
- component means, their 95% CI, Cronbach's alpha: respondents (one response's component score);
- band distribution: groups, each at its latest counted score per component;
- facilitator-member comparisons: checks holding both a self-assessment and a member round;
- trends: each group's sessions of one questionnaire, in date order.
A session is one part of a check, scored over the responses of its questionnaire's role only (as
a check's report: core.checkscore); a member round under the privacy floor is left out of every
statistic. Scores come from the core rule (exact fractions); floats only for the statistics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from operator import itemgetter
from typing import Any

from ..core.bulk import CodeLayout, Plans, ScoredPlan
from ..core.checkscore import PRIVACY_FLOOR, privacy_floor
from ..core.evidence import Evidence, load_evidence
from ..core.model import BENEFIT_IDS, COMPONENT_IDS, Questionnaire
from ..core.scoring import INSUFFICIENT, band, band_of
from ..exports.records import Dataset, SessionRecord
from ..store import Group
from .checks import Checks
from .latest import Latest
from .results import (
    ALPHA_MIN_N,
    BAND_COLUMNS,
    BY_KEYS,
    Aggregate,
    Alpha,
    BandCounts,
    BenefitLink,
    Trend,
    TrendPoint,
)
from .stats import AlphaSums, MeanCI, moments

MAX_CONFLICT_NOTES = 20
MEMBER = "member"


@dataclass
class Aggregator:
    """Feed it sessions (add_dataset, add_session or add_coded_sessions); read result()."""

    by: str | None = None
    floor: int = PRIVACY_FLOOR
    evidence: Evidence = field(default_factory=load_evidence)
    groups: dict[str, Group] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    layout: CodeLayout | None = None  # set when sessions come as packed codes (from a store)

    def __post_init__(self) -> None:
        if self.by is not None and self.by not in BY_KEYS:
            raise ValueError(self.by)
        self.floor = privacy_floor(self.floor)  # raised, never lowered under 3
        self._plans = Plans()
        # session id -> (hash of its content, file it was counted from): a copy that differs
        # from the counted one is a conflict; the caller feeds files in an order set by their
        # content (aggregate.sources), so which copy counts never depends on argument order
        self._seen: dict[str, tuple[int, str | None]] = {}
        self._conflicts: list[str] = []
        self._responses = self._answers = 0
        self._off_role = self._withheld_rounds = self._withheld_cells = 0
        self._group_ids: set[str] = set()
        self._overall_xs: list[list[float]] = [[] for _ in COMPONENT_IDS]
        self._overall_members = [0] * len(COMPONENT_IDS)
        self._breakdown: dict[str, tuple[list[list[float]], list[int]]] = {}
        self._latest: dict[str, dict[str, Latest]] = {}
        self._asked: dict[str, set[str]] = {}  # group -> components its counted parts ask
        self._trends: dict[tuple[str, str], list[tuple[str, str, TrendPoint]]] = {}
        self._duplicates = 0
        self._checks = Checks()

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
        role = q.role
        part = []
        for r in session.responses:
            self._answers += len(r.answers)
            if r.role == role:
                part.append(r)
        self._responses += len(session.responses)
        self._off_role += len(session.responses) - len(part)
        values = [{a[0]: a[1] for a in r.answers} for r in part]
        people = sum(1 for r in part if r.answers)
        self._checks.add_part(session.check_id, plan, values, self.layout)
        if not self._counted(session.group_id, role, people):
            return
        rows = [plan.entries(v) for v in values]
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(plan.comps)
        for seen, column in zip(plan.seen, columns, strict=True):
            seen.extend(column)
        self._add_scored(
            session.id, session.group_id, session.date, session.created_at, plan, people, columns
        )

    def add_coded_sessions(
        self,
        sessions: Iterable[tuple[str, str, str, str, ScoredPlan, str | None]],
        responses: dict[str, list[tuple[str, int, tuple[int, ...]]]],
    ) -> None:
        """Sessions (id, group_id, date, created_at, plan, check_id) in order, with their
        responses in order as (role, number of answers, packed codes from CodeLayout; set
        self.layout and plan.set_layout first). Each component's patterns are looked up for all
        responses at once."""
        todo = []
        packed: dict[int, list[tuple[int, ...]]] = {}
        none: list[tuple[str, int, tuple[int, ...]]] = []
        answers = itemgetter(1)
        for row in sessions:
            if not self._first(row[0]):
                continue
            plan = row[4]
            role = plan.q.role
            everyone = responses.get(row[0], none)
            mine = [cols for r, _, cols in everyone if r == role]
            self._responses += len(everyone)
            self._answers += sum(map(answers, everyone))
            self._off_role += len(everyone) - len(mine)
            self._checks.add_part(row[5], plan, mine, self.layout)
            people = len([1 for r, n, _ in everyone if n and r == role])
            if not self._counted(row[1], role, people):
                continue
            codes = packed.setdefault(id(plan), [])
            todo.append((row, people, len(mine), len(codes)))
            codes.extend(mine)
        if _columnar_scored(self, todo, packed):  # all at once, when NumPy is installed
            return
        plans = {id(p): p for p in self._plans.values()}
        columns = {}
        for key, codes in packed.items():
            plan = plans[key]
            columns[key] = [plan.coded_column(ci, codes) for ci in range(len(plan.comps))]
            for seen, column in zip(plan.seen, columns[key], strict=True):
                seen.extend(column)
        for (session_id, group_id, date, created_at, plan, _), people, count, start in todo:
            end = start + count
            self._add_scored(
                session_id,
                group_id,
                date,
                created_at,
                plan,
                people,
                [column[start:end] for column in columns[id(plan)]],
            )

    def _counted(self, group_id: str, role: str, people: int) -> bool:
        """Whether a part enters the statistics: a member round only from the floor up."""
        self._group_ids.add(group_id)
        if role == MEMBER and people < self.floor:
            self._withheld_rounds += 1
            return False
        return True

    def _add_scored(
        self,
        session_id: str,
        group_id: str,
        date: str,
        created_at: str,
        plan: ScoredPlan,
        people: int,
        columns: list[Any],
    ) -> None:
        """checkscore.part_scores over memo entries, in exact integers; statistics updated.

        columns: per component of the plan, the part's responses' memo entries in order.
        Respondent scores reach the pooled means in the order the responses came (float sums
        depend on it): collected per component here, summed in result().
        """
        q = plan.q
        key = self._key(group_id, date, q)
        by = None
        if key is not None:
            by = self._breakdown.get(key)
            if by is None:
                by = self._breakdown[key] = ([[] for _ in COMPONENT_IDS], [0] * len(COMPONENT_IDS))
        member = q.role == MEMBER
        den = plan.den
        bands = q.bands
        latest = self._latest.setdefault(group_id, {})
        asked = self._asked.setdefault(group_id, set())
        components: dict[str, float | None] = {}
        overall, overall_members = self._overall_xs, self._overall_members
        for ci, column in enumerate(columns):
            comp, g = plan.comps[ci], plan.gidx[ci]
            asked.add(comp)
            ks = [e[0] for e in column if e[0] is not None]
            if not ks:
                components[comp] = None
                continue
            xs = [e[1] for e in column if e[0] is not None]
            overall[g].extend(xs)
            if by is not None:
                by[0][g].extend(xs)
            if member:
                overall_members[g] += len(xs)
                if by is not None:
                    by[1][g] += len(xs)
            t, d = sum(ks), len(ks) * den
            components[comp] = t / d  # int / int: correctly rounded, as float(Fraction)
            band_ = band_of(t, d, bands)
            prev = latest.get(comp)
            # latest by meeting date; on one date, the part more respondents scored wins
            # (a member round over a self-assessment), then the later created
            when = (date, len(ks), created_at)
            if prev is None or when >= prev.when:
                latest[comp] = Latest(when, t, d, band_)
        values = [v for v in components.values() if v is not None]
        point = TrendPoint(
            date, session_id, people, sum(values) / len(values) if values else None, components
        )
        self._trends.setdefault((group_id, q.id), []).append((date, created_at, point))

    def _cell(self, xs: list[float], members: int) -> MeanCI:
        """A mean only from `floor` respondents up, and from `floor` members when any are."""
        n = len(xs)
        if n >= self.floor and (members == 0 or members >= self.floor):
            return moments(xs)
        if n:
            self._withheld_cells += 1
        return MeanCI(n, None, None, None, None)

    def _alpha_sums(self) -> dict[tuple[str, str], AlphaSums]:
        """Integer sums over complete cases: each memo entry weighted by how often it came."""
        out: dict[tuple[str, str], AlphaSums] = {}
        for plan in self._plans.values():
            for ci, memo in enumerate(plan.memos):
                times = Counter(map(id, plan.seen[ci]))
                times.update(plan.seen_times[ci])
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
        self._withheld_cells = 0
        overall = {
            c: self._cell(self._overall_xs[i], self._overall_members[i])
            for i, c in enumerate(COMPONENT_IDS)
        }
        breakdown = {
            k: {c: self._cell(xs[i], members[i]) for i, c in enumerate(COMPONENT_IDS)}
            for k, (xs, members) in sorted(self._breakdown.items())
        }
        bands = []
        for comp in COMPONENT_IDS:
            counts = dict.fromkeys(BAND_COLUMNS, 0)
            groups = 0
            for gid, asked in self._asked.items():
                if comp in asked:
                    groups += 1
                    found = self._latest[gid].get(comp)
                    counts[found.band if found is not None else INSUFFICIENT] += 1
            bands.append(BandCounts(comp, groups, counts))
        links = []
        for ben in BENEFIT_IDS:
            for comp, reported in self.evidence.links(ben):
                mean = overall[comp].mean
                standing = INSUFFICIENT if mean is None else band(Fraction(mean))
                links.append(BenefitLink(ben, comp, reported, mean, standing))
        comparisons = self._checks.result(self.floor)
        trends = []
        for (gid, qid), points in self._trends.items():
            points.sort(key=lambda p: (p[0], p[1]))
            g = self.groups.get(gid)
            trends.append(Trend(gid, g.name if g else gid[:8], qid, tuple(p[2] for p in points)))
        trends.sort(key=lambda t: (t.group.casefold(), t.questionnaire))
        alphas = []
        alpha_n = max(ALPHA_MIN_N, self.floor)
        for (label, comp), sums in sorted(self._alpha_sums().items()):
            value = sums.alpha() if sums.n >= alpha_n else None
            alphas.append(Alpha(label, comp, sums.k, sums.n, value))
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
            notes=tuple(self._notes()),
        )

    def _notes(self) -> list[str]:
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
        if self._withheld_cells:
            notes.append(
                f"{self._withheld_cells} cell(s) rest on fewer than {self.floor} respondents "
                f"or members: n shown, no mean (privacy floor)"
            )
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
        return notes


def _columnar_scored(agg: Aggregator, todo: list[Any], packed: dict[int, list[Any]]) -> bool:
    """Whether aggregate.columnar scored the parts (it needs NumPy, from the `scale` extra)."""
    try:
        from . import columnar
    except ImportError:
        return False
    return columnar.score_parts(agg, todo, packed)


def aggregate(
    datasets: Iterable[Dataset], by: str | None = None, floor: int = PRIVACY_FLOOR
) -> Aggregate:
    agg = Aggregator(by=by, floor=floor)
    for data in datasets:
        agg.add_dataset(data)
    return agg.result()
