"""Where everything on a form goes: measured with the embedded font, wrapped to fit, and items
placed on pages so that an item never parts from its tick boxes. Every copy of a print run has
the same layout, so it is planned once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.keying import PAPER_CODES
from ..core.model import Questionnaire
from ..i18n import t
from .sheet import MONO, SANS, Sheet, line_height, wrap

TITLE_SIZE = 15.0
TEXT_SIZE = 10.5
ITEM_SIZE = 11.0
LABEL_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)  # the largest that fits every label word in its column
LABEL_LEADING = 1.15  # labels are short: tighter lines keep each label one block
NUMBER_SIZE = 15.0  # the form number, monospace
FOOTER_SIZE = 9.0

QR = 30.0  # the QR code's side, mm (about 0.6 mm a module: fine for photocopies and phones)
QUIET = 3.0  # white space kept around it beyond its own 2-module border
HEADER = QR + 9.0  # QR, the number under it, a little air
FOOTER = 9.0  # room kept above the bottom margin for "Form 0042-7 · Page 1 of 2"
NUMBER_COL = 10.0  # the item number hangs in this column, the text beside it
BOX = 8.0  # a tick box's side: large, for shaky hands and bad pens
GAP_NON = 5.0  # space that sets the non-answers apart from the scale
CODE_BOX = (60.0, 11.0)
LABEL_GAP = 1.2  # between a box and its label
ITEM_AIR = 3.5  # below each item, before the rule that separates it from the next


@dataclass(frozen=True)
class Column:
    """One tick box and its label under it."""

    x: float
    width: float
    label: list[str]
    non_answer: bool
    code: str  # the key a keyer types for this box (core.keying), printed small beside it


@dataclass(frozen=True)
class Block:
    """One item on a page: its number, wrapped text and where its box row starts."""

    number: int
    item_id: str
    lines: list[str]
    top: float
    boxes_top: float
    bottom: float


@dataclass(frozen=True)
class FormPlan:
    sheet: Sheet
    title: list[str]
    intro: list[str]
    how_to_mark: list[str]
    code_label: str
    no_name: list[str]
    columns: tuple[Column, ...]
    label_size: float
    pages: tuple[tuple[Block, ...], ...]
    ending: list[str]
    ending_top: float  # on the last page

    @property
    def page_count(self) -> int:
        return len(self.pages)


def non_answer_labels(q: Questionnaire, lang: str) -> list[str]:
    return [t(f"paper.{kind}", lang) for kind in q.scale.non_answers]


def _columns(pdf: Any, q: Questionnaire, lang: str, sheet: Sheet) -> tuple[list[Column], float]:
    points = [q.scale.label(v, lang) for v in q.scale.points]
    nons = non_answer_labels(q, lang)
    gap = GAP_NON if nons else 0.0
    width = (sheet.inner - gap) / (len(points) + len(nons))
    words = [w for label in points + nons for w in label.split()]
    size = LABEL_SIZES[-1]
    for size in LABEL_SIZES:
        pdf.set_font(SANS, "", size)
        if all(pdf.get_string_width(w) <= width - 1.0 for w in words):
            break
    keys = {kind: key for key, kind in PAPER_CODES}
    codes = [str(v) for v in q.scale.points] + [keys[kind] for kind in q.scale.non_answers]
    columns = []
    for i, (label, code) in enumerate(zip(points + nons, codes, strict=True)):
        is_non = i >= len(points)
        x = sheet.left + i * width + (gap if is_non else 0.0)
        columns.append(Column(x, width, wrap(pdf, label, width - 1.0), is_non, code))
    return columns, size


def plan_form(
    pdf: Any, q: Questionnaire, lang: str, sheet: Sheet, crisis: str | None = None
) -> FormPlan:
    """Measure and place everything of q's form in `lang` on `sheet`."""
    pdf.set_font(SANS, "B", TITLE_SIZE)
    title = wrap(pdf, q.title[lang], sheet.inner - QR - QUIET * 2)
    pdf.set_font(SANS, "", TEXT_SIZE)
    intro = wrap(pdf, q.description[lang], sheet.inner)
    no_name = wrap(pdf, t("paper.no_name", lang), sheet.inner - CODE_BOX[0] - 4.0)
    pdf.set_font(SANS, "B", TEXT_SIZE)
    how = wrap(pdf, t("paper.how_to_mark", lang), sheet.inner)
    columns, label_size = _columns(pdf, q, lang, sheet)
    labels_h = max(len(c.label) for c in columns) * line_height(label_size, LABEL_LEADING)
    ending_text = t("paper.thanks", lang)
    if crisis:
        ending_text += "\n" + t("paper.crisis", lang, text=crisis)
    pdf.set_font(SANS, "", TEXT_SIZE)
    ending = wrap(pdf, ending_text, sheet.inner)
    ending_h = len(ending) * line_height(TEXT_SIZE) + 2.0

    text_step = line_height(TEXT_SIZE)
    first_top = sheet.top + HEADER
    first_top += (len(intro) + len(how)) * text_step + 5.0
    first_top += max(CODE_BOX[1], len(no_name) * text_step) + text_step + 6.0
    floor = sheet.bottom - FOOTER
    pdf.set_font(SANS, "", ITEM_SIZE)
    pages: list[list[Block]] = [[]]
    y = first_top
    for n, item in enumerate(q.items, start=1):
        lines = wrap(pdf, item.text[lang], sheet.inner - NUMBER_COL)
        boxes_top = len(lines) * line_height(ITEM_SIZE) + 2.0
        height = boxes_top + BOX + LABEL_GAP + labels_h + ITEM_AIR
        if y + height > floor and pages[-1]:
            pages.append([])
            y = sheet.top + HEADER
        pages[-1].append(Block(n, item.id, lines, y, y + boxes_top, y + height))
        y += height + 2.5
    if y + ending_h > floor:
        pages.append([])
        y = sheet.top + HEADER
    return FormPlan(
        sheet=sheet,
        title=title,
        intro=intro,
        how_to_mark=how,
        code_label=t("paper.respondent_code", lang),
        no_name=no_name,
        columns=tuple(columns),
        label_size=label_size,
        pages=tuple(tuple(p) for p in pages),
        ending=ending,
        ending_top=y,
    )


def number_width(pdf: Any, number: str) -> float:
    pdf.set_font(MONO, "B", NUMBER_SIZE)
    return float(pdf.get_string_width(number))
