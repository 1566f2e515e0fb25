"""Bundle export: documented fields, checksum, owner-only files, round trip into an empty store."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from magcheck.core.scoring import response_scores, session_scores
from magcheck.exports import export
from magcheck.exports.bundle import checksum
from magcheck.exports.importing import import_files
from magcheck.exports.reading import read_bundle
from magcheck.paths import package_data
from magcheck.store import Store

from .export_support import dump, fill_store, run


def _scores(directory: Path) -> dict[str, tuple]:
    with Store.open(directory) as store:
        out = {}
        for s in store.sessions():
            q = store.questionnaire(s.questionnaire_hash)
            per_response = [(r, response_scores(q, a)) for r, a in store.session_answers(s)]
            combined = session_scores(q, [(r.role, sc) for r, sc in per_response])
            out[s.id] = (
                {r.id: {c: x.score for c, x in sc.items()} for r, sc in per_response},
                {c: (x.score, x.band, x.facilitator, x.member) for c, x in combined.items()},
            )
        return out


def test_round_trip_into_empty_store_is_identical(tmp_path: Path) -> None:
    fill_store(tmp_path / "a")
    with Store.open(tmp_path / "a") as store:
        [path] = export(store, "bundle", tmp_path / "out.json")
    summary = import_files(Store.open(tmp_path / "b"), [path])
    assert (summary.imported, summary.skipped, summary.conflicts, summary.rejected) == (6, 0, 0, 0)
    assert dump(tmp_path / "a") == dump(tmp_path / "b")
    assert _scores(tmp_path / "a") == _scores(tmp_path / "b")


def test_bundle_scores_match_the_core_scoring(tmp_path: Path) -> None:
    fill_store(tmp_path / "a")
    with Store.open(tmp_path / "a") as store:
        [path] = export(store, "bundle", tmp_path / "out.json")
    expected = _scores(tmp_path / "a")
    doc = json.loads(path.read_text("utf-8"))
    for s in doc["sessions"]:
        per_response, combined = expected[s["id"]]
        for r in s["responses"]:
            want = {c: None if v is None else float(v) for c, v in per_response[r["id"]].items()}
            assert r["scores"] == want
        for c, sc in s["scores"].items():
            assert sc["score"] == (None if combined[c][0] is None else float(combined[c][0]))
            assert sc["band"] == combined[c][1]


def test_bundle_carries_every_documented_field_and_a_valid_checksum(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=1)
    with Store.open(tmp_path / "a") as store:
        [path] = export(store, "bundle", tmp_path / "out.json")
        device = store.device_id()
    doc = json.loads(path.read_text("utf-8"))
    schema = json.loads(package_data("bundle.schema.json").read_text("utf-8"))
    assert set(schema["required"]) <= set(doc)
    assert set(doc) <= set(schema["properties"])
    assert doc["format"] == "magcheck-bundle" and doc["format_version"] == 2
    assert doc["device_id"] == device
    assert doc["questionnaires"][0]["content_hash"] == doc["sessions"][0]["questionnaire_hash"]
    assert doc["sha256"] == checksum(doc)
    # the same content pretty-printed still verifies: the checksum is over the canonical form
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(doc, indent=2), "utf-8")
    assert len(read_bundle(pretty).sessions) == 2


def test_export_files_are_owner_only(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=1)
    with Store.open(tmp_path / "a") as store:
        written = [
            *export(store, "bundle", tmp_path / "x.json"),
            *export(store, "csv", tmp_path / "x.csv"),
            *export(store, "fhir", tmp_path / "x.fhir.json"),
        ]
    assert len(written) == 5  # csv: two tables and their codebook
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_group_and_since_filters(tmp_path: Path) -> None:
    groups = fill_store(tmp_path / "a", groups=3, sessions=2)
    with Store.open(tmp_path / "a") as store:
        [path] = export(
            store, "bundle", tmp_path / "g.json", group=groups[1].name, since="2026-02-01"
        )
    doc = json.loads(path.read_text("utf-8"))
    assert [g["id"] for g in doc["groups"]] == [groups[1].id]
    assert [s["date"] for s in doc["sessions"]] == ["2026-02-11"]
    assert doc["filters"] == {"group_id": groups[1].id, "since": "2026-02-01"}


def test_pseudonymize_replaces_names_with_stable_codes(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=2, names=["Tuesday circle", "Rosa's group"])
    with Store.open(tmp_path / "a") as store:
        [one] = export(store, "bundle", tmp_path / "1.json", pseudonymize=True)
        [two] = export(store, "bundle", tmp_path / "2.json", pseudonymize=True)
    first, second = (json.loads(p.read_text("utf-8")) for p in (one, two))
    text = one.read_text("utf-8")
    assert "Tuesday circle" not in text and "Rosa" not in text and '"M1"' not in text
    assert first["pseudonymized"] is True
    assert [g["name"] for g in first["groups"]] == [g["name"] for g in second["groups"]]
    codes = [[r["respondent_code"] for r in s["responses"]] for s in first["sessions"]]
    assert codes == [[r["respondent_code"] for r in s["responses"]] for s in second["sessions"]]
    # the same respondent keeps one code across a group's sessions; other groups' M1 differ
    by_group: dict[str, set[str]] = {}
    for s in first["sessions"]:
        for r in s["responses"]:
            by_group.setdefault(s["group_id"], set()).add(r["respondent_code"])
    assert all(len(c) == 5 for c in by_group.values())
    a, b = by_group.values()
    assert not a & b
    # a pseudonymised bundle still imports: its codes are valid respondent codes
    assert import_files(Store.open(tmp_path / "b"), [one]).imported == 4


def test_cli_export_then_import_into_another_data_dir(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=2)
    out = run(
        "export", "--format", "bundle", "--out", str(tmp_path / "e.json"), data_dir=tmp_path / "a"
    )
    assert out.returncode == 0, out.stderr
    assert "Wrote" in out.stdout
    first = run("import", str(tmp_path / "e.json"), data_dir=tmp_path / "b")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1].startswith("4 session(s) imported, 0 skipped")
    again = run("import", str(tmp_path / "e.json"), data_dir=tmp_path / "b")
    assert again.returncode == 0
    assert "0 session(s) imported, 4 skipped" in again.stdout
    assert "Traceback" not in first.stderr + again.stderr
    assert dump(tmp_path / "a") == dump(tmp_path / "b")


def test_cli_export_default_path_is_in_the_exports_folder(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=1)
    out = run("export", data_dir=tmp_path / "a", check=True)
    written = Path(out.stdout.split("Wrote ", 1)[1].strip())
    assert written.parent == tmp_path / "a" / "exports" and written.suffix == ".json"


def test_bundle_validates_against_the_shipped_json_schema(tmp_path: Path) -> None:
    """The schema an evaluator is given is the one real bundles follow, field by field."""
    import jsonschema

    fill_store(tmp_path / "a", groups=2)
    with Store.open(tmp_path / "a") as store:
        [plain] = export(store, "bundle", tmp_path / "plain.json")
        [pseudo] = export(store, "bundle", tmp_path / "pseudo.json", pseudonymize=True)
    schema = json.loads(package_data("bundle.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in (plain, pseudo):
        doc = json.loads(path.read_text("utf-8"))
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
        assert errors == [], errors[:5]
    broken = json.loads(plain.read_text("utf-8"))
    broken["sessions"][0]["responses"][0]["role"] = "boss"
    assert list(validator.iter_errors(broken)), "the schema must reject an unknown role"
