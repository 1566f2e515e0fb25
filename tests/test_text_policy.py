"""The one text policy at every entry point: what is refused, how the refusal reads, and that a
refused input changes nothing in the store (the real `magcheck` command against a real store)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from magcheck.errors import InputError
from magcheck.exports.bundle import canonical
from magcheck.text import clean_name, clean_text, fold, json_shown, shown, shown_lines

from .export_support import dump, fill_store, run

# Each terminal escape family a hostile name could carry, and the character the refusal names.
ESCAPES = {
    "csi_clear_screen": ("\x1b[2J", "U+001B (ESCAPE)"),
    "osc52_clipboard": ("\x1b]52;c;cm0gLXJmIH4=\x07", "U+001B (ESCAPE)"),
    "osc0_window_title": ("\x1b]0;pwned\x07", "U+001B (ESCAPE)"),
    "c1_csi": ("\x9b2J", "U+009B (CONTROL SEQUENCE INTRODUCER)"),
    "bidi_override": ("\u202egnp.exe", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    "zero_width_space": ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
}
PREFIX = "Tues"  # the bad character always sits at position 5


def hostile(family: str) -> tuple[str, str]:
    seq, named = ESCAPES[family]
    return f"{PREFIX}{seq}1", f"{named} at position 5 is not allowed"


def snapshot(data: Path) -> dict:
    return dump(data)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    fill_store(directory, groups=1, sessions=1, members=1)
    return directory


def assert_refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback
    # the refusal itself never carries the character to the terminal
    for seq, _ in ESCAPES.values():
        assert seq[0] not in result.stderr + result.stdout


# -- the policy itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("family", sorted(ESCAPES))
def test_clean_name_refuses_each_family_naming_field_character_and_position(family: str) -> None:
    value, message = hostile(family)
    with pytest.raises(InputError) as caught:
        clean_name(value, "group name")
    assert str(caught.value) == f"group name: {message}"


def test_names_are_nfc_with_single_spaces_and_texts_may_span_lines() -> None:
    assert clean_name("  Jose\u0301   group ", "group name") == "José group"
    assert clean_text("Line one\n  line two\n", "title") == "Line one line two"
    with pytest.raises(InputError, match=r"U\+000A \(LINE FEED\) at position 3"):
        clean_name("M1\n", "respondent code")
    for bad in ("\ue000", "\ud800", "\U000e0001", "\u2028"):  # private use, surrogate, tag, LS
        with pytest.raises(InputError):
            clean_text(bad, "title")


def test_fold_meets_case_nfd_full_width_and_cyrillic_greek_look_alikes() -> None:
    assert fold("Tuesday Group") == fold("tuesday group") == fold("TUESDAY  GROUP")
    assert fold("Jose\u0301") == fold("José")
    assert fold("Tuesday gr\u043eup") == fold("Tuesday group")  # Cyrillic о
    assert fold("\u0391\u03b8\u03b7\u03bd\u03b1") != fold("Athena")  # Greek θ is not a Latin letter
    assert fold("\u039fslo") == fold("Oslo")  # Greek capital omicron
    assert fold("ｔｕｅｓｄａｙ") == fold("tuesday")
    assert fold("Grupo São João") != fold("Grupo Sao Joao")  # accents are part of a name


def test_shown_makes_every_control_visible_and_leaves_text_alone() -> None:
    assert shown("a\x1b]52;c;x\x07b") == "a<U+001B>]52;c;x<U+0007>b"
    assert shown("x\u202ey\u200bz\x9b") == "x<U+202E>y<U+200B>z<U+009B>"
    assert shown("Grupo São João 日本 [draft]") == "Grupo São João 日本 [draft]"
    assert shown_lines("one\x1b\r\ntwo\n") == "one<U+001B>\r\ntwo\n"
    assert json.loads(json_shown(json.dumps(["a\x1b\u202e\x9b"], ensure_ascii=False))) == [
        "a\x1b\u202e\x9b"
    ]


# -- entry points: the CLI ------------------------------------------------------------------------


@pytest.mark.parametrize("family", sorted(ESCAPES))
@pytest.mark.parametrize("field", ["group name", "region", "focus"])
def test_groups_add_refuses_escapes_in_each_field(data: Path, field: str, family: str) -> None:
    value, message = hostile(family)
    before = snapshot(data)
    args = {
        "group name": [value],
        "region": ["Ok", "--region", value],
        "focus": ["Ok", "--focus", value],
    }
    result = run("groups", "add", *args[field], data_dir=data)
    assert_refused(result, f"magcheck: error: {field}: {message}")
    assert snapshot(data) == before


@pytest.mark.parametrize("family", sorted(ESCAPES))
def test_answer_refuses_escapes_in_the_respondent_code(
    data: Path, tmp_path: Path, family: str
) -> None:
    value, message = hostile(family)
    answers = tmp_path / "answers.yaml"
    answers.write_text("{}\n")
    before = snapshot(data)
    result = run(
        "answer", "--group", "Group 1", "--questionnaire", "member",
        "--respondent", value, "--answers", str(answers), data_dir=data,
    )  # fmt: skip
    assert_refused(result, f"magcheck: error: respondent code: {message}")
    assert snapshot(data) == before


def test_a_respondent_code_ending_in_a_newline_is_not_a_code(data: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("{}\n")
    before = snapshot(data)
    result = run(
        "answer", "--group", "Group 1", "--questionnaire", "member",
        "--respondent", "M1\n", "--answers", str(answers), data_dir=data,
    )  # fmt: skip
    assert_refused(result, "respondent code: U+000A (LINE FEED) at position 3 is not allowed")
    assert snapshot(data) == before


QUESTIONNAIRE = """\
id: hostile
version: 1
role: member
languages: [en]
title: {{en: "{title}"}}
scale:
  min: 1
  max: 2
  labels: {{en: ["{label}", "yes"]}}
