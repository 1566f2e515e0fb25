"""App speed: time to first frame (magcheck with 1,000 sessions vs a bare Textual app) and the
time from an answer key to the next question drawn.

Run: python benchmarks/tui_startup.py [--runs 7]
Targets (issue 3): first frame within 1.3x the bare app; answer-to-next-question median < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

FIRST_FRAME = r"""
import time
t0 = time.perf_counter()
import sys
from textual.app import App

def done(app):
    print(f"{(time.perf_counter() - t0) * 1000:.1f}")
    app.exit()

if sys.argv[1] == "bare":
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

        def on_ready(self):
            done(self)

    app = Bare()
else:
    from pathlib import Path
    from magcheck.tui.app import MagcheckApp
    from magcheck.tui.screens.home import HomeScreen

    class Timed(MagcheckApp):
        def on_ready(self):
            self._check()

        def _check(self):
            # the first frame that shows the home screen with its sessions
            screen = self.screen
            if isinstance(screen, HomeScreen) and screen.sessions:
                done(self)
            else:
                self.call_after_refresh(self._check)

    app = Timed(Path(sys.argv[2]))
app.run(headless=True, size=(80, 24))
"""


def build_store(directory: Path, sessions: int = 1000) -> None:
    from magcheck.core.questionnaires import load_all
    from magcheck.store import Store

    found, _ = load_all()
    q = found["facilitator"]
    with Store.open(directory) as store:
        store.db.execute("PRAGMA synchronous = OFF")  # setup speed only; the app uses FULL
        groups = [store.add_group(f"Group {n:02d}") for n in range(20)]
        start = date(2022, 1, 1)
        for n in range(sessions):
            session = store.create_session(
                groups[n % len(groups)], q, "en", start + timedelta(days=n)
            )
            response = store.start_response(session, "facilitator")
            store.record_answers(
                response, {item.id: 1 + (n + i) % 5 for i, item in enumerate(q.items)}
            )
            store.complete_response(response)


def first_frame(kind: str, data: Path) -> float:
    # Bytecode on, as after `pip install` (which compiles every module): with
    # PYTHONDONTWRITEBYTECODE set, magcheck would be compiled from source on every start while
    # Textual's installed .pyc files are not, which measures the compiler, not the app.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, kind, str(data)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return float(out.stdout.strip().splitlines()[-1])


async def answer_latencies(data: Path) -> list[float]:
    from textual import events

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
    timings: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_session(session)
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        screen = app.screen
        for i in range(len(q.items) - 1):
            key = str(1 + i % 5)
            t0 = time.perf_counter()
            # The key arrives as the terminal driver delivers it (Pilot.press adds its own waits).
            app.post_message(events.Key(key, key))
            while screen.index != i + 1:  # the answer is stored and the next item is set
                await asyncio.sleep(0)
            drawn = asyncio.Event()
            screen.call_after_refresh(drawn.set)  # ...and the frame showing it is drawn
            await drawn.wait()
            timings.append((time.perf_counter() - t0) * 1000)
            await pilot.pause(0.05)  # a person reads the next item before answering
    store.close()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        t = time.perf_counter()
        build_store(data)
        print(f"store with 1,000 sessions built in {time.perf_counter() - t:.1f} s")
        first_frame("magcheck", data)  # warm the file cache and bytecode for both
        first_frame("bare", data)
        bare, app = [], []
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            bare.append(first_frame("bare", data))
            app.append(first_frame("magcheck", data))
        b, a = statistics.median(bare), statistics.median(app)
        print(f"first frame, bare Textual app (Header, Static, Footer): median {b:.1f} ms")
        print(f"first frame, magcheck home with 1,000 sessions:         median {a:.1f} ms")
        ratio = a / b
        print(f"ratio: {ratio:.2f}x (target <= 1.3x) {'OK' if ratio <= 1.3 else 'OVER TARGET'}")

        latency = asyncio.run(answer_latencies(Path(tmp) / "latency"))
        med = statistics.median(latency)
        print(
            f"answer key -> next question drawn, {len(latency)} answers: median {med:.1f} ms, "
            f"max {max(latency):.1f} ms (target median < 50 ms) {'OK' if med < 50 else 'OVER TARGET'}"
        )
        return 0 if ratio <= 1.3 and med < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
