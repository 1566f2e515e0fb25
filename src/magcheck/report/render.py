"""Render a SessionReport as Rich renderables (terminal, text), Markdown or JSON-ready data."""

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
from ..core.scoring import as_float, display
from ..i18n import t
from ..text import shown
from .build import SessionReport

BAR_WIDTH = 20
BAND_STYLE = {
    "strong": "green",
    "developing": "yellow",
    "missing": "red",
    "insufficient": "dim",
    "likely": "green",
    "possible": "yellow",
    "unlikely": "red",
}


def bar(score: Fraction | None, width: int = BAR_WIDTH) -> str:
    """A bar whose filled length is the truncated score, so it never looks fuller than it is."""
    if score is None:
        return "·" * width
    filled = int(score * width // 100)
    return "█" * filled + "░" * (width - filled)


def signed(value: Fraction | None) -> str:
    if value is None:
        return ""
    shown = display(abs(value))
    if float(shown) == 0:
        return "±0"
    return f"{'+' if value > 0 else '−'}{shown}"


def arrow(change: Fraction | None) -> str:
    if change is None:
        return ""
    if change >= 5:
        return f"↑ {signed(change)}"
    if change <= -5:
        return f"↓ {signed(change)}"
    return f"→ {signed(change)}"


def _header(rep: SessionReport) -> list[tuple[str, str]]:
    lang = rep.language
    s = rep.session
    q = rep.questionnaire
    return [
        (t("report.group", lang), shown(s.group_name)),
        (t("report.date", lang), shown(s.date)),
        (
            t("report.questionnaire", lang),
            f"{shown(q.title[q.text_lang(lang)])} ({shown(q.id)} v{q.version})",
        ),
        (t("report.session", lang), s.id[:8]),
        (
            t("report.respondents", lang),
            t(
                "report.respondents_detail",
                lang,
                total=len(rep.responses),
                facilitators=rep.count("facilitator"),
                members=rep.count("member"),
                unfinished=rep.unfinished,
            ),
        ),
    ]


def blind_spot_lines(rep: SessionReport) -> list[str]:
    lang = rep.language
    return [
        t(
            "report.blind_spot_line",
            lang,
            component=i18n.name(row.component, lang),
            facilitator=display(row.result.facilitator.score),
            members=display(row.result.member.score),
            gap=signed(row.result.gap),
        )
        for row in rep.components
        if row.result.blind_spot
    ]


def to_rich(rep: SessionReport, width: int = 100) -> RenderableType:
    """Fits `width` columns; band words are never cut, the bar shrinks first."""
    lang = rep.language
    bar_width = BAR_WIDTH if width >= 100 else 10
    parts: list[RenderableType] = [Text(t("report.title", lang), style="bold")]
    head = Table.grid(padding=(0, 2))
    for key, value in _header(rep):
        head.add_row(Text(key, style="bold"), Text(value))  # Text: a group name is never markup
    parts.append(head)
    if not rep.responses:
        parts.append(Text(t("report.no_responses", lang)))
        return RichGroup(*parts)

    comps = Table(
        title=t("report.components", lang),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    band_width = max(len(i18n.band_word(r.result.band, lang)) for r in rep.components)
    comps.add_column(t("report.component", lang), min_width=12)
    comps.add_column(t("report.score", lang), no_wrap=True, min_width=4 + bar_width)
    comps.add_column(t("report.band", lang), no_wrap=True, min_width=band_width)
    comps.add_column(t("report.n", lang), justify="right", no_wrap=True)
    comps.add_column(t("report.gap", lang), justify="right", no_wrap=True)
    comps.add_column(
        t("report.change", lang), no_wrap=True, min_width=len(t("report.change", lang))
    )
    for row in rep.components:
        r = row.result
        gap = signed(r.gap) + (" !" if r.blind_spot else "")
        style = BAND_STYLE[r.band]
        comps.add_row(
            i18n.name(r.component, lang),
            Text.assemble(f"{display(r.score):>3} ", (bar(r.score, bar_width), style)),
            Text(i18n.band_word(r.band, lang), style=style),
            str(r.n),
            gap,
            arrow(row.change),
        )
    parts.append(comps)
    if rep.previous_session is not None:
        parts.append(Text(t("report.previous", lang, date=rep.previous_session.date), style="dim"))

    spots = blind_spot_lines(rep)
    parts.append(Text(t("report.blind_spots", lang), style="bold"))
    parts.append(
        Text("\n".join(f"  ! {s}" for s in spots) or f"  {t('report.no_blind_spots', lang)}")
    )

    bens = Table(title=t("report.benefits", lang), title_justify="left", box=box.SIMPLE_HEAD)
    bens.add_column(t("report.benefit", lang))
    bens.add_column(t("report.support", lang), justify="right")
    bens.add_column(t("report.band", lang), no_wrap=True)
    bens.add_column(t("report.drivers", lang))
    bens.add_column(t("report.blockers", lang))
    none = t("report.none", lang)
    for b in rep.benefits:
        bens.add_row(
            i18n.name(b.benefit, lang),
            display(b.support),
            Text(i18n.band_word(b.band, lang), style=BAND_STYLE[b.band]),
            ", ".join(i18n.name(c, lang) for c in b.drivers) or none,
            ", ".join(i18n.name(c, lang) for c in b.blockers) or none,
        )
    parts.append(bens)
    parts.append(Text(t("report.evidence_note", lang), style="dim"))

    parts.append(Text(t("report.guidance", lang), style="bold"))
    if rep.guidance:
        for comp, tips in rep.guidance.items():
            band = next(r.result.band for r in rep.components if r.component == comp)
            parts.append(
                Text(f"{i18n.name(comp, lang)} ({i18n.band_word(band, lang)})", style="bold")
            )
            parts.extend(Padding(Text(f"- {tip}"), (0, 0, 0, 2)) for tip in tips)
    else:
        parts.append(Text(f"  {t('report.no_guidance', lang)}"))
    return RichGroup(*parts)


def to_markdown(rep: SessionReport) -> str:
    lang = rep.language
    out = [f"# {t('report.title', lang)}", ""]
    out += [f"- **{k}**: {v}" for k, v in _header(rep)]
    out.append("")
    if not rep.responses:
        return "\n".join([*out, t("report.no_responses", lang), ""])
    cols = ["component", "score", "band", "n", "facilitator", "members", "gap", "change"]
    out.append(f"## {t('report.components', lang)}")
    out.append("")
    out.append("| " + " | ".join(t(f"report.{c}", lang) for c in cols) + " |")
    out.append("|" + "---|" * len(cols))
    for row in rep.components:
        r = row.result
        gap = signed(r.gap) + (f" **{t('report.blind_spot', lang)}**" if r.blind_spot else "")
        out.append(
            f"| {i18n.name(r.component, lang)} | {display(r.score)} | {i18n.band_word(r.band, lang)} "
            f"| {r.n} | {display(r.facilitator.score)} | {display(r.member.score)} | {gap} "
            f"| {arrow(row.change)} |"
        )
    out.append("")
    if rep.previous_session is not None:
        out += [t("report.previous", lang, date=rep.previous_session.date), ""]
    out += [f"## {t('report.blind_spots', lang)}", ""]
    out += [f"- {s}" for s in blind_spot_lines(rep)] or [t("report.no_blind_spots", lang)]
    out += ["", f"## {t('report.benefits', lang)}", ""]
    bcols = ["benefit", "support", "band", "drivers", "blockers"]
    out.append("| " + " | ".join(t(f"report.{c}", lang) for c in bcols) + " |")
    out.append("|" + "---|" * len(bcols))
    none = t("report.none", lang)
    for b in rep.benefits:
        out.append(
            f"| {i18n.name(b.benefit, lang)} | {display(b.support)} | {i18n.band_word(b.band, lang)} "
            f"| {', '.join(i18n.name(c, lang) for c in b.drivers) or none} "
            f"| {', '.join(i18n.name(c, lang) for c in b.blockers) or none} |"
        )
    out += ["", f"_{t('report.evidence_note', lang)}_", "", f"## {t('report.guidance', lang)}", ""]
    if rep.guidance:
        for comp, tips in rep.guidance.items():
            out.append(f"### {i18n.name(comp, lang)}")
            out += [f"- {tip}" for tip in tips]
            out.append("")
    else:
        out += [t("report.no_guidance", lang), ""]
    return "\n".join(out)


def to_data(rep: SessionReport) -> dict[str, Any]:
    s = rep.session
    q = rep.questionnaire
    return {
        "session": {
            "id": s.id,
            "group": s.group_name,
            "date": s.date,
            "language": s.language,
            "questionnaire": {"id": q.id, "version": q.version, "content_hash": q.content_hash},
            "status": s.status,
        },
        "respondents": {
            "total": len(rep.responses),
            "facilitator": rep.count("facilitator"),
            "member": rep.count("member"),
            "observer": rep.count("observer"),
            "unfinished": rep.unfinished,
        },
        "components": [
            {
                "component": row.component,
                "score": as_float(row.result.score),
                "band": row.result.band,
                "n": row.result.n,
                "facilitator": {
                    "score": as_float(row.result.facilitator.score),
                    "n": row.result.facilitator.n,
                },
                "member": {"score": as_float(row.result.member.score), "n": row.result.member.n},
                "gap": as_float(row.result.gap),
                "blind_spot": row.result.blind_spot,
                "previous_score": as_float(row.previous),
            }
            for row in rep.components
        ],
        "benefits": [
            {
                "benefit": b.benefit,
                "support": as_float(b.support),
                "band": b.band,
                "drivers": list(b.drivers),
                "blockers": list(b.blockers),
            }
            for b in rep.benefits
        ],
        "guidance": {c: tips for c, tips in rep.guidance.items()},
        "previous_session": rep.previous_session.id if rep.previous_session else None,
    }