items:
  - {{id: c1, component: coping, text: {{en: "{text}"}}}}
  - {{id: c2, component: coping, text: {{en: "two"}}}}
"""
# YAML double-quoted escapes: the file itself is plain printable text.
YAML_ESCAPES = {
    "csi_clear_screen": "\\e[2J",
    "osc52_clipboard": "\\e]52;c;cm0=\\a",
    "osc0_window_title": "\\e]0;pwned\\a",
    "c1_csi": "\\x9b2J",
    "bidi_override": "\\u202E",
    "zero_width_space": "\\u200B",
}


@pytest.mark.parametrize("family", sorted(YAML_ESCAPES))
@pytest.mark.parametrize(
    "field,line,where", [("title", 5, "title.en"), ("label", 9, "scale.labels.en[0]"),
                         ("text", 11, "items[0].text.en")],
)  # fmt: skip
def test_questionnaire_texts_refuse_escapes_with_file_line_and_field(
    data: Path, field: str, line: int, where: str, family: str
) -> None:
    folder = data / "questionnaires"
    folder.mkdir(exist_ok=True)
    texts = {"title": "Check", "label": "no", "text": "one"}
    texts[field] = f"{PREFIX}{YAML_ESCAPES[family]}1"
    path = folder / "hostile.yaml"
    path.write_text(QUESTIONNAIRE.format(**texts), encoding="utf-8")
    _, named = ESCAPES[family]
    expected = f"{path}:{line}: {where}: {named} at position 5 is not allowed"

    checked = run("questionnaires", "validate", str(path), data_dir=data)
    assert checked.returncode == 1
    assert checked.stdout.strip() == expected
    assert "\x1b" not in checked.stdout and "\x9b" not in checked.stdout

    if family != "csi_clear_screen":
        return  # the store-unchanged check below once per field is enough: it is the same path
    before = snapshot(data)
    answered = run(
        "answer", "--group", "Group 1", "--questionnaire", "hostile", "--answers", str(path),
        data_dir=data,
    )  # fmt: skip
    assert answered.returncode == 1
    assert f"magcheck: warning: skipped questionnaire: {expected}" in answered.stderr
    assert "no questionnaire 'hostile'" in answered.stderr
    assert snapshot(data) == before


def test_a_questionnaire_id_ending_in_a_newline_is_refused(data: Path) -> None:
    path = data / "q.yaml"
    path.write_text(QUESTIONNAIRE.format(title="T", label="no", text="one").replace(
        "id: hostile", 'id: "hostile\\n"'))  # fmt: skip
    checked = run("questionnaires", "validate", str(path), data_dir=data)
    assert checked.returncode == 1
    assert f"{path}:1: id: must be letters, digits" in checked.stdout


# -- entry points: imported bundles ---------------------------------------------------------------


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A bundle exported (by the real command) from another device's store: "Elsewhere 1"."""
    source = tmp_path_factory.mktemp("elsewhere")
    fill_store(source / "data", groups=1, sessions=1, members=1, names=["Elsewhere 1"])
    out = source / "bundle.json"
    run("export", "--format", "bundle", "--out", str(out), data_dir=source / "data", check=True)
    return out.read_text(encoding="utf-8")


