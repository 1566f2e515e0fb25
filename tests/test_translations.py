"""Translations by translators: .po files out and back in, for questionnaires and the UI."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from babel.messages import pofile

from magcheck.core.documents import to_document
from magcheck.core.questionnaires import load_all
from magcheck.paths import user_questionnaire_dir
from magcheck.store import Store

from .export_support import run
from .translation_support import MEMBER_FR, UI_FR, fill
from .tui_support import screen_text, start_session, wait_until

MEMBER_ANSWERS = (
    "\n".join(["2", "4", "3", "5", "1", "4", "2", "3", "4", "2", "5", "3", "1", "4", "2", "3", "4"])
    + "\n"
)


def _bundled(qid: str = "member"):
    found, problems = load_all()
    assert not problems
    return found[qid]


def _user_copy(data: Path, qid: str = "member"):
    found, problems = load_all([user_questionnaire_dir(data)])
    assert not problems, problems
    return found[qid]


def _export(data: Path, tmp_path: Path, lang: str, qid: str = "member") -> Path:
    out = tmp_path / f"{qid}-{lang}.po"
    run(
        "questionnaires",
        "po-export",
        qid,
        "--lang",
        lang,
        "--out",
        str(out),
        data_dir=data,
        check=True,
    )
    return out


def _french_member(data: Path, tmp_path: Path) -> None:
    po = fill(_export(data, tmp_path, "fr"), MEMBER_FR)
    run("questionnaires", "po-import", "member", str(po), data_dir=data, check=True)


def test_po_round_trip_reproduces_the_questionnaire_exactly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for qid in ("member", "facilitator"):
        po = _export(data, tmp_path, "es", qid)
        result = run("questionnaires", "po-import", qid, str(po), data_dir=data, check=True)
        assert "answers score as before" in result.stdout
        copy, bundled = _user_copy(data, qid), _bundled(qid)
        assert copy.source.startswith(str(data))  # the user copy is the one in use
        assert to_document(copy) == to_document(bundled)
        assert copy.content_hash == bundled.content_hash


def test_export_carries_context_english_translation_and_direction_notes(tmp_path: Path) -> None:
    po = _export(tmp_path / "data", tmp_path, "pt")
    text = po.read_text(encoding="utf-8")
    assert "Language: pt" in text and _bundled().content_hash in text
    with open(po, "rb") as fh:
        catalog = pofile.read_po(fh)
    by_ctx = {m.context: m for m in catalog if m.id}
    assert len(by_ctx) == 2 + 5 + len(_bundled().items)
    item = by_ctx["member:item:trust_2"]
    assert item.id.startswith("I worry the group will judge me")
    assert (
        item.string.startswith("Tenho medo") or item.string == _bundled().item("trust_2").text["pt"]
    )
    assert any("REVERSE-KEYED" in c for c in item.auto_comments)
    assert any("Trust (trust)" in c for c in item.auto_comments)
    assert by_ctx["member:scale:3"].string == "Às vezes"
    fresh = _export(tmp_path / "data", tmp_path, "fr")
    with open(fresh, "rb") as fh:
        assert all(m.string == "" for m in pofile.read_po(fh) if m.id)


def test_new_language_is_answered_and_reported_in_french(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _french_member(data, tmp_path)
    ui = tmp_path / "ui-fr.po"
    run("ui", "po-export", "--lang", "fr", "--out", str(ui), data_dir=data, check=True)
    fill(ui, UI_FR)
    done = run("ui", "po-import", str(ui), data_dir=data, check=True)
    assert "will show in English" in done.stdout
    copy = _user_copy(data)
    assert copy.languages == ("en", "es", "pt", "fr") and copy.version == _bundled().version
    assert copy.content_hash != _bundled().content_hash  # the wording is part of the hash

    run("groups", "add", "Groupe du mardi", data_dir=data, check=True)
    first = run_input(
        data,
        ["answer", "--group", "Groupe du mardi", "--questionnaire", "member", "--lang", "fr"],
        MEMBER_ANSWERS,
    )
    assert first.returncode == 0, first.stderr
    with Store.open(data) as store:
        session = store.sessions()[0]
    assert session.language == "fr" and session.questionnaire_hash == copy.content_hash
    for _ in range(2):
        r = run_input(data, ["answer", "--session", session.id, "--role", "member"], MEMBER_ANSWERS)
        assert MEMBER_FR["member:item:trust_1"] in r.stdout
        assert "1 = Jamais" in r.stdout and "Votre réponse>" in r.stdout  # UI string in French
        assert "prefer not to say" in r.stdout  # not translated: English
        assert "Merci. Toutes vos réponses sont enregistrées." in r.stdout
    report = run("report", session.id, data_dir=data, check=True).stdout
    assert "Rapport du bilan du groupe" in report
    assert "Confiance" in report and "Coping strategies" in report  # translated, else English
    assert MEMBER_FR["member:title"] in report


def run_input(data: Path, args: list[str], stdin: str):
    import os
    import subprocess

    from .export_support import MAGCHECK

    env = {k: v for k, v in os.environ.items() if k != "MAGCHECK_DATA_DIR"}
    return subprocess.run(
        [MAGCHECK, "--data-dir", str(data), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _refused(tmp_path: Path, edit: dict[str, str], fuzzy: tuple[str, ...] = ()) -> tuple[str, str]:
    data = tmp_path / "data"
    po = _export(data, tmp_path, "fr")
    fill(po, {**MEMBER_FR, **edit}, fuzzy)
    result = run("questionnaires", "po-import", "member", str(po), data_dir=data)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "nothing was written" in result.stderr
    assert not (user_questionnaire_dir(data) / "member.yaml").exists()
    return result.stderr, po.read_text(encoding="utf-8")


def _line_of(text: str, ctx: str) -> int:
    """The line of the entry's msgid (the line after its msgctxt), where problems point."""
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines, 1) if line == f'msgctxt "{ctx}"') + 1


