"""Screenshots of home, question (and its help), privacy, join-a-check and report screens, in
English and Spanish, at 80x24.

Regenerate after a deliberate change: pytest tests/test_tui_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

import pytest

from magcheck.tui.app import make_app

from .tui_support import demo_data, fixed_ids, wait_until

SIZE = (80, 24)
LANGS = ["en", "es"]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    fixed_ids(monkeypatch)
    return demo_data(tmp_path, request.param)


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.mark.parametrize("data", LANGS, indirect=True)
def test_home(data: Path, snap_compare) -> None:
    async def ready(pilot) -> None:
        await wait_until(pilot, lambda: pilot.app.questionnaires is not None)
        await wait_until(pilot, lambda: pilot.app.screen.complete)  # every session listed
        await _settle(pilot)

    assert snap_compare(make_app(data), terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("data", LANGS, indirect=True)
def test_member_question(data: Path, snap_compare) -> None:
    async def to_question(pilot) -> None:
        await pilot.press("enter")  # the open member round is the newest session
        await pilot.press("enter")  # the first member starts
        await pilot.press("4", "0", "3")
        await _settle(pilot)

    assert snap_compare(make_app(data), terminal_size=SIZE, run_before=to_question)


@pytest.mark.parametrize("data", LANGS, indirect=True)
def test_question_help(data: Path, snap_compare) -> None:
    async def to_help(pilot) -> None:
        await pilot.press("enter", "enter", "question_mark")
        await _settle(pilot)

    assert snap_compare(make_app(data), terminal_size=SIZE, run_before=to_help)


@pytest.mark.parametrize("data", LANGS, indirect=True)
def test_privacy_screen(data: Path, snap_compare) -> None:
    async def after_a_member(pilot) -> None:
        await pilot.press("enter", "enter")
        await pilot.press(*"4" * 17)
        await _settle(pilot)

    assert snap_compare(make_app(data), terminal_size=SIZE, run_before=after_a_member)


@pytest.mark.parametrize("data", LANGS, indirect=True)
def test_report(data: Path, snap_compare) -> None:
    async def open_report(pilot) -> None:
        await pilot.press("down", "r")  # the demo's latest facilitator self-assessment
        await _settle(pilot)

    assert snap_compare(make_app(data), terminal_size=SIZE, run_before=open_report)


@pytest.mark.parametrize("data", LANGS, indirect=True)
def test_join_check(data: Path, snap_compare) -> None:
    async def start_self_assessment(pilot) -> None:
        # The newest check is the open member round of the demo's last day: Start offers it.
        await pilot.press("n")
        await wait_until(pilot, lambda: pilot.app.questionnaires is not None)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: pilot.app.screen.__class__.__name__ == "JoinCheckDialog")
        await _settle(pilot)

    assert snap_compare(make_app(data), terminal_size=SIZE, run_before=start_self_assessment)
