"""One item per screen: keys 1-5 answer and move on; 0/s, d and n give the non-answers the
scale offers; Left goes back; ? shows the keys and what the components mean.

The screen never says which component a question belongs to: naming it primes the answer.
Every answer is committed to the store before the next item is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from ...core.model import DONT_KNOW, NOT_APPLICABLE, PREFER_NOT_TO_SAY, Questionnaire
from ...i18n import t
from ...store import Response, Session
from ...text import shown
from .. import flow
from ..literal import literal
from ..text import translate_bindings
from ..widgets.progress import ItemProgress
from ..widgets.scale import ScaleChoices, option_value

# Typed keys for the non-answers (core.answering.NON_ANSWER_KEYS, and s for "skip").
NON_ANSWER_TYPED = {
    "0": PREFER_NOT_TO_SAY,
    "s": PREFER_NOT_TO_SAY,
    "d": DONT_KNOW,
    "n": NOT_APPLICABLE,
}

if TYPE_CHECKING:
    from ..app import MagcheckApp


class QuestionScreen(Screen[None]):
    CSS_PATH = "question.tcss"

    BINDINGS = [
        Binding("left,backspace", "back", "tui.key.back_item"),
        Binding("right", "forward", "tui.key.forward_item", show=False),
        Binding("escape", "pause", "tui.key.pause"),
        Binding("question_mark", "help", "tui.key.help", key_display="?"),
    ]

    def __init__(
        self,
        session: Session,
        questionnaire: Questionnaire,
        response: Response,
        mode: flow.Mode,
        index: int = 0,
        answers: dict[str, flow.Answer] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.q = questionnaire
        self.response = response
        self.mode = mode
        self.index = index
        self.answers: dict[str, flow.Answer] = dict(answers or {})
        self.lang = questionnaire.text_lang(session.language)

    @property
    def mapp(self) -> MagcheckApp:
        return cast("MagcheckApp", self.app)

    @property
    def item_id(self) -> str:
        return self.q.items[self.index].id

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Header()
        with Vertical(id="question"):
            yield ItemProgress(len(self.q.items), id="progress")
            yield Static("", id="item-text", markup=False)
            yield ScaleChoices(self.q.scale, lang, self.non_answer_labels(), id="choices")
            yield Static("", id="saved", classes="hint", markup=False)
            yield Static(self.keys_hint(), id="keys", classes="hint", markup=False)
        yield Footer()

    def non_answer_labels(self) -> dict[str, str]:
        return {kind: t(f"tui.question.{kind}", self.lang) for kind in self.q.scale.non_answers}

    def keys_hint(self) -> str:
        scale = self.q.scale
        parts = [t("tui.question.keys", self.lang, lo=scale.min, hi=scale.max)]
        parts += [t(f"tui.question.key_{kind}", self.lang) for kind in scale.non_answers]
        return " · ".join(parts)  # one line at 80 columns; the footer shows ? Help

    def on_mount(self) -> None:
        translate_bindings(self, self.lang)
        self.sub_title = shown(self.q.title[self.lang])  # the header shows it literally
        self.show_item()
        self.query_one("#choices", ScaleChoices).focus()

    def show_item(self) -> None:
        """Update the widgets in place (no recompose): this is the hot path between answers."""
        item = self.q.items[self.index]
        self.query_one("#progress", ItemProgress).show(self.index + 1, len(self.answers))
        self.query_one("#item-text", Static).update(literal(item.text[self.lang]))
        answered = item.id in self.answers
        value = self.answers.get(item.id)
        self.query_one("#choices", ScaleChoices).show_saved(value, answered)
        saved = self.query_one("#saved", Static)
        if value is not None:
            answer = (
                t(f"tui.question.{value}", self.lang)
                if isinstance(value, str)
                else f"{value}  {self.q.scale.label(value, self.lang)}"
            )
            saved.update(literal(t("tui.question.saved", self.lang, answer=answer)))
        else:
            saved.update("")

    # -- answering ---------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        key = (event.character or "").lower()
        if len(key) == 1 and key.isdigit() and int(key) in self.q.scale.points:
            event.stop()
            self.answer(int(key))
        elif key in NON_ANSWER_TYPED:
            event.stop()
            kind = NON_ANSWER_TYPED[key]
            if kind in self.q.scale.non_answers:
                self.answer(kind)
            else:
                label = t(f"tui.question.{kind}", self.lang)
                self.notify(t("tui.question.not_offered", self.lang, answer=label), timeout=3)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.answer(option_value(event.option.id))

    def answer(self, value: flow.Answer) -> None:
        """Store a point on the scale or a non-answer's kind, then show the next item."""
        store = self.mapp.store
        if store is None or self.index >= len(self.q.items):
            return
        ok, _ = self.mapp.safely(store.record_answer, self.response, self.item_id, value)
        if not ok:
            return  # the dialog says why; the item stays on screen to be answered again
        self.answers[self.item_id] = value
        if self.index + 1 < len(self.q.items):
            self.index += 1
            self.show_item()
        else:
            self.finish()

    def finish(self) -> None:
        store = self.mapp.store
        assert store is not None
        ok, _ = self.mapp.safely(store.complete_response, self.response)
        if not ok:
            return
        if self.mode == flow.ROUND:
            from .handover import HandoverScreen

            self.app.switch_screen(HandoverScreen(self.session, self.q, thanked=True))
        else:
            self.mapp.safely(store.close_session, self.session)
            self.mapp.open_report(self.session, replace=True)

    def action_back(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.show_item()
        else:
            self.notify(t("tui.question.first", self.lang), timeout=2)

    def action_forward(self) -> None:
        if self.item_id in self.answers and self.index + 1 < len(self.q.items):
            self.index += 1
            self.show_item()

    def action_help(self) -> None:
        from .dialogs import HelpDialog

        self.app.push_screen(HelpDialog(self.q.scale, self.lang))

    def action_pause(self) -> None:
        from .dialogs import ConfirmDialog

        def decided(stop: bool | None) -> None:
            if stop:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog(
                t("tui.question.pause_question", self.lang),
                t("tui.question.pause_yes", self.lang),
                t("tui.question.pause_no", self.lang),
                self.lang,
            ),
            decided,
        )
