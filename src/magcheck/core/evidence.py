"""The review's component x benefit links: which components it links to each benefit, how often."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path

from ..errors import Problem, QuestionnaireError
from ..paths import package_data
from .model import BENEFIT_IDS, COMPONENT_IDS
from .yamlsource import LineDict, load_file

OFTEN, SOMETIMES = "often", "sometimes"  # how often studies reported a link (1.0, 0.5)
ALLOWED_WEIGHTS = (Fraction(0), Fraction(1, 2), Fraction(1))


@dataclass(frozen=True)
class Evidence:
    weights: dict[str, dict[str, Fraction]]  # component -> benefit -> weight
    source: str
    tier_rule: str
    note: str
    tiers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # most/moderate/few
    cited_links: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def weight(self, component: str, benefit: str) -> Fraction:
        return self.weights[component][benefit]

    def links(self, benefit: str) -> list[tuple[str, str]]:
        """(component, OFTEN or SOMETIMES) for the components linked to a benefit, most often
        reported first, then in the components' usual order."""
        found = [(c, self.weight(c, benefit)) for c in COMPONENT_IDS if self.weight(c, benefit)]
        found.sort(key=lambda cw: -cw[1])
        return [(c, OFTEN if w == 1 else SOMETIMES) for c, w in found]


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
        tiers=_lists(doc.get("tiers")),
        cited_links=_lists(doc.get("cited_links")),
    )


def _lists(raw: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): tuple(str(x) for x in v) for k, v in raw.items() if isinstance(v, list)}


@cache
def load_evidence() -> Evidence:
    return parse_evidence(package_data("evidence.yaml"))
