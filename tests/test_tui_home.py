"""The home screen through the real app (Pilot): every session listed, filtered by group name,
opened with Enter, usable with thousands of sessions; data shown as typed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from magcheck.store import Store
from magcheck.tui.app import make_app
from magcheck.tui.screens.home import FIRST_PAGE, HomeScreen
from magcheck.tui.screens.new_session import NewSessionScreen
from magcheck.tui.screens.question import QuestionScreen
from magcheck.tui.screens.report import ReportScreen
from magcheck.tui.widgets.rows import RowList

from .tui_support import demo_data, drawn_lines, many_sessions, screen_text, wait_until

SIZE = (80, 24)
SESSIONS = 2000
NEWEST = (date(2020, 1, 1) + timedelta(SESSIONS - 1)).isoformat()  # see many_sessions


@pytest.fixture
def many(tmp_path: Path) -> Path:
    return many_sessions(tmp_path, SESSIONS, groups=40)


def _lists(app) -> tuple[RowList, RowList]:
    return app.screen.query_one("#groups", RowList), app.screen.query_one("#sessions", RowList)


async def _loaded(pilot) -> HomeScreen:
    """Home with every session read (the first frame has the newest; the rest follow)."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))
    await wait_until(pilot, lambda: pilot.app.screen.complete)
    await pilot.pause()
    return pilot.app.screen


async def test_every_session_is_listed_newest_first_and_the_list_reaches_the_oldest(
    many: Path,
) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        home = await _loaded(pilot)
        _, sessions = _lists(app)
        assert sessions.has_focus
        assert len(sessions.rows) == SESSIONS
        assert sessions.border_title == f"Sessions ({SESSIONS:,})"
        lines = drawn_lines(sessions)
        assert lines[0].split() == ["Date", "Group", "Questionna…", "n", "Status"]
        assert lines[1].startswith(f"{NEWEST} Group 39")
        assert len(lines) == sessions.scrollable_content_region.height  # no row past the box

        await pilot.press("end")
        assert sessions.cursor == SESSIONS - 1
        assert drawn_lines(sessions)[-1].startswith("2020-01-01 Group 00")  # the oldest, drawn
        await pilot.press("pageup")
        assert sessions.cursor < SESSIONS - 1
        assert home.sessions[sessions.cursor].date in "\n".join(drawn_lines(sessions))
        await pilot.press("home")
        assert sessions.cursor == 0
        assert drawn_lines(sessions)[1].startswith(NEWEST)


async def test_home_reads_its_data_once_before_the_first_frame_and_everything_after(
    many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, object]] = []
    newest, groups, sessions = Store.newest_sessions, Store.groups, Store.sessions

    def spy_newest(self: Store, limit: int | None = None):
        calls.append(("newest_sessions", limit))
        return newest(self, limit)

    def spy_groups(self: Store):
        calls.append(("groups", None))
        return groups(self)

    def spy_sessions(self: Store, *args):
        calls.append(("sessions", args))
        return sessions(self, *args)

    monkeypatch.setattr(Store, "newest_sessions", spy_newest)
    monkeypatch.setattr(Store, "groups", spy_groups)
    monkeypatch.setattr(Store, "sessions", spy_sessions)
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        await pilot.pause(0.1)
    # the first page and the groups, then (in a thread) every session and the groups again
    assert calls == [
        ("newest_sessions", FIRST_PAGE),
        ("groups", None),
        ("newest_sessions", None),
        ("groups", None),
    ]


