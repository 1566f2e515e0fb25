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
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import reduce
from typing import Any

from ..core.evidence import (
    BENEFIT_LIKELY,
    BENEFIT_POSSIBLE,
    LIKELY,
    POSSIBLE,
    UNLIKELY,
    BenefitSupport,
    Evidence,
    benefit_support,
    load_evidence,
)
from ..core.evidence import INSUFFICIENT as BENEFIT_INSUFFICIENT
from ..core.model import BENEFIT_IDS, COMPONENT_IDS, Questionnaire
from ..core.scoring import BLIND_SPOT_GAP, DEVELOPING, MISSING, STRONG, band, response_scores
from ..exports.records import Dataset, SessionRecord
from ..store import Group

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


def _moments(values: list[float]) -> MeanCI:
    """Moments fed with values in order (the same float sums, in C loops)."""
    m = Moments()
    m.n = len(values)
    m.s = reduce(operator.add, values, 0.0)
    m.ss = reduce(operator.add, map(operator.mul, values, values), 0.0)
    return m.result()


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

    def add(self, values: tuple[int, ...], times: int = 1) -> None:
        """One complete case (or `times` identical ones)."""
        self.n += times
        total = 0
        for i, v in enumerate(values):
            self.s[i] += times * v
            self.ss[i] += times * v * v
            total += v
        self.t += times * total
        self.tt += times * total * total

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


class _Latest:
    """A group's latest session score for one component, kept as the exact ratio num / den."""

    __slots__ = ("band", "den", "num", "when")

    def __init__(self, when: tuple[str, int, str], num: int, den: int, band: str) -> None:
        self.when, self.num, self.den, self.band = when, num, den, band

    @property
    def score(self) -> Fraction:
        return Fraction(self.num, self.den)


def _ratio(x: Fraction | int | float) -> tuple[int, int]:
    f = Fraction(x)
    return f.numerator, f.denominator


# A memoised answer pattern of one component: (score x den (int) or None, float score or None,
# the reverse-scored values when every item is answered (for alpha) or None).
_Entry = tuple[Any, ...]


class ScoredPlan:
    """One questionnaire, prepared for scoring many responses exactly and fast.

    Each component's answer pattern is scored once by the core rule (scoring.response_scores)
    and memoised. A respondent's score is kept as an integer k = score x den, where den is a
    common denominator of every score the questionnaire can give (score = 100 (sum - n min) /
    (n (max - min)), so den = lcm of n (max - min) over the possible n). Session means, bands,
    gaps and blind spots are then exact integer ratios: the same values as session_scores'
    fractions, compared with the band edges by cross-multiplication.
    """

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.label = f"{q.id} v{q.version}"
        self.lo, self.hi = q.scale.min, q.scale.max
        self.comps: tuple[str, ...] = q.components
        self.gidx = tuple(COMPONENT_IDS.index(c) for c in self.comps)
        items = [q.items_of(c) for c in self.comps]
        self.items: tuple[tuple[str, ...], ...] = tuple(tuple(it.id for it in its) for its in items)
        self.reverse = tuple(tuple(it.reverse for it in its) for its in items)
        self.subs = tuple(replace(q, items=its) for its in items)
        span = self.hi - self.lo
        den = 1
        for ids in self.items:
            for n in range(1, len(ids) + 1):
                den = math.lcm(den, n * span)
        self.den = den
        self.strong = _ratio(q.bands.strong)
        self.developing = _ratio(q.bands.developing)
        self.memos: tuple[dict[tuple[int | None, ...], _Entry], ...] = tuple({} for _ in self.comps)
        # filled by set_layout for packed codes read from the store
        self.code_memos: tuple[dict[Any, _Entry], ...] = tuple({} for _ in self.comps)
        self.extract: tuple[tuple[tuple[int, int], ...], ...] = ()
        # every entry scored, component by component (alpha counts them in result())
        self.seen: tuple[list[_Entry], ...] = tuple([] for _ in self.comps)
        self.offset = 0
        self.bits = 0

    def entry(self, ci: int, pattern: tuple[int | None, ...]) -> _Entry:
        """The memo entry of one component's answer pattern (values in item order)."""
        memo = self.memos[ci]
        e = memo.get(pattern)
        if e is None:
            comp = self.comps[ci]
            answers = dict(zip(self.items[ci], pattern, strict=True))
            cs = response_scores(self.subs[ci], answers)[comp]
            k: int | None = None
            x: float | None = None
            if cs.score is not None:
                scaled = cs.score * self.den
                if scaled.denominator != 1:  # cannot happen: den holds every denominator
                    raise AssertionError(f"{comp}: score {cs.score} not a multiple of 1/{self.den}")
                k, x = scaled.numerator, float(cs.score)
            row = None
            if all(v is not None for v in pattern):
                lo, hi = self.lo, self.hi
                row = tuple(
                    lo + hi - v if rev else v
                    for v, rev in zip(pattern, self.reverse[ci], strict=True)
                    if v is not None
                )
            e = memo[pattern] = (k, x, row)
        return e

    def entries(self, values: dict[str, int | None]) -> list[_Entry]:
        """One response's entries, component by component; values maps item id -> value."""
        out = []
        for ci, ids in enumerate(self.items):
            pattern = tuple([values.get(i) for i in ids])
            e = self.memos[ci].get(pattern)
            out.append(e if e is not None else self.entry(ci, pattern))
        return out

    def set_layout(self, layout: CodeLayout) -> None:
        """Where each component's items sit in the packed codes of CodeLayout."""
        self.offset, self.bits = layout.offset, layout.bits
        mask = (1 << layout.bits) - 1
        self.extract = tuple(
            tuple((layout.slots[i][0], layout.slots[i][1] * layout.bits) for i in ids)
            for ids in self.items
        )
        self._runs = []
        for spots in self.extract:
            cols = {c for c, _ in spots}
            shifts = [s for _, s in spots]
            contiguous = len(cols) == 1 and shifts == list(
                range(shifts[0], shifts[0] + layout.bits * len(shifts), layout.bits)
            )
            self._runs.append(
                (spots[0][0], shifts[0], (1 << (layout.bits * len(spots))) - 1)
                if contiguous
                else None
            )
        self._mask = mask

    def coded_column(self, ci: int, packed: list[tuple[int, ...]]) -> list[_Entry]:
        """Component ci's entries for many responses' packed codes (see CodeLayout)."""
        run = self._runs[ci]
        keys: list[Any]
        if run is not None:
            col, shift, mask = run
            keys = [(cols[col] >> shift) & mask for cols in packed]
        else:
            spots, mask = self.extract[ci], self._mask
            keys = [tuple((cols[c] >> s) & mask for c, s in spots) for cols in packed]
        memo = self.code_memos[ci]
        for key in set(keys).difference(memo):
            if run is not None:
                digits = [(key >> (self.bits * j)) & self._mask for j in range(len(self.items[ci]))]
            else:
                digits = list(key)
            pattern = tuple(None if d == 0 else d + self.offset for d in digits)
            memo[key] = self.entry(ci, pattern)
        return list(map(memo.__getitem__, keys))


