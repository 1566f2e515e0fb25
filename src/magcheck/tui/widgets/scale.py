"""The answer options of a scale, one per line, clickable and keyboard-navigable."""

from __future__ import annotations

from collections.abc import Mapping

from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from ...core.answering import NON_ANSWER_KEYS
from ...core.model import NON_ANSWERS, PREFER_NOT_TO_SAY, Scale
from ..literal import literal


def option_id(value: int | str | None) -> str:
    """v3 for a point on the scale; the kind's own name for a non-answer."""
    if value is None:
        return PREFER_NOT_TO_SAY
    return value if isinstance(value, str) else f"v{value}"


def option_value(option_id: str) -> int | str:
    return option_id if option_id in NON_ANSWERS else int(option_id[1:])


def non_answer_key(kind: str, scale: Scale) -> str:
    """The key for a non-answer: 0 (or s) for prefer not to say, d, n; s when 0 is a point."""
    key = NON_ANSWER_KEYS[kind]
    return "s" if kind == PREFER_NOT_TO_SAY and 0 in scale.points else key


class ScaleChoices(OptionList):
    """Shows "1  Never" ... "5  Always" and then the non-answers the scale offers, each with its
    key ("0  Prefer not to say", "d  Don't know", "n  Doesn't apply to me")."""

    DEFAULT_CSS = """
    ScaleChoices { height: auto; max-height: 100%; }
    """

    def __init__(
        self,
        scale: Scale,
        lang: str,
        non_answer_labels: Mapping[str, str],
        *,
        id: str | None = None,
    ):
        # Labels come from questionnaire files: shown as written, never read as markup.
        options = [
            Option(literal(f"{v}  {scale.label(v, lang)}"), id=option_id(v)) for v in scale.points
        ]
        options += [
            Option(literal(f"{non_answer_key(kind, scale)}  {non_answer_labels[kind]}"), id=kind)
            for kind in scale.non_answers
        ]
        super().__init__(*options, id=id, markup=False)

    def show_saved(self, value: int | str | None, answered: bool) -> None:
        """Highlight the stored answer when an item is revisited; nothing on a fresh item."""
        if not answered:
            self.highlighted = None
            return
        try:
            self.highlighted = self.get_option_index(option_id(value))
        except OptionDoesNotExist:  # an answer outside the scale: highlight nothing
            self.highlighted = None
