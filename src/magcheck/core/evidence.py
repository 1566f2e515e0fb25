"""The component x benefit evidence weights and the benefit support they predict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

from ..errors import Problem, QuestionnaireError
from ..paths import package_data
from .model import BENEFIT_IDS, COMPONENT_IDS
from .scoring import MISSING, STRONG
from .yamlsource import LineDict, load_file

LIKELY, POSSIBLE, UNLIKELY, INSUFFICIENT = "likely", "possible", "unlikely", "insufficient"
BENEFIT_LIKELY = Fraction(75)
BENEFIT_POSSIBLE = Fraction(50)
ALLOWED_WEIGHTS = (Fraction(0), Fraction(1, 2), Fraction(1))


@dataclass(frozen=True)
class Evidence:
    weights: dict[str, dict[str, Fraction]]  # component -> benefit -> weight
    source: str
    tier_rule: str
    note: str

    def weight(self, component: str, benefit: str) -> Fraction:
        return self.weights[component][benefit]


def parse_evidence(path: Path) -> Evidence:
    doc, problems = load_file(path)
    name = str(path)
    if not problems and not isinstance(doc, LineDict):
        problems = [Problem(name, 1, "(top)", "must be a mapping")]
    if problems:
        raise QuestionnaireError(problems)
    weights: dict[str, dict[str, Fraction]] = {}
    raw = doc.get("weights")
    if not isinstance(raw, LineDict):
        raise QuestionnaireError([Problem(name, doc.line, "weights", "missing mapping")])
    for comp in COMPONENT_IDS:
        row = raw.get(comp)
        if not isinstance(row, LineDict):
            problems.append(Problem(name, raw.line, f"weights.{comp}", "missing row"))
            continue
        weights[comp] = {}
        for ben in BENEFIT_IDS:
            w = row.get(ben)
            if (
                isinstance(w, bool)
                or not isinstance(w, int | float)
                or Fraction(str(w)) not in ALLOWED_WEIGHTS
            ):
                problems.append(
                    Problem(
                        name,
                        row.key_lines.get(ben, row.line),
                        f"weights.{comp}.{ben}",
                        "must be 0.0, 0.5 or 1.0",
                    )
                )
                continue
            weights[comp][ben] = Fraction(str(w))
    if problems:
        raise QuestionnaireError(problems)
    return Evidence(
        weights=weights,
        source=str(doc.get("source", "")),
        tier_rule=str(doc.get("tier_rule", "")),
        note=str(doc.get("note", "")),
    )


@cache
def load_evidence() -> Evidence:
    return parse_evidence(package_data("evidence.yaml"))


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
        return INSUFFICIENT
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
