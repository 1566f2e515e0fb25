"""Each kind of questionnaire error is reported as file:line: field: what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from magcheck.core.model import COMPONENT_IDS
from magcheck.core.questionnaires import validate_file

from .conftest import TINY, write_questionnaire


def problems_for(tmp_path: Path, body: str) -> list[str]:
    return [str(p) for p in validate_file(write_questionnaire(tmp_path, body))]


def test_tiny_questionnaire_is_valid(tmp_path):
    assert problems_for(tmp_path, TINY) == []


def test_yaml_syntax_error_names_the_line(tmp_path):
    body = TINY.replace("  max: 5\n", "  max: [5\n")
    (problem,) = problems_for(tmp_path, body)
    assert problem.startswith(f"{tmp_path / 'q.yaml'}:")
    assert ": yaml: " in problem
    line = int(problem.split(":")[1])
    assert 9 <= line <= 11


def test_unknown_component_suggests_the_near_one(tmp_path):
    body = TINY.replace(
        "component: trust, reverse: false, text: {en: four}",
        "component: trusst, reverse: false, text: {en: four}",
    )
    problems = problems_for(tmp_path, body)
    assert any(
        ":15: items[3].component: unknown component 'trusst'; did you mean 'trust'?" in p
        for p in problems
    )


def test_duplicate_item_id(tmp_path):
    body = TINY.replace("{id: c3,", "{id: c1,")
    problems = problems_for(tmp_path, body)
    assert any(
        ":14: items[2].id: duplicate item id 'c1' (first used on line 12)" in p for p in problems
    )


def test_component_with_one_item(tmp_path):
    body = TINY.replace("  - {id: t2, component: trust, reverse: false, text: {en: five}}\n", "")
    problems = problems_for(tmp_path, body)
    assert any(
        "items: component 'trust' has 1 item; each component needs at least 2" in p
        for p in problems
    )
    assert any(":15:" in p for p in problems)


def test_missing_text_for_declared_language(tmp_path):
    body = TINY.replace("languages: [en]", "languages: [en, es]").replace(
        "title: {en: Tiny}", "title: {en: Tiny, es: Diminuto}"
    )
    body = body.replace(
        "labels: {en: [a, b, c, d, e]}", "labels: {en: [a, b, c, d, e], es: [a, b, c, d, e]}"
    )
    problems = problems_for(tmp_path, body)
    assert len(problems) == 5  # every item lacks its Spanish text
    assert any(":12: items[0].text.es: missing text for declared language" in p for p in problems)


def test_scale_min_not_below_max(tmp_path):
    body = TINY.replace("  min: 1\n", "  min: 5\n")
    problems = problems_for(tmp_path, body)
    assert any(":7: scale.min: min (5) must be less than max (5)" in p for p in problems)


def test_scale_missing_labels(tmp_path):
    body = TINY.replace("  labels: {en: [a, b, c, d, e]}\n", "")
    assert any("scale.labels: missing" in p for p in problems_for(tmp_path, body))


def test_scale_wrong_number_of_labels(tmp_path):
    body = TINY.replace("[a, b, c, d, e]", "[a, b, c]")
    assert any(
        ":10: scale.labels.en: has 3 labels; the scale 1..5 needs 5" in p
        for p in problems_for(tmp_path, body)
    )


def test_unknown_key_gets_did_you_mean(tmp_path):
    body = TINY.replace("role: member", "role: member\ndescripton: {en: x}")
    problems = problems_for(tmp_path, body)
    assert any(":4: descripton: unknown key; did you mean 'description'?" in p for p in problems)


def test_unknown_item_key_gets_did_you_mean(tmp_path):
    body = TINY.replace(
        "{id: c1, component: coping, reverse: false,", "{id: c1, component: coping, revers: false,"
    )
    assert any(
        "items[0].revers: unknown key; did you mean 'reverse'?" in p
        for p in problems_for(tmp_path, body)
    )


def test_file_over_one_megabyte(tmp_path):
    body = TINY + "# " + "x" * (1024 * 1024) + "\n"
    (problem,) = problems_for(tmp_path, body)
    assert "file: is 1,049," in problem and "the limit is 1,048,576 bytes" in problem


def test_non_utf8_bytes_name_the_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(
        TINY.replace("title: {en: Tiny}", "title: {en: Autoevaluación}").encode("latin-1")
    )
    (problem,) = [str(p) for p in validate_file(path)]
    assert problem == f"{path}:5: encoding: byte 0xf3 is not UTF-8; save the file as UTF-8"


def test_python_object_tags_are_refused(tmp_path):
    body = TINY.replace(
        "title: {en: Tiny}", "title: !!python/object/apply:os.system ['echo hacked']"
    )
    (problem,) = problems_for(tmp_path, body)
    assert ":5: yaml:" in problem and "only plain YAML" in problem


def test_bad_bands_are_reported(tmp_path):
    body = TINY + "bands: {strong: 40, developing: 60}\n"
    assert any(
        "bands: need 0 <= weak (25) < developing (60) < strong (40) <= 100" in p
        for p in problems_for(tmp_path, body)
    )


def test_top_level_not_a_mapping(tmp_path):
    assert problems_for(tmp_path, "- just\n- a list\n") == [
        f"{tmp_path / 'q.yaml'}:1: (top): the file must be a YAML mapping with id, version, items, ..."
    ]


def test_missing_required_keys_listed(tmp_path):
    problems = problems_for(tmp_path, "id: x\n")
    for key in ("version", "role", "languages", "title", "scale", "items"):
        assert any(f":1: {key}: required key is missing" in p for p in problems)


def test_bundled_facilitator_covers_every_component_with_a_parallel_item(bundled):
    q, m = bundled["facilitator"], bundled["member"]
    assert q.role == "facilitator" and q.scale.min == 1 and q.scale.max == 5
    assert set(q.languages) == {"en", "es", "pt"}
    assert q.scale.dont_know and not q.scale.prefer_not_to_say  # a facilitator may not know
    assert len(q.items) >= 24
    members = {it.id: it for it in m.items}
    partners = [it.parallel for it in q.items if it.parallel]
    assert len(partners) == len(set(partners)), "a member item mirrors at most one item"
    for comp in COMPONENT_IDS:
        items = q.items_of(comp)
        assert len(items) >= 3, comp
        mirrored = [it for it in items if it.parallel]
        assert mirrored, f"{comp} has no item parallel to a member item"
        for it in mirrored:
            partner = members[it.parallel]
            assert partner.component == comp and partner.reverse == it.reverse, it.id


def test_both_forms_share_one_frequency_scale_so_parallel_items_compare(bundled):
    q, m = bundled["facilitator"], bundled["member"]
    assert (q.scale.min, q.scale.max) == (m.scale.min, m.scale.max)
    assert q.scale.labels == m.scale.labels


def test_bundled_member_form_is_plain_and_a_quarter_reverse_keyed(bundled):
    q = bundled["member"]
    assert q.scale.prefer_not_to_say and q.scale.not_applicable
    for comp in COMPONENT_IDS:
        assert len(q.items_of(comp)) >= 2, comp
    assert sum(it.reverse for it in q.items) * 4 >= len(q.items)
    for item in q.items:
        assert len(item.text["en"].split()) <= 16, item.id  # short, plain sentences
        assert set(item.text) == {"en", "es", "pt"}


def test_no_item_names_its_component(bundled):
    from magcheck import i18n

    for q in bundled.values():
        for item in q.items:
            for lang in q.languages:
                name = i18n.name(item.component, lang).lower()
                assert name not in item.text[lang].lower(), (q.id, item.id, lang)


@pytest.mark.parametrize("name", ["facilitator.yaml", "member.yaml"])
def test_bundled_files_validate_with_the_cli(run_cli, name):
    root = Path(__file__).resolve().parents[1]
    result = run_cli("questionnaires", "validate", str(root / "questionnaires" / name))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok (" in result.stdout


def test_cli_validate_reports_every_problem_and_exits_1(run_cli, tmp_path):
    bad = write_questionnaire(
        tmp_path,
        TINY.replace(
            "trust, reverse: false, text: {en: four}", "trusst, reverse: false, text: {en: four}"
        ).replace("role: member", "role: member\nlanguges: [en]"),
        "bad.yaml",
    )
    good = write_questionnaire(tmp_path, TINY, "good.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(b"id: [unclosed\n")
    missing = tmp_path / "nope.yaml"
    result = run_cli("questionnaires", "validate", str(good), str(bad), str(broken), str(missing))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    out = result.stdout
    assert f"{good}: ok (tiny v1, 5 items, 2 components)" in out
    assert f"{bad}:4: languges: unknown key; did you mean 'languages'?" in out
    assert f"{bad}:16: items[3].component: unknown component 'trusst'; did you mean 'trust'?" in out
    assert f"{broken}:2: yaml:" in out
    assert f"{missing}: file: cannot read" in out
    assert "3 of 4 file(s) invalid" in result.stderr