async def test_filter_by_group_name_narrows_both_lists_and_escape_clears_it(many: Path) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        home = await _loaded(pilot)
        groups, sessions = _lists(app)
        await pilot.press("slash", *"group 07")  # any case
        assert home.filter_text == "group 07"
        assert [g and g.name for g in groups.rows] == [None, "Group 07"]
        assert len(sessions.rows) == SESSIONS // 40
        assert {s.group_name for s in sessions.rows} == {"Group 07"}
        assert sessions.border_title == f"Sessions (50 of {SESSIONS:,})"
        assert all(" Group 07 " in line for line in drawn_lines(sessions)[1:])

        await pilot.press("enter")  # from the filter to the list, the filter kept
        assert sessions.has_focus and len(sessions.rows) == 50
        await pilot.press("down", "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.session.group_name == "Group 07"
        await pilot.press("escape", "y")  # stop for now: back home, the filter still on
        await wait_until(pilot, lambda: app.screen is home)
        await wait_until(pilot, lambda: len(home.sessions) == SESSIONS)
        assert len(sessions.rows) == 50

        await pilot.press("escape")
        await pilot.pause()
        assert home.filter_text == "" and not home.query("#filter")
        assert len(sessions.rows) == SESSIONS and len(groups.rows) == 41

        await pilot.press("slash", *"zzz")
        assert sessions.rows == [] and len(groups.rows) == 1
        assert "No group name contains “zzz”" in "\n".join(drawn_lines(sessions))
        await pilot.press("escape")
        await pilot.pause()
        assert len(sessions.rows) == SESSIONS


async def test_picking_a_group_lists_its_sessions_and_new_session_starts_with_it(
    many: Path,
) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        home = await _loaded(pilot)
        groups, sessions = _lists(app)
        groups.focus()
        await pilot.press("down", "down")  # All groups, Group 00, Group 01
        assert groups.current.name == "Group 01"
        assert {s.group_name for s in sessions.rows} == {"Group 01"}
        assert len(sessions.rows) == SESSIONS // 40
        assert drawn_lines(sessions)[0].split() == ["Date", "Questionnaire", "n", "Status"]
        await pilot.press("enter")  # to the group's sessions
        assert sessions.has_focus
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewSessionScreen))
        assert app.screen.group_id == home.group_id == groups.current.id


async def test_enter_opens_the_session_under_the_cursor_and_r_its_report(
    tmp_path: Path,
) -> None:
    data = demo_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        home = await _loaded(pilot)
        _, sessions = _lists(app)
        await pilot.press("down", "down")
        wanted = sessions.current
        assert wanted is home.sessions[2]
        await pilot.press("enter")  # a complete session opens on its report
        await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen))
        assert app.screen.session.id == wanted.id
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is home)
        assert sessions.current.id == wanted.id  # the cursor stays on it

        await pilot.press("up", "r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen))
        assert app.screen.session.id == home.sessions[1].id


async def test_a_click_on_a_row_opens_that_session(tmp_path: Path) -> None:
    data = demo_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        home = await _loaded(pilot)
        _, sessions = _lists(app)
        # the border, the heading, then rows: the third row is at y = 1 + 1 + 2
        await pilot.click(sessions, offset=(5, 4))
        await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen))
        assert app.screen.session.id == home.sessions[2].id


async def test_group_names_that_look_like_markup_are_shown_as_typed(tmp_path: Path) -> None:
    from magcheck.core.questionnaires import load_all

    data = tmp_path / "data"
    found, _ = load_all()
    with Store.open(data) as store:
        for name in ("[/]", "[draft] Tuesday", "[bold]x"):
            store.create_session(store.add_group(name), found["facilitator"], "en", "2026-01-02")
    app = make_app(data)
    async with app.run_test(size=(100, 24)) as pilot:
        await _loaded(pilot)
        groups, sessions = _lists(app)
        shown = drawn_lines(groups)
        assert shown[1:4] == ["[/]", "[bold]x", "[draft] Tuesday"]
        rows = "\n".join(drawn_lines(sessions))
        for name in ("[/]", "[draft] Tuesday", "[bold]x"):
            assert f" {name} " in rows
        await pilot.press("slash", *"[/")
        assert [s.group_name for s in sessions.rows] == ["[/]"]
        assert "[/]" in screen_text(pilot)
