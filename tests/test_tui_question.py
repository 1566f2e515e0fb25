"""The question screen: no component label, the scale's non-answers by kind, the help key, and
questionnaire texts shown as written."""

from __future__ import annotations

from pathlib import Path

import yaml
from textual.widgets import Static

from magcheck import i18n
from magcheck.core.model import COMPONENT_IDS
from magcheck.paths import bundled_questionnaire_dir
from magcheck.store import Store
from magcheck.tui.app import make_app
from magcheck.tui.screens.dialogs import HelpDialog
from magcheck.tui.screens.handover import HandoverScreen
from magcheck.tui.screens.home import HomeScreen
from magcheck.tui.screens.question import QuestionScreen

from .tui_support import group_data, screen_text, start_session, wait_until, widget_text

SIZE = (80, 24)


def _words_around_the_question(pilot) -> str:
    """Everything the question screen shows except the question itself."""
    return "\n".join(
        widget_text(w)
        for w in pilot.app.screen.query(Static)
        if w.id != "item-text" and not isinstance(w, QuestionScreen)
    )


async def test_no_question_names_its_component_in_either_questionnaire(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    names = [i18n.name(c, "en") for c in COMPONENT_IDS]
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        assert not app.screen.query("#component")
        for _ in app.screen.q.items:
            around = _words_around_the_question(pilot)
            assert "Component" not in around
            assert not [n for n in names if n in around]
            await pilot.press("3")
        await pilot.pause()
        await pilot.press("escape")
        await start_session(pilot, mode="round")
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen)
        for _ in app.screen.q.items[:-1]:
            around = _words_around_the_question(pilot)
            assert "Component" not in around
            assert not [n for n in names if n in around]
            await pilot.press("3")


async def test_dont_know_is_stored_as_such_and_a_resumed_response_shows_it(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)  # the facilitator form offers "don't know" only
        options = [str(o.prompt) for o in app.screen.query_one("#choices").options]
        assert options[-1] == "d  Don't know"
        assert not [o for o in options if "prefer not" in o.lower() or "apply" in o]
        await pilot.press("d", "4")
        await pilot.press("n", "s", "0")  # not offered here: nothing is stored, nothing moves
        assert app.screen.index == 2
        assert "does not offer" in " ".join(n.message for n in app._notifications)
    with Store.open(data) as store:
        (session,) = store.sessions()
        (response,) = store.responses(session)
        q = store.questionnaire(session.questionnaire_hash)
        first, second = q.items[0].id, q.items[1].id
        assert store.non_answers(response) == {first: "dont_know"}
        assert store.answers(response) == {first: None, second: 4}

    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the unfinished self-assessment resumes at its third item
        assert isinstance(app.screen, QuestionScreen) and app.screen.index == 2
        await pilot.press("left", "left")
        assert "Saved answer: Don't know" in screen_text(pilot)
        assert app.screen.query_one("#choices").highlighted_option.id == "dont_know"


async def test_doesnt_apply_and_prefer_not_to_say_in_a_member_round_keep_their_kinds(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot, mode="round")
        await pilot.press("enter")
        options = [str(o.prompt) for o in app.screen.query_one("#choices").options]
        assert options[-2:] == ["0  Prefer not to say", "n  Doesn't apply to me"]
        await pilot.press("n", "0", "d", "s", "N", "2")  # d: not on the member form
        assert app.screen.index == 5
    with Store.open(data) as store:
        (session,) = store.sessions()
        (response,) = store.responses(session)
        q = store.questionnaire(session.questionnaire_hash)
        ids = [item.id for item in q.items]
        assert store.non_answers(response) == {
            ids[0]: "not_applicable",
            ids[1]: "prefer_not_to_say",
            ids[2]: "prefer_not_to_say",
            ids[3]: "not_applicable",
        }
        assert store.answers(response)[ids[4]] == 2

    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen) and app.screen.index == 5
        await pilot.press(*["left"] * 5)
        assert "Saved answer: Doesn't apply to me" in screen_text(pilot)
        await pilot.press("right")
        assert "Saved answer: Prefer not to say" in screen_text(pilot)


async def test_help_lists_the_keys_and_every_definition_whatever_the_question(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot)
        q = app.screen.q
        assert q.items[0].component != q.items[1].component
        helps = []
        for _ in range(2):
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpDialog)
            helps.append(widget_text(app.screen.query_one("#help-text", Static)))
            await pilot.press("escape")
            assert isinstance(app.screen, QuestionScreen)
            await pilot.press("3")
        # the same help on two items of different components: it says nothing about the item
        assert helps[0] == helps[1]
        flat = " ".join(helps[0].split())
        for component in COMPONENT_IDS:
            assert i18n.name(component, "en") in flat
            assert " ".join(i18n.definition(component, "en").split()) in flat
        assert "d: don't know" in flat and "Esc: stop for now" in flat
        assert app.screen.index == 2  # opening the help answered nothing


async def test_help_follows_the_session_language(tmp_path: Path) -> None:
    data = group_data(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await start_session(pilot, mode="round", lang="pt")
        await pilot.press("enter", "question_mark")
        text = " ".join(widget_text(app.screen.query_one("#help-text", Static)).split())
        assert "n: não se aplica a mim" in text
        assert " ".join(i18n.definition("trust", "pt").split()) in text


def _bracketed_questionnaire(folder: Path) -> None:
    """The member questionnaire with a title and a label that look like markup."""
    doc = yaml.safe_load((bundled_questionnaire_dir() / "member.yaml").read_text(encoding="utf-8"))
    doc["id"] = "bracketed"
    doc["title"] = {lang: "Round [draft] [/] [b]" for lang in doc["title"]}
    doc["scale"]["labels"]["en"][0] = "[/]Never"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bracketed.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True))


async def test_titles_and_labels_that_look_like_markup_are_shown_as_written(
    tmp_path: Path,
) -> None:
    data = group_data(tmp_path)
    _bracketed_questionnaire(data / "questionnaires")
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_until(pilot, lambda: app.questionnaires is not None)
        await wait_until(pilot, lambda: bool(app.screen.query("#q-bracketed")))
        label = app.screen.query_one("#q-bracketed").label
        assert label.plain == "Round [draft] [/] [b] (17 questions)"
        await pilot.click("#mode-round")
        await wait_until(pilot, lambda: app.screen.query_one("#q-member").value)
        await pilot.click("#q-bracketed")
        await pilot.pause()
        assert app.screen._chosen_questionnaire().id == "bracketed"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen))
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.sub_title == "Round [draft] [/] [b]"
        assert str(app.screen.query_one("#choices").options[0].prompt) == "1  [/]Never"
        await pilot.press("1")
        assert "Saved answer" not in screen_text(pilot)
        await pilot.press("left")
        assert "Saved answer: 1  [/]Never" in screen_text(pilot)
        await pilot.press("escape", "y")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
