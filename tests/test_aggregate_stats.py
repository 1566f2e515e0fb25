"""Aggregate statistics: checked against hand-computed values and against the core scoring."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from magcheck.aggregate.render_text import to_csv, to_data
from magcheck.aggregate.sources import aggregate_files, aggregate_store
from magcheck.aggregate.stats import AlphaSums, cronbach_alpha, mean_ci, t975
from magcheck.core.bulk import Plans
from magcheck.core.scoring import response_scores
from magcheck.exports import export
from magcheck.store import Store

from .export_support import fill_store, questionnaires, run

QUESTIONNAIRES = questionnaires()


def test_t_critical_values_match_the_t_distribution() -> None:
    assert t975(1) == pytest.approx(12.7062)
    assert t975(3) == pytest.approx(3.1824)
    assert t975(30) == pytest.approx(2.0423)
    assert t975(35) == pytest.approx(2.0301, abs=2e-3)  # exact 2.0301
    assert t975(1000) == pytest.approx(1.9623, abs=1e-3)
    assert t975(10**9) == pytest.approx(1.96, abs=1e-4)


def test_mean_ci_by_hand() -> None:
    # 50, 60, 70, 80: mean 65, sd sqrt(500/3) = 12.910, se 6.455, t(3) 3.1824 -> half 20.542
    m = mean_ci([50, 60, 70, 80])
    assert (m.n, m.mean) == (4, 65)
    assert m.sd == pytest.approx(math.sqrt(500 / 3))
    assert m.low == pytest.approx(65 - 20.5424, abs=1e-3)
    assert m.high == pytest.approx(65 + 20.5424, abs=1e-3)
    one = mean_ci([42])
    assert (one.mean, one.low, one.high) == (42, None, None)


def test_cronbach_alpha_by_hand() -> None:
    # items var 2.5 and 1.7, total var 7.7: alpha = 2 * (1 - 4.2 / 7.7) = 10/11
    rows = [(1, 2), (2, 2), (3, 4), (4, 3), (5, 5)]
    assert cronbach_alpha(rows) == pytest.approx(10 / 11)
    assert cronbach_alpha([(3, 3), (3, 3)]) is None  # no variance: undefined
    sums = AlphaSums(3)
    for row in [(2, 3, 3), (4, 4, 5), (1, 2, 2), (3, 3, 4)]:
        sums.add(row)
    # three items: var 5/3, 2/3, 5/3; totals 8, 13, 5, 10 -> var 34/3
    assert sums.alpha() == pytest.approx(1.5 * (1 - 4 / (34 / 3)))  # 33/34


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_score_cache_gives_exactly_the_core_scores(data: st.DataObject) -> None:
    cache = Plans()
    for q in QUESTIONNAIRES.values():
        values = st.one_of(st.none(), st.integers(q.scale.min, q.scale.max))
        answers = {it.id: data.draw(values) for it in q.items if data.draw(st.booleans())}
        assert cache.response(q, answers) == response_scores(q, answers)


def test_pooled_means_and_alpha_match_the_raw_data(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=3, sessions=2, members=5)
    with Store.open(tmp_path / "a") as store:
        agg = aggregate_store(store)
        q = questionnaires()["member"]
        rows = []
        for s in store.sessions():
            qq = store.questionnaire(s.questionnaire_hash)
            for r, answers in store.session_answers(s):
                if r.role == qq.role:  # a part is scored over its own role only
                    rows.append((qq, answers))
    support = [
        float(sc.score)
        for qq, answers in rows
        if (sc := response_scores(qq, answers)["support"]).score is not None
    ]
    want = mean_ci(support)
    assert agg.components["support"].n == want.n
    assert agg.components["support"].mean == pytest.approx(want.mean)
    assert agg.components["support"].low == pytest.approx(want.low)
    trust_items = q.items_of("trust")
    lo, hi = q.scale.min, q.scale.max
    complete = [  # alpha is computed on scored values: reverse-keyed items flipped
        tuple(lo + hi - a[it.id] if it.reverse else a[it.id] for it in trust_items)
        for qq, a in rows
        if qq.id == "member" and all(a.get(it.id) is not None for it in trust_items)
    ]
    [alpha] = [a for a in agg.alpha if a.questionnaire == "member v2" and a.component == "trust"]
    assert alpha.n == len(complete) >= 10
    assert alpha.alpha == pytest.approx(cronbach_alpha(complete))
    assert (agg.groups, agg.sessions, agg.responses) == (3, 6, 36)
    assert all(b.groups == 3 and sum(b.counts.values()) == 3 for b in agg.bands)
    # the facilitator inside each member round, and the members inside the one self-assessment
    assert agg.notes == (
        "10 response(s) left out: their role differs from their questionnaire's (for example a "
        "facilitator answering inside a member round); a part is scored over its own role only",
    )
    assert all(len(t.points) >= 1 for t in agg.trends)


def test_aggregate_from_bundles_equals_aggregate_from_the_store(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=3)
    with Store.open(tmp_path / "a") as store:
        [path] = export(store, "bundle", tmp_path / "a.json")
        from_store = to_data(aggregate_store(store, by="region"))
    from_files = to_data(aggregate_files([path, path], by="region"))  # same file twice counts once
    assert list(from_files.pop("notes"))[-1] == (
        "6 session(s) appeared in more than one file; counted once"
    )
    assert list(from_store.pop("notes")) == list(aggregate_files([path], by="region").notes)
    assert from_files == from_store
    assert set(from_store["breakdown"]) == {"Region 1", "Region 2"}


def test_cli_aggregate_formats(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=3, sessions=2, members=5)
    table = run("aggregate", "--by", "group", data_dir=tmp_path / "a", check=True).stdout
    assert "Components" in table and "Group 2" in table
    assert max(len(line) for line in table.splitlines()) <= 100
    data = json.loads(
        run("aggregate", "--format", "json", data_dir=tmp_path / "a", check=True).stdout
    )
    assert data["components"]["trust"]["n"] > 0
    csv_text = run("aggregate", "--format", "csv", data_dir=tmp_path / "a", check=True).stdout
    assert (
        csv_text.splitlines()[0]
        == "section,key,component,benefit,date,n,mean,sd,ci_low,ci_high,value"
    )
    out = tmp_path / "report.html"
    run("aggregate", "--format", "html", "--out", str(out), data_dir=tmp_path / "a", check=True)
    html = out.read_text("utf-8")
    assert out.stat().st_mode & 0o077 == 0
    assert "<svg" in html and "@media print" in html
    assert not re.search(r"""(src|href)\s*=|@import|url\(|<script|<link""", html)
    assert "http" not in html


def test_cli_aggregate_reads_bundles_and_names_the_files_it_left_out(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=2)
    run("export", "--out", str(tmp_path / "a.json"), data_dir=tmp_path / "a", check=True)
    broken = tmp_path / "broken.json"
    broken.write_text("{", "utf-8")
    out = run(
        "aggregate",
        str(tmp_path / "a.json"),
        str(broken),
        "--format",
        "json",
        data_dir=tmp_path / "empty",
        check=True,
    )
    data = json.loads(out.stdout)
    assert data["sessions"] == 4
    assert data["notes"][0] == (
        f"{broken}: left out: truncated: the file ends before its data does (an interrupted copy?)"
    )
    only_broken = run("aggregate", str(broken), data_dir=tmp_path / "empty")
    assert only_broken.returncode == 1 and "no readable bundle" in only_broken.stderr
    assert "Traceback" not in only_broken.stderr


def test_aggregate_csv_neutralises_group_names(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=2, names=['=HYPERLINK("x")', "Plain"])
    with Store.open(tmp_path / "a") as store:
        text = to_csv(aggregate_store(store, by="group"))
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_a_member_round_outweighs_a_self_assessment_held_the_same_day(
    tmp_path: Path, bundled
) -> None:
    """Latest score per group: on one meeting date, the session more respondents scored counts."""
    from magcheck.store import Store

    with Store.open(tmp_path / "data") as store:
        group = store.add_group("Same-day group")
        members = store.create_session(group, bundled["member"], "en", "2026-05-05")
        for n in range(1, 5):
            r = store.start_response(members, "member", f"M{n}")
            store.record_answers(
                r, {it.id: 5 if it.reverse else 1 for it in bundled["member"].items}
            )
            store.complete_response(r)
        # the facilitator's self-assessment of the same meeting is entered afterwards, all strong
        fac_q = bundled["facilitator"]
        selfcheck = store.create_session(group, fac_q, "en", "2026-05-05")
        r = store.start_response(selfcheck, "facilitator")
        store.record_answers(r, {it.id: 1 if it.reverse else 5 for it in fac_q.items})
        store.complete_response(r)
        result = aggregate_store(store)
    assert all(b.groups == 1 and b.counts["missing"] == 1 for b in result.bands)
