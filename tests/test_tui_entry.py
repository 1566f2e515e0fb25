"""Paper entry in the app (Pilot, real store): keyed form after form, blind second pass, the
comparison screen settling disagreements."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from magcheck.core.questionnaires import load_all
from magcheck.store import Store
from magcheck.store.keyer import PassCursor
from magcheck.tui.app import make_app
from magcheck.tui.screens.compare import CompareScreen
from magcheck.tui.screens.entry import EntryScreen

from .tui_support import screen_text, wait_until, widget_text

SIZE = (100, 30)


def printed(tmp_path: Path, copies: int = 3) -> tuple[Path, list[str], int]:
    found, _ = load_all()
    data = tmp_path / "data"
    with Store.open(data) as store:
        forms = store.print_forms(store.add_group("Paper group"), found["member"], "en", copies)
    return data, [f.number for f in forms], len(found["member"].items)


def key_pass(data: Path, number: str, pass_no: int, keyer: str, keys: str) -> None:
    with Store.open(data) as store:
        serial = int(number.replace("-", "")[:-1])
        cursor = PassCursor(store, store.paper_form(serial), pass_no, keyer)
        for key in keys:
            cursor.press(key)


def text_of(app, selector: str) -> str:  # noqa: ANN001
    return widget_text(app.screen.query_one(selector, Static))


async def open_entry(pilot, keyer: str, pass_no: str) -> None:  # noqa: ANN001
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EntryScreen))
    await pilot.pause()
    await pilot.press(*keyer, "enter", pass_no, "enter")
    await pilot.pause()


async def test_a_form_is_keyed_with_auto_advance_backspace_and_refused_keys(
    tmp_path: Path,
) -> None:
    data, numbers, n = printed(tmp_path)
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "K1", "1")
        await pilot.press(*numbers[1].replace("-", ""), "enter")
        await pilot.pause()
        assert "form 2 of 3" in text_of(app, "#where")
        assert text_of(app, "#counter").strip() == f"Item 1 of {n}"
        await pilot.press("4", "7")  # 7 is on no box of this form
        await pilot.pause()
        assert text_of(app, "#counter").strip() == f"Item 2 of {n}"
        assert "Key 7 means nothing here" in text_of(app, "#message")
        assert "Key just typed: 4" in text_of(app, "#last")
        await pilot.press("9", "backspace", "0", "full_stop")
        await pilot.pause()
        assert text_of(app, "#counter").strip() == f"Item 4 of {n}"
        assert text_of(app, "#strip").split()[:4] == ["4", "0", ".", "_"]
        await pilot.press(*("3" * (n - 3)))
        await pilot.pause()
        assert "waiting for the other pass" in text_of(app, "#message")
        assert app.screen.focused is app.screen.query_one("#form")  # ready for the next form
        # The same form again in this pass: said, never keyed over.
        await pilot.press(*numbers[1], "enter")
        await pilot.pause()
        assert "already keyed in pass 1 (by K1)" in text_of(app, "#message")
    with Store.open(data) as store:
        keyed = store.keyed_pass(2, 1)
        q = store.questionnaire(store.paper_form(2).questionnaire_hash)
    assert keyed is not None and keyed.complete
    values = [keyed.values[it.id] for it in q.items]
    assert values[:4] == [4, "prefer_not_to_say", "blank", 3]


async def test_blind_second_pass_shows_nothing_of_the_first(tmp_path: Path) -> None:
    data, numbers, n = printed(tmp_path)
    key_pass(data, numbers[0], 1, "K1", "4" * n)  # pass 1: every item a 4
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "K2", "2")
        await pilot.press(*numbers[0], "enter")
        await pilot.pause()
        assert text_of(app, "#counter").strip() == f"Item 1 of {n}"
        assert text_of(app, "#strip").split() == ["_"] * n
        assert text_of(app, "#last").strip() == ""
        text = screen_text(pilot)
        assert "4 4" not in text and "K1" not in text and "pass 1" not in text.lower()
        await pilot.press("2")
        await pilot.pause()
        assert text_of(app, "#strip").split()[:2] == ["2", "_"]
        assert "4" not in text_of(app, "#strip")


async def test_comparison_screen_settles_every_disagreement_and_verifies(tmp_path: Path) -> None:
    data, numbers, n = printed(tmp_path, copies=2)
    key_pass(data, numbers[0], 1, "K1", "1" + "3" * (n - 1))
    key_pass(data, numbers[0], 2, "K2", "2" + "3" * (n - 2) + "5")
    app = make_app(data)
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "K3", "1")
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        await pilot.pause()
        assert "Disagreements left: 2." in text_of(app, "#count")
        rows = text_of(app, "#rows")
        assert f"Form {numbers[0]} · item 1 (" in rows and "first 1 · second 2" in rows
        assert f"item {n} (" in rows and "first 3 · second 5" in rows
        await pilot.press("s")  # the paper says 2: the second pass was right
        await pilot.pause()
        assert "Disagreements left: 1." in text_of(app, "#count")
        await pilot.press("4")  # the paper says 4: both passes were wrong
        await pilot.pause()
        assert "No disagreements left" in text_of(app, "#count")
        assert f"Form {numbers[0]}: both passes agree. Verified." in text_of(app, "#message")
    with Store.open(data) as store:
        (session,) = store.sessions()
        ((response, answers),) = store.session_answers(session)
        q = store.questionnaire(session.questionnaire_hash)
    assert response.source == "paper" and response.entered_by == "K1/K2"
    assert answers[q.items[0].id] == 2 and answers[q.items[-1].id] == 4
