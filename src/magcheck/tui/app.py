"""The app object, its one factory (`make_app`) and `run`, the entry point used by `magcheck`."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..core.model import Questionnaire
from ..errors import MagcheckError, Problem
from ..i18n import DEFAULT_LANGUAGE, lang_or_default, language_name, t, ui_languages
from ..paths import data_dir as resolve_data_dir
from ..paths import user_questionnaire_dir
from ..store import Group, Session, Store
from .text import LANGUAGE_META_KEY, next_language, translate_bindings

T = TypeVar("T")


class MagcheckApp(App[int]):
    """Holds the open store, the loaded questionnaires and the UI language; screens do the rest."""

    # Absolute, so subclasses elsewhere find them. Home's styles load with the app's: a screen's
    # own CSS_PATH makes Textual re-parse every stylesheet when it is first shown, which the
    # first frame should not wait for; the other screens load theirs when first shown.
    CSS_PATH = [Path(__file__).parent / "app.tcss", Path(__file__).parent / "screens" / "home.tcss"]
    TITLE = "magcheck"
    BINDINGS = [
        Binding("ctrl+q", "quit", "tui.key.quit", show=False, priority=True),
    ]

    def __init__(self, data_dir: Path, store: Store | None = None) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.store: Store | None = store
        self._owns_store = store is None
        self.lang = DEFAULT_LANGUAGE
        self.questionnaires: dict[str, Questionnaire] | None = None
        self.questionnaire_problems: list[Problem] = []
        self._questionnaire_waiters: list[Callable[[], None]] = []
        self._start_error: MagcheckError | None = None
        self._loading = False
        self.crash: Exception | None = None  # the first unexpected error, for `run` to report

    # -- start-up ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """Home is the first screen itself (not pushed over an empty default one), so Textual
        styles, lays out and draws one screen before the first frame."""
        from .screens.home import HomeScreen

        try:
            if self.store is None:
                self.store = Store.open(self.data_dir)
            self.lang = lang_or_default(self.store.get_meta(LANGUAGE_META_KEY))
        except MagcheckError as exc:
            self._start_error = exc
        translate_bindings(self, self.lang)
        return HomeScreen()

    def on_mount(self) -> None:
        if self._start_error is not None:
            from .screens.dialogs import FatalScreen

            self.push_screen(FatalScreen(self._start_error))

    def first_screen_drawn(self) -> None:
        """Home is on screen with its keys: now the work the first frame did not wait for."""
        self.start_loading_questionnaires()

    def start_loading_questionnaires(self) -> None:
        # Parsing questionnaire YAML in a thread still competes for the interpreter, so it starts
        # only once the first screen is drawn (or when New session needs them sooner).
        if self.store is not None and self.questionnaires is None and not self._loading:
            self._loading = True
            self.load_questionnaires()

    @work(thread=True, exclusive=True, group="questionnaires")
    def load_questionnaires(self) -> None:
        """YAML parsing is the slowest start-up step and only New session needs it: do it aside."""
        from ..core.questionnaires import load_all

        found, problems = load_all([user_questionnaire_dir(self.data_dir)])
        self.call_from_thread(self._questionnaires_loaded, found, problems)

    def _questionnaires_loaded(
        self, found: dict[str, Questionnaire], problems: list[Problem]
    ) -> None:
        self.questionnaires = found
        self.questionnaire_problems = problems
        waiters, self._questionnaire_waiters = self._questionnaire_waiters, []
        for callback in waiters:
            callback()
        if problems:
            self.show_problems(problems)

    def when_questionnaires_loaded(self, callback: Callable[[], None]) -> None:
        if self.questionnaires is not None:
            callback()
        else:
            self._questionnaire_waiters.append(callback)
            self.start_loading_questionnaires()

    # -- navigation ------------------------------------------------------------------------------

    def _show(self, screen: Screen, replace: bool) -> None:
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_session(self, session: Session, replace: bool = False) -> None:
        """Go wherever the session stopped: the unfinished item, the hand-over, or the report."""
        from . import flow
        from .screens.handover import HandoverScreen
        from .screens.question import QuestionScreen
        from .screens.report import ReportScreen

        if self.store is None:
            return
        ok, nxt = self.safely(flow.resume, self.store, session)
        if not ok or nxt is None:
            return
        if nxt.kind == "answer" and nxt.response is not None:
            screen: Screen = QuestionScreen(
                session, nxt.questionnaire, nxt.response, nxt.mode, nxt.index, nxt.answers
            )
        elif nxt.kind == "handover":
            screen = HandoverScreen(session, nxt.questionnaire)
        else:
            screen = ReportScreen(session)
        self._show(screen, replace)

    def open_report(self, session: Session, replace: bool = False) -> None:
        from .screens.report import ReportScreen

        self._show(ReportScreen(session), replace)

    # -- errors ------------------------------------------------------------------------------

    def show_error(self, error: MagcheckError | str, title: str | None = None) -> None:
        from .screens.dialogs import MessageDialog

        if isinstance(error, MagcheckError):
            heading = title or t(f"tui.error.{type(error).__name__}", self.lang)
            if heading.startswith("tui."):
                heading = t("tui.error.title", self.lang)
            message = str(error)
        else:
            heading, message = title or t("tui.error.title", self.lang), error
        self.push_screen(MessageDialog(heading, message, self.lang))

    def show_problems(self, problems: list[Problem]) -> None:
        lines = "\n".join(str(p) for p in problems[:12])
        more = len(problems) - 12
        if more > 0:
            lines += "\n" + t("tui.problems.more", self.lang, n=more)
        self.show_error(
            t("tui.problems.body", self.lang, problems=lines), t("tui.problems.title", self.lang)
        )

    def groups(self) -> list[Group] | None:
        """Every group, or None when the store is not open or could not be read (already shown)."""
        if self.store is None:
            return None
        ok, groups = self.safely(self.store.groups)
        return groups if ok else None

    def ask_new_group(self, added: Callable[[Group], None]) -> None:
        """Ask for a new group's name, store the group, and hand it to `added`."""
        from .screens.dialogs import AddGroupDialog

        def stored(name: str | None) -> None:
            if not name or self.store is None:
                return
            ok, group = self.safely(self.store.add_group, name)
            if ok and group is not None:
                added(group)

        self.push_screen(AddGroupDialog(self.lang), stored)

    def safely(self, fn: Callable[..., T], *args: object) -> tuple[bool, T | None]:
        """Call a core function; a MagcheckError becomes a dialog instead of a traceback."""
        try:
            return True, fn(*args)
        except MagcheckError as exc:
            self.show_error(exc)
            return False, None
        except OSError as exc:  # a file the user can fix (permissions, full disk)
            self.show_error(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
            return False, None

    # -- language ----------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        """Switch the UI language everywhere and remember it in the store."""
        self.lang = lang_or_default(lang)
        if self.store is not None:
            self.safely(self.store.set_meta, LANGUAGE_META_KEY, self.lang)
        translate_bindings(self, self.lang)
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel is not None:
                relabel()

    def action_next_language(self) -> None:
        self.set_language(next_language(self.lang))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        lang = self.lang
        for code in ui_languages():
            yield SystemCommand(
                t("tui.command.language", lang, language=language_name(code)),
                t("tui.command.language_help", lang),
                lambda code=code: self.set_language(code),
            )
        yield from super().get_system_commands(screen)

    def _handle_exception(self, error: Exception) -> None:
        """A bug: Textual exits and would print a traceback with local variables (answers
        included) on the terminal; keep the error for `run` to log, and print nothing."""
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)
        self._exit_renderables.clear()

    def on_unmount(self) -> None:
        if self.store is not None and self._owns_store:
            self.store.close()


def make_app(
    data_dir: str | os.PathLike[str] | None = None, store: Store | None = None
) -> MagcheckApp:
    """The app for `magcheck`, for Pilot tests and for snapshots alike.

    data_dir follows --data-dir, then MAGCHECK_DATA_DIR, then the user data folder. Pass an open
    `store` to share one with a test.
    """
    from ..i18n import use_data_dir

    folder = resolve_data_dir(data_dir)
    use_data_dir(folder)  # the UI catalogues translators added live there
    return MagcheckApp(folder, store)


def run(data_dir_override: str | None = None) -> int:
    """Run the app; an unexpected error leaves one line on the terminal, its details in a log."""
    # Everything imported so far (Textual, Rich, magcheck) lives as long as the process: moved
    # out of the collector's sight, a full collection no longer walks it (it cost 15-30 ms in
    # the middle of the first frame).
    gc.freeze()
    app = make_app(data_dir_override)
    result = app.run()
    if app.crash is not None:
        from ..crashlog import report_crash

        return report_crash(app.crash, "running the app", app.data_dir)
    return app.return_code or (result or 0)
