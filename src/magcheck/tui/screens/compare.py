"""The two passes' disagreements, one line each; the keyer looks at the paper form and keeps
the first pass's value (f), the second's (s), or types what the paper says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ...core.keying import Disagreement, Keyed, key_of, keymap, read_key
from ...core.model import Questionnaire
from ...errors import MagcheckError
from ...i18n import t
from ...store.paper import PaperForm
from ..literal import literal
from ..text import translate_bindings
from ..widgets.footer import KeysFooter

if TYPE_CHECKING:
    from ..app import MagcheckApp


@dataclass(frozen=True)
class Open:
    form: PaperForm
    q: Questionnaire
    d: Disagreement


class CompareScreen(Screen[None]):
    CSS_PATH = "entry.tcss"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "tui.key.back"),
        Binding("f", "take(1)", "tui.key.take_first"),
        Binding("s", "take(2)", "tui.key.take_second"),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    def __init__(self, keyer: str) -> None:
        super().__init__()
        self.keyer = keyer
        self.open: list[Open] = []
        self.index = 0
        translate_bindings(self, self.mapp.lang)

    @property
    def mapp(self) -> MagcheckApp:
        return cast("MagcheckApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="compare"):
            yield Static("", id="count")
            yield Static("", id="current", classes="big")
            with VerticalScroll(id="rows-scroll"):
                yield Static("", id="rows")
            yield Static("", id="message")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = t("tui.compare.title", self.mapp.lang)
        self.reload()

    def reload(self) -> None:
        store = self.mapp.store
        if store is None:
            return
        found: list[Open] = []
        for status in store.entry_status():
            if status.verified or not status.unresolved:
                continue
            q = store.questionnaire(status.form.questionnaire_hash)
            resolved = store.resolutions(status.form.serial)
            found += [
                Open(status.form, q, d)
                for d in store.disagreements(status.form, q)
                if d.item_id not in resolved
            ]
        self.open = found
        self.index = min(self.index, max(len(found) - 1, 0))
        self._draw()

    def _row(self, o: Open) -> str:
        return t(
            "tui.compare.row",
            self.mapp.lang,
            number=o.form.number,
            n=o.d.number,
            item=o.d.item_id,
            first=key_of(o.d.first),
            second=key_of(o.d.second),
        )

    def _draw(self) -> None:
        lang = self.mapp.lang
        if not self.open:
            self.query_one("#count", Static).update(t("tui.compare.none", lang))
            self.query_one("#current", Static).update("")
            self.query_one("#rows", Static).update("")
            return
        self.query_one("#count", Static).update(t("tui.compare.count", lang, n=len(self.open)))
        o = self.open[self.index]
        text = o.q.item(o.d.item_id).text.get(o.q.text_lang(o.form.language), "")
        self.query_one("#current", Static).update(literal(f"{o.d.number}. {text}"))
        rows = [("> " if i == self.index else "  ") + self._row(x) for i, x in enumerate(self.open)]
        self.query_one("#rows", Static).update(literal("\n".join(rows)))

    def action_move(self, step: int) -> None:
        if self.open:
            self.index = (self.index + step) % len(self.open)
            self._draw()

    def action_take(self, which: int) -> None:
        if self.open:
            o = self.open[self.index]
            self._resolve(o, o.d.first if which == 1 else o.d.second)

    def on_key(self, event: events.Key) -> None:
        """A key on the scale (or 0, 8, 9, .): the value read from the paper form."""
        if not self.open or event.character is None:
            return
        o = self.open[self.index]
        keys = keymap(o.q.scale)
        if event.character in keys:
            event.stop()
            self._resolve(o, read_key(keys, event.character))

    def _resolve(self, o: Open, value: Keyed) -> None:
        store = self.mapp.store
        if store is None:
            return
        try:
            out = store.resolve(o.form, o.q, o.d.item_id, value, self.keyer)
        except MagcheckError as exc:
            self.mapp.show_error(exc)
            return
        if out.verified:
            message = t("tui.entry.verified", self.mapp.lang, number=o.form.number)
        else:
            message = ""
        self.query_one("#message", Static).update(literal(message))
        self.reload()
