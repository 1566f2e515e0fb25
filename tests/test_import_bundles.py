"""Import: idempotent, conflicts never overwrite, broken files rejected with a reason, atomic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from magcheck.exports import export
from magcheck.exports.bundle import checksum
from magcheck.exports.importing import import_files
from magcheck.store import Store

from .export_support import dump, fill_store, run


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    fill_store(tmp_path / "a", groups=2)
    with Store.open(tmp_path / "a") as store:
        [path] = export(store, "bundle", tmp_path / "good.json")
    return path


def _resign(doc: dict) -> dict:
    doc["sha256"] = checksum(doc)
    return doc


def _write(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc), "utf-8")
    return path


def _bad_files(bundle: Path, tmp: Path) -> dict[str, tuple[Path, str]]:
    raw = bundle.read_bytes()
    doc = json.loads(raw)
    truncated = tmp / "truncated.json"
    truncated.write_bytes(raw[: len(raw) // 2])
    not_json = tmp / "notes.json"
    not_json.write_text("Group met on Tuesday, 6 people came.\n", "utf-8")
    future = _write(tmp / "future.json", _resign({**doc, "format_version": 3}))
    odd = _write(tmp / "odd.json", _resign({**doc, "format_version": "1"}))
    tampered_doc = json.loads(raw)
    tampered_doc["sessions"][0]["responses"][0]["answers"][0][1] = 5
    tampered_doc["sessions"][0]["responses"][0]["answers"][1][1] = 1
    tampered = _write(tmp / "tampered.json", tampered_doc)
    big = tmp / "big.json"
    big.write_bytes(raw + b" " * (3 * len(raw)))
    other = _write(tmp / "other.json", {"resourceType": "Bundle"})
    invalid = json.loads(raw)
    invalid["sessions"][0]["responses"][0]["answers"][0][1] = 9
    invalid_path = _write(tmp / "invalid.json", _resign(invalid))
    empty = tmp / "empty.json"
    empty.write_bytes(b"")
    return {
        "truncated": (truncated, "truncated"),
        "not json": (not_json, "not JSON"),
        "unknown version": (future, "format version 3 is newer than this magcheck reads (2)"),
        "odd version": (odd, "unknown format version '1'"),
        "bad checksum": (tampered, "checksum mismatch"),
        "oversized": (big, "over the size limit"),
        "not a bundle": (other, "not a magcheck bundle"),
        "invalid value": (invalid_path, "value must be 1..5 or null"),
        "empty": (empty, "empty file"),
        "missing": (tmp / "nowhere.json", "cannot read it"),
    }


def test_each_broken_file_is_rejected_with_its_reason_and_changes_nothing(
    bundle: Path, tmp_path: Path
) -> None:
    fill_store(tmp_path / "b", groups=1, seed=3)
    before = dump(tmp_path / "b")
    for name, (path, reason) in _bad_files(bundle, tmp_path).items():
        summary = import_files(
            Store.open(tmp_path / "b"), [path], max_bytes=3 * len(bundle.read_bytes())
        )
        [result] = summary.files
        assert result.rejected and reason in result.rejected, (name, result.rejected)
        assert "\n" not in result.rejected
        assert dump(tmp_path / "b") == before, name


def test_duplicate_session_with_changed_answers_is_a_conflict_and_never_overwrites(
    bundle: Path, tmp_path: Path
) -> None:
    store_b = tmp_path / "b"
    assert import_files(Store.open(store_b), [bundle]).imported == 4
    before = dump(store_b)
    doc = json.loads(bundle.read_bytes())
    answer = doc["sessions"][1]["responses"][2]["answers"][0]
    answer[1] = 1 if answer[1] != 1 else 2
    changed = _write(tmp_path / "changed.json", _resign(doc))
    summary = import_files(Store.open(store_b), [changed])
    [result] = summary.files
    assert result.rejected is None
    assert (result.imported, result.skipped, len(result.conflicts)) == (0, 3, 1)
    assert doc["sessions"][1]["id"][:8] in result.conflicts[0]
    assert (
        "1 response(s) differ" in result.conflicts[0]
        and "stored version is kept" in result.conflicts[0]
    )
    assert dump(store_b) == before


def test_other_files_still_import_when_one_is_rejected(bundle: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(bundle.read_bytes()[:-40])
    summary = import_files(Store.open(tmp_path / "b"), [broken, bundle])
    assert (summary.imported, summary.rejected) == (4, 1)
    assert summary.line() == (
        "4 session(s) imported, 0 skipped (already here), 0 conflict(s), 1 file(s) rejected "
        "(of 2 file(s))"
    )


def test_a_file_goes_in_whole_or_not_at_all(bundle: Path, tmp_path: Path) -> None:
    """A response id that already belongs elsewhere makes the whole file fail, nothing half-done."""
    fill_store(tmp_path / "b", groups=1, seed=3)
    before = dump(tmp_path / "b")
    doc = json.loads(bundle.read_bytes())
    with Store.open(tmp_path / "b") as store:
        existing = store.responses(store.sessions()[0])[0].id
    doc["sessions"][-1]["responses"][-1]["id"] = existing
    clash = _write(tmp_path / "clash.json", _resign(doc))
    [result] = import_files(Store.open(tmp_path / "b"), [clash]).files
    assert result.rejected and "already belongs to another session" in result.rejected
    assert dump(tmp_path / "b") == before


def test_same_group_name_from_another_device_is_kept_apart(bundle: Path, tmp_path: Path) -> None:
    fill_store(tmp_path / "b", groups=1, seed=3)  # also has a "Group 1", with its own id
    [result] = import_files(Store.open(tmp_path / "b"), [bundle]).files
    with Store.open(tmp_path / "b") as store:
        names = sorted(g.name for g in store.groups())
    doc = json.loads(bundle.read_bytes())
    first_id = next(g["id"] for g in doc["groups"] if g["name"] == "Group 1")
    assert names == ["Group 1", f"Group 1 ({first_id[:8]})", "Group 2"]
    assert any("imported as" in note for note in result.notes)
    # importing again matches the group by id: nothing new, no second copy
    again = import_files(Store.open(tmp_path / "b"), [bundle])
    assert (again.imported, again.skipped) == (0, 4)


def test_cli_import_reports_each_file_and_a_summary(bundle: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    out = run("import", str(bundle), str(bad), data_dir=tmp_path / "b")
    assert out.returncode == 1
    lines = out.stdout.strip().splitlines()
    assert f"{bad}: rejected: " in out.stdout
    assert lines[-1] == (
        "4 session(s) imported, 0 skipped (already here), 0 conflict(s), 1 file(s) rejected "
        "(of 2 file(s))"
    )
    assert "Traceback" not in out.stderr


def _one_check_with_non_answers(directory: Path, bundled) -> None:
    with Store.open(directory) as store:
        group = store.add_group("Kinds group")
        fq, mq = bundled["facilitator"], bundled["member"]
        fac = store.create_session(group, fq, "en", "2026-04-04")
        r = store.start_response(fac, "facilitator")
        store.record_answers(r, {**{it.id: 4 for it in fq.items}, "coping_1": "dont_know"})
        store.complete_response(r)
        round_ = store.create_session(group, mq, "en", check=store.check_of(fac))
        r = store.start_response(round_, "member", "M1")
        store.record_answers(
            r, {**{it.id: 3 for it in mq.items}, "coping_1": "not_applicable", "trust_1": None}
        )
        store.complete_response(r)


def test_checks_and_non_answer_kinds_travel_in_a_bundle(tmp_path: Path, bundled) -> None:
    _one_check_with_non_answers(tmp_path / "a", bundled)
    with Store.open(tmp_path / "a") as store:
        [path] = export(store, "bundle", tmp_path / "kinds.json")
    assert import_files(Store.open(tmp_path / "b"), [path]).imported == 2
    assert dump(tmp_path / "a") == dump(tmp_path / "b")
    with Store.open(tmp_path / "b") as store:
        [check] = store.checks()
        assert {s.questionnaire_role for s in check.sessions} == {"facilitator", "member"}
        member_round = check.part("member")
        assert member_round is not None
        [response] = store.responses(member_round)
        assert store.non_answers(response) == {
            "coping_1": "not_applicable",
            "trust_1": "prefer_not_to_say",
        }


def test_a_format_1_bundle_still_imports_and_its_sessions_are_linked_into_checks(
    tmp_path: Path, bundled
) -> None:
    _one_check_with_non_answers(tmp_path / "a", bundled)
    with Store.open(tmp_path / "a") as store:
        [path] = export(store, "bundle", tmp_path / "v2.json")
    doc = json.loads(path.read_text("utf-8"))
    doc["format_version"] = 1
    for s in doc["sessions"]:
        del s["check_id"]
        for r in s["responses"]:
            r["answers"] = [a[:3] for a in r["answers"]]  # format 1: null, no kind
    old = _write(tmp_path / "v1.json", _resign(doc))
    summary = import_files(Store.open(tmp_path / "b"), [old])
    assert (summary.imported, summary.rejected) == (2, 0)
    with Store.open(tmp_path / "b") as store:
        [check] = store.checks()  # the same group and date: one check, as the migration links
        assert len(check.sessions) == 2
        member_round = check.part("member")
        assert member_round is not None
        [response] = store.responses(member_round)
        assert set(store.non_answers(response).values()) == {"prefer_not_to_say"}
