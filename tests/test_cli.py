"""The installed `magcheck` command, run as a user would run it."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from magcheck.cli.parser import build_parser
from magcheck.store import Store


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


def _answers(path, q, value, **overrides):
    answers = {it.id: value for it in q.items}
    answers.update(overrides)
    path.write_text("\n".join(f"{k}: {v}" for k, v in answers.items()), encoding="utf-8")
    return str(path)


def test_answer_from_file_then_report_in_every_format(run_cli, tmp_path, bundled):
    run_cli("groups", "add", "G1")
    fq, mq = bundled["facilitator"], bundled["member"]
    first = run_cli(
        "answer",
        "--group",
        "G1",
        "--questionnaire",
        "facilitator",
        "--date",
        "2026-04-02",
        "--answers",
        _answers(tmp_path / "f.yaml", fq, 4, coping_1="dont_know"),
    )
    assert first.returncode == 0, first.stderr
    check_id = first.stdout.strip().splitlines()[-1].split()[-1]
    assert len(check_id) == 32
    # three members join the same check; the first skips one item
    for n in range(1, 4):
        extra = {"coping_1": "prefer_not_to_say"} if n == 1 else {}
        joined = run_cli(
            "answer",
            "--check",
            check_id[:8],
            "--questionnaire",
            "member",
            "--respondent",
            f"M{n}",
            "--answers",
            _answers(tmp_path / "m.yaml", mq, 3, **extra),
        )
        assert joined.returncode == 0 and joined.stdout.strip().endswith(check_id), joined.stderr

    listed = run_cli("sessions", "list", "--group", "G1").stdout
    assert check_id[:8] in listed and "2026-04-02" in listed and "member v2" in listed

    data = json.loads(run_cli("report", check_id[:8], "--format", "json").stdout)
    assert data["members"]["people"] == 3 and data["members"]["shown"] is True
    members = {c["component"]: c for c in data["members"]["components"]}
    assert members["trust"]["n"] == 3 and members["coping"]["n"] == 3  # one skip still scores
    assert data["members"]["non_answers"] == {"prefer_not_to_say": 1}
    assert data["facilitator"]["non_answers"] == {"dont_know": 1}
    compared = {c["component"]: c for c in data["comparison"]}
    assert compared["trust"]["n_members"] == 3
    # the facilitator did not know the one coping item mirrored by members: no coping comparison
    assert compared["coping"]["facilitator"] is None and compared["coping"]["difference"] is None

    text = run_cli("report", check_id, "--lang", "es").stdout
    assert "Informe de la revisión del grupo" in text and "Traceback" not in text
    assert "basado en 3 personas" in text
    md = run_cli("report", check_id, "--format", "markdown").stdout
    assert md.startswith("# Group check report") and "based on 3 people" in md


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
        (["report", "deadbeef"], "no check or session 'deadbeef'"),
        (["answer", "--group", "Nope", "--questionnaire", "member"], "no group 'Nope'"),
        (
            ["questionnaires", "show", "nope"],
            "no questionnaire 'nope' (known: facilitator, member)",
        ),
        (
            ["answer", "--questionnaire", "member"],
            "give --group (or --check ID) and --questionnaire",
        ),
        (["answer", "--resume", "abcd1234"], "no response 'abcd1234'"),
    ],
)
def test_mistakes_get_one_clear_line_and_exit_1(run_cli, args, message):
    result = run_cli(*args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_interactive_answer_with_back_and_non_answers(run_cli, bundled):
    run_cli("groups", "add", "G1")
    q = bundled["member"]
    # coping_1: 9 (refused), 3, back, 5; emotion_1: 0 (prefer not); problem_solving_1: n (n/a)
    typed = ["9", "3", "b", "5", "0", "n"] + ["4"] * (len(q.items) - 3)
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
    assert "Digite um número de 1 a 5, ou 0 / n." in out  # the 9
    assert "0 = prefiro não dizer   n = não se aplica a mim" in out
    assert "(resposta salva: 3)" in out  # going back shows the saved answer
    assert f"[{len(q.items)}/{len(q.items)}]" in out
    assert "Obrigado. Todas as suas respostas estão salvas." in out
    with Store.open(run_cli.data_dir) as store:
        [session] = store.sessions()
        [response] = store.responses(session)
        answers = store.answers(response)
        assert answers["coping_1"] == 5 and answers["coping_2"] == 4
        assert answers["emotion_1"] is None and answers["problem_solving_1"] is None
        assert store.non_answers(response) == {
            "emotion_1": "prefer_not_to_say",
            "problem_solving_1": "not_applicable",
        }
    # one member is under the privacy floor: the report shows how many, not their answers
    data = json.loads(run_cli("report", session.id, "--format", "json").stdout)
    assert data["members"] == {
        "session": session.id,
        "questionnaire": data["members"]["questionnaire"],
        "people": 1,
        "unfinished": 0,
        "shown": False,
    }


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
    flat = " ".join(out.split())  # sentences wrap at the terminal's width
    for words in (
        "Member round · based on 7 people",
        "Facilitator self-assessment · based on 1 person",
        "on the questions that ask the same thing",
        "What the review links to each benefit",
        "not from this group",
        "have not yet been tested for reliability or validity",
        "What each component means",
        "What to try at the next meeting",
        "No local crisis line is set on this device",
    ):
        assert words in flat, words
    for banned in ("predict", "blind spot", "likely", "will lead"):
        assert banned not in flat.lower(), banned
    assert any(b in out for b in ("strong", "developing", "weak", "missing"))
    assert "Change is measured against the check of" in out
    second = run_cli("demo")
    assert second.returncode == 0
    sessions = run_cli("sessions", "list").stdout
    assert sessions.count("Demo: Riverside") >= 6 and sessions.count("member v2") == 3


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
