"""Checks in the app: a session joins the group's open check or starts a new one; every member
who finishes a round sees where to get help."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Static

from magcheck.core.questionnaires import load_all
from magcheck.i18n import t
from magcheck.store import Store
from magcheck.tui.app import make_app
from magcheck.tui.screens.dialogs import JoinCheckDialog
from magcheck.tui.screens.handover import HandoverScreen
from magcheck.tui.screens.home import HomeScreen
from magcheck.tui.screens.question import QuestionScreen
from magcheck.tui.screens.report import ReportScreen

from .tui_support import DAY, group_data, screen_text, start_session, wait_until, widget_text

SIZE = (80, 24)


async def test_the_member_round_joins_the_self_assessment_of_the_day_in_one_check(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)  # the facilitator's self-assessment starts a check
        await pilot.press(*"4" * 24)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))

        await pilot.press("n")
        await wait_until(pilot, lambda: app.questionnaires is not None)
        await pilot.pause()
        await pilot.click("#mode-round")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, JoinCheckDialog))
        question = widget_text(app.screen.query_one("#check-question", Static))
        assert "“Tuesday group” has a check of" in question
        assert "(facilitator self-assessment done)" in question
        assert app.screen.focused.id == "join"  # today's check: joining is the default
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen))
    with Store.open(data) as store:
        facilitator, member = sorted(store.sessions(), key=lambda s: s.created_at)
        assert facilitator.check_id == member.check_id
        (check,) = store.checks()
        assert check.part("facilitator").id == facilitator.id
        assert check.part("member").id == member.id


async def test_start_a_new_check_keeps_the_sessions_apart(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot, mode="round")
        await pilot.press("escape")  # the round waits on its hand-over screen
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await start_session(pilot, join=False)
        assert isinstance(app.screen, QuestionScreen)
    with Store.open(data) as store:
        assert len(store.checks()) == 2
        assert len({s.check_id for s in store.sessions()}) == 2


async def test_an_older_open_check_is_offered_but_a_new_check_is_the_default(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    found, _ = load_all()
    with Store.open(data) as store:
        store.create_session(store.group("Tuesday group"), found["member"], "en", DAY)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_until(pilot, lambda: app.questionnaires is not None)
        await pilot.pause()
        await pilot.press("ctrl+s")  # the facilitator self-assessment
        await wait_until(pilot, lambda: isinstance(app.screen, JoinCheckDialog))
        assert f"check of {DAY.isoformat()} (member round in progress)" in screen_text(pilot)
        assert app.screen.query_one("#join", Button).label.plain == (
            f"Join the check of {DAY.isoformat()}"
        )
        assert app.screen.focused.id == "new"
        await pilot.press("escape")  # Esc goes back to the form and starts nothing
        await pilot.pause()
        assert app.screen.__class__.__name__ == "NewSessionScreen"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, JoinCheckDialog))
        await pilot.click("#join")
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionScreen))
    with Store.open(data) as store:
        (check,) = store.checks()
        assert check.date == DAY.isoformat()
        assert {s.questionnaire_role for s in check.sessions} == {"facilitator", "member"}


async def test_a_check_with_both_parts_is_not_offered(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("escape", "y")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await start_session(pilot, mode="round", join=True)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await start_session(pilot, mode="round")  # no dialog: straight to a new round
        assert isinstance(app.screen, HandoverScreen)
    with Store.open(data) as store:
        assert [len(c.sessions) for c in store.checks()] == [1, 2]


async def test_each_member_who_finishes_sees_the_crisis_text_and_nothing_of_the_answers(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    with Store.open(data) as store:
        store.set_crisis_text("Call the warm line on 0800 111 [free, any time]", "en")
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot, mode="round")
        assert not app.screen.query("#crisis")  # before anyone answered: the hand-over only
        q = app.screen.q
        for key in "42":
            await pilot.press("enter", *key * len(q.items))
            await pilot.pause()
            assert isinstance(app.screen, HandoverScreen)
            crisis = widget_text(app.screen.query_one("#crisis", Static))
            assert " ".join(crisis.split()) == (
                "Crisis support: Call the warm line on 0800 111 [free, any time]"
            )
            shown = screen_text(pilot)
            assert "at least 3 people" in shown
            for item in q.items:
                assert item.text["en"] not in shown
            for label in q.scale.labels["en"]:
                assert label not in shown


async def test_without_a_crisis_text_the_round_says_where_to_set_one_in_its_language(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    with Store.open(data) as store:
        store.set_crisis_text("Línea de ayuda: 024", "es")
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot, mode="round", lang="pt")
        await pilot.press("enter", *"3" * len(app.screen.q.items))
        await pilot.pause()
        crisis = widget_text(app.screen.query_one("#crisis", Static))
        assert " ".join(crisis.split()) == t("report.crisis_unset", "pt")
