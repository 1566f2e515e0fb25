"""The evaluator's aggregate says only what the evidence allows, in every renderer: no benefit
scores, four bands, checks compared on parallel items, and the privacy floor in every cell."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from magcheck.aggregate.render_html import to_html
from magcheck.aggregate.render_json import to_data, to_json
from magcheck.aggregate.render_text import to_csv, to_rich
from magcheck.aggregate.results import Aggregate
from magcheck.aggregate.sources import aggregate_files, aggregate_store
from magcheck.core.model import COMPONENT_IDS, Questionnaire
from magcheck.demo import create_demo
from magcheck.exports import export
from magcheck.report.build import build_report
from magcheck.store import Group, Store

from .export_support import run


def rendered(agg: Aggregate) -> dict[str, str]:
    con = Console(record=True, width=100, markup=False, file=io.StringIO())
    con.print(to_rich(agg))
    return {
        "table": con.export_text(),
        "csv": to_csv(agg),
        "json": to_json(agg),
        "html": to_html(agg, ["test"]),
    }


def _round(
    store: Store, group: Group, q: Questionnaire, role: str, people: int, value: int, day: str
) -> None:
    session = store.create_session(group, q, "en", day)
    for n in range(people):
        r = store.start_response(session, role, f"{role[0].upper()}{n + 1}")
        # every component scores the same: reverse-keyed items get the mirrored answer
        lo, hi = q.scale.min, q.scale.max
        store.record_answers(r, {it.id: lo + hi - value if it.reverse else value for it in q.items})
        store.complete_response(r)


def test_every_renderer_states_the_limits_once_and_makes_no_claims(tmp_path: Path, bundled):
    with Store.open(tmp_path / "d") as store:
        create_demo(store, bundled)
        outputs = rendered(aggregate_store(store, by="group"))
    for name, text in outputs.items():
        flat = " ".join(text.split()).lower()
        for said in (
            "not been tested for reliability or validity",
            "mutual aid scale belong to a different instrument",
            "a scoping review of 37 studies, not from these groups",
            "not cause and effect",
            "privacy floor 3",
        ):
            assert flat.count(said) == 1, (name, said)
        for banned in (
            "predict",
            "likely",
            "will bring",
            "will lead",
            "blind spot",
            "contribution",
            "benefit support",
            "published reliability for",
            "around 0.7",
        ):
            assert banned not in flat, (name, banned)
        for band_word in ("strong", "developing", "weak", "missing"):
            assert band_word in flat, (name, band_word)


def test_benefits_are_links_beside_pooled_means_never_scores(tmp_path: Path, bundled):
    with Store.open(tmp_path / "d") as store:
        create_demo(store, bundled)
        agg = aggregate_store(store)
    data = to_data(agg)
    assert not any("benefit" in key and key != "benefit_links" for key in data)
    trust_social = [
        link
        for link in agg.benefit_links
        if link.benefit == "social_functioning" and link.component == "trust"
    ]
    assert [(link.reported, link.mean) for link in trust_social] == [
        ("often", agg.components["trust"].mean)
    ]
    # coping is linked to no life skills study (evidence.yaml's tier rule)
    assert not [
        link
        for link in agg.benefit_links
        if link.benefit == "life_skills" and link.component == "coping"
    ]


def test_checks_are_compared_as_their_reports_compare_them(tmp_path: Path, bundled):
    """Per component: as many checks compared, and as many differences worth talking about, as
    the demo's three check reports show; the mean difference is theirs."""
    with Store.open(tmp_path / "d") as store:
        group, _ = create_demo(store, bundled)
        agg = aggregate_store(store)
        reports = [build_report(store, check) for check in store.checks(group)]
    for row in agg.comparisons:
        mine = [
            c
            for r in reports
            for c in r.comparisons
            if c.component == row.component and c.difference is not None
        ]
        assert row.compared == len(mine) == 3
        assert row.worth_talking_about == sum(c.worth_talking_about for c in mine)
        assert row.difference.mean == pytest.approx(
            sum(float(c.difference) for c in mine if c.difference is not None) / 3
        )


def test_cells_and_rounds_under_the_floor_show_no_member_result_anywhere(tmp_path: Path, bundled):
    mq, fq = bundled["member"], bundled["facilitator"]
    with Store.open(tmp_path / "d") as store:
        big = store.add_group("Big")
        _round(store, big, mq, "member", 4, 4, "2026-03-01")
        two = store.add_group("Two members")
        _round(store, two, mq, "member", 2, 2, "2026-03-02")
        alone = store.add_group("Self only")
        _round(store, alone, fq, "facilitator", 1, 5, "2026-03-03")
        agg = aggregate_store(store, by="group")
        [path] = export(store, "bundle", tmp_path / "b.json")
    assert to_data(aggregate_files([path], by="group")) == to_data(agg)
    assert set(agg.breakdown) == {"Big", "Self only"}  # the two-member round is left out
    for comp in COMPONENT_IDS:
        big_cell, alone_cell = agg.breakdown["Big"][comp], agg.breakdown["Self only"][comp]
        assert (big_cell.n, big_cell.mean) == (4, 75)
        assert (alone_cell.n, alone_cell.mean, alone_cell.low) == (1, None, None)
        assert agg.components[comp].n == 5 and agg.components[comp].mean is not None
    assert [t.group for t in agg.trends] == ["Big", "Self only"]
    assert all(sum(b.counts.values()) == b.groups == 2 for b in agg.bands)
    assert any("1 member round(s) with fewer than 3 people" in n for n in agg.notes)
    outputs = rendered(agg)
    # the members' 25 (all "rarely") appears in no output; the lone self-assessment's 100 only
    # in its own trend point, never as a --by cell
    assert all("25.0" not in text for text in outputs.values())
    assert "Two members" not in "".join(outputs.values())
    table_row = next(line for line in outputs["table"].splitlines() if "Self only" in line)
    assert table_row.count("n 1") == len(COMPONENT_IDS) and "100" not in table_row
    cells = [
        row
        for row in csv.DictReader(io.StringIO(outputs["csv"]))
        if row["section"] == "component_mean_by_group" and row["key"] == "Self only"
    ]
    assert len(cells) == len(COMPONENT_IDS)
    assert all(row["n"] == "1" and row["mean"] == row["ci_low"] == "" for row in cells)
    assert json.loads(outputs["json"])["breakdown"]["Self only"]["trust"]["mean"] is None
    assert outputs["html"].count('class="withheld"') == len(COMPONENT_IDS)


def test_privacy_floor_option_can_only_raise_the_floor(tmp_path: Path, bundled):
    with Store.open(tmp_path / "d") as store:
        g = store.add_group("Four")
        _round(store, g, bundled["member"], "member", 4, 4, "2026-03-01")
        store.set_privacy_floor(5)
    lower = run("aggregate", "--privacy-floor", "2", data_dir=tmp_path / "d")
    assert lower.returncode == 1 and "never lowered" in lower.stderr
    data = json.loads(
        run(
            "aggregate", "--format", "json", "--privacy-floor", "4", data_dir=tmp_path / "d",
            check=True,
        ).stdout
    )  # fmt: skip
    assert data["floor"] == 5  # the store's setting is higher
    assert data["trends"] == [] and data["components"]["trust"]["n"] == 0
    with Store.open(tmp_path / "d") as store:
        [path] = export(store, "bundle", tmp_path / "b.json")
    from_file = aggregate_files([path])
    assert from_file.floor == 3 and from_file.components["trust"].mean == 75
    assert aggregate_files([path], floor=6).components["trust"].mean is None
