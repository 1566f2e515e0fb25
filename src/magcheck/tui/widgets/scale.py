"""The answer options of a scale, one per line, clickable and keyboard-navigable."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...core.model import Scale
from ..literal import literal

PREFER_NOT = "prefer_not"


def option_id(value: int | None) -> str:
    return PREFER_NOT if value is None else f"v{value}"


def option_value(option_id: str) -> int | None:
    return None if option_id == PREFER_NOT else int(option_id[1:])


class ScaleChoices(OptionList):
    """Shows "1  No, not at all" ... and, where the scale offers it, "0  Prefer not to say"."""

    DEFAULT_CSS = """
    ScaleChoices { height: auto; max-height: 100%; }
    """

    def __init__(self, scale: Scale, lang: str, prefer_not_label: str, *, id: str | None = None):
        # A label is data: literal, so "[draft]" shows and "[/]" cannot break the screen.
        options = [
            Option(literal(f"{v}  {scale.label(v, lang)}"), id=option_id(v)) for v in scale.points
        ]
        if scale.prefer_not_to_say:
            options.append(Option(f"0  {prefer_not_label}", id=PREFER_NOT))
        super().__init__(*options, id=id)

    def show_saved(self, value: int | None, answered: bool) -> None:
        """Highlight the stored answer when an item is revisited; nothing on a fresh item."""
        if not answered:
            self.highlighted = None
            return
        try:
            self.highlighted = self.get_option_index(option_id(value))
        except Exception:  # an answer outside the scale: highlight nothing
            self.highlighted = None
