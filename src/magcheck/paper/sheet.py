"""The paper: page sizes, the embedded fonts, and text measured and wrapped the way it prints."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..errors import MagcheckError
from ..paths import package_data

PT = 25.4 / 72  # one typographic point in millimetres
MARGIN = 15.0  # mm on every side: inside what every office printer can print
SIZES = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
SANS, MONO = "DejaVuSans", "DejaVuSansMono"
_FONTS = ((SANS, "", "DejaVuSans.ttf"), (SANS, "B", "DejaVuSans-Bold.ttf"))
_MONO = (MONO, "B", "DejaVuSansMono-Bold.ttf")


class MissingPaperExtra(MagcheckError):
    title = "Needs an optional package"


def need(module: str) -> ModuleType:
    """fpdf2 or segno, or one line naming the pip command that brings them."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = {"fpdf": "fpdf2"}.get(module, module)
        raise MissingPaperExtra(
            f"paper forms need the '{package}' package: pip install \"magcheck[paper]\""
        ) from None


@dataclass(frozen=True)
class Sheet:
    """A page size and its printable box (mm, origin top left)."""

    size: str
    width: float
    height: float

    @classmethod
    def of(cls, size: str) -> Sheet:
        width, height = SIZES[size]
        return cls(size, width, height)

    @property
    def left(self) -> float:
        return MARGIN

    @property
    def right(self) -> float:
        return self.width - MARGIN

    @property
    def top(self) -> float:
        return MARGIN

    @property
    def bottom(self) -> float:
        return self.height - MARGIN

    @property
    def inner(self) -> float:
        return self.right - self.left


def new_pdf(sheet: Sheet, title: str) -> Any:
    """An empty fpdf2 document with DejaVu embedded (subset), no automatic page breaks: every
    break is placed by the layout, so an item never parts from its boxes."""
    fpdf = need("fpdf")
    pdf = fpdf.FPDF(orientation="P", unit="mm", format=(sheet.width, sheet.height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    for family, style, file in (*_FONTS, _MONO):
        pdf.add_font(family, style, str(package_data(f"fonts/{file}")))
    pdf.set_title(title)
    pdf.set_creator("magcheck")
    return pdf


def line_height(size: float, leading: float = 1.3) -> float:
    """Leading for a size in points, in mm (1.3 times the size: airy enough for photocopies)."""
    return size * PT * leading


def wrap(pdf: Any, text: str, width: float) -> list[str]:
    """Lines of `text` that each fit `width` mm in the current font: greedy by word, and a word
    longer than a whole line is cut by characters rather than left to overflow."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if pdf.get_string_width(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while pdf.get_string_width(word) > width:
                cut = len(word) - 1
                while cut > 1 and pdf.get_string_width(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def fits(pdf: Any, words: list[str], width: float) -> bool:
    return all(pdf.get_string_width(w) <= width for w in words)


def write_lines(
    pdf: Any,
    lines: list[str],
    x: float,
    y: float,
    size: float,
    width: float = 0,
    centre: bool = False,
    leading: float = 1.3,
) -> float:
    """Draw lines from top `y` (mm); centred in `width` when asked. Returns the y below them."""
    step = line_height(size, leading)
    for line in lines:
        dx = (width - pdf.get_string_width(line)) / 2 if centre else 0.0
        pdf.text(x + dx, y + step * 0.78, line)
        y += step
    return y
