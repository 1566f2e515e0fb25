"""New session: pick or create a group, a questionnaire, a language and a mode, then start.

A session is one part of a check (one meeting's assessment). When the group's newest check still
lacks the part being started, Start asks whether to join it (the default when it is today's) or
to start a new check.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, RadioButton, RadioSet, Select, Static

from ...core.model import Questionnaire
from ...i18n import language_name, t, ui_languages
from ...store import Check, Group
from .. import flow
from ..literal import literal
from .dialogs import JoinCheckDialog

if TYPE_CHECKING:
    from ..app import MagcheckApp


class NewSessionScreen(Screen[None]):
    CSS_PATH = "new_session.tcss"

    BINDINGS = [
        Binding("ctrl+s", "start", "tui.key.start"),
        Binding("g", "add_group", "tui.key.add_group"),
        Binding("escape", "cancel", "tui.key.back"),
    ]

    def __init__(self, group_id: str | None = None) -> None:
        super().__init__()
        self.group_id = group_id
        self.mode: flow.Mode = flow.FACILITATOR
        self.questionnaire_ids: list[str] = []

    @property
    def mapp(self) -> MagcheckApp:
        return cast("MagcheckApp", self.app)

    def compose(self) -> ComposeResult:
        lang = self.mapp.lang
        yield Header()
        with Vertical(id="form"):
            with Horizontal(id="group-row"):
                with Vertical(id="group-field"):
                    yield Label(t("tui.new.group", lang), classes="field-label")
                    yield Select[str](
                        [], id="group", allow_blank=True, prompt=t("tui.new.pick_group", lang)
                    )
                yield Button(t("tui.new.add_group", lang), id="add-group")
            yield Label(t("tui.new.questionnaire", lang), classes="field-label spaced")
            yield RadioSet(id="questionnaire")
            yield Static(t("tui.new.loading", lang), id="q-loading", classes="hint")
            with Horizontal(id="choice-row"):
                with Vertical(classes="form-col", id="language-col"):
                    yield Label(t("tui.new.language", lang), classes="field-label")
                    with RadioSet(id="language"):
                        for code in ui_languages():
                            yield RadioButton(
                                language_name(code), value=code == lang, id=f"lang-{code}"
                            )
                with Vertical(classes="form-col"):
                    yield Label(t("tui.new.mode", lang), classes="field-label")
                    with RadioSet(id="mode"):
                        yield RadioButton(
                            t("tui.mode.facilitator", lang), value=True, id="mode-facilitator"
                        )
                        yield RadioButton(t("tui.mode.round", lang), id="mode-round")
                    yield Static(
                        t("tui.mode.facilitator_help", lang), id="mode-help", classes="hint"
                    )
        with Horizontal(id="form-buttons"):
            yield Button(t("tui.dialog.cancel", lang), id="cancel")
            yield Button(t("tui.new.start", lang), id="start", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        from ..text import translate_bindings

        translate_bindings(self, self.mapp.lang)
        self.sub_title = t("tui.new.title", self.mapp.lang)
        self._fill_groups()
        self.mapp.when_questionnaires_loaded(self._fill_questionnaires_later)
        self.query_one("#group", Select).focus()

    def _fill_questionnaires_later(self) -> None:
        self.call_later(self._fill_questionnaires)

    def _fill_groups(self, select_id: str | None = None) -> None:
        groups = self.mapp.groups()
        if groups is None:
            return
        select = cast("Select[str]", self.query_one("#group", Select))
        select.set_options((literal(g.name), g.id) for g in groups)  # a name is never markup
        wanted = select_id or self.group_id or (groups[0].id if len(groups) == 1 else None)
        if wanted and any(g.id == wanted for g in groups):
            select.value = wanted

    async def _fill_questionnaires(self) -> None:
        if not self.is_mounted:
            return
        lang = self.mapp.lang
        found = self.mapp.questionnaires or {}
        self.questionnaire_ids = list(found)
        radios = self.query_one("#questionnaire", RadioSet)
        await radios.remove_children()
        await radios.mount_all(
            RadioButton(  # a title is data: Content shows it as written, never as markup
                literal(
                    t("tui.new.q_label", lang, title=q.title[q.text_lang(lang)], n=len(q.items))
                ),
                id=f"q-{q.id}",
            )
            for q in found.values()
        )
        loading = self.query_one("#q-loading", Static)
        if found:
            loading.display = False
        else:
            loading.update(t("tui.new.no_questionnaires", lang))
        self._pick_questionnaire_for_mode()

    def _pick_questionnaire_for_mode(self) -> None:
        found = self.mapp.questionnaires or {}
        want = flow.role_for(self.mode)
        buttons = list(self.query_one("#questionnaire", RadioSet).query(RadioButton))
        if not buttons:
            return
        matching = [
            b
            for qid, b in zip(self.questionnaire_ids, buttons, strict=False)
            if found[qid].role == want
        ]
        chosen = matching[0] if matching else next((b for b in buttons if b.value), buttons[0])
        # Set every button explicitly: this runs while the mode's RadioSet.Changed is handled,
        # when the buttons' own Changed messages are held back, so the RadioSet never hears of it.
        for button in buttons:
            button.value = button is chosen

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id == "questionnaire":
            # The RadioSet switches off only the button it last saw pressed, not the one picked
            # for the mode above: switch every other one off, so one questionnaire is chosen.
            for button in event.radio_set.query(RadioButton):
                if button is not event.pressed:
                    button.value = False
        elif event.radio_set.id == "mode":
            self.mode = flow.MODES[event.index]
            self.query_one("#mode-help", Static).update(
                t(f"tui.mode.{self.mode}_help", self.mapp.lang)
            )
            self._pick_questionnaire_for_mode()

    # -- actions -----------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "add-group":
            self.action_add_group()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.app.pop_screen()

    def action_add_group(self) -> None:
        self.mapp.ask_new_group(lambda group: self._fill_groups(group.id))

    def _chosen_questionnaire(self) -> Questionnaire | None:
        buttons = list(self.query_one("#questionnaire", RadioSet).query(RadioButton))
        index = next((i for i, b in enumerate(buttons) if b.value), -1)
        if index < 0 or index >= len(self.questionnaire_ids):
            return None
        return (self.mapp.questionnaires or {})[self.questionnaire_ids[index]]

    def action_start(self) -> None:
        lang = self.mapp.lang
        store = self.mapp.store
        if store is None:
            return
        group_id = self.query_one("#group", Select).value
        if not isinstance(group_id, str):
            self.mapp.show_error(t("tui.new.need_group", lang), t("tui.new.title", lang))
            return
        q = self._chosen_questionnaire()
        if q is None:
            self.mapp.show_error(t("tui.new.need_questionnaire", lang), t("tui.new.title", lang))
            return
        language = ui_languages()[max(0, self.query_one("#language", RadioSet).pressed_index)]
        if language not in q.languages:
            self.mapp.show_error(
                t(
                    "tui.new.no_language",
                    lang,
                    language=language_name(language),
                    have=", ".join(q.languages),
                ),
                t("tui.new.title", lang),
            )
            return
        ok, group = self.mapp.safely(store.group, group_id)
        if not ok or group is None:
            return
        open_check = self._open_check(group, q)
        if open_check is None:
            self._start(group, q, language, None)
            return

        def decided(join: bool | None) -> None:
            if join is not None:
                self._start(group, q, language, open_check if join else None)

        done = open_check.sessions[0]
        status = "complete" if done.status == "complete" else "in_progress"
        question = t(
            "tui.new.check_question",
            lang,
            group=group.name,
            date=open_check.date,
            part=t(f"tui.new.part_{done.questionnaire_role}_{status}", lang),
        )
        self.app.push_screen(
            JoinCheckDialog(
                question,
                t("tui.new.join_check", lang, date=open_check.date),
                t("tui.new.new_check", lang),
                join_default=open_check.date == date.today().isoformat(),
                lang=lang,
            ),
            decided,
        )

    def _open_check(self, group: Group, q: Questionnaire) -> Check | None:
        """The group's newest check when it still lacks the part q answers (its role)."""
        store = self.mapp.store
        ok, checks = self.mapp.safely(store.checks, group) if store else (False, None)
        newest = checks[0] if ok and checks else None
        if newest is None or newest.part(q.role) is not None or not newest.sessions:
            return None
        # Only the two parts this screen can name: a self-assessment and a member round.
        if any(s.questionnaire_role not in ("facilitator", "member") for s in newest.sessions):
            return None
        return newest

    def _start(self, group: Group, q: Questionnaire, language: str, check: Check | None) -> None:
        store = self.mapp.store
        if store is None:
            return
        ok, session = self.mapp.safely(store.create_session, group, q, language, None, check)
        if not ok or session is None:
            return
        self.mapp.safely(flow.remember_mode, store, session, self.mode)
        self.mapp.open_session(session, replace=True)
