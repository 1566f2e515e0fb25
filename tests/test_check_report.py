"""A check's report: what a group hears is true, fair to members, and private (issue 12)."""

from __future__ import annotations

import json
import sqlite3
from fractions import Fraction
from pathlib import Path

import pytest

from magcheck.core.checkscore import change, compare_parallel, privacy_floor
from magcheck.core.model import Questionnaire
from magcheck.errors import InputError
from magcheck.report.build import build_report
from magcheck.report.render import to_data, to_markdown, to_rich
from magcheck.store import SCHEMA_VERSION, Store
from magcheck.store.schema import MIGRATIONS

from .tui_support import plain


def _answers(q: Questionnaire, value: int, **overrides: int | str) -> dict[str, int | str | None]:
    """Every item at `value` as the person means it (reverse items entered flipped)."""
    lo, hi = q.scale.min, q.scale.max
    out: dict[str, int | str | None] = {
        it.id: (lo + hi - value if it.reverse else value) for it in q.items
    }
    out.update(overrides)
    return out


def _check(store: Store, bundled, fac: int | None, members: list[int], **fac_overrides):
    group = store.add_group(f"G{len(store.groups()) + 1}")
    fq, mq = bundled["facilitator"], bundled["member"]
    session = store.create_session(group, fq, "en", "2026-05-05")
    if fac is not None:
        r = store.start_response(session, "facilitator")
        store.record_answers(r, _answers(fq, fac, **fac_overrides))
        store.complete_response(r)
    check = store.check_of(session)
    round_ = store.create_session(group, mq, "en", check=check)
    for n, value in enumerate(members, 1):
        r = store.start_response(round_, "member", f"M{n}")
        store.record_answers(r, _answers(mq, value))
        store.complete_response(r)
    return store.check(check.id)


def _all_outputs(rep) -> str:
    return "\n".join([plain(to_rich(rep, 100), 100), to_markdown(rep), json.dumps(to_data(rep))])


def test_two_members_see_no_member_result_in_any_output(store, bundled):
    check = _check(store, bundled, fac=4, members=[5, 1])
    rep = build_report(store, check)
    assert rep.members is not None and not rep.members.shown and rep.members.people == 2
    assert rep.members.rows == () and rep.members.non_answers == {}
    assert all(c.members is None for c in rep.comparisons)
    text = _all_outputs(rep)
    assert "member results appear only when at least 3 people have answered" in " ".join(
        text.split()
    )
    data = to_data(rep)
    assert set(data["members"]) == {"session", "questionnaire", "people", "unfinished", "shown"}
    assert all(x["members"] is None and x["difference"] is None for x in data["comparison"])
    # bands shown beside the benefit links come from the facilitator, and say so
    assert rep.standing_from == "facilitator"
    assert "these are the facilitator's view" in " ".join(text.split())


def test_three_members_show_results_based_on_three_people(store, bundled):
    rep = build_report(store, _check(store, bundled, fac=4, members=[5, 4, 3]))
    assert rep.members is not None and rep.members.shown
    trust = next(r for r in rep.members.rows if r.component == "trust")
    assert trust.n == 3 and trust.score == 75 and trust.band == "strong"  # (100 + 75 + 50) / 3
    flat = " ".join(plain(to_rich(rep, 100), 100).split())
    assert "Member round · based on 3 people" in flat


def test_a_raised_privacy_floor_hides_three_members_and_cannot_go_below_three(store, bundled):
    store.set_privacy_floor(5)
    rep = build_report(store, _check(store, bundled, fac=4, members=[5, 4, 3]))
    assert rep.floor == 5 and rep.members is not None and not rep.members.shown
    with pytest.raises(InputError, match="never lowered"):
        store.set_privacy_floor(2)
    assert privacy_floor("1") == 3 and privacy_floor("7") == 7 and privacy_floor(None) == 3


def test_facilitator_answers_are_never_folded_into_the_members_score(store, bundled):
    check = _check(store, bundled, fac=4, members=[3, 3, 3])
    member_round = check.part("member")
    assert member_round is not None
    intruder = store.start_response(member_round, "facilitator")
    store.record_answers(intruder, _answers(bundled["member"], 5))
    store.complete_response(intruder)
    rep = build_report(store, store.check(check.id))
    assert rep.members is not None and rep.members.people == 3
    assert all(r.score == 50 for r in rep.members.rows)


