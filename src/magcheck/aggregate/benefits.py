"""Benefit support per group from its latest component scores, in exact integers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from ..core.bulk import ratio
from ..core.evidence import Evidence, load_evidence
from ..core.model import BENEFIT_IDS, COMPONENT_IDS
from ..core.scoring import MISSING, STRONG

LIKELY, POSSIBLE, UNLIKELY, BENEFIT_INSUFFICIENT = "likely", "possible", "unlikely", "insufficient"
BENEFIT_LIKELY = Fraction(75)
BENEFIT_POSSIBLE = Fraction(50)


@dataclass(frozen=True)
class BenefitSupport:
    benefit: str
    support: Fraction | None
    band: str
    scored_weight: Fraction
    total_weight: Fraction
    drivers: tuple[str, ...]
    blockers: tuple[str, ...]


def benefit_band(support: Fraction | None) -> str:
    if support is None:
        return BENEFIT_INSUFFICIENT
    if support >= BENEFIT_LIKELY:
        return LIKELY
    if support >= BENEFIT_POSSIBLE:
        return POSSIBLE
    return UNLIKELY


def benefit_support(
    scores: Mapping[str, Fraction | None],
    bands: Mapping[str, str],
    evidence: Evidence | None = None,
) -> list[BenefitSupport]:
    """Support = sum(w*S)/sum(w) over scored components; insufficient below half the weight.

    scores: component -> session score (None or absent when not scored);
    bands: component -> band word, for drivers (strong, w >= 0.5) and blockers (missing, w = 1).
    """
    ev = evidence or load_evidence()
    out: list[BenefitSupport] = []
    for ben in BENEFIT_IDS:
        total = sum((ev.weight(c, ben) for c in COMPONENT_IDS), Fraction(0))
        scored = [
            (c, ev.weight(c, ben), s) for c in COMPONENT_IDS if (s := scores.get(c)) is not None
        ]
        scored_weight = sum((w for _, w, _ in scored), Fraction(0))
        support: Fraction | None = None
        if scored_weight > 0 and scored_weight * 2 >= total:
            support = sum((w * s for _, w, s in scored), Fraction(0)) / scored_weight
        drivers = tuple(
            c
            for c in COMPONENT_IDS
            if ev.weight(c, ben) >= Fraction(1, 2) and bands.get(c) == STRONG
        )
        blockers = tuple(
            c for c in COMPONENT_IDS if ev.weight(c, ben) == 1 and bands.get(c) == MISSING
        )
        out.append(
            BenefitSupport(
                ben, support, benefit_band(support), scored_weight, total, drivers, blockers
            )
        )
    return out


class Latest:
    """A group's latest session score for one component, kept as the exact ratio num / den."""

    __slots__ = ("band", "den", "num", "when")

    def __init__(self, when: tuple[str, int, str], num: int, den: int, band: str) -> None:
        self.when, self.num, self.den, self.band = when, num, den, band

    @property
    def score(self) -> Fraction:
        return Fraction(self.num, self.den)


class GroupBenefits:
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
        self.likely = ratio(BENEFIT_LIKELY)
        self.possible = ratio(BENEFIT_POSSIBLE)
        self._weights: dict[tuple[str, ...], list[tuple[int, int] | None]] = {}

    def _scored_weights(self, comps: tuple[str, ...]) -> list[tuple[int, int] | None]:
        """Per benefit: the scored weight as (num, den) when sufficient, else None."""
        found = self._weights.get(comps)
        if found is None:
            found = []
            for i, ben in enumerate(BENEFIT_IDS):
                w = sum((self.ev.weight(c, ben) for c in comps), Fraction(0))
                found.append(ratio(w) if w > 0 and w * 2 >= self.total[i] else None)
            self._weights[comps] = found
        return found

    def supports(self, latest: dict[str, Latest]) -> list[tuple[str, float | None]]:
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
