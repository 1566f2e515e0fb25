"""A `magcheck answer` killed with SIGKILL mid-questionnaire keeps every answer given, and resumes."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time

from magcheck.store import Store

from .conftest import magcheck_exe


class Prompted:
    """Drive an interactive process: wait for its prompt, then type."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        self.seen = b""

    def wait_for(self, text: str, timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while text.encode() not in self.seen:
            left = end - time.monotonic()
            assert left > 0, f"never saw {text!r}; got {self.seen[-400:]!r}"
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                assert chunk, f"process ended before {text!r}: {self.seen[-400:]!r}"
                self.seen += chunk

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()


def test_killed_process_keeps_every_committed_answer_and_resumes(tmp_path, bundled):
    data = tmp_path / "data"
    env = {**os.environ, "MAGCHECK_DATA_DIR": str(data)}
    subprocess.run(
        [*magcheck_exe(), "groups", "add", "Field group"], env=env, check=True, capture_output=True
    )
    q = bundled["facilitator"]
    given = [5, 4, 3, 2, 1, 2, 3]

    run = Prompted(
        [*magcheck_exe(), "answer", "--group", "Field group", "--questionnaire", "facilitator"], env
    )
    for n, value in enumerate(given, start=1):
        run.wait_for(f"[{n}/{len(q.items)}]")
        run.type(str(value))
    # the next question on screen means the last answer was committed; kill without warning
    run.wait_for(f"[{len(given) + 1}/{len(q.items)}]")
    run.proc.send_signal(signal.SIGKILL)
    run.proc.wait(timeout=10)
    assert run.proc.returncode == -signal.SIGKILL

    with Store.open(data) as store:
        (response,) = store.unfinished_responses()
        stored = store.answers(response)
        assert stored == {q.items[i].id: v for i, v in enumerate(given)}
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    resumed = Prompted([*magcheck_exe(), "answer", "--resume", response.id[:8]], env)
    resumed.wait_for(f"[{len(given) + 1}/{len(q.items)}]")
    assert f"[{len(given)}/{len(q.items)}]".encode() not in resumed.seen
    for n in range(len(given) + 1, len(q.items) + 1):
        resumed.wait_for(f"[{n}/{len(q.items)}]")
        resumed.type("4")
    resumed.wait_for("Thank you. All your answers are saved.")
    assert resumed.proc.wait(timeout=10) == 0

    with Store.open(data) as store:
        done = store.response(response.id)
        assert done.complete
        answers = store.answers(done)
        assert len(answers) == len(q.items)
        assert [answers[q.items[i].id] for i in range(len(given))] == given
