"""Dialogs: a message (errors, export path), a yes/no confirmation, joining a check, a new
group, the question screen's help, a fatal error."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, Static

from ... import i18n
from ...core.model import COMPONENT_IDS, Scale
from ...errors import MagcheckError
from ...i18n import t
from ..literal import literal, literal_lines
from ..text import translate_bindings


class MessageDialog(ModalScreen[None]):
    """A readable message with one OK button; never a traceback."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [
        Binding("escape", "close", "tui.key.close"),
        Binding("enter", "close", "tui.key.close", show=False),
    ]

    def __init__(self, title: str, message: str, lang: str) -> None:
        super().__init__()
        self.heading = title
        self.message = message
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.heading), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(literal_lines(self.message), id="message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.dialog.ok", self.lang), id="ok", variant="primary")

    def on_mount(self) -> None:
        translate_bindings(self, self.lang)
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Asks before something that cannot be undone; only "yes" (y, or s for sí/sim) confirms."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [
        Binding("y", "yes", "tui.key.yes"),
        Binding("s", "yes_local", "tui.key.yes"),
        Binding("n,escape", "answer(False)", "tui.key.no"),
    ]

    def __init__(self, question: str, yes: str, no: str, lang: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                # "No" comes first and holds the focus, so a stray Enter does nothing harmful.
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="warning")

    def on_mount(self) -> None:
        translate_bindings(self, self.lang)
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "y" for yes in English; "s" for sí / sim in Spanish and Portuguese.
        if action == "yes":
            return self.lang == "en"
        if action == "yes_local":
            return self.lang != "en"
        return True

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_yes_local(self) -> None:
        self.dismiss(True)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class JoinCheckDialog(ModalScreen[bool | None]):
    """Join the group's open check (True) or start a new one (False); Esc (None) goes back.

    The button that holds the focus is the default, so Enter takes it.
    """

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [Binding("escape", "back", "tui.key.back")]

    def __init__(self, question: str, join: str, new: str, join_default: bool, lang: str):
        super().__init__()
        self.question = question
        self.join = join
        self.new = new
        self.join_default = join_default
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("tui.new.check_title", self.lang), classes="dialog-title")
            yield Static(self.question, markup=False, id="check-question")
            with Vertical(id="check-choices"):
                # The default looks like one: primary, and it holds the focus.
                yield Button(self.join, id="join", variant=_primary_if(self.join_default))
                yield Button(self.new, id="new", variant=_primary_if(not self.join_default))

    def on_mount(self) -> None:
        translate_bindings(self, self.lang)
        self.query_one("#join" if self.join_default else "#new", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "join")

    def action_back(self) -> None:
        self.dismiss(None)


def _primary_if(default: bool) -> Literal["primary", "default"]:
    return "primary" if default else "default"


class AddGroupDialog(ModalScreen[str | None]):
    """Asks for a new group's name; returns it, or None when cancelled."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [Binding("escape", "cancel", "tui.key.cancel")]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("tui.group.title", self.lang), classes="dialog-title")
            yield Static(t("tui.group.hint", self.lang), classes="dialog-hint")
            yield Input(placeholder=t("tui.group.placeholder", self.lang), id="name", max_length=80)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.dialog.cancel", self.lang), id="cancel")
                yield Button(t("tui.group.add", self.lang), id="add", variant="primary")

    def on_mount(self) -> None:
        translate_bindings(self, self.lang)
        self.query_one("#name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "add":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if name:
            self.dismiss(name)
        else:
            self.query_one("#name", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpDialog(ModalScreen[None]):
    """The question screen's keys and what each of the eight components means. Deliberately
    not which component the question on screen belongs to: that would prime the answer."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [
        Binding("escape,question_mark", "close", "tui.key.close"),
        Binding("enter", "close", "tui.key.close", show=False),
    ]

    def __init__(self, scale: Scale, lang: str) -> None:
        super().__init__()
        self.scale = scale
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help"):
            yield Label(t("tui.question.help_title", self.lang), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", id="help-body"):
                yield Static(self.help_text(), id="help-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.dialog.ok", self.lang), id="ok", variant="primary")

    def help_text(self) -> Text:
        """Plain Text: definitions are data, shown as written."""
        lang = self.lang
        text = Text()
        text.append(t("tui.question.help_keys", lang) + "\n", style="bold")
        lines = [t("tui.question.help_answer", lang, lo=self.scale.min, hi=self.scale.max)]
        lines += [t(f"tui.question.key_{kind}", lang) for kind in self.scale.non_answers]
        lines += [t(f"tui.question.help_{key}", lang) for key in ("back", "forward", "pause")]
        for line in lines:
            text.append(f"  {line}\n")
        text.append("\n" + t("tui.question.help_components", lang) + "\n", style="bold")
        text.append(t("tui.question.help_components_intro", lang) + "\n")
        for component in COMPONENT_IDS:
            text.append("\n" + i18n.name(component, lang), style="bold")
            text.append("\n" + i18n.definition(component, lang) + "\n")
        text.rstrip()
        return text

    def on_mount(self) -> None:
        translate_bindings(self, self.lang)
        self.query_one("#help-body", VerticalScroll).focus()  # arrows and PageDown scroll

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class FatalScreen(Screen[None]):
    """Shown when the store cannot be opened at all: the reason, and how to leave."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [Binding("q,escape", "leave", "tui.key.quit")]

    def __init__(self, error: MagcheckError) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        with Vertical(classes="dialog"):
            yield Label(t("tui.error.cannot_start", lang), classes="dialog-title")
            yield Static(literal_lines(self.error), id="message")
            yield Static(t("tui.error.cannot_start_hint", lang), classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, getattr(self.app, "lang", "en"))

    def action_leave(self) -> None:
        self.app.exit(return_code=1)
