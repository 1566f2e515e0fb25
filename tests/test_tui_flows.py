"""Whole flows through the real app (Pilot) against a real store in tmp_path."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.widgets import Static

from magcheck.store import Store
from magcheck.tui.app import make_app
from magcheck.tui.screens.dialogs import ConfirmDialog, FatalScreen, MessageDialog
from magcheck.tui.screens.handover import HandoverScreen
from magcheck.tui.screens.home import HomeScreen
from magcheck.tui.screens.question import QuestionScreen
from magcheck.tui.screens.report import ReportScreen

from .tui_support import group_data, screen_text, start_session, wait_until, widget_text

SIZE = (80, 24)


def in_item_order(store: Store, session, answers: dict) -> list:
    q = store.questionnaire(session.questionnaire_hash)
    return [answers[item.id] for item in q.items if item.id in answers]


def only_session(data: Path):
    """The store's one session, and each response with its answers in item order."""
    with Store.open(data) as store:
        (session,) = store.sessions()
        rows = [(r, in_item_order(store, session, a)) for r, a in store.session_answers(session)]
        return session, rows


async def test_facilitator_self_assessment_reaches_its_report(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.q.id == "facilitator"
        assert "Component" not in screen_text(pilot)  # naming the component primes the answer
        keys = "453" * 8
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        text = widget_text(app.screen.query_one("#report", Static))
        assert "Group check report" in text
        assert "strong" in text or "developing" in text
    session, [(response, answers)] = only_session(data)
    assert response.role == "facilitator" and response.complete
    assert session.closed_at is not None
    assert answers == [int(k) for k in keys]


async def test_member_round_of_three_reaches_report_and_privacy_screen_shows_no_answer(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot, mode="round")
        assert isinstance(app.screen, HandoverScreen)
        q = app.screen.q
        for member, key in enumerate("523", start=1):
            await pilot.press("enter")  # the next member starts with one key
            assert isinstance(app.screen, QuestionScreen)
            assert app.screen.response.respondent_code == f"M{member}"
            assert "Component" not in screen_text(pilot)
            for _ in q.items:
                await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HandoverScreen)
            shown = screen_text(pilot)
            assert "Thank you" in shown
            for item in q.items:
                assert item.text["en"] not in shown
            for label in q.scale.labels["en"]:
                assert label not in shown
            assert "Saved answer" not in shown
        # A stray key does not end the round (f no longer lets the facilitator answer inside the
        # round: that is the check's other part): Ctrl+E asks, and Enter on the dialog means "No".
        await pilot.press("e", "q", "f")
        assert isinstance(app.screen, HandoverScreen)
        await pilot.press("ctrl+e")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        assert isinstance(app.screen, HandoverScreen)
        await pilot.press("ctrl+e", "y")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        text = widget_text(app.screen.query_one("#report", Static))
        assert "Member round · based on 3 people" in text
    session, rows = only_session(data)
    assert session.closed_at is not None
    assert [r.respondent_code for r, _ in rows] == ["M1", "M2", "M3"]
    assert all(r.complete and len(a) == len(q.items) for r, a in rows)
    assert [set(a) for _, a in rows] == [{5}, {2}, {3}]


