"""End to end: the installed `magcheck` in a real terminal (tmux), answered with send-keys."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from magcheck.store import Store

from .conftest import magcheck_exe
from .tui_support import group_data

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def _wait_for(name: str, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", name)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def test_installed_magcheck_answers_a_questionnaire_and_shows_the_report(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    name = f"magcheck-e2e-{uuid.uuid4().hex[:8]}"
    command = " ".join([*magcheck_exe(), "--data-dir", str(data)])
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command], check=True
    )
    try:
        _wait_for(name, "Sessions (0)")
        _tmux("send-keys", "-t", name, "n")
        _wait_for(name, "Facilitator self-assessment (24 questions)")
        _tmux("send-keys", "-t", name, "C-s")
        _wait_for(name, "1 / 24")
        for i in range(24):
            _tmux("send-keys", "-t", name, "4")
            if i < 23:
                _wait_for(name, f"{i + 2} / 24")
        screen = _wait_for(name, "Group check report")
        assert "Tuesday group" in screen
        assert any(word in screen for word in ("strong", "developing", "missing"))  # bands as words
        assert "Components" in screen
    finally:
        _tmux("kill-session", "-t", name)
    with Store.open(data) as store:
        (session,) = store.sessions()
        [(response, answers)] = store.session_answers(session)
    assert response.complete and list(answers.values()) == [4] * 24
