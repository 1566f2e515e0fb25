"""Every YAML/JSON input is bounded: no alias expansion, no deep nesting, no huge file, and only
regular files are read (a FIFO never hangs a command, /dev/zero is never read)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from magcheck.core.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, parse

from .badinput_support import assert_clean_failure, demo_store, fingerprint
from .conftest import TINY

GROUP = "Demo: Riverside peer support"


def alias_bomb(levels: int = 7) -> str:
    """10**levels strings from a few hundred bytes ("billion laughs")."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    return "\n".join(lines) + f"\ncoping_1: *l{levels - 1}\n"


@pytest.fixture
def data(run_cli) -> Path:
    demo_store(run_cli.data_dir)
    return run_cli.data_dir


def answer(run_cli, path: Path | str):
    return run_cli("answer", "--group", GROUP, "--questionnaire", "member", "--answers", str(path))


def test_an_alias_bomb_answer_file_is_refused_before_expanding(run_cli, data, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    before = fingerprint(data)
    result = answer(run_cli, bomb)
    assert_clean_failure(result, f"{bomb}:1: yaml: anchors and aliases", "are not allowed")
    assert fingerprint(data) == before  # no session was started for it


def test_an_alias_bomb_questionnaire_is_refused_and_merge_keys_too(run_cli, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb().replace("coping_1:", "title:"))
    merged = tmp_path / "merged.yaml"
    merged.write_text("base: &b {en: x}\ntitle:\n  <<: *b\n")
    result = run_cli("questionnaires", "validate", str(bomb), str(merged))
    assert result.returncode == 1
    assert (
        f"{bomb}:1: yaml: anchors and aliases (&name, *name, <<) are not allowed" in result.stdout
    )
    assert f"{merged}:1: yaml: anchors and aliases" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_deep_nesting_is_a_message_not_a_recursion_error(run_cli, data, tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 100_000)
    result = run_cli("questionnaires", "validate", str(deep))
    assert result.returncode == 1
    assert f"{deep}:1: yaml: nested more than {MAX_DEPTH} levels deep" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    before = fingerprint(data)
    assert_clean_failure(answer(run_cli, deep), f"nested more than {MAX_DEPTH} levels deep")
    deep_json = tmp_path / "deep.json"
    deep_json.write_text('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run_cli("import", str(deep_json))
    assert result.returncode == 1
    assert f"{deep_json}: rejected: not JSON a bundle can hold (nested too deeply)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert fingerprint(data) == before


def test_a_huge_answer_file_is_refused_by_size(run_cli, data, tmp_path):
    huge = tmp_path / "huge.yaml"
    huge.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    before = fingerprint(data)
    result = answer(run_cli, huge)
    assert_clean_failure(result, f"{huge}: file: is", f"the limit is {MAX_FILE_BYTES:,} bytes")
    assert fingerprint(data) == before


def test_dev_zero_is_never_read(run_cli, data):
    before = fingerprint(data)
    result = answer(run_cli, "/dev/zero")  # would read for ever (stat says size 0)
    assert_clean_failure(result, "/dev/zero: file: is a device, not a regular file; not read")
    result = run_cli("import", "/dev/zero")
    assert result.returncode == 1
    assert "/dev/zero: rejected: is a device, not a regular file" in result.stdout
    assert fingerprint(data) == before


def test_a_fifo_in_the_questionnaires_folder_hangs_nothing(run_cli, data):
    folder = data / "questionnaires"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY)
    os.mkfifo(folder / "x.yaml")  # opening it for reading would wait for a writer for ever
    result = run_cli("questionnaires", "list")  # run_cli's timeout fails the test on a hang
    assert result.returncode == 0
    assert f"skipped questionnaire: {folder / 'x.yaml'}: file: is a named pipe (FIFO)" in (
        result.stderr
    )
    assert "tiny" in result.stdout and "member" in result.stdout
    before = fingerprint(data)
    result = answer(run_cli, folder / "x.yaml")
    assert_clean_failure(result, "is a named pipe (FIFO), not a regular file")
    assert fingerprint(data) == before


def test_a_folder_given_as_a_file_is_named(run_cli, data, tmp_path):
    result = answer(run_cli, tmp_path)
    assert_clean_failure(result, f"{tmp_path}: file: is a folder, not a regular file")


def test_parse_refuses_aliases_at_their_line():
    _doc, problems = parse("a: 1\nb: &x 2\nc: *x\n", "f.yaml")
    assert [str(p) for p in problems] == [
        "f.yaml:2: yaml: anchors and aliases (&name, *name, <<) are not allowed; "
        "write each value out"
    ]
    doc, problems = parse(json.dumps({"a": [[[1]]]}), "f.json")  # ordinary nesting still fine
    assert not problems and doc == {"a": [[[1]]]}
