"""Render an Aggregate as Rich tables (fit 100 columns), a long-format CSV, or JSON-ready data."""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from .. import i18n
from ..core.model import BENEFIT_IDS, COMPONENT_IDS
from ..core.scoring import band
from ..exports.common import CsvWriter
from ..text import shown
from .render_json import to_data  # noqa: F401  (re-exported: its home was here)
from .results import BENEFIT_BANDS, Aggregate, Trend
from .stats import MeanCI

BAND_STYLE = {"strong": "green", "developing": "yellow", "weak": "dark_orange", "missing": "red"}
SHORT = {
    "coping": "coping",
    "emotion": "emotion",
    "problem_solving": "problems",
    "support": "support",
    "trust": "trust",
    "identity": "identity",
    "networks": "networks",
    "agency": "agency",
}
BENEFIT_SHORT = {
    "quality_of_life": "quality",
    "health_learning": "learning",
    "social_functioning": "social",
    "life_skills": "skills",
    "hope": "hope",
}
TREND_ROWS = 8


def fmt(x: float | None, places: int = 1) -> str:
    return "–" if x is None else f"{x:.{places}f}"


def ci_text(m: MeanCI) -> str:
    if m.low is None or m.high is None:
        return "–"
    return f"{m.low:.1f}–{m.high:.1f}"


def _styled(mean: float | None) -> Text:
    if mean is None:
        return Text("–", style="dim")
    from fractions import Fraction

    return Text(f"{mean:.1f}", style=BAND_STYLE.get(band(Fraction(mean)), ""))


def _table(title: str) -> Table:
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)


def to_rich(agg: Aggregate) -> RenderableType:
    parts: list[RenderableType] = [
        Text(
            f"{agg.groups} groups · {agg.sessions} sessions · {agg.responses} responses · "
            f"{agg.answers} answers",
            style="bold",
        )
    ]
    parts.extend(Text(f"note: {shown(n)}", style="yellow") for n in agg.notes)
    t = _table("Components (respondent level; gap = facilitator − members; alpha where n ≥ 10)")
    for name, justify in (
        ("component", "left"),
        ("n", "right"),
        ("mean", "right"),
        ("95% CI", "right"),
        ("missing", "right"),
        ("gap", "right"),
        ("blind", "right"),
        ("alpha", "right"),
    ):
        t.add_column(name, justify=justify, no_wrap=name != "component")  # type: ignore[arg-type]
    missing = {m.component: m for m in agg.missing}
    gaps = {g.component: g for g in agg.gaps}
    alphas: dict[str, list[str]] = {}
    for a in agg.alpha:
        if a.alpha is not None:
            alphas.setdefault(a.component, []).append(f"{a.alpha:.2f}")
    for comp in COMPONENT_IDS:
        m = agg.components[comp]
        ms = missing[comp]
        t.add_row(
            i18n.name(comp),
            str(m.n),
            _styled(m.mean),
            ci_text(m),
            "–" if ms.share is None else f"{ms.share:.0%} of {ms.groups}",
            fmt(gaps[comp].gap.mean),
            str(gaps[comp].blind_spots),
            "/".join(alphas.get(comp, [])) or "–",
        )
    parts.append(t)
    if agg.by:
        b = _table(f"Mean score by {agg.by}")
        b.add_column(agg.by, max_width=16, overflow="ellipsis", no_wrap=True)
        for comp in COMPONENT_IDS:
            b.add_column(SHORT[comp], justify="right", no_wrap=True, min_width=len(SHORT[comp]))
        for key, comps in agg.breakdown.items():
            b.add_row(Text(shown(key)), *(_styled(comps[c].mean) for c in COMPONENT_IDS))
        parts.append(b)
    ben = _table("Benefit support (groups, at each group's latest scores)")
    ben.add_column("benefit")
    for name in BENEFIT_BANDS:
        ben.add_column(name, justify="right")
    ben.add_column("mean (95% CI)", justify="right", no_wrap=True)
    for d in agg.benefits:
        ben.add_row(
            i18n.name(d.benefit),
            *(str(d.counts[name]) for name in BENEFIT_BANDS),
            f"{fmt(d.support.mean)} ({ci_text(d.support)})",
        )
    parts.append(ben)
    heat = _table("Components × benefits: pooled mean where the evidence links them (● 1.0, ◐ 0.5)")
    heat.add_column("component")
    for b_id in BENEFIT_IDS:
        heat.add_column(BENEFIT_SHORT[b_id], justify="right", no_wrap=True)
    cells = {(c.component, c.benefit): c for c in agg.heatmap}
    for comp in COMPONENT_IDS:
        row: list[Text | str] = [i18n.name(comp)]
        for b_id in BENEFIT_IDS:
            cell = cells[(comp, b_id)]
            if cell.weight == 0:
                row.append(Text("·", style="dim"))
            else:
                text = _styled(cell.mean)
                text.append(" ●" if cell.weight == 1 else " ◐")
                row.append(text)
        heat.add_row(*row)
    heat.add_row(
        Text("pooled support", style="bold"),
        *(_styled(None if p.support is None else float(p.support)) for p in agg.pooled_benefits),
    )
    parts.append(heat)
    parts.append(_trend_table(agg.trends))
    return RichGroup(*parts)


