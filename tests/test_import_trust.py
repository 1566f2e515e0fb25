"""Bad-input corpus for import: a bundle can lie about nothing. Each case goes through the real
`magcheck import`: the message names the record and the field, the exit code is 1, no traceback,
and the store is byte-for-byte what it was."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from magcheck.core.documents import from_document, questionnaire_hash
from magcheck.exports import export
from magcheck.exports.bundle import checksum
from magcheck.store import Store

from .export_support import dump, fill_store, run

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good bundle: 2 groups, 4 sessions of the bundled questionnaires."""
    work = tmp_path_factory.mktemp("source")
    fill_store(work / "a", groups=2)
    with Store.open(work / "a") as store:
        [path] = export(store, "bundle", work / "good.json")
    return path


def _signed(path: Path, doc: Doc) -> Path:
    doc["sha256"] = checksum(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def _answer(doc: Doc) -> list[Any]:
    return doc["sessions"][0]["responses"][0]["answers"][0]  # type: ignore[no-any-return]


def _set(path: list[Any], value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _forge(doc: Doc) -> None:
    """Reverse keys flipped in the member questionnaire, its stated hash left as it was."""
    q = next(q for q in doc["questionnaires"] if q["id"] == "member")
    for item in q["items"]:
        item["reverse"] = not item["reverse"]


def _drop(key: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        del doc["sessions"][0][key]

    return mutate


S0 = ["sessions", 0]
R0 = [*S0, "responses", 0]
Q0 = ["questionnaires", 0]

# name -> (mutation, what the one-line reason must say)
CASES: dict[str, tuple[Callable[[Doc], None], str]] = {
    "forged questionnaire under a known hash": (
        _forge,
        "content_hash: does not match its content (stated ",
    ),
    "session id ending in a newline": (
        lambda d: d["sessions"][0].update(id=d["sessions"][0]["id"] + "\n"),
        "sessions[0].id: must be a 32-character hex id",
    ),
    "group id ending in a newline": (
        lambda d: d["groups"][0].update(id=d["groups"][0]["id"] + "\n"),
        "groups[0].id: ",
    ),
    "date 2026-99-99": (_set([*S0, "date"], "2026-99-99"), "sessions[0].date: '2026-99-99'"),
    "date in Arabic-Indic digits": (
        _set([*S0, "date"], "٢٠٢٦-٠١-١٠"),
        "sessions[0].date: '٢٠٢٦-٠١-١٠' is not a date like 2026-03-14",
    ),
    "timestamp that is no day": (
        _set([*S0, "created_at"], "2026-02-30T10:00:00+00:00"),
        "sessions[0].created_at: '2026-02-30T10:00:00+00:00' is not a time",
    ),
    "timestamp in full-width digits": (
        _set([*R0, "started_at"], "２０２６-01-10T10:00:00+00:00"),
        "sessions[0].responses[0].started_at: ",
    ),
    "formula in answered_at": (
        lambda d: _answer(d).__setitem__(2, '=HYPERLINK("http://x","y")'),
        "sessions[0].responses[0].answers[0]: answered_at '=HYPERLINK(",
    ),
    "unknown item": (
        lambda d: _answer(d).__setitem__(0, "not_an_item"),
        "sessions[0].responses[0].answers[0]: item 'not_an_item' is not in questionnaire",
    ),
    "item answered twice": (
        lambda d: d["sessions"][0]["responses"][0]["answers"].append(list(_answer(d))),
        "is answered twice",
    ),
    "value true (a bool)": (
        lambda d: _answer(d).__setitem__(1, True),
        "sessions[0].responses[0].answers[0]: value must be 1..5 or null",
    ),
    "value off the scale": (lambda d: _answer(d).__setitem__(1, 9), "value must be 1..5 or null"),
    "unknown component in a questionnaire": (
        _set([*Q0, "items", 0, "component"], "courage"),
        'questionnaires[0].items[0].component: must be "coping" or "emotion"',
    ),
    "scale min not below max": (
        _set([*Q0, "scale", "min"], 5),
        "questionnaires[0].scale.min: min (5) must be less than max (5)",
    ),
    "wrong number of labels": (
        lambda d: d["questionnaires"][0]["scale"]["labels"]["en"].pop(),
        "questionnaires[0].scale.labels.en: has 4 labels",
    ),
    "one item for a component": (
        lambda d: d["questionnaires"][0]["items"].pop(0),
        "each component needs at least 2",
    ),
    "questionnaire id ending in a newline": (
        lambda d: d["questionnaires"][0].update(id=d["questionnaires"][0]["id"] + "\n"),
        "questionnaires[0].id: ",
    ),
    "unknown field in a response": (
        _set([*R0, "name"], "Rosa"),
        "sessions[0].responses[0].name: is not a field of this record",
    ),
    "missing field": (_drop("closed_at"), "sessions[0].closed_at: is missing"),
    "unknown role": (_set([*R0, "role"], "boss"), "sessions[0].responses[0].role: must be one of"),
    "language not in the questionnaire": (
        _set([*S0, "language"], "fr"),
        "sessions[0].language: 'fr' is not a language of the questionnaire",
    ),
    "score for an unknown component": (
        _set([*S0, "scores", "courage"], None),
        "sessions[0].scores.courage: is not a component of the questionnaire",
    ),
    "device id not an id (envelope schema)": (
        _set(["device_id"], "laptop"),
        "device_id: 'laptop' is not in the expected form",
    ),
    "escape sequence in an item id": (
        lambda d: _answer(d).__setitem__(0, "\x1b]52;c;aGk=\x07"),
        "item '\\u001b]52;c;aGk=\\u0007' is not in questionnaire",
    ),
}


def _corpus(source: Path, directory: Path) -> dict[str, tuple[Path, str]]:
    good = json.loads(source.read_bytes())
    out = {}
    for i, (name, (mutate, reason)) in enumerate(CASES.items()):
        doc = copy.deepcopy(good)
        mutate(doc)
        out[name] = (_signed(directory / f"case{i:02d}.json", doc), reason)
    return out


def test_every_bad_file_is_rejected_by_the_real_command_and_the_store_is_unchanged(
    source: Path, tmp_path: Path
) -> None:
    fill_store(tmp_path / "b", groups=1, seed=3)
    db = tmp_path / "b" / "magcheck.db"
    before, before_bytes = dump(tmp_path / "b"), db.read_bytes()
    corpus = _corpus(source, tmp_path)
    result = run("import", *(str(p) for p, _ in corpus.values()), data_dir=tmp_path / "b")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "\x1b" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name, (path, reason) in corpus.items():
        [line] = [x for x in lines if x.startswith(f"{path}: ")]
        assert line.startswith(f"{path}: rejected: invalid content: "), (name, line)
        assert reason in line, (name, line)
    assert lines[-1] == (
        f"0 session(s) imported, 0 skipped (already here), 0 conflict(s), "
        f"{len(corpus)} file(s) rejected (of {len(corpus)} file(s))"
    )
    assert dump(tmp_path / "b") == before
    assert db.read_bytes() == before_bytes


def test_forged_hash_message_names_both_hashes(source: Path, tmp_path: Path) -> None:
    doc = json.loads(source.read_bytes())
    _forge(doc)
    i = next(i for i, q in enumerate(doc["questionnaires"]) if q["id"] == "member")
    stated = doc["questionnaires"][i]["content_hash"]
    computed = questionnaire_hash(from_document(doc["questionnaires"][i]))
    path = _signed(tmp_path / "forged.json", doc)
    result = run("import", str(path), data_dir=tmp_path / "b")
    assert result.returncode == 1
    assert (
        f"questionnaires[{i}].content_hash: does not match its content "
        f"(stated {stated[:8]}…, computed {computed[:8]}…)"
    ) in result.stdout


def test_a_forged_questionnaire_never_changes_how_local_sessions_score(
    source: Path, tmp_path: Path
) -> None:
    """Import of the forged file, then the report of a local session: the same, byte for byte;
    and a store that has never used the questionnaire does not take the forged copy either."""
    local = tmp_path / "local"
    fill_store(local, groups=1, seed=5)
    with Store.open(local) as store:
        session = next(s for s in store.sessions() if s.questionnaire_id == "member")
    report_before = run("report", session.id, "--format", "json", data_dir=local, check=True)
    doc = json.loads(source.read_bytes())
    _forge(doc)
    forged = _signed(tmp_path / "forged.json", doc)
    assert run("import", str(forged), data_dir=local).returncode == 1
    report_after = run("report", session.id, "--format", "json", data_dir=local, check=True)
    assert report_after.stdout == report_before.stdout

    fresh = tmp_path / "fresh"
    with Store.open(fresh) as store:
        store.add_group("Waiting group")
    before = dump(fresh)
    assert run("import", str(forged), data_dir=fresh).returncode == 1
    assert dump(fresh) == before and before["questionnaires"] == []


def test_the_hash_a_bundle_states_is_the_one_magcheck_computes_for_its_own_files(
    source: Path, bundled
) -> None:
    doc = json.loads(source.read_bytes())
    stated = {q["id"]: q["content_hash"] for q in doc["questionnaires"]}
    assert stated == {qid: q.content_hash for qid, q in bundled.items() if qid in stated}


def test_a_store_holding_an_older_style_hash_still_exports_and_reimports(
    tmp_path: Path,
) -> None:
    """Sessions stored under a hash computed the old way (from the YAML as written) export
    under the recomputed hash; importing them back is 'skipped', never a conflict."""
    import sqlite3

    store_dir = tmp_path / "old"
    fill_store(store_dir, groups=1, sessions=1)
    db = sqlite3.connect(store_dir / "magcheck.db")
    [(h,)] = db.execute("SELECT content_hash FROM questionnaires").fetchall()
    with db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("UPDATE questionnaires SET content_hash = ?", ("0" * 64,))
        db.execute("UPDATE sessions SET questionnaire_hash = ?", ("0" * 64,))
    db.close()
    out = tmp_path / "old.json"
    run("export", "--out", str(out), data_dir=store_dir, check=True)
    assert [q["content_hash"] for q in json.loads(out.read_bytes())["questionnaires"]] == [h]
    again = run("import", str(out), data_dir=store_dir)
    assert again.returncode == 0 and "0 session(s) imported, 1 skipped" in again.stdout
    elsewhere = run("import", str(out), data_dir=tmp_path / "new")
    assert elsewhere.returncode == 0 and "1 session(s) imported" in elsewhere.stdout


def test_a_number_too_long_to_read_is_a_clear_rejection(source: Path, tmp_path: Path) -> None:
    text = source.read_text("utf-8").replace('"format_version":2', '"format_version":' + "9" * 5000)
    path = tmp_path / "digits.json"
    path.write_text(text, "utf-8")
    fill_store(tmp_path / "b", groups=1, seed=3)
    before = dump(tmp_path / "b")
    result = run("import", str(path), data_dir=tmp_path / "b")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{path}: rejected: not JSON a bundle can hold (a number with too many digits)" in (
        result.stdout
    )
    assert dump(tmp_path / "b") == before
