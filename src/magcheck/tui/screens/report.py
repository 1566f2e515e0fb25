"""Report: the check's parts, the facilitator-member comparison, benefit links and guidance; a key to export it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...errors import MagcheckError
from ...i18n import t
from ...report.build import CheckReport, build_report
from ...report.render import to_rich
from ...store import Session
from ..text import translate_bindings

if TYPE_CHECKING:
    from ..app import MagcheckApp


class ReportScreen(Screen[None]):
    CSS_PATH = "report.tcss"

    BINDINGS = [
        Binding("e", "export", "tui.key.export"),
        Binding("l", "app.next_language", "tui.key.language"),
        Binding("escape,h", "home", "tui.key.home"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.report: CheckReport | None = None
        self._width = 0

    @property
    def mapp(self) -> MagcheckApp:
        return cast("MagcheckApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="report-scroll"):
            yield Static("", id="report")
        yield Footer()

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#report-scroll").focus()

    def relabel(self) -> None:
        lang = self.mapp.lang
        translate_bindings(self, lang)
        self.sub_title = t("report.title", lang)
        store = self.mapp.store
        if store is None:
            return
        ok, session = self.mapp.safely(store.session, self.session.id)
        if ok and session is not None:
            self.session = session
            ok, check = self.mapp.safely(store.check_of, session)
            if ok and check is not None:
                ok, self.report = self.mapp.safely(build_report, store, check, lang)
        self._draw(force=True)

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _draw(self, force: bool = False) -> None:
        # The scroll area's width, less its scrollbar, so Rich lays the tables out to fit.
        width = max(40, self.query_one("#report-scroll").size.width - 2)
        if self.report is None or (width == self._width and not force):
            return
        self._width = width
        self.query_one("#report", Static).update(to_rich(self.report, width))

    def action_home(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        if self.report is not None:
            self.export(self.report)

    @work(thread=True, exclusive=True, group="export")
    def export(self, report: CheckReport) -> None:
        """File writing (with fsync) can be slow on an old disk: keep it off the event loop."""
        from ...report.files import write_report_markdown

        try:
            path = write_report_markdown(report, self.mapp.data_dir)
        except MagcheckError as exc:
            self.app.call_from_thread(self.mapp.show_error, exc)
            return
        self.app.call_from_thread(self._exported, path)

    def _exported(self, path: Path) -> None:
        lang = self.mapp.lang
        self.mapp.show_error(
            t("tui.report.exported", lang, path=str(path)), t("tui.report.exported_title", lang)
        )
