"""Member round: the privacy screen between members. It shows nothing of anyone's answers.

Each member who has just finished also sees where to get help: the device's crisis text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from ...core.checkscore import PRIVACY_FLOOR
from ...core.model import Questionnaire
from ...i18n import t
from ...store import Session
from ...text import shown
from .. import flow
from ..text import translate_bindings

if TYPE_CHECKING:
    from ..app import MagcheckApp


class HandoverScreen(Screen[None]):
    CSS_PATH = "handover.tcss"

    BINDINGS = [
        Binding("enter,space", "next_member", "tui.key.next_member"),
        Binding("ctrl+e", "end_round", "tui.key.end_round"),
        Binding("escape", "pause", "tui.key.pause"),
    ]

    def __init__(self, session: Session, questionnaire: Questionnaire, thanked: bool = False):
        super().__init__()
        self.session = session
        self.q = questionnaire
        self.thanked = thanked
        self.lang = questionnaire.text_lang(session.language)

    @property
    def mapp(self) -> MagcheckApp:
        return cast("MagcheckApp", self.app)

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Header()
        with Vertical(id="handover"):
            if self.thanked:
                yield Static(t("tui.handover.thanks", lang), id="thanks", classes="big")
                yield Static(
                    t("tui.handover.saved", lang, n=self._privacy_floor()), classes="hint-center"
                )
                yield Static(self._crisis_line(), id="crisis", markup=False)
            yield Static(t("tui.handover.pass", lang), id="pass", classes="big")
            yield Static(t("tui.handover.start_hint", lang), classes="hint-center")
            with Center():
                yield Button(t("tui.handover.start", lang), id="start", variant="primary")
            yield Static(t("tui.handover.end_hint", lang), classes="hint-center small")
        yield Footer()

    def _privacy_floor(self) -> int:
        store = self.mapp.store
        ok, floor = self.mapp.safely(store.privacy_floor) if store else (False, None)
        return floor if ok and floor is not None else PRIVACY_FLOOR

    def _crisis_line(self) -> str:
        """The device's local crisis text (a programme sets it), or where it can be set."""
        store = self.mapp.store
        ok, text = self.mapp.safely(store.crisis_text, self.lang) if store else (False, None)
        if ok and text:
            return t("report.crisis", self.lang, text=shown(text))
        return t("report.crisis_unset", self.lang)

    def on_mount(self) -> None:
        translate_bindings(self, self.lang)
        self.sub_title = t("tui.handover.title", self.lang)
        self.query_one("#start", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_next_member()

    def _start(self, role: str, code: str | None) -> None:
        # Only members answer in a round: the facilitator's view is the check's other part.
        from .question import QuestionScreen

        store = self.mapp.store
        if store is None:
            return
        ok, response = self.mapp.safely(store.start_response, self.session, role, code)
        if ok and response is not None:
            self.app.switch_screen(
                QuestionScreen(self.session, self.q, response, flow.ROUND, 0, {})
            )

    def action_next_member(self) -> None:
        store = self.mapp.store
        if store is None:
            return
        ok, code = self.mapp.safely(flow.next_member_code, store, self.session)
        if ok:
            self._start("member", code)

    def action_end_round(self) -> None:
        from .dialogs import ConfirmDialog

        def decided(end: bool | None) -> None:
            store = self.mapp.store
            if not end or store is None:
                return
            ok, _ = self.mapp.safely(flow.end_round, store, self.session)
            if ok:
                self.mapp.open_report(self.session, replace=True)

        self.app.push_screen(
            ConfirmDialog(
                t("tui.handover.end_question", self.lang),
                t("tui.handover.end_yes", self.lang),
                t("tui.handover.end_no", self.lang),
                self.lang,
            ),
            decided,
        )

    def action_pause(self) -> None:
        self.app.pop_screen()
