"""Render a CheckReport as Rich renderables (terminal, text), Markdown, or JSON-ready data.

The three say the same things in the same order; every sentence comes from the UI catalogue in
the report's language, and data (group names) is only ever shown as plain text.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from rich import box
from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .. import i18n
from ..core.checkscore import DOWN, SAME, UP, Comparison
from ..core.model import COMPONENT_IDS
from ..core.scoring import as_float, display
from ..i18n import t
from ..text import shown
from .build import CheckReport, Part

BAR_WIDTH = 20
BAND_STYLE = {
    "strong": "green",
    "developing": "yellow",
    "weak": "dark_orange",
    "missing": "red",
    "insufficient": "dim",
}
ARROWS = {UP: "↑", DOWN: "↓", SAME: "≈"}


def bar(score: Fraction | None, width: int = BAR_WIDTH) -> str:
    """A bar whose filled length is the truncated score, so it never looks fuller than it is."""
    if score is None:
        return "·" * width
    filled = int(score * width // 100)
    return "█" * filled + "░" * (width - filled)


def signed(value: Fraction | None) -> str:
    if value is None:
        return ""
    magnitude = display(abs(value))
    if float(magnitude) == 0:
        return "±0"
    return f"{'+' if value > 0 else '−'}{magnitude}"


def change_text(word: str | None, lang: str) -> str:
    return f"{ARROWS[word]} {t(f'report.change_{word}', lang)}" if word else ""


def people(n: int, lang: str) -> str:
    return t("report.person" if n == 1 else "report.people", lang, n=n)


def header(rep: CheckReport) -> list[tuple[str, str]]:
    lang = rep.language
    c = rep.check
    rows = [
        (t("report.group", lang), shown(c.group_name)),
        (t("report.date", lang), shown(c.date)),
        (t("report.check", lang), c.id[:8]),
    ]
    for part in rep.parts:
        q = part.questionnaire
        detail = f"{shown(q.title[q.text_lang(lang)])} (v{q.version}), {people(part.people, lang)}"
        if part.unfinished:
            detail += ", " + t("report.unfinished", lang, n=part.unfinished)
        rows.append((t(f"report.part_{part.role}", lang), detail))
    return rows


def part_title(part: Part, lang: str) -> str:
    title = t(f"report.part_{part.role}", lang)
    if not part.shown:
        return title
    return title + " · " + t("report.based_on", lang, people=people(part.people, lang))


def benefits_note(rep: CheckReport) -> str:
    note = t("report.benefits_limit", rep.language)
    if rep.standing_from == "facilitator":
        note += " " + t("report.bands_from_facilitator", rep.language)
    return note


def floor_line(part: Part, floor: int, lang: str) -> str:
    return t("report.below_floor", lang, n=part.people, floor=floor)


def non_answer_line(part: Part, lang: str) -> str:
    if not part.non_answers:
        return ""
    counts = ", ".join(
        f"{n} {t(f'report.non_answer_{kind}', lang)}"
        for kind, n in sorted(part.non_answers.items())
    )
    return t("report.non_answers", lang, counts=counts)


def comparison_row(c: Comparison, lang: str) -> tuple[str, str, str, str]:
    members = (
        f"{display(c.members)} (n={c.n_members})"
        if c.members is not None
        else t("report.members_too_few", lang, n=c.n_members)
    )
    diff = signed(c.difference)
    if c.worth_talking_about:
        diff += " " + t("report.worth_talking", lang)
    elif c.difference is not None:
        diff += " " + t("report.about_same", lang)
    return i18n.name(c.component, lang), display(c.facilitator), members, diff


def benefit_line(links: tuple[tuple[str, str, str | None], ...], lang: str) -> str:
    """'often reported: Trust (strong), …; sometimes reported: …' with this group's bands."""
    groups = []
    for how in ("often", "sometimes"):
        named = [
            t(
                "report.benefit_link",
                lang,
                component=i18n.name(comp, lang),
                band=i18n.band_word(band, lang),
            )
            if band
            else i18n.name(comp, lang)  # not scored here: the link alone
            for comp, kind, band in links
            if kind == how
        ]
        if named:
            groups.append(f"{t(f'report.link_{how}', lang)}: {', '.join(named)}")
    return "; ".join(groups)


def comparison_shown(rep: CheckReport) -> bool:
    return any(c.members is not None for c in rep.comparisons)


def paper_line(rep: CheckReport) -> str | None:
    """How many paper forms were printed and verified; only verified forms are counted."""
    p = rep.paper
    if p is None:
        return None
    return t(
        "report.paper_forms",
        rep.language,
        printed=p.printed,
        verified=p.verified,
        disagreements=p.disagreements,
        unverified=p.unverified,
    )


def crisis_line(rep: CheckReport) -> str:
    if rep.crisis_text:
        return t("report.crisis", rep.language, text=shown(rep.crisis_text))
    return t("report.crisis_unset", rep.language)


