"""Render an Aggregate as Rich tables (fit 100 columns), a long-format CSV, or JSON-ready data."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

from rich import box
from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from .. import i18n
from ..core.evidence import OFTEN, SOMETIMES
from ..core.model import BENEFIT_IDS, COMPONENT_IDS
from ..core.scoring import band
from ..exports.common import CsvWriter
from ..text import shown
from .render_json import to_data  # noqa: F401  (re-exported: its home was here)
from .results import ALPHA_MIN_N, BAND_COLUMNS, Aggregate, Trend, totals
from .stats import MeanCI

BAND_STYLE = {
    "strong": "green",
    "developing": "yellow",
    "weak": "dark_orange",
    "missing": "red",
    "insufficient": "dim",
}
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
    return Text(f"{mean:.1f}", style=BAND_STYLE.get(band(Fraction(mean)), ""))


def _cell(m: MeanCI) -> Text:
    """A cell's mean, or only its n when the privacy floor withholds the mean."""
    if m.mean is None and m.n:
        return Text(f"n {m.n}", style="dim")
    return _styled(m.mean)


def _table(title: str) -> Table:
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)


def _linked(agg: Aggregate, benefit: str, reported: str) -> Text:
    out = Text()
    for link in agg.benefit_links:
        if link.benefit != benefit or link.reported != reported:
            continue
        if out:
            out.append("\n")
        out.append(f"{i18n.name(link.component)} ")
        out.append_text(_styled(link.mean))
        out.append(f" {link.band}", style=BAND_STYLE.get(link.band, "dim"))
    return out or Text("–", style="dim")


def to_rich(agg: Aggregate) -> RenderableType:
    parts: list[RenderableType] = [Text(totals(agg), style="bold")]
    parts.extend(Text(line, style="italic") for line in agg.about)
    parts.extend(Text(f"note: {shown(n)}", style="yellow") for n in agg.notes)
    t = _table(
        f"Components (respondent level; a mean from {agg.floor} respondents up; alpha where "
        f"n ≥ {max(ALPHA_MIN_N, agg.floor)})"
    )
    for name, justify in (
        ("component", "left"),
        ("n", "right"),
        ("mean", "right"),
        ("95% CI", "right"),
        ("band", "left"),
        ("alpha", "right"),
    ):
        t.add_column(name, justify=justify, no_wrap=name != "component")  # type: ignore[arg-type]
    alphas: dict[str, list[str]] = {}
    for a in agg.alpha:
        if a.alpha is not None:
            alphas.setdefault(a.component, []).append(f"{a.alpha:.2f}")
    for comp in COMPONENT_IDS:
        m = agg.components[comp]
        word = "" if m.mean is None else band(Fraction(m.mean))
        t.add_row(
            i18n.name(comp),
            str(m.n),
            _cell(m),
            ci_text(m),
            Text(word, style=BAND_STYLE.get(word, "")),
            "/".join(alphas.get(comp, [])) or "–",
        )
    parts.append(t)
    if agg.by:
        b = _table(f"Mean score by {agg.by} (n: fewer than {agg.floor} respondents or members)")
        b.add_column(agg.by, max_width=16, overflow="ellipsis", no_wrap=True)
        for comp in COMPONENT_IDS:
            b.add_column(SHORT[comp], justify="right", no_wrap=True, min_width=len(SHORT[comp]))
        for key, comps in agg.breakdown.items():
            b.add_row(Text(shown(key)), *(_cell(comps[c]) for c in COMPONENT_IDS))
        parts.append(b)
    bands = _table("Groups by the band of their latest counted score")
    bands.add_column("component")
    bands.add_column("groups", justify="right")
    for name in BAND_COLUMNS:
        bands.add_column(name, justify="right", style=BAND_STYLE.get(name, "dim"))
    for bc in agg.bands:
        bands.add_row(
            i18n.name(bc.component), str(bc.groups), *(str(bc.counts[n]) for n in BAND_COLUMNS)
        )
    parts.append(bands)
    step = "more than one answer step"
    cmp_ = _table(
        f"Facilitator and members, per check, on parallel items (members from {agg.floor} up; "
        f"worth talking about: {step})"
    )
    for name in ("component", "checks", "worth talking", "under floor", "mean diff", "95% CI"):
        cmp_.add_column(name, justify="left" if name == "component" else "right")
    for c in agg.comparisons:
        cmp_.add_row(
            i18n.name(c.component),
            str(c.compared),
            str(c.worth_talking_about),
            str(c.under_floor),
            "–" if c.difference.mean is None else f"{c.difference.mean:+.1f}",
            ci_text(c.difference),
        )
    parts.append(cmp_)
    links = _table("What the review links to each benefit, beside the pooled means here")
    links.add_column("benefit")
    links.add_column("often reported")
    links.add_column("sometimes reported")
    for b_id in BENEFIT_IDS:
        links.add_row(i18n.name(b_id), _linked(agg, b_id, OFTEN), _linked(agg, b_id, SOMETIMES))
    parts.append(links)
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

    for line in agg.about:
        row("about", "", "", "", None, line)
    for note in agg.notes:
        row("note", "", "", "", None, note)
    for comp, m in agg.components.items():
        row("component_mean", "all", comp, "", m, None)
    for key, comps in agg.breakdown.items():
        for comp, m in comps.items():
            row(f"component_mean_by_{agg.by}", key, comp, "", m, None)
    for bc in agg.bands:
        for name in BAND_COLUMNS:
            row("latest_band_groups", name, bc.component, "", None, bc.counts[name], bc.groups)
    for link in agg.benefit_links:
        # the linked component's pooled mean (as in component_mean) and its band as the value
        m = agg.components[link.component]
        row("benefit_link", f"{link.reported} reported", link.component, link.benefit, m, link.band)
    for c in agg.comparisons:
        row("comparison_difference", "checks", c.component, "", c.difference, None)
        row(
            "comparison_worth_talking_about",
            "checks",
            c.component,
            "",
            None,
            c.worth_talking_about,
            c.compared,
        )
        row("comparison_under_floor", "checks", c.component, "", None, c.under_floor)
    for a in agg.alpha:
        row("alpha", a.questionnaire, a.component, "", None, a.alpha, a.n)
    for tr in agg.trends:
        for point in tr.points:
            row(
                f"trend {tr.questionnaire}",
                tr.group,
                "",
                "",
                None,
                point.score,
                point.people,
                point.date,
            )
    return out.getvalue()
