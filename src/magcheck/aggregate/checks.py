"""A check's facilitator self-assessment against its member round, for many checks at once:
core.checkscore.compare_parallel's rule, each answer pattern scored once, in exact integers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import accumulate, repeat
from operator import is_not, itemgetter
from typing import Any

from ..core.bulk import CodeLayout, ScoredPlan, ratio
from ..core.checkscore import parallel_pairs
from ..core.model import COMPONENT_IDS, Questionnaire
from .results import ComponentComparison
from .stats import moments

FACILITATOR, MEMBER = "facilitator", "member"

# One component over a PairPlan's checks: each check's difference (None: not compared), each
# check's "worth talking about", and how many checks had too few members.
Outcomes = tuple[list[float | None], list[bool], int]


def _single(at: int) -> Callable[[Any], tuple[Any, ...]]:
    return lambda row: (row[at],)


class _Side:
    """One side's cut-down questionnaire, and how to read its patterns from a response kept as
    a tuple of the side's item values (from a bundle) or as packed codes (from a store)."""

    def __init__(self, q: Questionnaire, items: list[Any], layout: CodeLayout | None) -> None:
        self.plan = ScoredPlan(replace(q, items=tuple(items)))
        self.ids = tuple(dict.fromkeys(i for ids in self.plan.items for i in ids))
        where = {item_id: n for n, item_id in enumerate(self.ids)}
        self.getters: list[Callable[[Any], tuple[Any, ...]]] = []
        for ids in self.plan.items:
            spots = [where[i] for i in ids]
            # itemgetter of one position returns the value itself, not a 1-tuple
            self.getters.append(itemgetter(*spots) if len(spots) > 1 else _single(spots[0]))
        self.coded = layout is not None and bool(items)
        if self.coded:
            assert layout is not None
            self.plan.set_layout(layout)

    def keep(self, raw: Any) -> Any:
        """What is held of one response until the checks are compared: its packed codes as they
        are, or the values of this side's items only (a small tuple, not the whole mapping)."""
        if type(raw) is dict:
            return tuple([raw.get(i) for i in self.ids])
        return raw

    def keys(self, ci: int, rows: list[Any]) -> list[int | None]:
        """Each response's score x plan.den on component ci (None when insufficient)."""
        plan = self.plan
        if not rows:
            return []
        if self.coded:
            return [e[0] for e in plan.coded_column(ci, rows)]
        patterns = list(map(self.getters[ci], rows))
        memo = plan.memos[ci]
        for p in set(patterns).difference(memo):
            plan.entry(ci, p)
        return [memo[p][0] for p in patterns]


class PairPlan:
    """The parallel items of one facilitator and one member questionnaire, scored by the core
    rule on those items alone (each side a questionnaire cut down to its paired items). Checks
    are added one by one and compared all together, one pass per component."""

    def __init__(self, fq: Questionnaire, mq: Questionnaire, layout: CodeLayout | None) -> None:
        pairs = parallel_pairs(fq, mq)
        self.fac = _Side(fq, [f for f, _ in pairs], layout)
        self.mem = _Side(mq, [m for _, m in pairs], layout)
        # both cut-down questionnaires hold the same components (a pair shares its component),
        # each in the components' usual order
        assert self.fac.plan.comps == self.mem.plan.comps
        self.comps = self.fac.plan.comps
        self.step = ratio(fq.scale.step)
        self.checks: list[tuple[str, Any, list[Any]]] = []

    def add(self, check_id: str, facilitator: Any, members: list[Any]) -> None:
        """A check's facilitator response and member responses: item id -> value mappings (from
        bundles) or packed codes (from the store, see CodeLayout)."""
        kept = list(members) if self.mem.coded else [self.mem.keep(m) for m in members]
        self.checks.append((check_id, self.fac.keep(facilitator), kept))

    def compare(self, floor: int) -> tuple[list[str], dict[str, Outcomes]]:
        """The checks' ids in the order added and, per component with pairs, as
        compare_parallel: each check's difference (facilitator minus the members' mean; None
        when not compared), whether it is worth talking about (larger than one answer step) and
        how many checks had fewer than `floor` members with a value (no members' side)."""
        fast = _columnar_compare(self, floor)
        if fast is not None:
            return fast
        fden, mden = self.fac.plan.den, self.mem.plan.den
        sn, sd = self.step
        ids = [cid for cid, _, _ in self.checks]
        fac_rows = [f for _, f, _ in self.checks]
        mem_rows = [m for _, _, members in self.checks for m in members]
        bounds = []
        start = 0
        for _, _, members in self.checks:
            bounds.append((start, start + len(members)))
            start += len(members)
        out: dict[str, Outcomes] = {}
        for ci, comp in enumerate(self.comps):
            fkeys = self.fac.keys(ci, fac_rows)
            mkeys = self.mem.keys(ci, mem_rows)
            # prefix sums of the members' values and of how many have one
            sums = [0, *accumulate([0 if k is None else k for k in mkeys])]
            counts = [0, *accumulate(map(is_not, mkeys, repeat(None)))]
            diffs: list[float | None] = []
            worth: list[bool] = []
            under = 0
            for fk, (a, b) in zip(fkeys, bounds, strict=True):
                n = counts[b] - counts[a]
                if n < floor or fk is None:
                    under += n < floor
                    diffs.append(None)
                    worth.append(False)
                    continue
                # fk / fden - sum / (n mden), over one denominator
                num = fk * n * mden - (sums[b] - sums[a]) * fden
                den = fden * n * mden
                diffs.append(num / den)
                worth.append(abs(num) * sd > sn * den)
            out[comp] = (diffs, worth, under)
        return ids, out


