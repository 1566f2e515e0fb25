"""Output of data that is already in a store: no byte of it reaches a terminal as a control
sequence; a terminal that cannot show a character does not crash; wide names keep tables aligned."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from rich.cells import cell_len

from .export_support import MAGCHECK, dump, fill_store

EVIL = "Evil\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x9b2J\u202eX\u200b"
# Raw bytes a terminal would act on: ESC, BEL, C1 CSI (UTF-8 and raw), the bidi override.
FORBIDDEN = (b"\x1b", b"\x07", b"\xc2\x9b", b"\x9b", "\u202e".encode())


def run_bytes(
    data: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if k != "MAGCHECK_DATA_DIR"}
    return subprocess.run(
        [MAGCHECK, "--data-dir", str(data), *args],
        capture_output=True,
        env={**base, "COLUMNS": "100", **(env or {})},
        timeout=120,
    )


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store written by an older magcheck (or by hand): escapes in every text it holds."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    fill_store(data, groups=2, sessions=2, members=3)
    db = sqlite3.connect(data / "magcheck.db")
    with db:
        db.execute("UPDATE groups SET name = ? || id, region = ?, focus = ?", (EVIL, EVIL, EVIL))
        db.execute("UPDATE responses SET respondent_code = ?", (EVIL,))
        for h, document in db.execute(
            "SELECT content_hash, document FROM questionnaires"
        ).fetchall():
            doc = json.loads(document)
            doc["title"] = {lang: EVIL for lang in doc["title"]}
            doc["scale"]["labels"] = {k: [EVIL] * len(v) for k, v in doc["scale"]["labels"].items()}
            db.execute(
                "UPDATE questionnaires SET document = ? WHERE content_hash = ?",
                (json.dumps(doc, ensure_ascii=False), h),
            )
    db.close()
    return data


def a_session(data: Path) -> str:
    db = sqlite3.connect(data / "magcheck.db")
    try:
        return db.execute("SELECT id FROM sessions ORDER BY date LIMIT 1").fetchone()[0]
    finally:
        db.close()


def strings(value: object) -> list[str]:
    """Every string in parsed JSON, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


COMMANDS = {
    "groups list": ["groups", "list"],
    "sessions list": ["sessions", "list"],
    "sessions show": ["sessions", "show", "SESSION"],
    "report text": ["report", "SESSION"],
    "report markdown": ["report", "SESSION", "--format", "markdown"],
    "report json": ["report", "SESSION", "--format", "json"],
    "aggregate table": ["aggregate", "--by", "group"],
    "aggregate csv": ["aggregate", "--by", "region", "--format", "csv"],
    "aggregate json": ["aggregate", "--by", "focus", "--format", "json"],
    "aggregate html": ["aggregate", "--format", "html"],
    "no such group": ["sessions", "list", "--group", "nope"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_stored_escapes_never_reach_the_terminal(hostile_store: Path, command: str) -> None:
    before = dump(hostile_store)
    args = [a.replace("SESSION", a_session(hostile_store)) for a in COMMANDS[command]]
    result = run_bytes(hostile_store, *args)
    assert result.returncode == (1 if command == "no such group" else 0), result.stderr
    out = result.stdout + result.stderr
    for raw in FORBIDDEN:
        assert raw not in out, (command, raw)
    assert b"Traceback" not in out
    if "json" in command:  # JSON keeps the data exactly, as \u escapes
        assert any(text.startswith(EVIL) for text in strings(json.loads(result.stdout)))
    else:  # shown as a visible escape (HTML escapes the brackets of it)
        assert b"<U+001B>" in out or b"&lt;U+001B&gt;" in out, out[:2000]
    assert dump(hostile_store) == before


def test_a_latin1_terminal_gets_escapes_not_a_crash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    name = "Grupo São João 日本"
    env = {"PYTHONIOENCODING": "latin-1"}
    added = run_bytes(data, "groups", "add", name, "--region", "Região 北", env=env)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(
        "Added group 'Grupo S\xe3o Jo\xe3o \\u65e5\\u672c'".encode("latin-1")
    )
    listed = run_bytes(data, "groups", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Grupo São João \\u65e5\\u672c".encode("latin-1") in listed.stdout
    ascii_only = run_bytes(data, "groups", "list", env={"PYTHONIOENCODING": "ascii"})
    assert ascii_only.returncode == 0, ascii_only.stderr
    refused = run_bytes(data, "groups", "add", "Grupo são joão 日本", env=env)
    assert refused.returncode == 1
    assert b"already exists" in refused.stderr and b"Traceback" not in refused.stderr
    # nothing lost: the store holds the name exactly as typed
    assert [row[1] for row in dump(data)["groups"]] == [name]


def column_start(line: str, text: str) -> int:
    """Where `text` starts on a printed line, in terminal cells (a CJK character is two)."""
    return cell_len(line[: line.index(text)])


def test_wide_names_keep_table_columns_aligned(tmp_path: Path) -> None:
    data = tmp_path / "data"
    names = ["日本の自助グループ", "Grupo São João", "한국 모임 화요일"]
    groups = fill_store(data, groups=3, sessions=1, members=1, names=names)

    listed = run_bytes(data, "groups", "list")
    assert listed.returncode == 0
    lines = listed.stdout.decode().splitlines()
    header = next(line for line in lines if line.lstrip().startswith("name"))
    rows = [next(line for line in lines if g.id[:8] in line) for g in groups]
    for column, value_of in (("region", lambda g: g.region), ("id", lambda g: g.id[:8])):
        at = column_start(header, column)
        assert [column_start(row, value_of(g)) for row, g in zip(rows, groups, strict=True)] == [
            at
        ] * 3

    sessions = run_bytes(data, "sessions", "list")
    assert sessions.returncode == 0
    lines = sessions.stdout.decode().splitlines()
    header = next(line for line in lines if line.lstrip().startswith("id"))
    rows = [line for line in lines if any(name in line for name in names)]
    assert len(rows) == 3
    for column in ("date", "questionnaire", "status"):
        at = column_start(header, column)
        value = {"date": "2026-", "questionnaire": "member v2", "status": "complete"}[column]
        starts = [column_start(row, value) for row in rows if value in row]
        assert starts and set(starts) == {at}, (column, rows)