def test_a_difference_counts_only_beyond_one_answer_step(bundled):
    fq, mq = bundled["facilitator"], bundled["member"]
    members = [_answers(mq, 3)] * 3  # everyone "sometimes": 50 on every parallel item
    one_step = compare_parallel(fq, _answers(fq, 4), mq, members)  # facilitator "often": 75
    assert all(c.difference == 25 and not c.worth_talking_about for c in one_step)
    two_steps = compare_parallel(fq, _answers(fq, 5), mq, members)
    assert all(c.difference == 50 and c.worth_talking_about for c in two_steps)
    lower = compare_parallel(fq, _answers(fq, 1), mq, members)
    assert all(c.difference == -50 and c.worth_talking_about for c in lower)


def test_only_parallel_items_are_compared(bundled):
    fq, mq = bundled["facilitator"], bundled["member"]
    # the facilitator's items without a partner are at 1 and do not move the comparison
    fac = _answers(fq, 3)
    fac.update({it.id: 1 for it in fq.items if not it.parallel and not it.reverse})
    fac.update({it.id: 5 for it in fq.items if not it.parallel and it.reverse})
    result = compare_parallel(fq, fac, mq, [_answers(mq, 3)] * 3)
    assert {c.component for c in result} == {it.component for it in fq.items if it.parallel}
    assert all(c.facilitator == 50 and c.difference == 0 for c in result)


def test_comparison_needs_three_members_with_a_score_on_the_parallel_items(bundled):
    fq, mq = bundled["facilitator"], bundled["member"]
    two = compare_parallel(fq, _answers(fq, 5), mq, [_answers(mq, 1)] * 2)
    assert all(c.members is None and c.n_members == 2 and not c.worth_talking_about for c in two)


def test_dont_know_and_doesnt_apply_are_left_out_and_counted(store, bundled):
    fq = bundled["facilitator"]
    trust_items = [it.id for it in fq.items_of("trust")]
    check = _check(
        store,
        bundled,
        fac=4,
        members=[4, 4, 4],
        **{trust_items[0]: "dont_know", trust_items[1]: "dont_know"},
    )
    member_round = check.part("member")
    assert member_round is not None
    r = store.start_response(member_round, "member", "M9")
    store.record_answers(
        r, {**_answers(bundled["member"], 4), "coping_1": "not_applicable", "trust_1": None}
    )
    store.complete_response(r)
    rep = build_report(store, store.check(check.id))
    assert rep.facilitator is not None and rep.members is not None
    assert rep.facilitator.non_answers == {"dont_know": 2}
    fac_trust = next(r for r in rep.facilitator.rows if r.component == "trust")
    # one of three trust items answered is under half: insufficient, not a low score
    assert fac_trust.score is None and fac_trust.band == "insufficient"
    assert rep.members.non_answers == {"not_applicable": 1, "prefer_not_to_say": 1}
    flat = " ".join(plain(to_rich(rep, 100), 100).split())
    assert "2 “don't know”" in flat
    assert "1 “doesn't apply to me”, 1 “prefer not to say”" in flat


@pytest.mark.parametrize(
    ("now", "before", "word"),
    [
        (Fraction(75), Fraction(50), "same"),  # exactly one step: about the same
        (Fraction(7501, 100), Fraction(50), "up"),
        (Fraction(50), Fraction(7501, 100), "down"),
        (Fraction(50), None, None),
    ],
)
def test_change_is_named_only_beyond_one_answer_step(now, before, word):
    assert change(now, before, Fraction(25)) == word


def test_change_compares_with_the_previous_complete_check_of_the_same_questionnaire(store, bundled):
    group = store.add_group("Changing group")
    fq = bundled["facilitator"]
    for day, value in (("2026-01-01", 2), ("2026-02-01", 3), ("2026-03-01", 5)):
        s = store.create_session(group, fq, "en", day)
        r = store.start_response(s, "facilitator")
        store.record_answers(r, _answers(fq, value))
        if day != "2026-02-01":  # February's self-assessment was never finished
            store.complete_response(r)
    latest = store.checks(group)[0]
    rep = build_report(store, latest)
    assert rep.facilitator is not None and rep.facilitator.previous is not None
    assert rep.facilitator.previous.date == "2026-01-01"  # not the unfinished February one
    assert all(r.change == "up" for r in rep.facilitator.rows)  # 100 vs 25


