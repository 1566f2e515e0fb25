"""XLSForm out, ODK Central / KoboToolbox submissions in: through the real `magcheck` command."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from magcheck.store import Store

from .export_support import dump, questionnaires, run
from .odk_support import Planted, central_csv, kobo_csv, plant

GROUPS = ["Tuesday group", "Río Grande", "Harbour circle"]
DAYS = ["2026-03-03", "2026-04-07"]
X = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def member():
    return questionnaires()["member"]


@pytest.fixture
def facilitator():
    return questionnaires()["facilitator"]


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with Store.open(data) as store:
        for name in GROUPS:
            store.add_group(name)
    return data


def by_response(data: Path) -> dict[str, tuple]:
    """Each response: (group name, date, questionnaire, check, code, {item: (value, missing)})."""
    db = sqlite3.connect(data / "magcheck.db")
    try:
        rows = db.execute(
            "SELECT r.id, g.name, s.date, s.questionnaire_id, s.check_id, r.respondent_code,"
            " a.item_id, a.value, a.missing FROM responses r JOIN sessions s ON s.id = r.session_id"
            " JOIN groups g ON g.id = s.group_id JOIN answers a ON a.response_id = r.id"
        ).fetchall()
    finally:
        db.close()
    out: dict[str, tuple] = {}
    for rid, group, day, qid, check, code, item, value, missing in rows:
        entry = out.setdefault(rid, (group, day, qid, check, code, {}))
        entry[5][item] = (value, missing)
    return out


def expected_answers(s: Planted) -> dict[str, tuple]:
    return {item: (int(v), None) if v.isdigit() else (None, v) for item, v in s.answers.items()}


# -- XLSForm ------------------------------------------------------------------------------------


@pytest.mark.parametrize("qid", ["member", "facilitator"])
def test_xlsform_converts_with_pyxform_keeping_item_ids_and_languages(tmp_path, qid):
    from pyxform.xls2xform import convert

    q = questionnaires()[qid]
    out = tmp_path / f"{qid}.xlsx"
    result = run("questionnaires", "xlsform", qid, "--out", str(out), data_dir=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert f"form_id magcheck-{qid}" in result.stdout
    assert out.stat().st_mode & 0o777 == 0o600

    converted = convert(xlsform=str(out))
    assert converted.warnings == []
    root = ET.fromstring(converted.xform)
    model = root.find(f"{H}head/{X}model")
    assert model is not None
    # the main instance: the form's id and version, every item under the items group
    data = model.find(f"{X}instance/{X}data")
    assert data is not None
    assert data.get("id") == f"magcheck-{qid}"
    assert data.get("version") == f"{q.version}-{q.content_hash[:12]}"
    items = data.find(f"{X}items")
    assert items is not None
    assert [child.tag.removeprefix(X) for child in items] == [it.id for it in q.items]
    binds = {b.get("nodeset"): b for b in model.iter(f"{X}bind")}
    for item in q.items:
        assert binds[f"/data/items/{item.id}"].get("required") == "true()"
    assert binds["/data/magcheck_hash"].get("calculate") == f"'{q.content_hash}'"
    assert binds["/data/meeting_date"].get("type") == "date"
    # three languages, English the default, each item's text in each
    translations = {t.get("lang"): t for t in model.iter(f"{X}translation")}
    assert set(translations) == {"English (en)", "Español (es)", "Português (pt)"}
    assert translations["English (en)"].get("default") == "true()"
    for lang, name in (("en", "English (en)"), ("es", "Español (es)"), ("pt", "Português (pt)")):
        texts = {t.get("id"): t.findtext(f"{X}value") for t in translations[name].iter(f"{X}text")}
        for item in q.items:
            assert texts[f"/data/items/{item.id}:label"] == item.text[lang]
    # the scale's points and this questionnaire's non-answers, as choice values
    scale = next(i for i in model.iter(f"{X}instance") if i.get("id") == "scale")
    values = [n.text for n in scale.iter(f"{X}name")]
    assert values == ["1", "2", "3", "4", "5", *q.scale.non_answers]


def test_xlsform_without_openpyxl_says_what_to_install(tmp_path):
    code = (
        "import sys; sys.modules['openpyxl'] = None\n"
        "from magcheck.cli.parser import main\n"
        f"sys.exit(main(['--data-dir', {str(tmp_path)!r}, 'questionnaires', 'xlsform', 'member',"
        f" '--out', {str(tmp_path / 'm.xlsx')!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert 'pip install "magcheck[odk]"' in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "m.xlsx").exists()


# -- submissions in -----------------------------------------------------------------------------


def test_central_csv_becomes_sessions_and_a_second_import_skips_every_submission(
    tmp_path, store_dir, member
):
    planted = plant(member, GROUPS, DAYS, n=50)
    path = central_csv(tmp_path / "submissions.csv", member, planted)
    args = ("import", "--from-odk", str(path), "--questionnaire", "member")

    first = run(*args, data_dir=store_dir)
    assert first.returncode == 0, first.stderr
    assert "(ODK Central): 50 submission(s) imported into 6 new session(s), 0 skipped" in (
        first.stdout
    )
    stored = by_response(store_dir)
    assert len(stored) == 50
    for s in planted:
        found = [v for v in stored.values() if v[4] == s.code]
        assert len(found) == 1
        group, day, qid, _check, _code, answers = found[0]
        assert (group, day, qid) == (s.group, s.day, "member")
        assert answers == expected_answers(s)
    with Store.open(store_dir) as store:
        sessions = store.sessions()
        assert len(sessions) == 6
        assert {(s.group_name, s.date) for s in sessions} == {(g, d) for g in GROUPS for d in DAYS}
        assert all(s.status == "complete" for s in sessions)
        assert sorted(s.respondents for s in sessions) == [8, 8, 8, 8, 9, 9]
        strongest = next(s for s in sessions if (s.group_name, s.date) == (GROUPS[0], DAYS[0]))
        assert {r.source for s in sessions for r in store.responses(s)} == {"odk"}

    report = run("report", strongest.check_id or "", "--format", "json", data_dir=store_dir)
    assert report.returncode == 0, report.stderr
    members = json.loads(report.stdout)["members"]
    assert members["people"] == 9
    assert {c["band"] for c in members["components"]} == {"strong"}
    assert {c["score"] for c in members["components"]} == {100.0}

    before = dump(store_dir)
    second = run(*args, data_dir=store_dir)
    assert second.returncode == 0, second.stderr
    assert "0 submission(s) imported into 0 new session(s), 50 skipped (already here)" in (
        second.stdout
    )
    assert dump(store_dir) == before


def test_kobo_csv_imports_the_same_submissions_the_same_way(tmp_path, member):
    planted = plant(member, GROUPS, DAYS, n=50)
    stores = []
    for name, path in (
        ("central", central_csv(tmp_path / "central.csv", member, planted)),
        ("kobo", kobo_csv(tmp_path / "kobo.csv", member, planted)),
        ("kobo-comma", kobo_csv(tmp_path / "kobo-comma.csv", member, planted, delimiter=",")),
    ):
        data = tmp_path / name
        with Store.open(data) as store:
            for group in GROUPS:
                store.add_group(group)
        result = run("import", "--from-odk", str(path), "--questionnaire", "member", data_dir=data)
        assert result.returncode == 0, result.stderr
        assert "50 submission(s) imported into 6 new session(s)" in result.stdout
        stores.append({rid: (v[0], v[1], v[4], v[5]) for rid, v in by_response(data).items()})
    assert "KoboToolbox" in result.stdout
    assert stores[0] == stores[1] == stores[2]


def test_a_later_export_adds_only_the_new_submissions_to_the_same_sessions(
    tmp_path, store_dir, member
):
    planted = plant(member, GROUPS, DAYS, n=50)
    early = central_csv(tmp_path / "early.csv", member, planted[:30])
    late = central_csv(tmp_path / "late.csv", member, planted)
    run("import", "--from-odk", str(early), "--questionnaire", "member", data_dir=store_dir)
    result = run("import", "--from-odk", str(late), "--questionnaire", "member", data_dir=store_dir)
    assert result.returncode == 0, result.stderr
    assert "20 submission(s) imported into 0 new session(s), 30 skipped" in result.stdout
    with Store.open(store_dir) as store:
        assert len(store.sessions()) == 6
        assert sum(s.respondents for s in store.sessions()) == 50


def test_a_submission_edited_since_is_a_conflict_and_the_stored_answers_are_kept(
    tmp_path, store_dir, member
):
    planted = plant(member, GROUPS, DAYS, n=12)
    path = central_csv(tmp_path / "s.csv", member, planted)
    run("import", "--from-odk", str(path), "--questionnaire", "member", data_dir=store_dir)
    before = dump(store_dir)
    first_item = member.items[0].id
    planted[4].answers[first_item] = "2" if planted[4].answers[first_item] != "2" else "3"
    central_csv(path, member, planted)
    result = run("import", "--from-odk", str(path), "--questionnaire", "member", data_dir=store_dir)
    assert result.returncode == 1
    assert "row 6: submission" in result.stdout
    assert "different answers (1 item(s) differ); the stored version is kept" in result.stdout
    assert "11 skipped (already here), 1 conflict(s)" in result.stdout
    assert dump(store_dir) == before


def test_member_round_and_facilitator_self_assessment_of_one_meeting_join_one_check(
    tmp_path, store_dir, member, facilitator
):
    members = central_csv(tmp_path / "m.csv", member, plant(member, GROUPS[:1], DAYS[:1], n=4))
    planted = plant(facilitator, GROUPS[:1], DAYS[:1], n=1, seed=9)
    own = central_csv(tmp_path / "f.csv", facilitator, planted)
    for path, qid in ((members, "member"), (own, "facilitator")):
        result = run("import", "--from-odk", str(path), "--questionnaire", qid, data_dir=store_dir)
        assert result.returncode == 0, result.stderr
    with Store.open(store_dir) as store:
        (check,) = store.checks()
        assert check.part("member") is not None and check.part("facilitator") is not None
        assert check.part("member").respondents == 4
    report = run("report", check.id, "--format", "json", data_dir=store_dir)
    assert json.loads(report.stdout)["facilitator"]["people"] == 1


def test_a_form_made_from_another_questionnaire_version_is_refused_with_the_reason(
    tmp_path, store_dir, member
):
    path = central_csv(tmp_path / "old.csv", member, plant(member, GROUPS, DAYS, n=5), "ab" * 32)
    before = dump(store_dir)
    result = run("import", "--from-odk", str(path), "--questionnaire", "member", data_dir=store_dir)
    assert result.returncode == 1
    message = result.stderr
    assert f"{path}: row 2, column magcheck_hash: form version 2-" in message
    assert "was made from questionnaire member v2 (hash abababababab…)" in message
    assert f"not the installed member v2 (hash {member.content_hash[:12]}…)" in message
    assert "export a new XLSForm with 'magcheck questionnaires xlsform member'" in message
    assert "Traceback" not in message
    assert dump(store_dir) == before


def test_submissions_of_the_member_form_are_not_taken_as_the_facilitator_s(
    tmp_path, store_dir, member, facilitator
):
    path = central_csv(tmp_path / "m.csv", member, plant(member, GROUPS, DAYS, n=3))
    result = run(
        "import", "--from-odk", str(path), "--questionnaire", "facilitator", data_dir=store_dir
    )
    assert result.returncode == 1
    assert "was made from questionnaire member v2" in result.stderr
    assert f"not the installed facilitator v2 (hash {facilitator.content_hash[:12]}" in (
        result.stderr
    )


def _edit(path: Path, row: int, column: str, value: str | None) -> None:
    """Set one cell (row as a spreadsheet numbers it), or drop a whole column (value None)."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    at = rows[0].index(column)
    if value is None:
        rows = [r[:at] + r[at + 1 :] for r in rows]
    else:
        rows[row - 1][at] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


