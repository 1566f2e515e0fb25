"""The PDF itself: the facilitator's cover sheet, then each numbered form, QR code in vector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.model import Questionnaire
from ..i18n import LANGUAGE_NAMES, t
from ..store.paper import PaperForm
from .layout import (
    BOX,
    CODE_BOX,
    FOOTER_SIZE,
    HEADER,
    ITEM_SIZE,
    LABEL_GAP,
    LABEL_LEADING,
    NUMBER_COL,
    NUMBER_SIZE,
    QR,
    TEXT_SIZE,
    TITLE_SIZE,
    FormPlan,
    plan_form,
)
from .sheet import MONO, SANS, Sheet, line_height, need, new_pdf, wrap, write_lines

BLACK, GREY = (0, 0, 0), (110, 110, 110)  # mid grey only: light grey vanishes on a photocopy
CODE_SIZE = 6.0  # the key code beside each box: readable for a keyer, quiet for a respondent
COVER_SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)  # the largest that keeps the cover one page


@dataclass(frozen=True)
class Cover:
    """What the facilitator's cover sheet states."""

    group: str
    date: str
    check_id: str
    crisis: str | None


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR code's dark modules, a 2-module white border included (the page margin and the
    layout's QUIET space add to it)."""
    segno = need("segno")
    code = segno.make_qr(payload, error="m")
    return [[bool(m) for m in row] for row in code.matrix_iter(scale=1, border=2)]


def draw_qr(pdf: Any, payload: str, x: float, y: float, side: float) -> None:
    """Dark modules as filled rectangles, one per run in a row: vector, sharp at any zoom."""
    rows = qr_modules(payload)
    module = side / len(rows)
    pdf.set_fill_color(*BLACK)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")


def _cover_fits(pdf: Any, sheet: Sheet, rows: list[tuple[str, str]], blocks, size: float) -> bool:
    return _cover(pdf, sheet, rows, blocks, size, draw=False) <= sheet.bottom


def _cover(
    pdf: Any,
    sheet: Sheet,
    rows: list[tuple[str, str]],
    blocks: list[tuple[str, list[str]]],
    size: float,
    draw: bool,
) -> float:
    """Lay out (and, when `draw`, print) the cover at a text size; returns the bottom reached."""
    y = sheet.top
    pdf.set_font(SANS, "B", size + 5)
    y = _lines(pdf, wrap(pdf, blocks[0][1][0], sheet.inner), sheet.left, y, size + 5, draw) + 2
    pdf.set_font(SANS, "", size)
    y = _lines(pdf, wrap(pdf, blocks[0][1][1], sheet.inner), sheet.left, y, size, draw) + 4
    pdf.set_font(SANS, "B", size)
    key_w = max(pdf.get_string_width(k) for k, _ in rows) + 5
    for key, value in rows:
        pdf.set_font(SANS, "B", size)
        _lines(pdf, [key], sheet.left, y, size, draw)
        pdf.set_font(SANS, "", size)
        y = _lines(pdf, wrap(pdf, value, sheet.inner - key_w), sheet.left + key_w, y, size, draw)
    y += 4
    for heading, paragraphs in blocks[1:]:
        pdf.set_font(SANS, "B", size + 1)
        y = _lines(pdf, wrap(pdf, heading, sheet.inner), sheet.left, y, size + 1, draw) + 1.5
        pdf.set_font(SANS, "", size)
        for n, paragraph in enumerate(paragraphs, start=1):
            mark = f"{n}." if len(paragraphs) > 1 else ""
            indent = 7.0 if mark else 0.0
            if mark:
                _lines(pdf, [mark], sheet.left, y, size, draw)
            lines = wrap(pdf, paragraph, sheet.inner - indent)
            y = _lines(pdf, lines, sheet.left + indent, y, size, draw) + 1.5
        y += 3
    return y


def _lines(pdf: Any, lines: list[str], x: float, y: float, size: float, draw: bool) -> float:
    if draw:
        return write_lines(pdf, lines, x, y, size)
    return y + len(lines) * line_height(size)


def draw_cover(
    pdf: Any, q: Questionnaire, lang: str, forms: list[PaperForm], cover: Cover, sheet: Sheet
) -> None:
    first, last = forms[0], forms[-1]
    rows = [
        (t("paper.cover_group", lang), cover.group),
        (t("paper.cover_date", lang), cover.date),
        (t("paper.cover_check", lang), cover.check_id[:8]),
        (
            t("paper.cover_questionnaire", lang),
            f"{q.title[lang]} ({t('paper.cover_version', lang, id=q.id, version=q.version)})",
        ),
        (t("paper.cover_language", lang), LANGUAGE_NAMES.get(lang, lang)),
        (t("paper.cover_copies", lang), str(len(forms))),
        (
            t("paper.cover_numbers", lang),
            t("paper.cover_range", lang, first=first.number, last=last.number),
        ),
    ]
    steps = [
        t(f"paper.step_{s}", lang) for s in ("hand_out", "no_names", "collect", "keep", "enter")
    ]
    steps.append(t("paper.step_after", lang))
    crisis = cover.crisis or t("paper.cover_crisis_unset", lang, code=lang)
    blocks = [
        ("", [t("paper.cover_title", lang), t("paper.cover_keep", lang)]),
        (t("paper.cover_steps", lang), steps),
        (t("paper.cover_crisis", lang), [crisis]),
    ]
    pdf.add_page()
    pdf.set_text_color(*BLACK)
    size = next(
        (s for s in COVER_SIZES if _cover_fits(pdf, sheet, rows, blocks, s)), COVER_SIZES[-1]
    )
    _cover(pdf, sheet, rows, blocks, size, draw=True)