def test_untranslated_and_fuzzy_entries_are_refused_by_line(tmp_path: Path) -> None:
    err, text = _refused(tmp_path, {"member:item:agency_2": ""}, fuzzy=("member:scale:2",))
    assert f":{_line_of(text, 'member:item:agency_2')}: member:item:agency_2: not translated" in err
    assert f":{_line_of(text, 'member:scale:2')}: member:scale:2: marked fuzzy" in err


def test_control_and_bidi_characters_are_refused_by_line(tmp_path: Path) -> None:
    err, text = _refused(
        tmp_path, {"member:title": "Ce que\x1b[31m ce groupe", "member:scale:1": "Ja\u202emais"}
    )
    assert f":{_line_of(text, 'member:title')}: member:title: " in err
    assert f":{_line_of(text, 'member:scale:1')}: member:scale:1: " in err
    assert "\x1b" not in err


def test_a_po_from_an_older_english_source_names_the_changed_entries(tmp_path: Path) -> None:
    data = tmp_path / "data"
    po = fill(_export(data, tmp_path, "fr"), MEMBER_FR)
    with open(po, "rb") as fh:
        catalog = pofile.read_po(fh)
    old = catalog.get(
        "When an everyday problem comes up, I get stuck.", context="member:item:problem_solving_1"
    )
    catalog.delete(old.id, context=old.context)
    catalog.add("When a problem comes up, I get stuck.", old.string, context=old.context)
    with open(po, "wb") as fh:
        pofile.write_po(fh, catalog, width=0)
    result = run("questionnaires", "po-import", "member", str(po), data_dir=data)
    assert result.returncode == 1
    line = _line_of(po.read_text(encoding="utf-8"), "member:item:problem_solving_1")
    assert (
        f"{po}:{line}: member:item:problem_solving_1: the English source (msgid) changed"
        in result.stderr
    )


def test_unknown_context_and_dropped_placeholder_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    po = fill(_export(data, tmp_path, "fr"), MEMBER_FR)
    with open(po, "a", encoding="utf-8") as fh:
        fh.write('\nmsgctxt "member:item:made_up"\nmsgid "Extra"\nmsgstr "En plus"\n')
    result = run("questionnaires", "po-import", "member", str(po), data_dir=data)
    line = _line_of(po.read_text(encoding="utf-8"), "member:item:made_up")
    assert f"{po}:{line}: member:item:made_up: unknown msgctxt" in result.stderr
    ui = tmp_path / "ui.po"
    run("ui", "po-export", "--lang", "fr", "--out", str(ui), data_dir=data, check=True)
    fill(ui, {"ui:cli.stopped": "Arrêt à la question {n}.", "ui:report.members": "[bold]Membres"})
    result = run("ui", "po-import", str(ui), data_dir=data)
    text = ui.read_text(encoding="utf-8")
    assert result.returncode == 1
    assert (
        f":{_line_of(text, 'ui:cli.stopped')}: ui:cli.stopped: placeholders must stay"
        in result.stderr
    )
    assert (
        f":{_line_of(text, 'ui:report.members')}: ui:report.members: square brackets"
        in result.stderr
    )
    assert not (data / "locale" / "fr.json").exists()