class CodeLayout:
    """Packs a response's answers into a few integers, so SQLite can sum them per response.

    Every item id of the questionnaires gets a slot: a column and a position in it. An answer
    adds (value - offset) << (position x bits) to its column; a missing answer adds nothing, so
    a slot reading 0 is missing. Items of one component sit side by side, so a component's
    pattern is one shift and mask. At most 63 bits per column: SQLite's sums never overflow
    (each item is answered at most once per response).
    """

    def __init__(self, questionnaires: Iterable[Questionnaire]) -> None:
        qs = list(questionnaires)
        lo = min((q.scale.min for q in qs), default=1)
        hi = max((q.scale.max for q in qs), default=5)
        self.offset = lo - 1
        self.bits = max(1, (hi - self.offset).bit_length())
        per_col = 63 // self.bits
        self.slots: dict[str, tuple[int, int]] = {}
        col, pos = 0, 0
        for q in qs:
            for comp in q.components:
                new = [it.id for it in q.items_of(comp) if it.id not in self.slots]
                new = list(dict.fromkeys(new))
                if pos and pos + len(new) > per_col:
                    col, pos = col + 1, 0
                for item_id in new:
                    if pos == per_col:
                        col, pos = col + 1, 0
                    self.slots[item_id] = (col, pos)
                    pos += 1
        self.columns = col + 1

    def weights(self) -> list[tuple[str, int, int]]:
        """(item id, column, 1 << (position x bits)) for every slot."""
        return [(i, c, 1 << (p * self.bits)) for i, (c, p) in self.slots.items()]


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
        self._plans: dict[str, ScoredPlan] = {}
        self._seen: set[str] = set()
        self._responses = self._answers = 0
        self._overall_xs: list[list[float]] = [[] for _ in COMPONENT_IDS]
        self._breakdown: dict[str, list[list[float]]] = {}
        self._gap_xs: list[list[float]] = [[] for _ in COMPONENT_IDS]
        self._blind = [0] * len(COMPONENT_IDS)
        self._latest: dict[str, dict[str, _Latest]] = {}
        self._trends: dict[tuple[str, str], list[tuple[str, str, TrendPoint]]] = {}
        self._duplicates = 0
        self._blind_edge = _ratio(BLIND_SPOT_GAP)

    def plan(self, q: Questionnaire) -> ScoredPlan:
        key = q.content_hash or f"{q.id}:{q.version}"
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = ScoredPlan(q)
        return plan

    def add_dataset(self, data: Dataset) -> None:
        for gid, g in data.groups.items():
            self.groups.setdefault(gid, g)
        for session in data.sessions:
            self.add_session(session, data.questionnaires[session.questionnaire_hash])

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

    def _first(self, session_id: str) -> bool:
        if session_id in self._seen:  # the same session from two files counts once
            self._duplicates += 1
            return False
        self._seen.add(session_id)
        return True

    def add_session(self, session: SessionRecord, q: Questionnaire) -> None:
        if not self._first(session.id):
            return
        plan = self.plan(q)
        rows = []
        for r in session.responses:
            self._answers += len(r.answers)
            rows.append(plan.entries({item: v for item, v, _ in r.answers}))
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
        sn, sd = plan.strong
        dn, dd = plan.developing
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
            if t * sd >= sn * d:
                band_ = STRONG
            elif t * dd >= dn * d:
                band_ = DEVELOPING
            else:
                band_ = MISSING
            prev = latest.get(comp)
            # latest by meeting date; on one date, the session more respondents scored wins
            # (a member round over a self-assessment), then the later created
            when = (date, len(ks), created_at)
            if prev is None or when >= prev.when:
                latest[comp] = _Latest(when, t, d, band_)
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
        overall = {c: _moments(self._overall_xs[i]) for i, c in enumerate(COMPONENT_IDS)}
        missing = []
        for comp in COMPONENT_IDS:
            have = [g[comp] for g in self._latest.values() if comp in g]
            n_missing = sum(1 for x in have if x.band == MISSING)
            missing.append(
                MissingShare(comp, len(have), n_missing, n_missing / len(have) if have else None)
            )
        fast = _GroupBenefits(self.evidence)
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
        return Aggregate(
            by=self.by,
            groups=len({gid for gid, _ in self._trends}),
            sessions=len(self._seen),
            responses=self._responses,
            answers=self._answers,
            components=overall,
            breakdown={
                k: {c: _moments(v[i]) for i, c in enumerate(COMPONENT_IDS)}
                for k, v in sorted(self._breakdown.items())
            },
            missing=tuple(missing),
            benefits=tuple(benefits),
            pooled_benefits=tuple(pooled),
            heatmap=tuple(heat),
            gaps=tuple(
                Gap(c, _moments(self._gap_xs[i]), self._blind[i])
                for i, c in enumerate(COMPONENT_IDS)
            ),
            trends=tuple(trends),
            alpha=tuple(alphas),
            notes=tuple(notes),
        )


