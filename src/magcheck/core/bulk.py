"""The core scoring rule applied to many responses at once: each answer pattern scored once.

A component's score depends only on the answers to its own items, and a component has a few items
on a short scale, so there are only a few hundred distinct answer patterns per component. Each
pattern is scored once by scoring.response_scores and then looked up; reports, exports and
aggregation all score through here or through response_scores itself, so there is one rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from fractions import Fraction
from typing import Any

from .model import COMPONENT_IDS, Questionnaire
from .scoring import ComponentScore, response_scores


def ratio(x: Fraction | int | float) -> tuple[int, int]:
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
    (n (max - min)), so den = lcm of n (max - min) over the possible n). Part means, bands and
    facilitator-member differences are then exact integer ratios: the same values as the core's
    fractions, compared with band edges and answer steps by cross-multiplication.
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
        self.scores: tuple[dict[tuple[int | None, ...], ComponentScore], ...] = tuple(
            {} for _ in self.comps
        )
        self.memos: tuple[dict[tuple[int | None, ...], _Entry], ...] = tuple({} for _ in self.comps)
        # filled by set_layout for packed codes read from the store
        self.code_memos: tuple[dict[Any, _Entry], ...] = tuple({} for _ in self.comps)
        self.extract: tuple[tuple[tuple[int, int], ...], ...] = ()
        # every entry scored, component by component (alpha counts them in result())
        self.seen: tuple[list[_Entry], ...] = tuple([] for _ in self.comps)
        # the same, counted: id(entry) -> how many times (the columnar path adds whole counts)
        self.seen_times: tuple[dict[int, int], ...] = tuple({} for _ in self.comps)
        self.offset = 0
        self.bits = 0

    def component_score(self, ci: int, pattern: tuple[int | None, ...]) -> ComponentScore:
        """Component ci's score for one answer pattern (values in item order), by the core rule."""
        memo = self.scores[ci]
        cs = memo.get(pattern)
        if cs is None:
            answers = dict(zip(self.items[ci], pattern, strict=True))
            cs = memo[pattern] = response_scores(self.subs[ci], answers)[self.comps[ci]]
        return cs

    def response(self, answers: Mapping[str, int | None]) -> dict[str, ComponentScore]:
        """Exactly scoring.response_scores(q, answers), memoised per component pattern."""
        return {
            comp: self.component_score(ci, tuple([answers.get(i) for i in self.items[ci]]))
            for ci, comp in enumerate(self.comps)
        }

    def entry(self, ci: int, pattern: tuple[int | None, ...]) -> _Entry:
        """The memo entry of one component's answer pattern (values in item order)."""
        memo = self.memos[ci]
        e = memo.get(pattern)
        if e is None:
            cs = self.component_score(ci, pattern)
            k: int | None = None
            x: float | None = None
            if cs.score is not None:
                scaled = cs.score * self.den
                if scaled.denominator != 1:  # cannot happen: den holds every denominator
                    raise AssertionError(
                        f"{cs.component}: score {cs.score} not a multiple of 1/{self.den}"
                    )
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
        missing = set(keys).difference(memo)
        if missing:
            self.key_entries(ci, missing)
        return list(map(memo.__getitem__, keys))

    def run(self, ci: int) -> tuple[int, int, int] | None:
        """(column, shift, mask) when component ci's items sit side by side in one packed
        column, so one shift and mask read its pattern key; None otherwise."""
        return self._runs[ci]

    def key_entries(self, ci: int, keys: Iterable[Any]) -> list[_Entry]:
        """The memo entries of component ci's pattern keys, as coded_column reads them: an int
        for a run (see run), a tuple of slot digits otherwise."""
        run, memo, out = self._runs[ci], self.code_memos[ci], []
        for key in keys:
            e = memo.get(key)
            if e is None:
                if run is not None:
                    n = len(self.items[ci])
                    digits = [(key >> (self.bits * j)) & self._mask for j in range(n)]
                else:
                    digits = list(key)
                pattern = tuple(None if d == 0 else d + self.offset for d in digits)
                e = memo[key] = self.entry(ci, pattern)
            out.append(e)
        return out


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


class Plans:
    """ScoredPlans by questionnaire content: one per questionnaire version, built on first use."""

    def __init__(self) -> None:
        self._plans: dict[str, ScoredPlan] = {}

    def plan(self, q: Questionnaire) -> ScoredPlan:
        key = q.content_hash or f"{q.id}:{q.version}"
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = ScoredPlan(q)
        return plan

    def values(self) -> Iterable[ScoredPlan]:
        return self._plans.values()

    def response(
        self, q: Questionnaire, answers: Mapping[str, int | None]
    ) -> dict[str, ComponentScore]:
        """Exactly scoring.response_scores(q, answers)."""
        return self.plan(q).response(answers)
