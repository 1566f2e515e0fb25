"""The app shows data literally: a questionnaire whose title, labels and item texts hold "[/]",
"[draft]" or (in a store written before the text policy) an ESC never crashes the app, never
loses a word to markup, and never puts a control character on the screen."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from textual.widgets import OptionList, RadioButton, Static

from magcheck.core.questionnaires import load_questionnaire
from magcheck.store import Store
from magcheck.tui import flow
from magcheck.tui.app import make_app
from magcheck.tui.screens.dialogs import AddGroupDialog, MessageDialog
from magcheck.tui.screens.home import HomeScreen
from magcheck.tui.screens.new_session import NewSessionScreen
from magcheck.tui.screens.question import QuestionScreen
from magcheck.tui.screens.report import ReportScreen

from .tui_support import plain, screen_text, wait_until, widget_text

SIZE = (100, 30)
MARKUP = """\
id: markup
version: 1
role: facilitator
languages: [en]
title: {en: "Check [/] [draft]"}
scale:
  min: 1
  max: 3
  labels: {en: ["[draft] no", "[/] maybe", "[b]yes[/b]"]}
items:
  - {id: c1, component: coping, text: {en: "[draft] one [/]"}}
  - {id: c2, component: coping, text: {en: "[red]two[/red]"}}
"""


def markup_store(tmp_path: Path) -> tuple[Path, str]:
    """A group and a session of the questionnaire above, from a user file in the data folder."""
    data = tmp_path / "data"
    folder = data / "questionnaires"
    folder.mkdir(parents=True)
    (folder / "markup.yaml").write_text(MARKUP, encoding="utf-8")
    q = load_questionnaire(folder / "markup.yaml")
    with Store.open(data) as store:
        group = store.add_group("Tuesday group")
        session = store.create_session(group, q, "en", "2026-03-14")
        flow.remember_mode(store, session, flow.FACILITATOR)
    return data, session.id


def all_text(pilot) -> str:
    """Static texts, labels, option prompts and the header of the current screen."""
    screen = pilot.app.screen
    parts = [screen_text(pilot), screen.sub_title or ""]
    for options in screen.query(OptionList):
        parts.extend(
            plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        )
    return "\n".join(parts)


async def open_question(pilot, data: Path, session_id: str) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
    with Store.open(data) as store:
        session = store.session(session_id)
    app.open_session(session)
    await wait_until(pilot, lambda: isinstance(app.screen, QuestionScreen))
    await pilot.pause()


async def test_brackets_in_a_questionnaire_are_shown_literally(tmp_path: Path) -> None:
    data, session_id = markup_store(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        # the new-session form lists it under its literal title
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewSessionScreen))
        await wait_until(pilot, lambda: bool(app.screen.query("#q-markup")))
        radio = app.screen.query_one("#q-markup", RadioButton)
        assert plain(radio.label).startswith("Check [/] [draft]")
        app.pop_screen()

        await open_question(pilot, data, session_id)
        text = all_text(pilot)
        assert "[draft] one [/]" in text
        assert "Check [/] [draft]" in text  # the header
        for label in ("1  [draft] no", "2  [/] maybe", "3  [b]yes[/b]"):
            assert label in text
        await pilot.press("2")
        assert "[red]two[/red]" in widget_text(app.screen.query_one("#item-text", Static))
        await pilot.press("left")
        await pilot.pause()
        assert "[/] maybe" in widget_text(app.screen.query_one("#saved", Static))
        await pilot.press("right", "3")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen))
        await pilot.pause()
        assert "Check [/] [draft]" in screen_text(pilot)


async def test_an_escape_already_in_the_store_never_reaches_the_screen(tmp_path: Path) -> None:
    data, session_id = markup_store(tmp_path)
    evil = "\x1b]0;pwned\x07\x1b[2J"
    db = sqlite3.connect(data / "magcheck.db")
    with db:
        (document,) = db.execute("SELECT document FROM questionnaires").fetchone()
        doc = json.loads(document)
        doc["title"]["en"] = f"Check [draft] {evil}"
        doc["scale"]["labels"]["en"][0] = f"[draft] no {evil}"
        doc["items"][0]["text"]["en"] = f"one {evil}"
        db.execute("UPDATE questionnaires SET document = ?", (json.dumps(doc),))
    db.close()
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_question(pilot, data, session_id)
        text = all_text(pilot)
        assert "\x1b" not in text and "\x07" not in text
        assert "one <U+001B>]0;pwned<U+0007><U+001B>[2J" in text
        assert "[draft] no <U+001B>" in text
        assert "Check [draft] <U+001B>" in text
        # what Textual draws (its screenshot of the screen): the escape as text, never the byte
        drawn = app.export_screenshot()
        assert "\x1b" not in drawn and "\x07" not in drawn
        assert "U+001B" in drawn
        await pilot.press("1", "1")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen))
        await pilot.pause()
        report = screen_text(pilot)
        assert "Check [draft] <U+001B>" in report and "\x1b" not in report


async def test_a_refused_group_name_is_a_message_that_names_the_character(tmp_path: Path) -> None:
    data, _ = markup_store(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, AddGroupDialog))
        app.screen.query_one("#name").value = "Tues\x1b[2Jday"  # as a paste would put it
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
        await wait_until(pilot, lambda: "U+001B" in screen_text(pilot))
        message = screen_text(pilot)
        assert "group name: U+001B (ESCAPE) at position 5 is not allowed" in message
        assert "\x1b" not in message
        await pilot.press("enter")
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, AddGroupDialog))
        await pilot.press(*"TUESDAY GROUP", "enter")
        await wait_until(pilot, lambda: "looks like this" in screen_text(pilot))
        assert "a group that looks like this already exists: 'Tuesday group'" in screen_text(pilot)
    with Store.open(data) as store:
        assert [g.name for g in store.groups()] == ["Tuesday group"]