def to_rich(rep: CheckReport, width: int = 100) -> RenderableType:
    """Fits `width` columns; band words are never cut, the bar shrinks first."""
    lang = rep.language
    bar_width = BAR_WIDTH if width >= 100 else 10
    parts: list[RenderableType] = [Text(t("report.title", lang), style="bold")]
    head = Table.grid(padding=(0, 2))
    for key, value in header(rep):
        head.add_row(Text(key, style="bold"), Text(value))  # Text: a group name is never markup
    parts.append(head)
    parts.append(Text(t("report.instrument", lang), style="italic"))
    if paper := paper_line(rep):
        parts.append(Text(paper))
    if not rep.parts:
        parts.append(Text(t("report.no_responses", lang)))
    for part in rep.parts:
        parts.append(Text(part_title(part, lang), style="bold"))
        if not part.shown:
            parts.append(Padding(Text(floor_line(part, rep.floor, lang)), (0, 0, 0, 2)))
            continue
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        band_width = max(len(i18n.band_word(r.band, lang)) for r in part.rows) if part.rows else 4
        table.add_column(t("report.component", lang), min_width=12)
        table.add_column(t("report.score", lang), no_wrap=True, min_width=4 + bar_width)
        table.add_column(t("report.band", lang), no_wrap=True, min_width=band_width)
        table.add_column(t("report.n", lang), justify="right", no_wrap=True)
        table.add_column(t("report.change", lang), no_wrap=True)
        for r in part.rows:
            style = BAND_STYLE[r.band]
            table.add_row(
                i18n.name(r.component, lang),
                Text.assemble(f"{display(r.score):>3} ", (bar(r.score, bar_width), style)),
                Text(i18n.band_word(r.band, lang), style=style),
                str(r.n),
                change_text(r.change, lang),
            )
        parts.append(table)
        notes = [non_answer_line(part, lang)]
        if part.previous is not None:
            notes.append(t("report.previous", lang, date=part.previous.date))
        for note in filter(None, notes):
            parts.append(Padding(Text(note, style="dim"), (0, 0, 0, 2)))

    if rep.comparisons and not comparison_shown(rep):
        parts.append(Text(t("report.comparison", lang), style="bold"))
        note = t("report.comparison_floor", lang, floor=rep.floor)
        parts.append(Padding(Text(note), (0, 0, 0, 2)))
    elif rep.comparisons:
        parts.append(Text(t("report.comparison", lang), style="bold"))
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for key in ("component", "facilitator", "members", "difference"):
            table.add_column(t(f"report.{key}", lang))
        for c in rep.comparisons:
            table.add_row(*comparison_row(c, lang))
        parts.append(table)
        step = display(rep.comparisons[0].step)
        note = t("report.comparison_rule", lang, step=step, floor=rep.floor)
        parts.append(Padding(Text(note, style="dim"), (0, 0, 0, 2)))

    parts.append(Text(t("report.benefits", lang), style="bold"))
    parts.append(Padding(Text(benefits_note(rep), style="dim"), (0, 0, 0, 2)))
    for b in rep.benefits:
        line = f"{i18n.name(b.benefit, lang)} — {benefit_line(b.links, lang)}"
        parts.append(Padding(Text(line), (0, 0, 0, 2)))

    parts.append(Text(t("report.definitions", lang), style="bold"))
    for comp in COMPONENT_IDS:
        parts.append(
            Padding(Text(f"{i18n.name(comp, lang)}: {i18n.definition(comp, lang)}"), (0, 0, 0, 2))
        )

    parts.append(Text(t("report.guidance", lang), style="bold"))
    if rep.guidance:
        for comp, tips in rep.guidance.items():
            parts.append(Text(i18n.name(comp, lang), style="bold"))
            parts.extend(Padding(Text(f"- {tip}"), (0, 0, 0, 2)) for tip in tips)
    elif rep.standing_from:
        parts.append(Padding(Text(t("report.no_guidance", lang)), (0, 0, 0, 2)))
    if rep.differences:
        parts.append(Text(t("report.differences", lang), style="bold"))
        parts.extend(
            Padding(Text(f"- {tip}"), (0, 0, 0, 2))
            for tip in i18n.group_advice("differences", lang)
        )
    parts.append(Text(t("report.safety", lang), style="bold"))
    parts.append(Padding(Text(i18n.group_text("safety", lang)), (0, 0, 0, 2)))
    parts.append(Text(crisis_line(rep), style="bold"))
    return RichGroup(*parts)


