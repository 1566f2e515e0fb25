"""Double entry of paper forms through the real `magcheck enter` and the real store: two passes,
exactly the planted disagreements found, resolved, verified, counted; kill -9 loses no key."""

from __future__ import annotations

import csv
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from magcheck.core.keying import KeyRefused, item_ref, keymap, read_key
from magcheck.errors import InputError
from magcheck.store import Store
from magcheck.store.keyer import PassCursor

from .export_support import MAGCHECK, questionnaires

KEYS = "12345" * 3 + "0" + "9" + "."  # what a member may tick on the bundled member form


def print_forms(data: Path, copies: int = 10) -> tuple[list[str], str, int]:
    """A group with `copies` member forms printed: their numbers, the check id, items per form."""
    q = questionnaires()["member"]
    with Store.open(data) as store:
        group = store.add_group("Paper group")
        forms = store.print_forms(group, q, "en", copies)
    return [f.number for f in forms], forms[0].check_id, len(q.items)


def enter(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MAGCHECK_DATA_DIR"}
    env["COLUMNS"] = "120"
    return subprocess.run(
        [MAGCHECK, "--data-dir", str(data), "enter", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def magcheck(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MAGCHECK_DATA_DIR"}
    env["COLUMNS"] = "160"
    return subprocess.run(
        [MAGCHECK, "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def keys_file(forms: dict[str, str]) -> str:
    """Lines as a keyer's script writes them: the form number, then its keys in groups of 5."""
    lines = ["# pass keyed from the stack, top to bottom"]
    for number, keys in forms.items():
        grouped = " ".join(keys[i : i + 5] for i in range(0, len(keys), 5))
        lines.append(f"{number} {grouped}")
    return "\n".join(lines) + "\n"


def paper_values(data: Path) -> list[tuple]:
    db = sqlite3.connect(data / "magcheck.db")
    try:
        return db.execute(
            "SELECT serial, pass, item_id, value, missing FROM paper_values ORDER BY 1, 2, 3"
        ).fetchall()
    finally:
        db.close()


def test_double_entry_finds_exactly_the_planted_disagreements_and_resolving_verifies_all(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    numbers, check_id, n_items = print_forms(data)
    rng = random.Random(14)
    first = {num: "".join(rng.choice(KEYS) for _ in range(n_items)) for num in numbers}
    # Three keying slips in pass 2: (form, item number from 1, the wrong key)
    planted = [(numbers[1], 4, None), (numbers[5], 1, None), (numbers[5], n_items, None)]
    second = dict(first)
    slips = []
    for number, item, _ in planted:
        right = second[number][item - 1]
        wrong = next(k for k in "35.90" if k != right)
        second[number] = second[number][: item - 1] + wrong + second[number][item:]
        slips.append((number, item, right, wrong))

    one = enter(data, "--pass", "1", "--keyer", "K1", stdin=keys_file(first))
    assert one.returncode == 0, one.stderr
    assert "waiting for the other pass" in one.stdout
    two = enter(data, "--pass", "2", "--keyer", "K2", stdin=keys_file(second))
    assert two.returncode == 0, two.stderr

    compared = enter(data, "compare", "--check", check_id)
    assert compared.returncode == 0, compared.stderr
    row = re.compile(r"(\d{4}-\d)\s+(\d+)\s+\S+\s+(\S)(?: \([a-z ]+\))?\s+(\S)")
    rows = [m.groups() for line in compared.stdout.splitlines() if (m := row.match(line.strip()))]
    found = sorted((number, int(item), a, b) for number, item, a, b in rows)
    assert found == sorted(slips)  # form, item, first value, second value: exactly those three
    assert "3 disagreements on 2 forms" in compared.stdout

    report = json.loads(magcheck(data, "report", check_id, "--format", "json").stdout)
    assert report["paper_forms"] == {
        "printed": 10,
        "verified": 8,
        "disagreements_resolved": 0,
        "not_verified": 2,
    }
    assert report["members"]["people"] == 8  # the two forms still in dispute are not counted

    (f1, i1, right1, _), (f2, i2, _, wrong2), (f3, i3, right3, _) = sorted(slips)
    item_id = questionnaires()["member"].items[i3 - 1].id
    assert enter(data, "resolve", f1, str(i1), "first", "--keyer", "K3").returncode == 0
    assert enter(data, "resolve", f2, str(i2), "second", "--keyer", "K3").returncode == 0
    done = enter(data, "resolve", f3, item_id, right3, "--keyer", "K3")
    assert done.returncode == 0, done.stderr
    assert "verified" in done.stdout

    markdown = magcheck(data, "report", check_id, "--format", "markdown").stdout
    assert (
        "10 paper forms printed, 10 verified (3 disagreements found and resolved), "
        "0 not yet verified; only verified forms are counted." in markdown
    )
    with Store.open(data) as store:
        check = store.check(check_id)
        (session,) = check.sessions
        q = store.questionnaire(session.questionnaire_hash)
        stored = store.session_answers(session)
        skipped = store.session_non_answers(session)
    assert len(stored) == 10
    expected = dict(first)
    expected[f2] = first[f2][: i2 - 1] + wrong2 + first[f2][i2:]  # the second pass was right
    by_form: dict[str, str] = {}
    for response, answers in stored:
        assert response.source == "paper" and response.entered_by == "K1/K2"
        assert response.role == "member" and response.complete
        by_form[response.id] = repr(
            (sorted(answers.items()), sorted(skipped.get(response.id, {}).items()))
        )
    meaning = {"0": "prefer_not_to_say", "9": "not_applicable"}
    wanted = []
    for keys in expected.values():
        answers = {it.id: int(k) for it, k in zip(q.items, keys, strict=True) if k in "12345"}
        answers.update({it.id: None for it, k in zip(q.items, keys, strict=True) if k in "09"})
        kinds = {it.id: meaning[k] for it, k in zip(q.items, keys, strict=True) if k in "09"}
        wanted.append(repr((sorted(answers.items()), sorted(kinds.items()))))
    assert sorted(by_form.values()) == sorted(wanted)  # a blank ('.') has no answer row at all


def test_forms_not_yet_verified_are_in_no_report_or_export(tmp_path: Path) -> None:
    data = tmp_path / "data"
    numbers, check_id, n = print_forms(data, copies=4)
    keys = {num: "3" * n for num in numbers}
    assert enter(data, "--pass", "1", "--keyer", "K1", stdin=keys_file(keys)).returncode == 0
    only_two = {num: keys[num] for num in numbers[:2]}
    assert enter(data, "--pass", "2", "--keyer", "K1", stdin=keys_file(only_two)).returncode == 0

    status = enter(data, "status").stdout
    assert status.count("verified") >= 2 and "pass 1 done" in status
    assert "4 forms printed, 2 verified, 2 not yet" in status
    report = json.loads(magcheck(data, "report", check_id, "--format", "json").stdout)
    assert report["members"]["people"] == 2
    out = tmp_path / "out.csv"
    assert magcheck(data, "export", "--format", "csv", "--out", str(out)).returncode == 0
    with open(tmp_path / "out-answers.csv", encoding="utf-8-sig") as f:
        responses = {row["response_id"] for row in csv.DictReader(f)}
    assert len(responses) == 2


def test_kill_9_during_pass_1_loses_no_key_and_the_pass_resumes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (a, b, *_), _check, n = print_forms(data, copies=3)
    env = {k: v for k, v in os.environ.items() if k != "MAGCHECK_DATA_DIR"}
    proc = subprocess.Popen(
        [MAGCHECK, "--data-dir", str(data), "enter", "--pass", "1", "--keyer", "K1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdin is not None
    proc.stdin.write(f"{a} {'4' * n}\n{b} 123450\n")  # the second form only half keyed
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while len(paper_values(data)) < n + 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # mid-stdin: the process waits for the next line
    proc.wait()
    assert len(paper_values(data)) == n + 6
    with Store.open(data) as store:
        q = store.questionnaire(store.paper_form(2).questionnaire_hash)
        whole, half = store.keyed_pass(1, 1), store.keyed_pass(2, 1)
    assert whole is not None and whole.complete and set(whole.values.values()) == {4}
    assert half is not None and not half.complete
    assert [half.values.get(it.id) for it in q.items[:7]] == [
        1,
        2,
        3,
        4,
        5,
        "prefer_not_to_say",
        None,
    ]

    # The whole file again: the first form is skipped (same keys), the second resumes at item 7.
    rest = f"{a} {'4' * n}\n{b} {'123450' + '5' * (n - 6)}\n"
    again = enter(data, "--pass", "1", "--keyer", "K1", stdin=rest)
    assert again.returncode == 0, again.stderr
    assert "already keyed with these keys; skipped" in again.stdout
    with Store.open(data) as store:
        keyed = store.keyed_pass(2, 1)
    assert keyed is not None and keyed.complete
    assert [keyed.values[it.id] for it in q.items][:7] == [1, 2, 3, 4, 5, "prefer_not_to_say", 5]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("{num} 1234x", "key 'x' for item 5 is not one of 1-5, 0, 9, ."),
        ("{num} " + "1" * 40, "17 items left and this line has 40 keys"),
        ("00010 12345", "check digit does not match"),
        ("{num} 12348", "key '8' for item 5"),  # the member scale offers no "don't know"
    ],
)
def test_bad_lines_are_refused_in_one_line_and_save_nothing(
    tmp_path: Path, line: str, says: str
) -> None:
    data = tmp_path / "data"
    (num, *_), _check, _n = print_forms(data, copies=2)
    result = enter(data, "--pass", "1", "--keyer", "K1", stdin=line.format(num=num) + "\n")
    assert result.returncode == 1
    assert says in result.stderr and result.stderr.startswith("magcheck: error: line 1: ")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert paper_values(data) == []


def test_a_form_already_keyed_in_this_pass_says_so_and_keeps_its_keys(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (num, *_), _check, n = print_forms(data, copies=2)
    assert enter(data, "--pass", "1", "--keyer", "K1", stdin=f"{num} {'2' * n}\n").returncode == 0
    before = paper_values(data)
    again = enter(data, "--pass", "1", "--keyer", "K7", stdin=f"{num} {'5' * n}\n")
    assert again.returncode == 1
    assert f"form {num} is already keyed in pass 1 (by K1)" in again.stderr
    assert paper_values(data) == before
    shown = enter(data, "show", num, "--pass", "1")
    assert shown.returncode == 0 and "pass 1 by K1: complete" in shown.stdout


def test_a_keyer_code_is_never_a_name(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (num, *_), _check, _n = print_forms(data, copies=1)
    result = enter(data, "--pass", "1", "--keyer", "Maria", stdin=f"{num} 1\n")
    assert result.returncode == 1 and "keyer code 'Maria' is not allowed" in result.stderr


def test_keys_follow_the_scale_and_backspace_clears_the_item(tmp_path: Path) -> None:
    qs = questionnaires()
    facilitator = keymap(qs["facilitator"].scale)
    assert read_key(facilitator, "8") == "dont_know"
    with pytest.raises(KeyRefused):
        read_key(facilitator, "0")  # the facilitator form has no "prefer not to say" box
    with pytest.raises(KeyRefused):
        read_key(facilitator, "6")
    member = qs["member"]
    assert item_ref(member.items, "3") == member.items[2]
    with pytest.raises(InputError):
        item_ref(member.items, "99")
    with Store.open(tmp_path / "data") as store:
        (form,) = store.print_forms(store.add_group("G"), member, "es", 1)
        cursor = PassCursor(store, form, 1, "K1")
        cursor.press("4")
        cursor.press("9")
        assert cursor.back() and cursor.index == 1
        with pytest.raises(KeyRefused):
            cursor.press("7")
        assert cursor.index == 1
        resumed = PassCursor(store, form, 1, "K1")
        assert resumed.index == 1 and resumed.values == {member.items[0].id: 4}
