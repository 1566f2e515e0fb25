"""Helpers for the app's tests: real stores in tmp_path and small Pilot conveniences."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from magcheck.core.questionnaires import load_all
from magcheck.demo import create_demo
from magcheck.store import Store
from magcheck.store import answers as answers_module
from magcheck.store import connection as connection_module
from magcheck.store import sessions as sessions_module
from magcheck.tui import flow
from magcheck.tui.widgets.rows import RowList

DAY = date(2026, 3, 14)


def fixed_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots show session ids and sort by creation time: make both repeatable."""
    counter = itertools.count(1)
    for module in (sessions_module, answers_module, connection_module):
        monkeypatch.setattr(module, "new_id", lambda: f"{next(counter):032x}")
    clock = itertools.count(0)

    def now() -> str:
        n = next(clock)
        return f"2026-03-14T09:{n // 60 % 60:02d}:{n % 60:02d}+00:00"

    for module in (sessions_module, answers_module):
        monkeypatch.setattr(module, "now", now)


def demo_data(tmp_path: Path, lang: str = "en") -> Path:
    """The demo group (three months of sessions) plus a member round still open today."""
    data = tmp_path / "data"
    found, problems = load_all()
    assert not problems
    with Store.open(data) as store:
        group, _ = create_demo(store, found, today=DAY)
        session = store.create_session(group, found["member"], lang, DAY)
        flow.remember_mode(store, session, flow.ROUND)
        store.set_meta("ui_language", lang)
    return data


def group_data(tmp_path: Path, name: str = "Tuesday group") -> Path:
    data = tmp_path / "data"
    with Store.open(data) as store:
        store.add_group(name)
    return data


async def wait_until(pilot: Pilot, condition: Callable[[], bool], tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never became true")


def plain(renderable: object, width: int = 200) -> str:
    """Rich or Textual content as plain text."""
    if isinstance(renderable, str):
        return renderable
    console = Console(width=width, file=StringIO(), color_system=None, highlight=False)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def widget_text(widget: Static) -> str:
    return plain(widget.content)


def drawn_lines(widget: Widget) -> list[str]:
    """The lines a line-drawn widget (RowList) puts on screen now, as plain text."""
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text.rstrip() for y in range(height)]


def screen_text(pilot: Pilot) -> str:
    """All text the current screen shows: its Static-based widgets (labels, buttons, body),
    border titles, and the rows its lists draw."""
    parts = []
    for widget in pilot.app.screen.query("*"):
        if widget.border_title:
            parts.append(plain(widget.border_title))
        if isinstance(widget, Static):
            parts.append(widget_text(widget))
        elif isinstance(widget, RowList):
            parts.extend(drawn_lines(widget))
        elif hasattr(widget, "label"):
            parts.append(plain(widget.label))
    return "\n".join(parts)


def many_sessions(tmp_path: Path, sessions: int = 2000, groups: int = 40) -> Path:
    """A store with `sessions` sessions (none answered) across `groups` groups, one a day
    from 2020-01-01, session n in group n % groups: made in a second or so."""
    data = tmp_path / "data"
    found, _ = load_all()
    with Store.open(data) as store:
        store.db.execute("PRAGMA synchronous = OFF")  # test setup speed only
        made = [store.add_group(f"Group {n:02d}") for n in range(groups)]
        for n in range(sessions):
            store.create_session(
                made[n % groups], found["facilitator"], "en", date(2020, 1, 1) + timedelta(n)
            )
    return data


async def start_session(
    pilot: Pilot, mode: str = "facilitator", lang: str = "en", join: bool | None = None
) -> None:
    """From home: New session, choose the mode and language, start. When Start asks whether to
    join the group's open check: its default (join None), join it (True) or a new check (False)."""
    from magcheck.tui.screens.dialogs import JoinCheckDialog

    app = pilot.app
    await pilot.press("n")
    await wait_until(pilot, lambda: app.questionnaires is not None)
    await pilot.pause()
    if mode == "round":
        await pilot.click("#mode-round")
    if lang != app.lang:  # type: ignore[attr-defined]
        await pilot.click(f"#lang-{lang}")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    if isinstance(app.screen, JoinCheckDialog):
        if join is None:
            await pilot.press("enter")
        else:
            await pilot.click("#join" if join else "#new")
        await pilot.pause()