def test_benefits_are_links_in_words_never_scores(store, bundled):
    rep = build_report(store, _check(store, bundled, fac=4, members=[4, 4, 4]))
    data = to_data(rep)
    assert "benefits" not in data
    for b in data["benefit_links"]:
        assert set(b) == {"benefit", "links"}  # no score, no band of the benefit's own
        assert all(set(x) == {"component", "reported", "band"} for x in b["links"])
    life = next(b for b in data["benefit_links"] if b["benefit"] == "life_skills")
    assert [(x["component"], x["reported"]) for x in life["links"]][:1] == [
        ("problem_solving", "often")
    ]
    flat = " ".join(_all_outputs(rep).split())
    assert "These links come from a review of 37 studies, not from this group" in flat
    for word in ("predict", "will lead", "likely", "unlikely"):
        assert word not in flat.lower()


def test_crisis_text_appears_on_every_report_in_its_language(store, bundled):
    check = _check(store, bundled, fac=4, members=[4, 4, 4])
    rep = build_report(store, check)
    assert "No local crisis line is set on this device" in " ".join(_all_outputs(rep).split())
    store.set_crisis_text("Línea 106, las 24 horas", "es")
    rep_es = build_report(store, check, "es")
    assert "Apoyo en crisis: Línea 106, las 24 horas" in to_markdown(rep_es)
    assert "Línea 106" not in to_markdown(build_report(store, check, "en"))
    with pytest.raises(InputError, match="U\\+001B at position 5"):
        store.set_crisis_text("Call\x1b[2J 988", "en")


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_report_has_no_untranslated_fragments(store, bundled, lang):
    check = _check(store, bundled, fac=4, members=[5, 3, 2, 4, 4])
    rep = build_report(store, check, lang)
    text = " ".join(_all_outputs(rep).split())
    assert "report." not in text and "cli." not in text  # no bare catalogue keys
    if lang != "en":
        for english in ("based on", "Member round", "people", "about the same", "Difference"):
            assert english not in to_markdown(rep), english


def test_a_version_2_store_migrates_to_checks_and_keeps_every_answer(tmp_path: Path, bundled):
    path = tmp_path / "data" / "magcheck.db"
    path.parent.mkdir()
    old = sqlite3.connect(path)
    for version in (1, 2):
        old.executescript(MIGRATIONS[version])
    old.execute("PRAGMA user_version = 2")
    old.execute(
        "INSERT INTO groups VALUES ('g' || hex(randomblob(15)), 'Old group', NULL, NULL, 'x')"
    )
    gid = old.execute("SELECT id FROM groups").fetchone()[0]
    from magcheck.core.documents import to_document

    for q in (bundled["facilitator"], bundled["member"]):
        old.execute(
            "INSERT INTO questionnaires VALUES (?, ?, ?, ?)",
            (q.content_hash, q.id, q.version, json.dumps(to_document(q))),
        )
    rows = [
        ("s1", "facilitator", "2026-01-01"),
        ("s2", "member", "2026-01-01"),
        ("s3", "member", "2026-02-01"),
    ]
    for sid, qid, day in rows:
        q = bundled[qid]
        old.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, 'en', ?, ?, ?, ?, NULL)",
            (sid * 16, gid, day, q.id, q.version, q.content_hash, f"{day}T10:00:00+00:00"),
        )
        for n in range(3 if qid == "member" else 1):
            rid = f"{sid}r{n}" * 8
            role = "member" if qid == "member" else "facilitator"
            old.execute(
                "INSERT INTO responses VALUES (?, ?, ?, NULL, 'x', 'y')", (rid, sid * 16, role)
            )
            for it in q.items:
                value = None if it.id == q.items[0].id else 4
                old.execute("INSERT INTO answers VALUES (?, ?, ?, 'z')", (rid, it.id, value))
    old.commit()
    before = old.execute("SELECT response_id, item_id, value FROM answers ORDER BY 1, 2").fetchall()
    old.close()

    with Store.open(path.parent) as store:
        assert store.schema_version == SCHEMA_VERSION
        after = store.db.execute(
            "SELECT response_id, item_id, value FROM answers ORDER BY 1, 2"
        ).fetchall()
        assert [tuple(r) for r in after] == before
        checks = store.checks()
        assert len(checks) == 2
        january = next(c for c in checks if c.date == "2026-01-01")
        assert {s.questionnaire_role for s in january.sessions} == {"facilitator", "member"}
        rep = build_report(store, january)  # the new rules apply to old answers
        assert rep.members is not None and rep.members.shown and rep.members.people == 3
        assert rep.members.non_answers == {"prefer_not_to_say": 3}
        assert rep.comparisons
