"""No traceback, ever: a bug prints one line naming the command and a log file (owner-only, in
the data folder) that holds the traceback, and exits 70. Provoked for real, with a store whose
answers were tampered with (text where a number belongs), which the scoring cannot add up."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from .badinput_support import demo_store, fingerprint
from .conftest import magcheck_exe


def tamper(data: Path) -> None:
    db = sqlite3.connect(data / "magcheck.db")
    with db:
        db.execute("UPDATE answers SET value = 'lots'")
    db.close()  # the last connection: checkpoints, so the file alone holds the store


def one_log(data: Path) -> Path:
    (log,) = (data / "logs").iterdir()
    return log


def test_a_bug_in_a_command_is_one_line_a_log_and_exit_70(run_cli):
    data = run_cli.data_dir
    session = demo_store(data)[-1]
    tamper(data)
    before = fingerprint(data)
    result = run_cli("report", session[:8])
    assert result.returncode == 70
    assert "Traceback" not in result.stderr + result.stdout
    log = one_log(data)
    [line] = result.stderr.splitlines()
    assert line.startswith("magcheck: internal error while report: TypeError: unsupported operand")
    assert line.endswith(f"'int' and 'str'; details in {log}")
    assert log.name.startswith("magcheck-") and log.suffix == ".log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    details = log.read_text()
    assert "Traceback (most recent call last)" in details and "response_scores" in details
    assert fingerprint(data) == before


def test_when_the_data_folder_cannot_hold_the_log_it_goes_to_a_private_temp_file(run_cli, tmp_path):
    data = run_cli.data_dir
    session = demo_store(data)[-1]
    tamper(data)
    (data / "logs").write_text("a file where the logs folder would be\n")
    temp = tmp_path / "tmp"
    temp.mkdir()
    result = run_cli("report", session[:8], env={"TMPDIR": str(temp)})
    assert result.returncode == 70
    (log,) = temp.glob("magcheck-*.log")
    assert result.stderr.strip().endswith(
        f"details in {log} (the data folder could not be written)"
    )
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "TypeError" in log.read_text()


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def _wait_for(name: str, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-J", "-t", name)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_bug_in_the_app_leaves_one_line_not_a_traceback(tmp_path):
    data = tmp_path / "data"
    demo_store(data)
    tamper(data)
    name = f"magcheck-crash-{uuid.uuid4().hex[:8]}"
    app = " ".join([*magcheck_exe(), "--data-dir", str(data)])
    # The shell stays after the app so the terminal can be read; it shows the exit code.
    command = f"{app}; echo EXIT=$?; sleep 30"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command], check=True
    )
    try:
        _wait_for(name, "Sessions (")
        _tmux("send-keys", "-t", name, "Tab")
        time.sleep(0.3)
        _tmux("send-keys", "-t", name, "r")  # the report scores the tampered answers
        screen = _wait_for(name, "EXIT=")
    finally:
        _tmux("kill-session", "-t", name)
    assert "EXIT=70" in screen
    log = one_log(data)
    text = " ".join(screen.split())
    assert "magcheck: internal error while running the app: TypeError: unsupported operand" in text
    assert f"'int' and 'str'; details in {log}" in text
    assert "Traceback" not in screen and "lots" not in screen  # no locals, no answers shown
    assert "Traceback" in log.read_text()
