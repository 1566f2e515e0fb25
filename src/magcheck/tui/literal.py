"""Data on screen: always literal (a title with "[/]" is text, not markup) and never a control
sequence (magcheck.text.shown)."""

from __future__ import annotations

from textual.content import Content

from ..text import shown, shown_lines


def literal(text: object) -> Content:
    """One line of data as Textual content: no markup, no control characters."""
    return Content(shown(text))


def literal_lines(text: object) -> Content:
    """A message of several lines (an error naming a file and a field): as literal, lines kept."""
    return Content(shown_lines(text))