def exported(tmp_path: Path, names: list[str] | None = None) -> dict:
    source = tmp_path / "source"
    fill_store(source, groups=1, sessions=1, members=1, names=names)
    out = tmp_path / "bundle.json"
    run("export", "--format", "bundle", "--out", str(out), data_dir=source, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def write_bundle(doc: dict, path: Path) -> Path:
    """A bundle whose checksum matches its (changed) content, as a careful forger would make."""
    import hashlib

    doc = {k: v for k, v in doc.items() if k != "sha256"}
    doc["sha256"] = hashlib.sha256(canonical(doc).encode("utf-8")).hexdigest()
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("family", sorted(ESCAPES))
@pytest.mark.parametrize("field", ["name", "region", "focus"])
def test_import_refuses_a_bundle_group_with_escapes(
    data: Path, tmp_path: Path, elsewhere: str, field: str, family: str
) -> None:
    value, message = hostile(family)
    doc = json.loads(elsewhere)
    doc["groups"][0][field] = value
    path = write_bundle(doc, tmp_path / "hostile.json")
    before = snapshot(data)
    result = run("import", str(path), data_dir=data)
    assert result.returncode == 1
    assert f"rejected: invalid content: groups[0].{field}: {message}" in result.stdout
    for seq, _ in ESCAPES.values():
        assert seq[0] not in result.stdout + result.stderr
    assert snapshot(data) == before


def test_import_refuses_a_respondent_code_with_an_escape(
    data: Path, tmp_path: Path, elsewhere: str
) -> None:
    doc = json.loads(elsewhere)
    doc["sessions"][0]["responses"][0]["respondent_code"] = "M\x1b[2J1"
    path = write_bundle(doc, tmp_path / "hostile.json")
    before = snapshot(data)
    result = run("import", str(path), data_dir=data)
    assert result.returncode == 1
    assert "respondent code: U+001B (ESCAPE) at position 2 is not allowed" in result.stdout
    assert "\x1b" not in result.stdout
    assert snapshot(data) == before


# -- names that look alike ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first,second",
    [
        ("José", "Jose\u0301"),  # NFC and NFD spellings of one name
        ("Tuesday group", "Tuesday gr\u043eup"),  # Cyrillic о
        ("Tuesday group", "TUESDAY GROUP"),
    ],
)
def test_a_group_that_looks_like_an_existing_one_is_refused(
    data: Path, first: str, second: str
) -> None:
    assert run("groups", "add", first, data_dir=data).returncode == 0
    before = snapshot(data)
    result = run("groups", "add", second, data_dir=data)
    assert_refused(
        result, f"magcheck: error: a group that looks like this already exists: '{first}'"
    )
    assert snapshot(data) == before


def test_import_renames_a_group_whose_name_looks_like_a_different_group(
    data: Path, tmp_path: Path
) -> None:
    doc = exported(tmp_path, names=["GROUP \u0031"])  # "Group 1" here, upper case there
    path = write_bundle(doc, tmp_path / "other.json")
    result = run("import", str(path), data_dir=data)
    assert result.returncode == 0, result.stdout
    gid = doc["groups"][0]["id"]
    assert f"imported as 'GROUP 1 ({gid[:8]})'" in result.stdout
    names = sorted(name for _, name, *_ in snapshot(data)["groups"])
    assert names == ["GROUP 1 (" + gid[:8] + ")", "Group 1"]


def test_argparse_errors_show_typed_text_literally(data: Path) -> None:
    result = run("groups", "list", "--\x1b]0;pwned\x07", data_dir=data)
    assert result.returncode == 2
    assert "unrecognized arguments: --<U+001B>]0;pwned<U+0007>" in result.stderr
    assert "\x1b" not in result.stderr


def test_a_group_is_found_by_any_spelling_that_looks_like_its_name(data: Path) -> None:
    assert run("groups", "add", "José group", data_dir=data).returncode == 0
    for typed in ("Jose\u0301 group", "JOSÉ GROUP", "José  group"):
        listed = run("sessions", "list", "--group", typed, data_dir=data)
        assert listed.returncode == 0, listed.stderr
        assert "No sessions yet" in listed.stdout
