"""End to end: the installed `magcheck` in a real terminal (tmux), answered with send-keys."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from magcheck.store import Store

from .conftest import magcheck_exe
from .tui_support import group_data

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


class Terminal:
    """One tmux session running magcheck: keys in, the screen's text out."""

    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str) -> None:
        for key in keys:
            _tmux("send-keys", "-t", self.name, key)

    def screen(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text in self.screen():
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never went away")
            time.sleep(0.1)


@contextmanager
def magcheck_in_tmux(data: Path, width: int, height: int) -> Iterator[Terminal]:
    name = f"magcheck-e2e-{uuid.uuid4().hex[:8]}"
    # COLUMNS/LINES from the caller's shell would override the terminal's real size.
    command = " ".join(["env -u COLUMNS -u LINES", *magcheck_exe(), "--data-dir", str(data)])
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), command],
        check=True,
    )
    try:
        yield Terminal(name)
    finally:
        _tmux("kill-session", "-t", name)


def test_installed_magcheck_answers_a_questionnaire_and_shows_the_report(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    with magcheck_in_tmux(data, 100, 30) as term:
        term.wait_for("Sessions (0)")
        term.keys("n")
        term.wait_for("Facilitator self-assessment (24 questions)")
        term.keys("C-s")
        screen = term.wait_for("1 / 24")
        assert "Component" not in screen
        assert "d  Don't know" in screen
        term.keys("?")
        term.wait_for("What the questions are about")
        term.keys("Escape")
        term.wait_gone("What the questions are about")  # else Esc and d arrive as Alt+d
        term.keys("d")
        for i in range(1, 24):
            term.wait_for(f"{i + 1} / 24")
            term.keys("4")
        screen = term.wait_for("Group check report")
        assert "Tuesday group" in screen
        assert "Facilitator self-assessment · based on 1 person" in screen
        assert any(word in screen for word in ("strong", "developing", "weak", "missing"))
    with Store.open(data) as store:
        (session,) = store.sessions()
        [(response, answers)] = store.session_answers(session)
        first = store.questionnaire(session.questionnaire_hash).items[0].id
        assert store.non_answers(response) == {first: "dont_know"}
    assert response.complete and answers == {**dict.fromkeys(answers, 4), first: None}


def test_a_member_finishing_the_round_sees_the_crisis_text_at_80x24(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    with Store.open(data) as store:
        store.set_crisis_text("Warm line 0800 111 [free]", "en")
    with magcheck_in_tmux(data, 80, 24) as term:
        term.wait_for("Sessions (0)")
        term.keys("n")
        term.wait_for("What this group means to me (17 questions)")
        term.keys("Tab", "Tab", "Tab", "Tab", "Down", "Enter")  # Who answers: member round
        term.wait_for("Each member answers in turn")
        term.keys("C-s")
        term.wait_for("Please pass the device")
        term.keys("Enter")
        term.wait_for("1 / 17")
        term.keys("n")
        for i in range(1, 17):
            term.wait_for(f"{i + 1} / 17")
            term.keys("4")
        screen = term.wait_for("Crisis support: Warm line 0800 111 [free]")
        assert "Thank you" in screen
        assert "Never" not in screen and "Often" not in screen  # nothing of the answers
