"""Shared fixtures: real stores in tmp_path, questionnaires written as real YAML files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from magcheck.core.questionnaires import load_all, load_questionnaire
from magcheck.store import Store


def magcheck_exe() -> list[str]:
    """The installed console script when there is one, else the module (same code either way)."""
    exe = shutil.which("magcheck", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "magcheck"]


@pytest.fixture
def run_cli(tmp_path: Path):
    """Run the installed `magcheck` as a subprocess against a store in tmp_path."""
    data = tmp_path / "data"

    def run(
        *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "MAGCHECK_DATA_DIR": str(data), "COLUMNS": "100", **(env or {})}
        return subprocess.run(
            [*magcheck_exe(), *args],
            input=input,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=60,
        )

    run.data_dir = data  # type: ignore[attr-defined]
    return run


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture(scope="session")
def bundled():
    found, problems = load_all()
    assert not problems, problems
    return found


def write_questionnaire(directory: Path, body: str, name: str = "q.yaml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


TINY = """\
id: tiny
version: 1
role: member
languages: [en]
title: {en: Tiny}
scale:
  min: 1
  max: 5
  prefer_not_to_say: true
  labels: {en: [a, b, c, d, e]}
items:
  - {id: c1, component: coping, reverse: false, text: {en: one}}
  - {id: c2, component: coping, reverse: true, text: {en: two}}
  - {id: c3, component: coping, reverse: false, text: {en: three}}
  - {id: t1, component: trust, reverse: false, text: {en: four}}
  - {id: t2, component: trust, reverse: false, text: {en: five}}
"""


@pytest.fixture
def tiny(tmp_path: Path):
    """Three coping items (one reversed) and two trust items on a 1..5 scale."""
    return load_questionnaire(write_questionnaire(tmp_path, TINY, "tiny.yaml"))
