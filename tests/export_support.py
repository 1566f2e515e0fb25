"""Shared helpers for the export, import and aggregate tests: real stores with known data."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from magcheck.core.model import Questionnaire
from magcheck.core.questionnaires import load_all
from magcheck.store import Group, Store

MAGCHECK = str(Path(sys.executable).with_name("magcheck"))


def questionnaires() -> dict[str, Questionnaire]:
    found, problems = load_all([])
    assert not problems
    return found


def fill_store(
    directory: Path,
    groups: int = 3,
    sessions: int = 2,
    members: int = 4,
    seed: int = 7,
    names: list[str] | None = None,
) -> list[Group]:
    """Groups, each with dated sessions of the member questionnaire: a facilitator and members,
    some answers missing, one response left unfinished."""
    rng = random.Random(seed)
    qs = questionnaires()
    made = []
    with Store.open(directory) as store:
        for g in range(groups):
            name = names[g] if names else f"Group {g + 1}"
            group = store.add_group(name, region=f"Region {g % 2 + 1}", focus="depression")
            made.append(group)
            for s in range(sessions):
                q = qs["member"] if s % 2 == 0 or g else qs["facilitator"]
                session = store.create_session(group, q, "en", f"2026-0{s + 1}-1{g}")
                for m in range(members + 1):
                    role = "facilitator" if m == 0 else "member"
                    code = "F1" if m == 0 else f"M{m}"
                    response = store.start_response(session, role, code)
                    answers = {
                        it.id: (None if rng.random() < 0.1 else rng.randint(1, 5)) for it in q.items
                    }
                    store.record_answers(response, answers)
                    if not (g == 0 and s == 0 and m == members):
                        store.complete_response(response)
    return made


def dump(directory: Path) -> dict[str, list[tuple]]:
    """Every row of every data table, sorted: two stores are equal when their dumps are."""
    db = sqlite3.connect(directory / "magcheck.db")
    try:
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("groups", "checks", "questionnaires", "sessions", "responses", "answers")
        }
    finally:
        db.close()


def run(*args: str, data_dir: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MAGCHECK_DATA_DIR"}
    env["COLUMNS"] = "100"
    result = subprocess.run(
        [MAGCHECK, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result