@pytest.mark.parametrize(
    ("row", "column", "value", "says"),
    [
        (7, "items-trust_1", "7", "row 7, column items-trust_1: '7' is not one of 1, 2, 3, 4, 5"),
        (4, "items-trust_1", "dont_know", "'dont_know' is not one of"),
        (5, "items-trust_1", "Always", "(export the CSV with XML values, not labels)"),
        (3, "items-coping_1", "", "row 3, column items-coping_1: nothing is not one of"),
        (1, "items-agency_2", None, "row 1: no column for item agency_2 ('agency_2')"),
        (9, "group", "Wednesday group", "row 9, column group: no group 'Wednesday group'"),
        (5, "group", "Tuesday\x1b[2Jgroup", "row 5, column group: group: U+001B (ESCAPE) at"),
        (6, "respondent", "Ana", "row 6, column respondent: respondent code 'Ana' is not allowed"),
        (8, "meeting_date", "03/03/2026", "row 8, column meeting_date: '03/03/2026' is not a date"),
        (2, "meta-instanceID", "", "row 2, column KEY: no submission id"),
    ],
)
def test_a_bad_cell_refuses_the_whole_file_naming_row_and_column(
    tmp_path, store_dir, member, row, column, value, says
):
    path = central_csv(tmp_path / "s.csv", member, plant(member, GROUPS, DAYS, n=10))
    if column == "meta-instanceID":
        _edit(path, row, "KEY", "")
        column = "meta-instanceID"
    _edit(path, row, column, value)
    before = dump(store_dir)
    result = run("import", "--from-odk", str(path), "--questionnaire", "member", data_dir=store_dir)
    assert result.returncode == 1
    assert says in result.stderr
    assert str(path) in result.stderr
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr
    assert dump(store_dir) == before


def test_not_a_csv_of_this_form_is_refused(tmp_path, store_dir, member):
    path = tmp_path / "other.csv"
    path.write_text("name,age\nx,3\n", encoding="utf-8")
    result = run("import", "--from-odk", str(path), "--questionnaire", "member", data_dir=store_dir)
    assert result.returncode == 1
    assert "row 1: no column for the questionnaire's content hash ('magcheck_hash')" in (
        result.stderr
    )
    fifo = tmp_path / "pipe.csv"
    import os

    os.mkfifo(fifo)
    result = run("import", "--from-odk", str(fifo), "--questionnaire", "member", data_dir=store_dir)
    assert result.returncode == 1
    assert "not a regular file" in result.stderr