def _trend_table(trends: tuple[Trend, ...]) -> Table:
    moving = sorted((tr for tr in trends if tr.change is not None), key=lambda tr: tr.change or 0.0)
    listed = moving[-TREND_ROWS // 2 :][::-1] + moving[: TREND_ROWS // 2]
    seen: set[int] = set()
    title = (
        f"Trends: largest rises and falls ({len(moving)} of {len(trends)} group series "
        "have 2+ sessions; all in --format json/csv)"
    )
    t = _table(title)
    t.add_column("group", max_width=30, overflow="ellipsis", no_wrap=True)
    for name in ("questionnaire", "sessions", "first", "last", "change"):
        t.add_column(name, justify="right" if name != "questionnaire" else "left")
    for tr in listed:
        if id(tr) in seen:
            continue
        seen.add(id(tr))
        scored = [p.score for p in tr.points if p.score is not None]
        t.add_row(
            Text(shown(tr.group)),  # Text: data is never markup
            Text(shown(tr.questionnaire)),
            str(len(tr.points)),
            fmt(scored[0]),
            fmt(scored[-1]),
            f"{tr.change:+.1f}" if tr.change is not None else "–",
        )
    return t


CSV_COLUMNS = [
    "section",
    "key",
    "component",
    "benefit",
    "date",
    "n",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "value",
]


def to_csv(agg: Aggregate) -> str:
    """One long table: every statistic a row, numeric columns numeric (see docs)."""
    out = io.StringIO()
    w = CsvWriter(out)
    w.writerow(CSV_COLUMNS)

    def row(
        section: str,
        key: str,
        comp: str,
        ben: str,
        m: MeanCI | None,
        value: Any,
        n: int | None = None,
        day: str = "",
    ) -> None:
        stats: list[Any] = [n, None, None, None, None]
        if m is not None:
            stats = [m.n, m.mean, m.sd, m.low, m.high]
        w.writerow(
            [section, key, comp, ben, day]
            + ["" if x is None else x for x in stats]
            + ["" if value is None else value]
        )

    for comp, m in agg.components.items():
        row("component_mean", "all", comp, "", m, None)
    for key, comps in agg.breakdown.items():
        for comp, m in comps.items():
            row(f"component_mean_by_{agg.by}", key, comp, "", m, None)
    for ms in agg.missing:
        row("missing_share", "groups", ms.component, "", None, ms.share, ms.groups)
    for d in agg.benefits:
        for name in BENEFIT_BANDS:
            row("benefit_groups", name, "", d.benefit, None, d.counts[name], d.groups)
        row("benefit_support", "groups", "", d.benefit, d.support, None)
    for p in agg.pooled_benefits:
        row("benefit_support_pooled", p.band, "", p.benefit, None, p.support and float(p.support))
    for c in agg.heatmap:
        row("heatmap", f"weight {c.weight}", c.component, c.benefit, None, c.contribution)
    for g in agg.gaps:
        row("gap", "sessions", g.component, "", g.gap, None)
        row("blind_spots", "sessions", g.component, "", None, g.blind_spots, g.gap.n)
    for a in agg.alpha:
        row("alpha", a.questionnaire, a.component, "", None, a.alpha, a.n)
    for tr in agg.trends:
        for point in tr.points:
            row(f"trend {tr.questionnaire}", tr.group, "", "", None, point.score, day=point.date)
    return out.getvalue()
