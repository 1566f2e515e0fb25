"""App speed on a real terminal: the whole `magcheck` process, from start to its first full home
screen, against a bare Textual app (Header, Static, Footer); and an answer key to the next
question drawn, against a bare app redrawing on a key.

Each first frame is a real process on a pseudo-terminal (80x24), timed from just before it is
started until the pty has carried the whole first screen: for magcheck the newest session's date
and group in the list and a footer key label; for the bare app its text and its footer. Bare and
magcheck runs alternate (bare, magcheck, bare, magcheck...), so machine noise hits both alike.

Run: python benchmarks/tui_startup.py [--sessions 1000] [--pairs 15]
Targets (issue 10): first screen within 1.3x the bare app with 1,000 and 10,000 sessions;
answer-to-next-question median within one frame (1/60 s) of the bare app's key-to-redraw.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import fcntl
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

COLUMNS, LINES = 80, 24
FRAME_MS = 1000 / 60

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self):
        yield Header()
        yield Static("Hello, bare Textual")
        yield Footer()


Bare().run()
"""
BARE_MARKERS = ("Hello, bare Textual", "palette")

# Escape sequences (CSI, OSC, two-character ESC) removed before looking for text on screen.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


# -- the store ---------------------------------------------------------------------------------


def build_store(directory: Path, sessions: int) -> tuple[str, str]:
    """A store with `sessions` completed facilitator checks across sessions/50 groups, written
    through the library as the app and the CLI write it. Returns the newest session's date (the
    first row of the home screen's session list) and the first group's name (its group list)."""
    from magcheck.core.questionnaires import load_all
    from magcheck.store import Store

    found, _ = load_all()
    q = found["facilitator"]
    with Store.open(directory) as store:
        store.db.execute("PRAGMA synchronous = OFF")  # setup speed only; the app uses FULL
        groups = [store.add_group(f"Group {n:03d}") for n in range(max(sessions // 50, 1))]
        start = date(2000, 1, 1)
        for n in range(sessions):
            group = groups[n % len(groups)]
            session = store.create_session(group, q, "en", start + timedelta(days=n))
            response = store.start_response(session, "facilitator")
            store.record_answers(
                response, {item.id: 1 + (n + i) % 5 for i, item in enumerate(q.items)}
            )
            store.complete_response(response)
    return (start + timedelta(days=sessions - 1)).isoformat(), groups[0].name


# -- one process on a pseudo-terminal ------------------------------------------------------------


def magcheck_command() -> list[str]:
    """The installed console script, as a user runs it; else the module (same code)."""
    exe = shutil.which("magcheck", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "magcheck.cli"]


def terminal_env(data: Path | None) -> dict[str, str]:
    # Bytecode on, as after `pip install` (which compiles every module): with
    # PYTHONDONTWRITEBYTECODE set, magcheck would be compiled from source on every start while
    # Textual's installed .pyc files are not, which measures the compiler, not the app.
    drop = {"PYTHONDONTWRITEBYTECODE", "NO_COLOR", "TEXTUAL", "COLUMNS", "LINES", "TMUX"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("TEXTUAL_")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
    if data is not None:
        env["MAGCHECK_DATA_DIR"] = str(data)
    return env


def first_screen_ms(command: Sequence[str], env: dict[str, str], markers: Sequence[str]) -> float:
    """Start `command` on a fresh 80x24 pty; milliseconds until every marker has been written."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    wanted = [m.encode() for m in markers]
    raw = bytearray()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(command),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    elapsed = None
    deadline = t0 + 60
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the process is gone
                break
            if not chunk:
                break
            now = time.perf_counter()
            raw += chunk
            text = _ESCAPES.sub(b"", bytes(raw))
            if all(m in text for m in wanted):
                elapsed = (now - t0) * 1000
                break
        if elapsed is None:
            shown = _ESCAPES.sub(b"", bytes(raw)).decode(errors="replace")
            raise RuntimeError(f"{command[0]}: {markers} never appeared; it wrote:\n{shown}")
        _quit(proc, master)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    return elapsed


def _quit(proc: subprocess.Popen[bytes], master: int) -> None:
    """Ctrl+Q as a user would, reading what the app writes until it has gone."""
    os.write(master, b"\x11")
    deadline = time.perf_counter() + 10
    while proc.poll() is None and time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                os.read(master, 65536)
            except OSError:
                break


def compile_bytecode(*paths: Path) -> None:
    """Every module compiled beforehand, as `pip install` leaves an installed package."""
    import magcheck

    for path in (Path(magcheck.__file__).parent, *paths):
        compileall.compile_dir(path, quiet=1) if path.is_dir() else compileall.compile_file(
            path, quiet=1
        )


# -- answer latency ----------------------------------------------------------------------------


async def _key_latencies(app, screen_ready, advanced, presses: int) -> list[float]:  # noqa: ANN001
    """Post each key as the terminal driver delivers it (Pilot.press adds its own waits), then
    wait for the screen to move on and for the frame showing it."""
    from textual import events

    timings: list[float] = []
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        await pilot.pause()
        screen = await screen_ready(app, pilot)
        for i in range(presses):
            key = str(1 + i % 5)
            t0 = time.perf_counter()
            app.post_message(events.Key(key, key))
            while not advanced(screen, i + 1):
                await asyncio.sleep(0)
            drawn = asyncio.Event()
            screen.call_after_refresh(drawn.set)
            await drawn.wait()
            timings.append((time.perf_counter() - t0) * 1000)
            await pilot.pause(0.05)  # a person reads the next item before answering
    return timings


async def answer_latencies(data: Path) -> list[float]:
    from magcheck.core.questionnaires import load_all
    from magcheck.store import Store
    from magcheck.tui.app import make_app
    from magcheck.tui.screens.question import QuestionScreen

    found, _ = load_all()
    q = found["facilitator"]
    store = Store.open(data)
    group = store.add_group("Latency group")
    session = store.create_session(group, q, "en")
    app = make_app(data, store=store)

    async def ready(app, pilot):  # noqa: ANN001, ANN202
        app.open_session(session)
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        return app.screen

    try:
        return await _key_latencies(
            app, ready, lambda screen, n: screen.index == n, len(q.items) - 1
        )
    finally:
        store.close()


async def bare_key_latencies(presses: int) -> list[float]:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class BareKeys(App[None]):
        count = 0

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("0", id="count")
            yield Footer()

        def on_key(self) -> None:
            self.count += 1
            self.query_one("#count", Static).update(str(self.count))

    async def ready(app, pilot):  # noqa: ANN001, ANN202
        return app.screen

    return await _key_latencies(BareKeys(), ready, lambda screen, n: screen.app.count == n, presses)


# -- report ------------------------------------------------------------------------------------


def describe(label: str, values: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(values):6.1f} ms"
        f"  (min {min(values):6.1f}, max {max(values):6.1f}, n={len(values)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000, help="sessions in the store")
    parser.add_argument("--pairs", type=int, default=15, help="bare/magcheck pairs (>= 9)")
    parser.add_argument("--skip-latency", action="store_true", help="first screen only")
    args = parser.parse_args()
    if args.pairs < 9:
        parser.error("--pairs must be at least 9")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        t = time.perf_counter()
        newest_date, first_group = build_store(data, args.sessions)
        print(f"store with {args.sessions:,} sessions built in {time.perf_counter() - t:.1f} s")
        bare_script = Path(tmp) / "bare_app.py"
        bare_script.write_text(BARE_APP, encoding="utf-8")
        compile_bytecode(bare_script)

        bare_cmd = [sys.executable, str(bare_script)]
        app_cmd = magcheck_command()
        bare_env, app_env = terminal_env(None), terminal_env(data)
        # the first screen: the newest session and the first group listed, and the footer's keys
        app_markers = (newest_date, first_group, "New session")
        print(f"magcheck: {' '.join(app_cmd)}  (MAGCHECK_DATA_DIR={data})")
        for _ in range(2):  # warm the file cache (and any bytecode still missing) for both
            first_screen_ms(bare_cmd, bare_env, BARE_MARKERS)
            first_screen_ms(app_cmd, app_env, app_markers)
        bare, app = [], []
        for _ in range(args.pairs):  # interleaved: bare, magcheck, bare, magcheck...
            bare.append(first_screen_ms(bare_cmd, bare_env, BARE_MARKERS))
            app.append(first_screen_ms(app_cmd, app_env, app_markers))
        ratio = statistics.median(app) / statistics.median(bare)
        print(describe("first screen, bare Textual app (Header, Static, Footer)", bare))
        print(describe(f"first screen, magcheck home, {args.sessions:>6,} sessions  ", app))
        ratios = [a / b for a, b in zip(app, bare, strict=True)]
        print(
            f"ratio of medians: {ratio:.2f}x (per pair: min {min(ratios):.2f}x, "
            f"max {max(ratios):.2f}x; target <= 1.3x) {'OK' if ratio <= 1.3 else 'OVER TARGET'}"
        )
        if args.skip_latency:
            return 0 if ratio <= 1.3 else 1

        latency = asyncio.run(answer_latencies(Path(tmp) / "latency"))
        bare_latency = asyncio.run(bare_key_latencies(len(latency)))
        lat, bare_lat = statistics.median(latency), statistics.median(bare_latency)
        print(describe("key -> redrawn, bare Textual app          ", bare_latency))
        print(describe("answer key -> next question drawn, magcheck", latency))
        within = lat - bare_lat <= FRAME_MS
        print(
            f"difference of medians: {lat - bare_lat:+.1f} ms (target within one frame, "
            f"{FRAME_MS:.1f} ms) {'OK' if within else 'OVER TARGET'}"
        )
        return 0 if ratio <= 1.3 and within else 1


if __name__ == "__main__":
    sys.exit(main())
