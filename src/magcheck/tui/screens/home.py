"""Home: groups and every session, newest first; filter by group, start, resume, open a report.

The first screen the user waits for, so it is built to be cheap: two line-drawn lists (only the
rows on screen are formatted, however many sessions there are), one read of the newest sessions
before the first frame, and every session read in a thread after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header
from textual.worker import get_current_worker

from ...i18n import t
from ...store import Group, Session, Store
from ...text import shown
from ..text import translate_bindings
from ..widgets.footer import KeysFooter
from ..widgets.rows import RowList

if TYPE_CHECKING:
    from textual.widgets import Input

    from ..app import MagcheckApp

ALL_GROUPS = "__all__"
FIRST_PAGE = 100  # sessions read before the first frame: more rows than any terminal shows


class HomeScreen(Screen[None]):
    AUTO_FOCUS = "#sessions"  # focused once, as the screen opens (each focus change redraws keys)

    BINDINGS = [
        Binding("n", "new_session", "tui.key.new_session"),
        Binding("r", "report", "tui.key.report"),
        Binding("g", "add_group", "tui.key.add_group"),
        Binding("e", "enter_paper", "tui.key.enter_paper"),
        Binding("slash", "filter", "tui.key.filter", key_display="/"),
        Binding("l", "app.next_language", "tui.key.language"),
        Binding("q", "app.quit", "tui.key.quit"),
        Binding("escape", "clear_filter", show=False),  # the filter box says so
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group_id: str = ALL_GROUPS
        self.filter_text = ""
        self.groups: list[Group] = []
        self.sessions: list[Session] = []  # newest first; every session once `complete`
        self.complete = False
        self._shown = False
        # Translated before the footer is composed: translating later makes it compose twice.
        translate_bindings(self, self.mapp.lang)
        self.sub_title = t("tui.home.title", self.mapp.lang)

    @property
    def mapp(self) -> MagcheckApp:
        return cast("MagcheckApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield RowList[Group | None](self._format_group, id="groups")
        with Vertical(id="sessions-pane"):
            yield RowList[Session](self._format_session, self._format_header, id="sessions")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._fill_titles()
        store = self.mapp.store
        if store is None:
            return
        # One read before the first frame: the groups and the newest sessions. Every session
        # follows from a thread once the first frame is on screen.
        ok, newest = self.mapp.safely(store.newest_sessions, FIRST_PAGE)
        groups = self.mapp.groups()
        if ok and newest is not None and groups is not None:
            self._show_data(groups, newest, complete=len(newest) < FIRST_PAGE)
        self.call_after_refresh(self._first_screen_drawn)

    def _first_screen_drawn(self) -> None:
        """The first full screen is out: every session, and the app's own loading, follow."""
        if not self.complete and self.mapp.store is not None:
            self.load_sessions()
        self.mapp.first_screen_drawn()

    def on_screen_resume(self) -> None:
        if self._shown:  # back from another screen: sessions may have changed
            self.reload()
        self._shown = True

    def relabel(self) -> None:
        """The UI language changed: every text on the screen follows."""
        translate_bindings(self, self.mapp.lang)
        self._fill_titles()
        self._refilter()
        self.query_one("#groups", RowList).refresh()

    def _fill_titles(self) -> None:
        lang = self.mapp.lang
        self.sub_title = t("tui.home.title", lang)
        self.query_one("#groups", RowList).border_title = t("tui.home.groups", lang)
        if self.query("#filter"):
            from textual.widgets import Input

            box = self.query_one("#filter", Input)
            box.placeholder = t("tui.home.filter_placeholder", lang)
            box.border_title = t("tui.key.filter", lang)
            box.border_subtitle = "Esc: " + t("tui.key.clear_filter", lang)

    # -- data --------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read groups and every session again (in a thread: there may be thousands)."""
        groups = self.mapp.groups()
        if groups is not None:
            self.groups = groups
            self._refilter()
        self.load_sessions()

    @work(thread=True, exclusive=True, group="home-sessions")
    def load_sessions(self) -> None:
        """Every session, read on a connection of its own so the app's stays free."""
        store = self.mapp.store
        if store is None:
            return
        reader = Store(store.path)
        try:
            sessions = reader.newest_sessions()  # the first page's order
            groups = reader.groups()
        finally:
            reader.close()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_data, groups, sessions, True)

    def _show_data(self, groups: list[Group], sessions: list[Session], complete: bool) -> None:
        self.groups, self.sessions, self.complete = groups, sessions, complete
        self._refilter()

    def _matches(self, name: str) -> bool:
        return self.filter_text.casefold() in name.casefold()

    def _refilter(self) -> None:
        """Fill both lists from the data, the filter and the group picked; keep each cursor's row."""
        lang = self.mapp.lang
        groups = [g for g in self.groups if self._matches(g.name)]
        if self.group_id != ALL_GROUPS and all(g.id != self.group_id for g in groups):
            self.group_id = ALL_GROUPS
        group_rows: list[Group | None] = [None, *groups]  # None: all (matching) groups
        ids = [g.id if g else ALL_GROUPS for g in group_rows]
        self.query_one("#groups", RowList).set_rows(group_rows, ids.index(self.group_id))

        if self.group_id != ALL_GROUPS:
            shown = [s for s in self.sessions if s.group_id == self.group_id]
        elif self.filter_text:
            matching = {g.id for g in groups}
            shown = [s for s in self.sessions if s.group_id in matching]
        else:
            shown = self.sessions
        session_list = self.query_one("#sessions", RowList)
        current = session_list.current
        index = 0
        if current is not None:
            index = next(
                (i for i, s in enumerate(shown) if s.id == current.id), session_list.cursor
            )
        session_list.set_rows(shown, index)

        total = f"{len(self.sessions):,}" if self.complete else "…"
        if len(shown) == len(self.sessions):
            title = t("tui.home.sessions", lang, n=total)
        else:
            title = t("tui.home.sessions_filtered", lang, shown=f"{len(shown):,}", n=total)
        session_list.border_title = title
        if not self.groups:
            empty = t("tui.home.no_groups", lang)
        elif self.filter_text and not groups:
            empty = t("tui.home.no_match", lang, text=self.filter_text)
        else:
            empty = t("tui.home.no_sessions", lang)
        session_list.set_empty_text(empty)

    # -- rows ----------------------------------------------------------------------------------

    def _format_group(self, group: Group | None, width: int) -> Text:
        return Text(_printable(group.name) if group else t("tui.home.all_groups", self.mapp.lang))

    def _columns(self, width: int) -> list[int]:
        """date, group, questionnaire, n, status: the group column takes what width is left."""
        lang = self.mapp.lang
        status = max(len(t("tui.status.in_progress", lang)), len(t("tui.status.complete", lang)))
        if self.group_id != ALL_GROUPS:
            return [10, 0, max(width - (10 + 3 + status + 3), 8), 3, status]
        group = max(width - (10 + 11 + 3 + status + 4), 8)
        questionnaire = 11  # "facilitator"; its heading is cut at 80 columns
        if group >= 22:  # room for the whole heading too
            questionnaire, group = 13, group - 2
        if group > 40:  # a wide terminal: group names in full first, then the rest
            questionnaire, group = questionnaire + group - 40, 40
        return [10, group, questionnaire, 3, status]

    def _row(self, cells: list[str], width: int) -> Text:
        widths = self._columns(width)
        text = Text(no_wrap=True, end="")
        for i, (cell, size) in enumerate(zip(cells, widths, strict=True)):
            if not size:
                continue
            piece = Text(_printable(cell))
            piece.truncate(size, overflow="ellipsis")
            if i == 3:  # n: right-aligned
                piece.pad_left(size - piece.cell_len)
            else:
                piece.pad_right(size - piece.cell_len)
            if i:
                text.append(" ")
            text.append_text(piece)
        return text

    def _format_header(self, width: int) -> Text:
        lang = self.mapp.lang
        keys = ("col_date", "col_group", "col_questionnaire", "col_n", "col_status")
        return self._row([t(f"tui.home.{k}", lang) for k in keys], width)

    def _format_session(self, s: Session, width: int) -> Text:
        status = "in_progress" if s.status == "in progress" else "complete"
        cells = [s.date, s.group_name, s.questionnaire_id, str(s.respondents)]
        return self._row([*cells, t(f"tui.status.{status}", self.mapp.lang)], width)

    # -- events ----------------------------------------------------------------------------------

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        if event.row_list.id == "groups":
            group = event.row_list.current
            group_id = group.id if group is not None else ALL_GROUPS
            if group_id != self.group_id:
                self.group_id = group_id
                self._refilter()

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
        if event.row_list.id == "groups":
            self.query_one("#sessions", RowList).focus()
        else:
            self.action_open()

    def _current(self) -> Session | None:
        """The session under the cursor, read afresh: the list may be a moment old."""
        session = self.query_one("#sessions", RowList).current
        store = self.mapp.store
        if not isinstance(session, Session) or store is None:
            return None
        ok, fresh = self.mapp.safely(store.session, session.id)
        return fresh if ok else None

    # -- filter ----------------------------------------------------------------------------------

    def action_filter(self) -> None:
        from textual.widgets import Input  # not before the first frame: only the filter uses it

        if self.query("#filter"):
            self.query_one("#filter", Input).focus()
            return
        box = Input(
            self.filter_text,
            placeholder=t("tui.home.filter_placeholder", self.mapp.lang),
            id="filter",
        )
        box.border_title = t("tui.key.filter", self.mapp.lang)
        box.border_subtitle = "Esc: " + t("tui.key.clear_filter", self.mapp.lang)
        self.query_one("#sessions-pane").mount(box, before=0)
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            event.stop()
            self.filter_text = event.value.strip()
            self._refilter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            event.stop()
            self.query_one("#sessions", RowList).focus()

    def action_clear_filter(self) -> None:
        if self.query("#filter"):
            self.query_one("#filter").remove()
        self.query_one("#sessions", RowList).focus()
        if self.filter_text:
            self.filter_text = ""
            self._refilter()

    # -- actions ---------------------------------------------------------------------------------

    def action_open(self) -> None:
        session = self._current()
        if session is not None:
            self.mapp.open_session(session)

    def action_report(self) -> None:
        session = self._current()
        if session is not None:
            self.mapp.open_report(session)

    def action_new_session(self) -> None:
        from .new_session import NewSessionScreen

        group = self.group_id if self.group_id != ALL_GROUPS else None
        self.app.push_screen(NewSessionScreen(group))

    def action_enter_paper(self) -> None:
        from .entry import EntryScreen

        self.app.push_screen(EntryScreen())

    def action_add_group(self) -> None:
        self.mapp.ask_new_group(self._show_group)

    def _show_group(self, group: Group) -> None:
        self.group_id = group.id
        if self.filter_text and not self._matches(group.name):
            self.action_clear_filter()
        self.reload()


def _printable(text: str) -> str:
    """One line of text, whatever a stored name holds: the text policy's visible escapes."""
    return shown(text)