class _GroupBenefits:
    """evidence.benefit_support's support and band for a group's latest scores, in integers.

    support = sum(w S) / sum(w) over scored components; insufficient when they carry less than
    half the benefit's weight. With S = num / den and w = a / b, everything is put over one
    common denominator, the band is found by cross-multiplication and the float by one
    correctly rounded integer division: the same results as the Fraction arithmetic.
    """

    def __init__(self, evidence: Evidence) -> None:
        self.ev = evidence
        self.wden = math.lcm(
            *(evidence.weight(c, b).denominator for c in COMPONENT_IDS for b in BENEFIT_IDS)
        )
        # benefit -> component -> integer weight x wden
        self.wint = [
            {c: int(evidence.weight(c, b) * self.wden) for c in COMPONENT_IDS} for b in BENEFIT_IDS
        ]
        self.total = [
            sum((evidence.weight(c, b) for c in COMPONENT_IDS), Fraction(0)) for b in BENEFIT_IDS
        ]
        self.likely = _ratio(BENEFIT_LIKELY)
        self.possible = _ratio(BENEFIT_POSSIBLE)
        self._weights: dict[tuple[str, ...], list[tuple[int, int] | None]] = {}

    def _scored_weights(self, comps: tuple[str, ...]) -> list[tuple[int, int] | None]:
        """Per benefit: the scored weight as (num, den) when sufficient, else None."""
        found = self._weights.get(comps)
        if found is None:
            found = []
            for i, ben in enumerate(BENEFIT_IDS):
                w = sum((self.ev.weight(c, ben) for c in comps), Fraction(0))
                found.append(_ratio(w) if w > 0 and w * 2 >= self.total[i] else None)
            self._weights[comps] = found
        return found

    def supports(self, latest: dict[str, _Latest]) -> list[tuple[str, float | None]]:
        comps = tuple(c for c in COMPONENT_IDS if c in latest)
        common = math.lcm(*(latest[c].den for c in comps)) if comps else 1
        nums = {c: latest[c].num * (common // latest[c].den) for c in comps}
        ln, ld = self.likely
        pn, pd = self.possible
        out: list[tuple[str, float | None]] = []
        for i, sw in enumerate(self._scored_weights(comps)):
            if sw is None:
                out.append((BENEFIT_INSUFFICIENT, None))
                continue
            wint = self.wint[i]
            total = sum(wint[c] * nums[c] for c in comps)
            # support = total / (common x wden) / (swn / swd)
            num = total * sw[1]
            den = common * self.wden * sw[0]
            if num * ld >= ln * den:
                band_ = LIKELY
            elif num * pd >= pn * den:
                band_ = POSSIBLE
            else:
                band_ = UNLIKELY
            out.append((band_, num / den))
        return out


def aggregate(datasets: Iterable[Dataset], by: str | None = None) -> Aggregate:
    agg = Aggregator(by=by)
    for data in datasets:
        agg.add_dataset(data)
    return agg.result()
