"""The shipped evidence file: the DOMAIN table, its own tier rule on every cell, links in words."""

from __future__ import annotations

from fractions import Fraction

import pytest

from magcheck.core.evidence import OFTEN, SOMETIMES, load_evidence
from magcheck.core.model import BENEFIT_IDS, COMPONENT_IDS

DOMAIN_TABLE = {  # ../shared/DOMAIN.md, "The weights magcheck ships"
    "agency": (1.0, 0.5, 1.0, 1.0, 1.0),
    "support": (1.0, 1.0, 1.0, 1.0, 0.5),
    "problem_solving": (1.0, 1.0, 1.0, 1.0, 0.5),
    "trust": (0.5, 0.5, 1.0, 0.0, 0.5),
    "identity": (0.5, 0.0, 0.5, 0.5, 1.0),
    "networks": (1.0, 0.5, 0.5, 0.0, 0.5),
    "emotion": (0.5, 0.0, 0.0, 0.0, 0.5),
    "coping": (0.5, 0.0, 0.0, 0.0, 0.0),
}


def test_evidence_weights_match_the_domain_table():
    ev = load_evidence()
    for comp, row in DOMAIN_TABLE.items():
        assert tuple(float(ev.weight(comp, b)) for b in BENEFIT_IDS) == row, comp
    assert "replace with the published cells when available" in ev.note
    assert ev.tier_rule and "doi:10.15446/rcp.v32n2.103633" in ev.source


@pytest.mark.parametrize("comp", COMPONENT_IDS)
@pytest.mark.parametrize("benefit", BENEFIT_IDS)
def test_every_cell_follows_the_files_own_tier_rule(comp, benefit):
    ev = load_evidence()
    w = ev.weight(comp, benefit)
    cited = ev.cited_links.get(comp, ())
    ones = sum(ev.weight(comp, b) == 1 for b in BENEFIT_IDS)
    assert w in (0, Fraction(1, 2), 1)
    if comp in ev.tiers["most"]:
        assert ones >= 4
    elif comp in ev.tiers["moderate"]:
        assert 1 <= ones <= 2
        if w == 1:
            assert benefit in cited, f"{comp} x {benefit}: a 1.0 cell needs a cited link"
    else:
        assert comp in ev.tiers["few"]
        assert w != 1, f"{comp} x {benefit}: few-studies components carry only 0.5 cells"
        if w:
            assert benefit in cited, f"{comp} x {benefit}: a 0.5 cell needs a cited link"


def test_the_three_tiers_cover_every_component_once():
    tiers = load_evidence().tiers
    listed = [c for key in ("most", "moderate", "few") for c in tiers[key]]
    assert sorted(listed) == sorted(COMPONENT_IDS)


def test_links_are_words_most_often_first_and_absent_cells_left_out():
    links = load_evidence().links("life_skills")
    assert links == [
        ("problem_solving", OFTEN),
        ("support", OFTEN),
        ("agency", OFTEN),
        ("identity", SOMETIMES),
    ]
    assert ("coping", SOMETIMES) not in load_evidence().links("life_skills")