def draw_form(pdf: Any, plan: FormPlan, q: Questionnaire, lang: str, form: PaperForm) -> None:
    sheet = plan.sheet
    payload = form.identity().payload()
    for index, blocks in enumerate(plan.pages):
        pdf.add_page()
        _header(pdf, plan, payload, form.number)
        if index == 0:
            _intro(pdf, plan)
        for block in blocks:
            _item(pdf, plan, block, first=block is blocks[0])
        if index == plan.page_count - 1:
            pdf.set_font(SANS, "", TEXT_SIZE)
            write_lines(pdf, plan.ending, sheet.left, plan.ending_top, TEXT_SIZE)
        _footer(pdf, sheet, form.number, index + 1, plan.page_count, lang)


def _header(pdf: Any, plan: FormPlan, payload: str, number: str) -> None:
    sheet = plan.sheet
    qr_x = sheet.right - QR
    draw_qr(pdf, payload, qr_x, sheet.top, QR)
    pdf.set_font(MONO, "B", NUMBER_SIZE)
    width = pdf.get_string_width(number)
    pdf.text(sheet.right - width, sheet.top + QR + NUMBER_SIZE * 0.3528 * 1.1, number)
    pdf.set_font(SANS, "B", TITLE_SIZE)
    write_lines(pdf, plan.title, sheet.left, sheet.top + 2, TITLE_SIZE)


def _intro(pdf: Any, plan: FormPlan) -> None:
    sheet = plan.sheet
    y = sheet.top + HEADER
    pdf.set_font(SANS, "", TEXT_SIZE)
    y = write_lines(pdf, plan.intro, sheet.left, y, TEXT_SIZE) + 2
    pdf.set_font(SANS, "B", TEXT_SIZE)
    y = write_lines(pdf, plan.how_to_mark, sheet.left, y, TEXT_SIZE) + 3
    write_lines(pdf, [plan.code_label], sheet.left, y, TEXT_SIZE)
    y += line_height(TEXT_SIZE)
    pdf.set_line_width(0.4)
    pdf.set_draw_color(*BLACK)
    pdf.rect(sheet.left, y, CODE_BOX[0], CODE_BOX[1])
    pdf.set_font(SANS, "", TEXT_SIZE)
    write_lines(pdf, plan.no_name, sheet.left + CODE_BOX[0] + 4, y, TEXT_SIZE)


def _item(pdf: Any, plan: FormPlan, block: Any, first: bool) -> None:
    sheet = plan.sheet
    if not first:
        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.2)
        pdf.line(sheet.left, block.top - 2.0, sheet.right, block.top - 2.0)
    pdf.set_font(SANS, "B", ITEM_SIZE)
    write_lines(pdf, [f"{block.number}."], sheet.left, block.top, ITEM_SIZE)
    pdf.set_font(SANS, "", ITEM_SIZE)
    write_lines(pdf, block.lines, sheet.left + NUMBER_COL, block.top, ITEM_SIZE)
    pdf.set_draw_color(*BLACK)
    pdf.set_font(SANS, "", plan.label_size)
    for col in plan.columns:
        pdf.set_line_width(0.3 if col.non_answer else 0.45)
        box_x = col.x + (col.width - BOX) / 2
        pdf.rect(box_x, block.boxes_top, BOX, BOX)
        _key_code(pdf, col.code, box_x + BOX, block.boxes_top + BOX)
        pdf.set_font(SANS, "", plan.label_size)
        label_top = block.boxes_top + BOX + LABEL_GAP
        write_lines(
            pdf, col.label, col.x + 0.5, label_top, plan.label_size, col.width - 1.0, True,
            LABEL_LEADING,
        )  # fmt: skip


def _key_code(pdf: Any, code: str, right: float, bottom: float) -> None:
    """The key a keyer types for this box, small and grey beside its lower right corner."""
    pdf.set_font(SANS, "", CODE_SIZE)
    pdf.set_text_color(*GREY)
    write_lines(pdf, [code], right + 0.6, bottom - line_height(CODE_SIZE), CODE_SIZE)
    pdf.set_text_color(0, 0, 0)


def _footer(pdf: Any, sheet: Sheet, number: str, page: int, pages: int, lang: str) -> None:
    pdf.set_font(SANS, "", FOOTER_SIZE)
    y = sheet.bottom - line_height(FOOTER_SIZE)
    write_lines(pdf, [t("paper.form", lang, number=number)], sheet.left, y, FOOTER_SIZE)
    text = t("paper.page_of", lang, page=page, pages=pages)
    write_lines(pdf, [text], sheet.right - pdf.get_string_width(text), y, FOOTER_SIZE)


def render(
    q: Questionnaire, lang: str, forms: list[PaperForm], cover: Cover, size: str
) -> tuple[bytes, int]:
    """The whole print run as PDF bytes, and how many pages each form takes."""
    sheet = Sheet.of(size)
    pdf = new_pdf(sheet, f"{q.title[lang]}: {forms[0].number} - {forms[-1].number}")
    plan = plan_form(pdf, q, lang, sheet, cover.crisis)
    draw_cover(pdf, q, lang, forms, cover, sheet)
    for form in forms:
        draw_form(pdf, plan, q, lang, form)
    return bytes(pdf.output()), plan.page_count
