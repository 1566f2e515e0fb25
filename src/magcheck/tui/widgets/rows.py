"""A list of many rows drawn a line at a time: only the rows on screen are ever formatted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

T = TypeVar("T")

# A row's text from its item and the width it has; the header's from the width alone.
RowFormatter = Callable[[T, int], Text]
HeaderFormatter = Callable[[int], Text]


class RowList(ScrollView, Generic[T], can_focus=True):
    """One widget for thousands of rows (OptionList and DataTable lay out every row up front).

    Rows are formatted by `format_row(item, width)` as plain `Text`, so data is never read as
    markup. Styles: `RowList` itself, and its `row-list--header` and `row-list--cursor` parts
    (in the screen's .tcss).
    """

    COMPONENT_CLASSES = {"row-list--header", "row-list--cursor"}

    BINDINGS = [
        Binding("up,k", "cursor(-1)", show=False),
        Binding("down,j", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter", "select", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, row_list: RowList[Any]) -> None:
            super().__init__()
            self.row_list = row_list

        @property
        def control(self) -> RowList[Any]:
            return self.row_list

    class Selected(Message):
        """Enter (or a click) on the row under the cursor."""

        def __init__(self, row_list: RowList[Any]) -> None:
            super().__init__()
            self.row_list = row_list

        @property
        def control(self) -> RowList[Any]:
            return self.row_list

    def __init__(
        self,
        format_row: RowFormatter[T],
        header: HeaderFormatter | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.format_row = format_row
        self.header = header
        self.rows: Sequence[T] = ()
        self.cursor = 0
        self.empty_text = ""

    # -- data --------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[T], cursor: int | None = None) -> None:
        """Show `rows` (kept as given, not copied) with the cursor at `cursor` (or where it was)."""
        self.rows = rows
        self._set_virtual_size()
        self.move_cursor(self.cursor if cursor is None else cursor, announce=cursor is not None)
        self.refresh()

    def set_empty_text(self, text: str) -> None:
        """What the list says when it has no rows."""
        self.empty_text = text
        self.refresh()

    @property
    def current(self) -> T | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def move_cursor(self, index: int, announce: bool = True) -> None:
        before = self.cursor
        self.cursor = max(0, min(index, len(self.rows) - 1))
        self._scroll_to_cursor()
        if self.cursor != before:
            self.refresh()
            if announce:
                self.post_message(self.Highlighted(self))

    # -- actions -----------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor + direction * max(self._row_lines - 1, 1))

    def action_jump(self, index: int) -> None:
        self.move_cursor(index if index >= 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y - self._header_lines + round(self.scroll_y)
        if offset.y >= self._header_lines and 0 <= index < len(self.rows):
            self.move_cursor(index)
            self.action_select()

    # -- drawing -----------------------------------------------------------------------------

    @property
    def _header_lines(self) -> int:
        return 1 if self.header is not None else 0

    @property
    def _row_lines(self) -> int:
        return max(self.scrollable_content_region.height - self._header_lines, 0)

    def _set_virtual_size(self) -> None:
        # Rows are cut to the width at hand, so the width is not part of it (a change of virtual
        # size lays the screen out again).
        self.virtual_size = Size(0, len(self.rows) + self._header_lines)

    def _scroll_to_cursor(self) -> None:
        top, lines = round(self.scroll_y), self._row_lines
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif lines and self.cursor >= top + lines:
            self.scroll_to(y=self.cursor - lines + 1, animate=False)

    def _on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self.refresh()  # the cursor row looks different with the focus

    def on_blur(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y < self._header_lines and self.header is not None:
            style = base + self.get_component_rich_style("row-list--header")
            return self._strip(self.header(width), width, style)
        index = y - self._header_lines + round(self.scroll_y)
        if not self.rows:
            text = Text(self.empty_text) if y == self._header_lines else Text()
            return self._strip(text, width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("row-list--cursor")
        return self._strip(self.format_row(self.rows[index], width), width, style)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(Segment.apply_style(text.render(self.app.console), style))
        return Strip(segments, width)
