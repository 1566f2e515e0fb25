"""Entering paper forms: keyer code and pass, then form after form: its number (typed or
scanned), then one key per item with auto-advance. Pass 2 is blind: nothing of pass 1 shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from ...core.keying import BLANK, check_keyer_code, check_pass, key_of
from ...errors import MagcheckError
from ...i18n import t
from ...store.entry import AlreadyKeyed, Outcome
from ...store.keyer import PassCursor, find_form
from ..literal import literal
from ..text import translate_bindings
from ..widgets.footer import KeysFooter

if TYPE_CHECKING:
    from ..app import MagcheckApp

STRIP_WIDTH = 60  # the keys of this pass shown under the item, at most this many


class KeyPad(Static, can_focus=True):
    """Holds the focus while a form is keyed, so every key reaches the screen (not an input)."""


class EntryScreen(Screen[None]):
    CSS_PATH = "entry.tcss"
    AUTO_FOCUS = "#keyer"

    BINDINGS = [
        Binding("escape", "back", "tui.key.back"),
        Binding("f2", "compare", "tui.key.compare"),
        Binding("f3", "review", "tui.key.review"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.keyer: str | None = None
        self.pass_no: int | None = None
        self.cursor: PassCursor | None = None
        self.already: AlreadyKeyed | None = None
        translate_bindings(self, self.mapp.lang)

    @property
    def mapp(self) -> MagcheckApp:
        return cast("MagcheckApp", self.app)

    def compose(self) -> ComposeResult:
        lang = self.mapp.lang
        yield Header()
        with Vertical(id="entry"):
            yield Input(placeholder=t("tui.entry.keyer", lang), id="keyer", max_length=16)
            yield Input(
                placeholder=t("tui.entry.pass", lang), id="pass", restrict="[12]", max_length=1
            )
            yield Static("", id="session")
            yield Input(placeholder=t("tui.entry.form", lang), id="form", disabled=True)
            yield Static("", id="where")
            yield Static("", id="counter", classes="big")
            yield Static("", id="item")
            yield KeyPad("", id="strip")
            yield Static("", id="last")
            yield Static("", id="legend", classes="hint")
            yield Static("", id="message")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = t("tui.entry.title", self.mapp.lang)

    # -- setup: keyer, pass, form number ----------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "keyer":
            self.query_one("#pass", Input).focus()
        elif event.input.id == "pass":
            self._begin()
        elif event.input.id == "form":
            self._open_form(event.value)

    def _begin(self) -> None:
        try:
            keyer = check_keyer_code(self.query_one("#keyer", Input).value)
            value = self.query_one("#pass", Input).value
            pass_no = check_pass(int(value) if value in ("1", "2") else value)
        except MagcheckError as exc:
            self._say(str(exc))
            return
        self.keyer, self.pass_no = keyer, pass_no
        for box in ("#keyer", "#pass"):
            self.query_one(box, Input).display = False
        self.query_one("#session", Static).update(
            literal(t("tui.entry.session", self.mapp.lang, pass_no=pass_no, keyer=keyer))
        )
        self._ask_form()

    def _ask_form(self) -> None:
        box = self.query_one("#form", Input)
        box.disabled = False
        box.value = ""
        box.focus()

    def _open_form(self, text: str) -> None:
        store = self.mapp.store
        if store is None or self.keyer is None or self.pass_no is None or not text.strip():
            return
        self.already = None
        try:
            form = find_form(store, text)
            self.cursor = PassCursor(store, form, self.pass_no, self.keyer)
        except AlreadyKeyed as exc:
            self.already = exc
            lang = self.mapp.lang
            self._say(
                t(
                    "tui.entry.already",
                    lang,
                    number=exc.form.number,
                    pass_no=exc.pass_no,
                    keyer=exc.keyer,
                )
            )
            self.query_one("#form", Input).value = ""
            return
        except MagcheckError as exc:
            self._say(str(exc))
            self.query_one("#form", Input).value = ""
            return
        self._say("")
        cursor = self.cursor
        f = cursor.form
        self.query_one("#where", Static).update(
            literal(
                t(
                    "tui.entry.where",
                    self.mapp.lang,
                    number=f.number,
                    position=f.position,
                    size=f.batch_size,
                    group=f.group_name,
                )
            )
        )
        self.query_one("#legend", Static).update(self._legend())
        if cursor.outcome is not None:  # every key was saved before a stop: only the end is left
            self._finished(cursor.outcome)
            return
        self.query_one("#form", Input).disabled = True
        self.query_one("#strip", KeyPad).focus()
        self._draw()

    # -- keying ------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        cursor = self.cursor
        if cursor is None or cursor.done or self.focused is not self.query_one("#strip"):
            return
        if event.key == "escape":
            return  # the binding stops keying
        event.stop()
        event.prevent_default()
        if event.key == "backspace":
            if self.mapp.safely(cursor.back)[0]:
                self._say("")
                self._draw()
            return
        key = event.character or event.key
        if key not in cursor.keys:
            keys = self._keys_text()
            self._say(t("tui.entry.refused", self.mapp.lang, typed=key[:8], keys=keys))
            return
        ok, _ = self.mapp.safely(cursor.press, key)
        if not ok:
            return
        self._say("")
        if cursor.outcome is not None:
            self._draw()
            self._finished(cursor.outcome)
        else:
            self._draw()

    def _keys_text(self) -> str:
        from ...core.keying import legend

        return legend(self.cursor.keys) if self.cursor is not None else ""

    def _legend(self) -> str:
        assert self.cursor is not None
        lang = self.mapp.lang
        scale = self.cursor.q.scale
        extra = "".join(
            " · " + t(f"tui.entry.key_{kind}", lang)
            for kind in ("prefer_not_to_say", "dont_know", "not_applicable")
            if kind in self.cursor.keys.values()
        )
        return t("tui.entry.legend", lang, points=f"{scale.min}-{scale.max}", extra=extra)

    def _draw(self) -> None:
        """Counter, item, this pass's keys so far and the key just typed. Only this pass's keys
        are ever read here: the other pass stays unseen."""
        cursor = self.cursor
        if cursor is None:
            return
        lang = self.mapp.lang
        total = len(cursor.items)
        n = min(cursor.index + 1, total)
        self.query_one("#counter", Static).update(t("tui.entry.counter", lang, n=n, total=total))
        item = cursor.item
        if item is not None:
            text = item.text.get(cursor.q.text_lang(cursor.form.language), "")
            self.query_one("#item", Static).update(literal(f"{n}. {item.id} · {text}"))
        strip = " ".join(
            key_of(cursor.values[it.id]) if it.id in cursor.values else "_" for it in cursor.items
        )
        self.query_one("#strip", KeyPad).update(strip[: STRIP_WIDTH * 2])
        last = cursor.last
        self.query_one("#last", Static).update(
            t("tui.entry.last", lang, typed=last) if last is not None else ""
        )

    def _finished(self, outcome: Outcome) -> None:
        lang, number = self.mapp.lang, outcome.form.number
        if outcome.verified:
            self._say(t("tui.entry.verified", lang, number=number))
        elif outcome.unresolved:
            self._say(t("tui.entry.disagree", lang, number=number, n=outcome.unresolved))
        else:
            self._say(t("tui.entry.pass_open", lang, number=number))
        self._ask_form()

    def _say(self, text: str) -> None:
        self.query_one("#message", Static).update(literal(text))

    # -- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        keying = self.cursor is not None and not self.cursor.done
        if action == "compare":
            return not keying and self.keyer is not None
        if action == "review":
            return not keying and self.already is not None
        return True

    def action_back(self) -> None:
        """Stop keying this form (every key is saved) and ask for a form number; from there,
        back to home."""
        if self.cursor is not None and not self.cursor.done:
            self.cursor = None
            self._ask_form()
            self.refresh_bindings()
            return
        self.app.pop_screen()

    def action_compare(self) -> None:
        from .compare import CompareScreen

        if self.keyer is not None:
            self.app.push_screen(CompareScreen(self.keyer))

    def action_review(self) -> None:
        """The keys of the pass already keyed (the keyer's own pass, asked for by its number)."""
        from .dialogs import MessageDialog

        store, exc = self.mapp.store, self.already
        if store is None or exc is None:
            return
        keyed = store.keyed_pass(exc.form.serial, exc.pass_no)
        q = store.questionnaire(exc.form.questionnaire_hash)
        if keyed is None:
            return
        lines = [
            f"{n}. {item.id}: {key_of(keyed.values.get(item.id, BLANK))}"
            for n, item in enumerate(q.items, start=1)
        ]
        lang = self.mapp.lang
        title = t("tui.entry.review_title", lang, number=exc.form.number, pass_no=exc.pass_no)
        self.app.push_screen(MessageDialog(title, "\n".join(lines), lang))
