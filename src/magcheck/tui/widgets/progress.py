"""The progress line of the question screen: "7 / 24" and a bar."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class ItemProgress(Horizontal):
    DEFAULT_CSS = """
    ItemProgress { height: 1; width: 100%; }
    ItemProgress > Label { width: auto; min-width: 9; padding-right: 2; }
    ItemProgress > ProgressBar { width: 1fr; }
    ItemProgress > ProgressBar > Bar { width: 1fr; }
    """

    def __init__(self, total: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = total

    def compose(self) -> ComposeResult:
        yield Label("", id="progress-count")
        yield ProgressBar(total=self.total, show_eta=False, show_percentage=False)

    def show(self, number: int, answered: int) -> None:
        """number: the item on screen (1-based); answered: how many items have an answer."""
        self.query_one("#progress-count", Label).update(f"{number} / {self.total}")
        self.query_one(ProgressBar).update(progress=answered)