async def test_quitting_midway_resumes_at_the_same_item_with_earlier_answers_intact(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press(*"1234512")
        assert app.screen.index == 7
    # the app is gone; every answer given is in the store
    _, [(response, answers)] = only_session(data)
    assert answers == [1, 2, 3, 4, 5, 1, 2] and not response.complete

    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        assert "in progress" in screen_text(pilot) or True
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.index == 7
        assert "8 / 24" in screen_text(pilot)
        await pilot.press("left")
        assert app.screen.index == 6
        assert "Saved answer: 2" in screen_text(pilot)
        await pilot.press("right")
        await pilot.press(*"3" * 17)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
    _, [(response, answers)] = only_session(data)
    assert answers == [1, 2, 3, 4, 5, 1, 2] + [3] * 17 and response.complete


async def test_going_back_lets_an_answer_be_changed(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("4", "4", "4")
        await pilot.press("left", "backspace")
        assert app.screen.index == 1
        assert "Saved answer: 4" in screen_text(pilot)
        await pilot.press("2")  # changes item 2 and moves on
        assert app.screen.index == 2
        await pilot.press("left")  # back at the first one
        await pilot.press("left", "left")
        assert app.screen.index == 0
    _, [(_, answers)] = only_session(data)
    assert answers == [4, 2, 4]


async def test_prefer_not_to_say_only_where_the_scale_offers_it(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)  # facilitator questionnaire: no "prefer not to say"
        assert "prefer not to say" not in screen_text(pilot).lower()
        await pilot.press("0", "s")
        assert app.screen.index == 0
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await start_session(pilot, mode="round")  # member questionnaire offers it
        await pilot.press("enter")
        choices = app.screen.query_one("#choices")
        assert "Prefer not to say" in str(choices.get_option("prefer_not_to_say").prompt)
        await pilot.press("0", "s", "4")
        assert app.screen.index == 3
    with Store.open(data) as store:
        session = [s for s in store.sessions() if s.questionnaire_id == "member"][0]
        [(_, answers)] = store.session_answers(session)
        assert in_item_order(store, session, answers) == [None, None, 4]


async def test_answers_can_be_given_with_the_mouse(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        choices = app.screen.query_one("#choices")
        await pilot.click(choices, offset=(4, 2))  # under the top border: "1", then "2  Disagree"
        await pilot.pause()
        assert app.screen.index == 1
    _, [(_, answers)] = only_session(data)
    assert answers == [2]


async def test_language_switch_is_remembered(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        assert app.lang == "es"
        assert "Grupos" in screen_text(pilot)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        assert app.lang == "es"
        assert "Todos los grupos" in screen_text(pilot) or "Grupos" in screen_text(pilot)
        await pilot.press("l")
        assert app.lang == "pt"


async def test_export_writes_an_owner_only_markdown_report_and_shows_its_path(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press(*"4" * 24)
        await pilot.pause()
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
        message = widget_text(app.screen.query_one("#message", Static))
    (path,) = (data / "exports").iterdir()
    assert str(path) in message.replace("\n", "")
    assert path.read_text(encoding="utf-8").startswith("# Group check report")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


async def test_a_broken_questionnaire_file_is_reported_and_the_others_still_work(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    (data / "questionnaires").mkdir()
    (data / "questionnaires" / "broken.yaml").write_text("id: broken\nversion: [\n")
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
        # the dialog's body is mounted a frame after the dialog itself
        await wait_until(pilot, lambda: "broken.yaml" in screen_text(pilot))
        assert "yaml: expected the node content" in screen_text(
            pilot
        )  # the problem, not just the file
        await pilot.press("enter")
        await start_session(pilot)
        assert isinstance(app.screen, QuestionScreen)


async def test_a_store_that_cannot_be_opened_is_a_message_not_a_traceback(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app = make_app(blocker / "data")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, FatalScreen)
        assert "cannot open its store" in screen_text(pilot)
        await pilot.press("q")
    assert app.return_code == 1


async def test_a_failed_write_keeps_the_item_on_screen_and_loses_no_earlier_answer(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        await pilot.press("5", "4")
        app.store.db.execute("PRAGMA query_only = ON")  # every write now fails, as on a full disk
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        assert "cannot be written" in screen_text(pilot)
        await pilot.press("enter")
        assert app.screen.index == 2
        app.store.db.execute("PRAGMA query_only = OFF")
        await pilot.press("3")
        assert app.screen.index == 3
    _, [(_, answers)] = only_session(data)
    assert answers == [5, 4, 3]


async def test_a_group_name_with_brackets_is_shown_as_typed(tmp_path: Path) -> None:
    from textual.widgets import Select

    from magcheck.tui.widgets.rows import RowList

    from .tui_support import drawn_lines

    name = "[red]Rojo[/red] =1"
    data = group_data(tmp_path, name)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        groups = app.screen.query_one("#groups", RowList)
        assert groups.rows[1].name == name
        assert drawn_lines(groups)[1] == "[red]Rojo[/red] =1"  # as typed, within 18 columns
        await pilot.press("n")
        await wait_until(pilot, lambda: bool(app.screen.query("#group")))
        select = app.screen.query_one("#group", Select)
        await wait_until(pilot, lambda: len(select._options) > 1)
        # Select reads a str prompt as markup (the brackets would vanish); Content is shown as is
        shown = [p.plain for p, _ in select._options if not isinstance(p, str)]
        assert name in shown, select._options


async def test_adding_a_group_from_home_and_from_new_session(tmp_path: Path) -> None:
    from textual.widgets import Select

    from magcheck.tui.screens.dialogs import AddGroupDialog
    from magcheck.tui.screens.new_session import NewSessionScreen
    from magcheck.tui.widgets.rows import RowList

    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, AddGroupDialog))
        await pilot.press(*"Grupo jueves", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        groups = app.screen.query_one("#groups", RowList)
        await wait_until(pilot, lambda: len(groups.rows) == 3)
        assert groups.current.name == "Grupo jueves"  # the new group is the one shown
        assert app.screen.group_id == groups.current.id

        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewSessionScreen))
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, AddGroupDialog))
        await pilot.press(*"Field 3", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NewSessionScreen))
        select = app.screen.query_one("#group", Select)
        await wait_until(pilot, lambda: select.value != Select.BLANK)
    with Store.open(data) as store:
        names = {g.name for g in store.groups()}
        assert names == {"Tuesday group", "Grupo jueves", "Field 3"}
        assert select.value == store.group("Field 3").id  # and it is the one picked