def _md(text: str) -> str:
    """Data inside Markdown: characters that would start markup are escaped."""
    out = text
    for ch in "\\`*_[]|#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(rep: CheckReport) -> str:
    lang = rep.language
    out = [f"# {t('report.title', lang)}", ""]
    out += [f"- **{k}**: {_md(v)}" for k, v in header(rep)]
    out += ["", f"_{t('report.instrument', lang)}_", ""]
    if paper := paper_line(rep):
        out += [paper, ""]
    if not rep.parts:
        out += [t("report.no_responses", lang), ""]
    for part in rep.parts:
        out += [f"## {part_title(part, lang)}", ""]
        if not part.shown:
            out += [floor_line(part, rep.floor, lang), ""]
            continue
        cols = ["component", "score", "band", "n", "change"]
        out.append("| " + " | ".join(t(f"report.{c}", lang) for c in cols) + " |")
        out.append("|" + "---|" * len(cols))
        for r in part.rows:
            out.append(
                f"| {i18n.name(r.component, lang)} | {display(r.score)} "
                f"| {i18n.band_word(r.band, lang)} | {r.n} | {change_text(r.change, lang)} |"
            )
        out.append("")
        if line := non_answer_line(part, lang):
            out += [line, ""]
        if part.previous is not None:
            out += [t("report.previous", lang, date=part.previous.date), ""]
    if rep.comparisons and not comparison_shown(rep):
        out += [f"## {t('report.comparison', lang)}", ""]
        out += [t("report.comparison_floor", lang, floor=rep.floor), ""]
    elif rep.comparisons:
        out += [f"## {t('report.comparison', lang)}", ""]
        cols = ["component", "facilitator", "members", "difference"]
        out.append("| " + " | ".join(t(f"report.{c}", lang) for c in cols) + " |")
        out.append("|" + "---|" * len(cols))
        for c in rep.comparisons:
            out.append("| " + " | ".join(comparison_row(c, lang)) + " |")
        step = display(rep.comparisons[0].step)
        out += ["", t("report.comparison_rule", lang, step=step, floor=rep.floor), ""]
    out += [f"## {t('report.benefits', lang)}", "", f"_{benefits_note(rep)}_", ""]
    for b in rep.benefits:
        out.append(f"- **{i18n.name(b.benefit, lang)}** — {benefit_line(b.links, lang)}")
    out += ["", f"## {t('report.definitions', lang)}", ""]
    out += [f"- **{i18n.name(c, lang)}**: {i18n.definition(c, lang)}" for c in COMPONENT_IDS]
    out += ["", f"## {t('report.guidance', lang)}", ""]
    if rep.guidance:
        for comp, tips in rep.guidance.items():
            out.append(f"### {i18n.name(comp, lang)}")
            out += [f"- {tip}" for tip in tips]
            out.append("")
    elif rep.standing_from:
        out += [t("report.no_guidance", lang), ""]
    if rep.differences:
        out += [f"### {t('report.differences', lang)}", ""]
        out += [f"- {tip}" for tip in i18n.group_advice("differences", lang)]
        out.append("")
    out += [f"### {t('report.safety', lang)}", "", i18n.group_text("safety", lang), ""]
    out += [f"**{_md(crisis_line(rep))}**", ""]
    return "\n".join(out)


def _part_data(part: Part) -> dict[str, Any]:
    q = part.questionnaire
    data: dict[str, Any] = {
        "session": part.session.id,
        "questionnaire": {"id": q.id, "version": q.version, "content_hash": q.content_hash},
        "people": part.people,
        "unfinished": part.unfinished,
        "shown": part.shown,
    }
    if part.shown:
        data["components"] = [
            {
                "component": r.component,
                "score": as_float(r.score),
                "band": r.band,
                "n": r.n,
                "previous_score": as_float(r.previous),
                "change": r.change,
            }
            for r in part.rows
        ]
        data["non_answers"] = dict(part.non_answers)
        data["previous_session"] = part.previous.id if part.previous else None
    return data


def to_data(rep: CheckReport) -> dict[str, Any]:
    c = rep.check
    return {
        "check": {"id": c.id, "group": c.group_name, "date": c.date},
        "language": rep.language,
        "privacy_floor": rep.floor,
        "facilitator": _part_data(rep.facilitator) if rep.facilitator else None,
        "members": _part_data(rep.members) if rep.members else None,
        "comparison": [
            {
                "component": x.component,
                "facilitator": as_float(x.facilitator),
                "members": as_float(x.members),
                "n_members": x.n_members,
                "difference": as_float(x.difference),
                "worth_talking_about": x.worth_talking_about,
                "step": as_float(x.step),
            }
            for x in rep.comparisons
        ],
        "benefit_links": [
            {
                "benefit": b.benefit,
                "links": [
                    {"component": comp, "reported": how, "band": band}
                    for comp, how, band in b.links
                ],
            }
            for b in rep.benefits
        ],
        "bands_from": rep.standing_from,
        "guidance": {comp: tips for comp, tips in rep.guidance.items()},
        "crisis_text": rep.crisis_text,
        "paper_forms": None
        if rep.paper is None
        else {
            "printed": rep.paper.printed,
            "verified": rep.paper.verified,
            "disagreements_resolved": rep.paper.disagreements,
            "not_verified": rep.paper.unverified,
        },
    }
