"""Paper entry speed: a digit key pressed on the entry screen -> the next item drawn (saved to
the store first), against a bare Textual app redrawing on a key. Same measure as the answer
latency in tui_startup.py (its _key_latencies).

Run: python benchmarks/paper_entry_keys.py [--forms 3]
Target: median within one frame (1/60 s) of the bare app's key-to-redraw.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from tui_startup import FRAME_MS, _key_latencies, bare_key_latencies, describe  # noqa: E402


async def entry_latencies(data: Path, forms: int) -> list[float]:
    from magcheck.core.questionnaires import load_all
    from magcheck.store import Store
    from magcheck.tui.app import make_app
    from magcheck.tui.screens.entry import EntryScreen

    q = load_all()[0]["facilitator"]
    store = Store.open(data)
    printed = store.print_forms(store.add_group("Latency group"), q, "en", forms)
    timings: list[float] = []
    try:
        for form in printed:
            app = make_app(data, store=store)

            async def ready(app, pilot, number=form.number):  # noqa: ANN001, ANN202
                app.push_screen(EntryScreen())
                await pilot.pause()
                await pilot.press("K", "1", "enter", "1", "enter", *number, "enter")
                await pilot.pause()
                assert app.screen.cursor is not None
                return app.screen

            timings += await _key_latencies(
                app, ready, lambda screen, n: screen.cursor.index == n, len(q.items) - 1
            )
    finally:
        store.close()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=3, help="forms keyed (23 keys each)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        latency = asyncio.run(entry_latencies(Path(tmp) / "data", args.forms))
    bare = asyncio.run(bare_key_latencies(len(latency)))
    lat, bare_lat = statistics.median(latency), statistics.median(bare)
    print(describe("key -> redrawn, bare Textual app           ", bare))
    print(describe("paper key -> next item drawn, magcheck     ", latency))
    within = lat - bare_lat <= FRAME_MS
    print(
        f"difference of medians: {lat - bare_lat:+.1f} ms (target within one frame, "
        f"{FRAME_MS:.1f} ms) {'OK' if within else 'OVER TARGET'}"
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
