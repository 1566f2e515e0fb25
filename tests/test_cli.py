"""The installed `magcheck` command, run as a user would run it."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from magcheck.cli.parser import build_parser


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command and subcommand the parser knows, found by walking it (none can be missed)."""
    found: list[list[str]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append([*prefix, name])
                found.extend(_commands(sub, (*prefix, name)))
    return found


COMMANDS = _commands(build_parser())


def test_version_and_help_import_neither_textual_nor_the_store():
    code = (
        "import sys\n"
        "from magcheck.cli.parser import main\n"
        "for argv in (['--version'], ['--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "bad = [m for m in ('textual', 'magcheck.store', 'sqlite3') if m in sys.modules]\n"
        "print('LOADED', bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "magcheck 0.1.0" in out
    assert "LOADED []" in out


def test_core_library_imports_no_ui():
    code = (
        "import sys\n"
        "import magcheck.core.questionnaires, magcheck.core.scoring, magcheck.core.evidence, magcheck.store, magcheck.report.build\n"
        "print([m for m in sys.modules if m.startswith(('textual', 'argparse'))])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "textual" not in out


def test_the_command_list_is_complete():
    names = {" ".join(c) for c in COMMANDS}
    for expected in ("answer", "report", "demo", "export", "import", "aggregate", "sessions show"):
        assert expected in names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out and "magcheck" in out.split("example:")[1]


def test_groups_add_and_list(run_cli):
    assert run_cli("groups", "list").stdout.startswith("No groups yet")
    added = run_cli("groups", "add", "Tuesday group", "--region", "North", "--focus", "depression")
    assert added.returncode == 0 and "Added group 'Tuesday group'" in added.stdout
    again = run_cli("groups", "add", "Tuesday group")
    assert again.returncode == 1
    assert (
        again.stderr.strip()
        == "magcheck: error: a group that looks like this already exists: 'Tuesday group'"
    )
    listed = run_cli("groups", "list").stdout
    assert "Tuesday group" in listed and "North" in listed and "depression" in listed


def test_answer_from_file_then_report_in_every_format(run_cli, tmp_path, bundled):
    run_cli("groups", "add", "G1")
    q = bundled["member"]
    answers = {it.id: 4 for it in q.items}
    answers[q.items[0].id] = "prefer_not_to_say"
    answer_file = tmp_path / "answers.yaml"
    answer_file.write_text("\n".join(f"{k}: {v}" for k, v in answers.items()), encoding="utf-8")
    result = run_cli(
        "answer",
        "--group",
        "G1",
        "--questionnaire",
        "member",
        "--answers",
        str(answer_file),
        "--respondent",
        "M1",
        "--date",
        "2026-04-02",
    )
    assert result.returncode == 0, result.stderr
    session_id = result.stdout.strip().splitlines()[-1].split()[-1]
    assert len(session_id) == 32
    # a second respondent joins the same session
    answer_file.write_text("\n".join(f"{it.id}: 2" for it in q.items), encoding="utf-8")
    second = run_cli(
        "answer",
        "--session",
        session_id[:8],
        "--answers",
        str(answer_file),
        "--role",
        "facilitator",
    )
    assert second.returncode == 0 and second.stdout.strip().endswith(session_id)

    listed = run_cli("sessions", "list", "--group", "G1").stdout
    assert (
        session_id[:8] in listed
        and "2026-04-02" in listed
        and "complete" in listed
        and "member v1" in listed
    )

    data = json.loads(run_cli("report", session_id[:8], "--format", "json").stdout)
    comps = {c["component"]: c for c in data["components"]}
    assert comps["trust"]["score"] == pytest.approx(
        50.0
    )  # mean of 75 (member) and 25 (facilitator)
    assert comps["trust"]["band"] == "developing"
    assert comps["trust"]["gap"] == pytest.approx(-50.0) and comps["trust"]["blind_spot"] is True
    assert (
        comps["coping"]["member"]["n"] == 1
    )  # the member skipped one of two coping items: still scored
    assert data["respondents"] == {
        "total": 2,
        "facilitator": 1,
        "member": 1,
        "observer": 0,
        "unfinished": 0,
    }

    text = run_cli("report", session_id, "--lang", "es").stdout
    assert (
        "Informe de revisión del grupo" in text
        and "en desarrollo" in text
        and "Traceback" not in text
    )
    md = run_cli("report", session_id, "--format", "markdown").stdout
    assert md.startswith("# Group check report") and "| Trust | 50 | developing |" in md


def test_bad_answer_file_names_file_line_and_field_and_writes_nothing(run_cli, tmp_path):
    run_cli("groups", "add", "G1")
    bad = tmp_path / "bad.yaml"
    bad.write_text("coping_1: 4\ncoping_9: 3\ntrust_1: 7\nagency_1: lots\n", encoding="utf-8")
    result = run_cli("answer", "--group", "G1", "--questionnaire", "member", "--answers", str(bad))
    assert result.returncode == 1
    err = result.stderr
    assert f"{bad}:2: coping_9: no item 'coping_9' in questionnaire 'member'" in err
    assert f"{bad}:3: trust_1: 7 is outside the scale 1..5" in err
    assert f"{bad}:4: agency_1: 'lots' is not a whole number from 1 to 5" in err
    assert "Traceback" not in err
    assert run_cli("sessions", "list").stdout.startswith("No sessions yet")


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "deadbeef"], "no session 'deadbeef'"),
        (["answer", "--group", "Nope", "--questionnaire", "member"], "no group 'Nope'"),
        (
            ["questionnaires", "show", "nope"],
            "no questionnaire 'nope' (known: facilitator, member)",
        ),
        (["answer", "--questionnaire", "member"], "give --group and --questionnaire"),
        (["answer", "--resume", "abcd1234"], "no response 'abcd1234'"),
    ],
)
def test_mistakes_get_one_clear_line_and_exit_1(run_cli, args, message):
    result = run_cli(*args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_interactive_answer_with_back_and_prefer_not_to_say(run_cli, bundled):
    run_cli("groups", "add", "G1")
    q = bundled["member"]
    typed = ["9", "3", "b", "5", "0"] + ["4"] * (len(q.items) - 2)
    result = run_cli(
        "answer",
        "--group",
        "G1",
        "--questionnaire",
        "member",
        "--lang",
        "pt",
        "--respondent",
        "M2",
        input="\n".join(typed) + "\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Digite um número de 1 a 5, ou 0 para não dizer." in out  # the 9
    assert "(resposta salva: 3)" in out  # going back shows the saved answer
    assert f"[{len(q.items)}/{len(q.items)}]" in out
    assert "Obrigado. Todas as suas respostas estão salvas." in out
    session_id = out.strip().splitlines()[-1].split()[-1]
    data = json.loads(run_cli("report", session_id, "--format", "json").stdout)
    comps = {c["component"]: c for c in data["components"]}
    # coping_1 changed from 3 to 5; the second item answered 0 = prefer not to say (emotion_1)
    assert comps["coping"]["score"] == pytest.approx((100 + 75) / 2)
    assert comps["emotion"]["score"] == pytest.approx(75.0)


def test_input_ending_early_keeps_answers_and_exits_1(run_cli):
    run_cli("groups", "add", "G1")
    result = run_cli("answer", "--group", "G1", "--questionnaire", "facilitator", input="4\n4\n")
    assert result.returncode == 1
    assert "Stopped at question 3 of 24. Your answers so far are saved." in result.stdout
    listed = run_cli("sessions", "list").stdout
    assert "in progress" in listed


def test_demo_shows_a_full_report_and_is_idempotent(run_cli):
    first = run_cli("demo")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    for word in (
        "Components",
        "Blind spots",
        "Benefits the components predict",
        "What to try at the next meeting",
    ):
        assert word in out
    assert any(b in out for b in ("strong", "developing", "missing"))
    assert "Compared with the session of" in out
    second = run_cli("demo")
    assert second.returncode == 0
    sessions = run_cli("sessions", "list").stdout
    assert sessions.count("Demo: Riverside") >= 6 and sessions.count("member v1") == 3


def test_data_dir_option_overrides_the_environment(run_cli, tmp_path):
    other = tmp_path / "elsewhere"
    assert run_cli("--data-dir", str(other), "groups", "add", "X").returncode == 0
    assert (other / "magcheck.db").exists()
    assert run_cli("groups", "list").stdout.startswith("No groups yet")
    assert "X" in run_cli("groups", "list", "--data-dir", str(other)).stdout


def test_broken_user_questionnaire_is_reported_but_does_not_block(run_cli):
    extra = run_cli.data_dir / "questionnaires"
    extra.mkdir(parents=True)
    (extra / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    result = run_cli("questionnaires", "list")
    assert result.returncode == 0
    assert "member" in result.stdout
    assert f"skipped questionnaire: {extra / 'broken.yaml'}:2: yaml:" in result.stderr
