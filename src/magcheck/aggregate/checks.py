"""A check's facilitator self-assessment against its member round, for many checks at once:
core.checkscore.compare_parallel's rule, each answer pattern scored once, in exact integers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..core.bulk import CodeLayout, ScoredPlan, ratio
from ..core.checkscore import parallel_pairs
from ..core.model import Questionnaire

# One component of one check: (component, difference as a float or None, worth talking about,
# members under the floor).
Outcome = tuple[str, float | None, bool, bool]


class PairPlan:
    """The parallel items of one facilitator and one member questionnaire, scored by the core
    rule on those items alone (each side a questionnaire cut down to its paired items)."""

    def __init__(self, fq: Questionnaire, mq: Questionnaire, layout: CodeLayout | None) -> None:
        pairs = parallel_pairs(fq, mq)
        self.fplan = ScoredPlan(replace(fq, items=tuple(f for f, _ in pairs)))
        self.mplan = ScoredPlan(replace(mq, items=tuple(m for _, m in pairs)))
        # both cut-down questionnaires hold the same components (a pair shares its component),
        # each in the components' usual order
        assert self.fplan.comps == self.mplan.comps
        self.comps = self.fplan.comps
        self.step = ratio(fq.scale.step)
        if layout is not None and pairs:
            self.fplan.set_layout(layout)
            self.mplan.set_layout(layout)

    @staticmethod
    def _keys(plan: ScoredPlan, ci: int, raws: list[Any]) -> list[int | None]:
        """Each response's score x plan.den on component ci. raws: item id -> value mappings
        (from bundles) or packed codes (from the store, see CodeLayout)."""
        if not raws:
            return []
        if type(raws[0]) is dict:
            ids = plan.items[ci]
            return [plan.entry(ci, tuple([v.get(i) for i in ids]))[0] for v in raws]
        return [e[0] for e in plan.coded_column(ci, raws)]

    def compare(self, facilitator: Any, members: list[Any], floor: int) -> list[Outcome]:
        """Per component with pairs, as compare_parallel: the members' side exists from `floor`
        members with a value; the difference is facilitator minus members' mean, worth talking
        about only when larger than one answer step."""
        out: list[Outcome] = []
        fden, mden = self.fplan.den, self.mplan.den
        sn, sd = self.step
        for ci, comp in enumerate(self.comps):
            mk = [k for k in self._keys(self.mplan, ci, members) if k is not None]
            n = len(mk)
            if n < floor:
                out.append((comp, None, False, True))
                continue
            [fk] = self._keys(self.fplan, ci, [facilitator])
            if fk is None:
                out.append((comp, None, False, False))
                continue
            # fk / fden - sum(mk) / (n mden), over one denominator
            num = fk * n * mden - sum(mk) * fden
            den = fden * n * mden
            out.append((comp, num / den, abs(num) * sd > sn * den, False))
        return out