def test_bad_language_code_and_missing_extra_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run("questionnaires", "po-export", "member", "--lang", "French!", data_dir=data)
    assert result.returncode == 1 and "is not a language code" in result.stderr
    po = fill(_export(data, tmp_path, "fr"), MEMBER_FR)
    po.write_text(
        po.read_text(encoding="utf-8").replace("Language: fr", "Language: x1"), encoding="utf-8"
    )
    result = run("questionnaires", "po-import", "member", str(po), data_dir=data)
    assert result.returncode == 1
    line = po.read_text(encoding="utf-8").splitlines().index('"Language: x1\\n"') + 1
    assert f"{po}:{line}: Language: 'x1' is not a language code" in result.stderr


def test_ui_catalogue_round_trip(tmp_path: Path) -> None:
    data = tmp_path / "data"
    es = tmp_path / "ui-es.po"
    run("ui", "po-export", "--lang", "es", "--out", str(es), data_dir=data, check=True)
    done = run("ui", "po-import", str(es), data_dir=data, check=True)
    assert "will show in English" not in done.stdout
    catalogue = json.loads((data / "locale" / "es.json").read_text(encoding="utf-8"))
    ui = json.loads(
        (Path(__file__).parents[1] / "src/magcheck/data/ui.json").read_text(encoding="utf-8")
    )
    assert {k: v["es"] for k, v in ui.items()} == {
        k[3:]: v for k, v in catalogue.items() if k.startswith("ui:")
    }
    guidance = yaml.safe_load(
        (Path(__file__).parents[1] / "src/magcheck/data/guidance.yaml").read_text(encoding="utf-8")
    )
    assert catalogue["guidance:trust:2"] == guidance["trust"]["es"][1]
    assert catalogue["guidance:safety"] == guidance["safety"]["es"]
    again = tmp_path / "again.po"
    run("ui", "po-export", "--lang", "es", "--out", str(again), data_dir=data, check=True)
    assert (
        es.read_text(encoding="utf-8").split("\n\n", 1)[1]
        == again.read_text(encoding="utf-8").split("\n\n", 1)[1]
    )


async def test_the_app_offers_and_shows_a_translated_language(tmp_path: Path) -> None:
    from magcheck.tui.app import make_app
    from magcheck.tui.screens.question import QuestionScreen

    data = tmp_path / "data"
    with Store.open(data) as store:
        store.add_group("Groupe du mardi")
        store.set_meta("ui_language", "fr")
    _french_member(data, tmp_path)
    ui = tmp_path / "ui-fr.po"
    run("ui", "po-export", "--lang", "fr", "--out", str(ui), data_dir=data, check=True)
    fill(ui, {**UI_FR, "ui:tui.new.language": "Langue"})
    run("ui", "po-import", str(ui), data_dir=data, check=True)
    app = make_app(data)
    async with app.run_test(size=(100, 32)) as pilot:
        assert app.lang == "fr"
        await pilot.press("n")
        await wait_until(pilot, lambda: app.questionnaires is not None)
        await pilot.pause()
        assert "Langue" in screen_text(pilot)
        assert "Français" in str(app.screen.query_one("#lang-fr").label)
        await start_session(pilot, mode="round", lang="fr")
        await pilot.pause()
        await pilot.press("enter")  # the handover screen: the first member is ready
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        await pilot.pause()
        assert MEMBER_FR["member:item:coping_1"][:30] in screen_text(pilot)


def test_a_file_for_another_questionnaire_is_named_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    po = _export(data, tmp_path, "fr", "facilitator")
    result = run("questionnaires", "po-import", "member", str(po), data_dir=data)
    assert result.returncode == 1
    assert "made for questionnaire facilitator, not questionnaire member" in result.stderr
    assert result.stderr.count("\n") == 2  # one problem, then "nothing was written"


def test_a_user_copy_stands_in_only_while_it_scores_the_same(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _french_member(data, tmp_path)
    copy = user_questionnaire_dir(data) / "member.yaml"
    text = copy.read_text(encoding="utf-8")
    flipped = text.replace("reverse: false", "reverse: true", 1)
    copy.write_text(flipped, encoding="utf-8")
    found, problems = load_all([user_questionnaire_dir(data)])
    assert found["member"].languages == ("en", "es", "pt")  # the bundled one is used
    assert "scores answers differently" in str(problems[0])
    copy.write_text(text.replace("version: 2", "version: 1", 1), encoding="utf-8")
    found, problems = load_all([user_questionnaire_dir(data)])
    assert found["member"].version == 2 and "older than the bundled v2" in str(problems[0])
    listed = run("questionnaires", "list", data_dir=data)
    assert "skipped questionnaire" in listed.stderr and "older than the bundled v2" in listed.stderr