def _columnar_compare(pair: PairPlan, floor: int) -> tuple[list[str], dict[str, Outcomes]] | None:
    """PairPlan.compare in NumPy (aggregate.columnar_checks) when it is installed and applies
    (checks read as packed codes)."""
    if not (pair.fac.coded and pair.mem.coded and pair.checks):
        return None
    try:
        from . import columnar_checks
    except ImportError:
        return None
    return columnar_checks.compare(pair, floor)


class Checks:
    """Each check's two parts, paired as they come (in any order, from any file), then
    compared all at once by PairPlan."""

    def __init__(self) -> None:
        # check id -> role -> (plan, raw answers of the part's responses) until both parts came
        self._pending: dict[str, dict[str, tuple[ScoredPlan, list[Any]]]] = {}
        self._compared: set[str] = set()  # checks whose two parts came
        self._pair_plans: dict[tuple[int, int], PairPlan] = {}

    def add_part(
        self,
        check_id: str | None,
        plan: ScoredPlan,
        raws: list[Any],
        layout: CodeLayout | None = None,
    ) -> None:
        """Hold a check's part until its other part comes, then queue the two for comparison
        (the first part of each role counts; the facilitator side is the part's first
        facilitator response). result() compares all queued checks at once. raws: the part's
        responses as item id -> value mappings or packed codes (with the layout that packed them)."""
        if check_id is None or check_id in self._compared:
            return
        role = plan.q.role
        parts = self._pending.setdefault(check_id, {})
        if role in parts or role not in (FACILITATOR, MEMBER):
            return
        parts[role] = (plan, raws)
        if len(parts) < 2:
            return
        del self._pending[check_id]
        self._compared.add(check_id)
        (fplan, fraws), (mplan, mraws) = parts[FACILITATOR], parts[MEMBER]
        if not fraws:
            return
        key = (id(fplan), id(mplan))
        pair = self._pair_plans.get(key)
        if pair is None:
            pair = self._pair_plans[key] = PairPlan(fplan.q, mplan.q, layout)
        pair.add(check_id, fraws[0], mraws)

    def result(self, floor: int) -> tuple[ComponentComparison, ...]:
        """Per component, over compared checks in the order of their ids (float sums depend on
        the order; this one is the same from a store and from bundles)."""
        ids: list[str] = []
        diffs: dict[str, list[float | None]] = {c: [] for c in COMPONENT_IDS}
        worth = dict.fromkeys(COMPONENT_IDS, 0)
        under = dict.fromkeys(COMPONENT_IDS, 0)
        for pair in self._pair_plans.values():
            check_ids, per = pair.compare(floor)
            ids.extend(check_ids)
            for c in COMPONENT_IDS:
                values, talk, below = per.get(c, ([None] * len(check_ids), [], 0))
                diffs[c].extend(values)
                worth[c] += sum(talk)
                under[c] += below
        order = sorted(range(len(ids)), key=ids.__getitem__)
        out = []
        for c in COMPONENT_IDS:
            column = diffs[c]
            compared = [x for i in order if (x := column[i]) is not None]
            out.append(ComponentComparison(c, len(compared), worth[c], under[c], moments(compared)))
        return tuple(out)
