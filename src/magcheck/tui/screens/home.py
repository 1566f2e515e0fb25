"""Home: groups and their recent sessions; start, resume, open a report, add a group."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...i18n import t
from ...store import Group, Session
from .. import flow
from ..text import translate_bindings

if TYPE_CHECKING:
    from ..app import MagcheckApp

ALL_GROUPS = "__all__"


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "new_session", "tui.key.new_session"),
        Binding("r", "report", "tui.key.report"),
        Binding("g", "add_group", "tui.key.add_group"),
        Binding("l", "app.next_language", "tui.key.language"),
        Binding("q", "app.quit", "tui.key.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group_id: str = ALL_GROUPS
        self.sessions: dict[str, Session] = {}
        self._shown = False

    @property
    def mapp(self) -> MagcheckApp:
        return cast("MagcheckApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home"):
            with Vertical(id="groups-pane"):
                yield Label("", id="groups-title", classes="pane-title")
                yield OptionList(id="groups", markup=False)  # group names are never markup
            with Vertical(id="sessions-pane"):
                yield Label("", id="sessions-title", classes="pane-title")
                yield Label("", id="sessions-head", markup=False)
                yield OptionList(id="sessions", markup=False)
                yield Static("", id="empty", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#sessions", OptionList).focus()

    def on_screen_resume(self) -> None:
        if self._shown:  # back from another screen: sessions may have changed
            self.reload()
        self._shown = True

    def relabel(self) -> None:
        lang = self.mapp.lang
        translate_bindings(self, lang)
        self.sub_title = t("tui.home.title", lang)
        self.query_one("#groups-title", Label).update(t("tui.home.groups", lang))
        self.reload()

    # -- data --------------------------------------------------------------------------------

    def reload(self) -> None:
        store = self.mapp.store
        groups = self.mapp.groups()
        if store is None or groups is None:
            return
        self._fill_groups(groups)
        selected = next((g for g in groups if g.id == self.group_id), None)
        if selected is None:
            self.group_id = ALL_GROUPS
        ok, sessions = self.mapp.safely(store.sessions, selected, flow.RECENT_SESSIONS)
        if ok and sessions is not None:
            self._fill_sessions(sessions, has_groups=bool(groups))

    def _fill_groups(self, groups: list[Group]) -> None:
        lang = self.mapp.lang
        options = self.query_one("#groups", OptionList)
        options.clear_options()
        options.add_option(Option(t("tui.home.all_groups", lang), id=ALL_GROUPS))
        options.add_options(Option(g.name, id=g.id) for g in groups)
        ids = [ALL_GROUPS, *(g.id for g in groups)]
        options.highlighted = ids.index(self.group_id) if self.group_id in ids else 0

    def _fill_sessions(self, sessions: list[Session], has_groups: bool) -> None:
        # A plain OptionList of aligned rows: much cheaper to draw than a DataTable, and the
        # home screen is the first frame the user waits for.
        lang = self.mapp.lang
        store = self.mapp.store
        assert store is not None
        all_groups = self.group_id == ALL_GROUPS
        widths = _column_widths(self.app.size.width, all_groups)

        def row(date: str, group: str, questionnaire: str, n: str, status: str) -> str:
            cells = [date.ljust(widths[0])]
            if all_groups:
                cells.append(_short(group, widths[1]).ljust(widths[1]))
            cells.append(_short(questionnaire, widths[2]).ljust(widths[2]))
            cells.append(n.rjust(widths[3]))
            cells.append(status)
            return " ".join(cells)

        self.query_one("#sessions-head", Label).update(
            row(
                t("tui.home.col_date", lang),
                t("tui.home.col_group", lang),
                t("tui.home.col_questionnaire", lang),
                t("tui.home.col_n", lang),
                t("tui.home.col_status", lang),
            )
        )
        options = self.query_one("#sessions", OptionList)
        keep = options.highlighted or 0
        options.clear_options()
        self.sessions = {s.id: s for s in sessions}
        options.add_options(
            Option(
                row(
                    s.date,
                    s.group_name,
                    s.questionnaire_id,
                    str(s.respondents),
                    t(
                        f"tui.status.{'in_progress' if s.status == 'in progress' else 'complete'}",
                        lang,
                    ),
                ),
                id=s.id,
            )
            for s in sessions
        )
        if sessions:
            options.highlighted = min(keep, len(sessions) - 1)
        self.query_one("#sessions-title", Label).update(
            t("tui.home.recent", lang, n=flow.RECENT_SESSIONS)
        )
        empty = self.query_one("#empty", Static)
        empty.display = not sessions
        empty.update(
            ""
            if sessions
            else t("tui.home.no_sessions" if has_groups else "tui.home.no_groups", lang)
        )

    def on_resize(self) -> None:
        if self._shown:  # column widths follow the terminal's
            self.reload()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "groups" and event.option.id != self.group_id:
            self.group_id = event.option.id or ALL_GROUPS
            self.reload()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "groups":
            self.query_one("#sessions", OptionList).focus()
        else:
            self.action_open()

    def _current(self) -> Session | None:
        options = self.query_one("#sessions", OptionList)
        if options.highlighted is None or not self.sessions:
            return None
        return self.sessions.get(options.get_option_at_index(options.highlighted).id or "")

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

    def action_add_group(self) -> None:
        self.mapp.ask_new_group(self._show_group)

    def _show_group(self, group: Group) -> None:
        self.group_id = group.id
        self.reload()


# The sessions pane is the screen minus the groups pane (22) and borders/padding (about 9).
_PANE_OVERHEAD = 31


def _column_widths(screen_width: int, all_groups: bool) -> list[int]:
    """date, group, questionnaire, n: the group column takes the room a wide terminal gives."""
    room = max(screen_width - _PANE_OVERHEAD, 0) - (10 + 13 + 3 + 12 + 4)  # other columns + gaps
    if not all_groups:
        return [10, 0, 13 + max(room, 0), 3]
    questionnaire = 13 if room >= 10 else 11
    return [10, max(10, min(40, room + (13 - questionnaire))), questionnaire, 2]


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
