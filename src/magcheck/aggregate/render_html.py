"""Render an Aggregate as one self-contained HTML file: inline CSS and SVG, nothing fetched."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from html import escape

from .. import __version__, i18n
from ..core.evidence import OFTEN, SOMETIMES
from ..core.model import BENEFIT_IDS, COMPONENT_IDS
from ..core.scoring import band
from .results import ALPHA_MIN_N, BAND_COLUMNS, Aggregate, Trend, totals
from .stats import MeanCI

COLOURS = {
    "strong": "#2e7d32",
    "developing": "#f0a500",
    "weak": "#e65100",
    "missing": "#c62828",
    "insufficient": "#9e9e9e",
}
SPARKLINES = 60

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 980px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.2em; margin-top: 1.8em;
     border-bottom: 1px solid #ccc; padding-bottom: .2em; }
p.meta, p.note { color: #555; } p.note { font-size: .9em; }
table { border-collapse: collapse; margin: .5em 0; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e4e4e4; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.heat { text-align: center; min-width: 4.5em; }
.legend span { display: inline-block; margin-right: 1em; }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: -0.1em;
          margin-right: .3em; }
.sparks { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
          gap: .4em 1em; }
.spark { font-size: .85em; } .spark svg { display: block; }
section { break-inside: avoid; page-break-inside: avoid; }
@media print { body { margin: 0; max-width: none; font-size: 11px; }
  h2 { break-after: avoid; } a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def _band_colour(score: float | None) -> str:
    return "#bdbdbd" if score is None else COLOURS[band(Fraction(score))]


def _f(x: float | None, places: int = 1) -> str:
    return "–" if x is None else f"{x:.{places}f}"


def _ci(m: MeanCI) -> str:
    return "–" if m.low is None or m.high is None else f"{m.low:.1f}–{m.high:.1f}"


def component_chart(agg: Aggregate) -> str:
    """Horizontal bars of the pooled means (0-100) with 95% CI whiskers and band edges."""
    label_w, bar_w, row_h = 250, 420, 24
    height = row_h * len(COMPONENT_IDS) + 30
    x = lambda v: label_w + bar_w * max(0.0, min(100.0, v)) / 100  # noqa: E731
    out = [
        f'<svg role="img" aria-label="Mean score per component" width="{label_w + bar_w + 60}"'
        f' height="{height}" viewBox="0 0 {label_w + bar_w + 60} {height}">'
    ]
    for edge in (25, 50, 75):
        out.append(
            f'<line x1="{x(edge):.1f}" x2="{x(edge):.1f}" y1="0" y2="{height - 22}"'
            ' stroke="#999" stroke-dasharray="3 3"/>'
            f'<text x="{x(edge):.1f}" y="{height - 8}" font-size="11" text-anchor="middle"'
            f' fill="#555">{edge}</text>'
        )
    for i, comp in enumerate(COMPONENT_IDS):
        m = agg.components[comp]
        y = i * row_h + 4
        out.append(
            f'<text x="{label_w - 8}" y="{y + 14}" font-size="12" text-anchor="end">'
            f"{escape(i18n.name(comp))}</text>"
        )
        if m.mean is None:
            continue
        out.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{x(m.mean) - label_w:.1f}" height="14"'
            f' fill="{_band_colour(m.mean)}" opacity="0.85"/>'
        )
        if m.low is not None and m.high is not None:
            out.append(
                f'<line x1="{x(m.low):.1f}" x2="{x(m.high):.1f}" y1="{y + 10}" y2="{y + 10}"'
                ' stroke="#222" stroke-width="1.5"/>'
            )
        out.append(f'<text x="{x(m.mean) + 6:.1f}" y="{y + 14}" font-size="11">{m.mean:.1f}</text>')
    out.append("</svg>")
    return "".join(out)


def band_chart(agg: Aggregate) -> str:
    """Stacked bars: how many groups' latest counted score falls in each band, per component."""
    label_w, bar_w, row_h = 250, 420, 24
    height = row_h * len(agg.bands) + 6
    out = [
        f'<svg role="img" aria-label="Groups by latest band" width="{label_w + bar_w}"'
        f' height="{height}" viewBox="0 0 {label_w + bar_w} {height}">'
    ]
    for i, bc in enumerate(agg.bands):
        y = i * row_h + 4
        out.append(
            f'<text x="{label_w - 8}" y="{y + 14}" font-size="12" text-anchor="end">'
            f"{escape(i18n.name(bc.component))}</text>"
        )
        left = float(label_w)
        for name in BAND_COLUMNS:
            count = bc.counts[name]
            if not count or not bc.groups:
                continue
            width = bar_w * count / bc.groups
            out.append(
                f'<rect x="{left:.1f}" y="{y + 3}" width="{width:.1f}" height="16"'
                f' fill="{COLOURS[name]}"><title>{name}: {count}</title></rect>'
            )
            if width > 24:
                out.append(
                    f'<text x="{left + width / 2:.1f}" y="{y + 15}" font-size="10"'
                    f' text-anchor="middle" fill="#fff">{count}</text>'
                )
            left += width
    out.append("</svg>")
    return "".join(out)


def sparkline(trend: Trend, width: int = 200, height: int = 36) -> str:
    points = [(i, p.score) for i, p in enumerate(trend.points) if p.score is not None]
    n = max(1, len(trend.points) - 1)
    coords = [
        (4 + (width - 8) * i / n, height - 4 - (height - 8) * score / 100) for i, score in points
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2"/>' for x, y in coords)
    mid = height - 4 - (height - 8) * 0.5
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="trend">'
        f'<line x1="0" x2="{width}" y1="{mid:.1f}" y2="{mid:.1f}" stroke="#ddd"/>'
        f'<polyline points="{path}" fill="none" stroke="#1565c0" stroke-width="1.5"/>'
        f'<g fill="#1565c0">{dots}</g></svg>'
    )


def _mean(m: MeanCI) -> str:
    """A cell's mean, or only its n when the privacy floor withholds the mean."""
    if m.mean is None and m.n:
        return '<span class="withheld" title="under the privacy floor">n only</span>'
    return _f(m.mean)


def _component_table(agg: Aggregate) -> str:
    rows = []
    for comp in COMPONENT_IDS:
        m = agg.components[comp]
        word = "" if m.mean is None else band(Fraction(m.mean))
        rows.append(
            f"<tr><td>{escape(i18n.name(comp))}</td><td>{m.n}</td><td>{_mean(m)}</td>"
            f"<td>{_ci(m)}</td><td>{word}</td></tr>"
        )
    return (
        "<table><tr><th>component</th><th>n</th><th>mean</th><th>95% CI</th>"
        "<th>band of the mean</th></tr>" + "".join(rows) + "</table>"
    )


def _band_table(agg: Aggregate) -> str:
    head = "".join(f"<th>{name}</th>" for name in BAND_COLUMNS)
    rows = "".join(
        f"<tr><td>{escape(i18n.name(bc.component))}</td><td>{bc.groups}</td>"
        + "".join(f"<td>{bc.counts[name]}</td>" for name in BAND_COLUMNS)
        + "</tr>"
        for bc in agg.bands
    )
    return f"<table><tr><th>component</th><th>groups</th>{head}</tr>{rows}</table>"


def _comparison_table(agg: Aggregate) -> str:
    rows = "".join(
        f"<tr><td>{escape(i18n.name(c.component))}</td><td>{c.compared}</td>"
        f"<td>{c.worth_talking_about}</td><td>{c.under_floor}</td>"
        f"<td>{'–' if c.difference.mean is None else f'{c.difference.mean:+.1f}'}</td>"
        f"<td>{_ci(c.difference)}</td></tr>"
        for c in agg.comparisons
    )
    return (
        "<table><tr><th>component</th><th>checks compared</th><th>worth talking about</th>"
        "<th>not compared: members under the floor</th><th>mean difference</th>"
        f"<th>95% CI</th></tr>{rows}</table>"
    )


def _links_table(agg: Aggregate) -> str:
    rows = []
    for ben in BENEFIT_IDS:
        cells = []
        for reported in (OFTEN, SOMETIMES):
            found = [
                f'<span style="color:{_band_colour(link.mean)}">'
                f"{escape(i18n.name(link.component))}</span> {_f(link.mean)} {link.band}"
                for link in agg.benefit_links
                if link.benefit == ben and link.reported == reported
            ]
            cells.append("<br>".join(found) or "–")
        rows.append(
            f"<tr><td>{escape(i18n.name(ben))}</td><td style='text-align:left'>{cells[0]}</td>"
            f"<td style='text-align:left'>{cells[1]}</td></tr>"
        )
    return (
        "<table><tr><th>benefit</th><th>often reported with</th><th>sometimes reported with</th>"
        f"</tr>{''.join(rows)}</table>"
    )


def _breakdown_table(agg: Aggregate) -> str:
    head = "".join(f"<th>{escape(i18n.name(c))}</th>" for c in COMPONENT_IDS)
    rows = []
    for key, comps in agg.breakdown.items():
        tds = "".join(
            f'<td style="color:{_band_colour(comps[c].mean)}">{_mean(comps[c])}'
            f'<br><small style="color:#777">n={comps[c].n}</small></td>'
            for c in COMPONENT_IDS
        )
        rows.append(f"<tr><td>{escape(key)}</td>{tds}</tr>")
    return f"<table><tr><th>{escape(agg.by or '')}</th>{head}</tr>{''.join(rows)}</table>"


def _trends(agg: Aggregate) -> str:
    moving = sorted(
        (tr for tr in agg.trends if tr.change is not None),
        key=lambda tr: -abs(tr.change or 0.0),
    )
    sparks = "".join(
        f'<div class="spark">{escape(tr.group)} · {escape(tr.questionnaire)} · '
        f"{len(tr.points)} sessions · {tr.change:+.1f}{sparkline(tr)}</div>"
        for tr in moving[:SPARKLINES]
        if tr.change is not None
    )
    rows = "".join(
        f"<tr><td>{escape(tr.group)}</td><td>{escape(tr.questionnaire)}</td>"
        f"<td>{len(tr.points)}</td><td>{escape(tr.points[0].date)}</td>"
        f"<td>{escape(tr.points[-1].date)}</td><td>{_f(tr.points[0].score)}</td>"
        f"<td>{_f(tr.points[-1].score)}</td>"
        f"<td>{'–' if tr.change is None else f'{tr.change:+.1f}'}</td></tr>"
        for tr in agg.trends
    )
    more = (
        f"<p class='note'>Sparklines for the {SPARKLINES} largest changes of {len(moving)}.</p>"
        if len(moving) > SPARKLINES
        else ""
    )
    return (
        f'{more}<div class="sparks">{sparks}</div>'
        "<table><tr><th>group</th><th>questionnaire</th><th>sessions</th><th>first</th>"
        f"<th>last</th><th>first score</th><th>last score</th><th>change</th></tr>{rows}</table>"
    )


def _alpha_table(agg: Aggregate) -> str:
    rows = "".join(
        f"<tr><td>{escape(a.questionnaire)}</td><td>{escape(i18n.name(a.component))}</td>"
        f"<td>{a.items}</td><td>{a.n}</td><td>{_f(a.alpha, 2)}</td></tr>"
        for a in agg.alpha
    )
    return (
        "<table><tr><th>questionnaire</th><th>component</th><th>items</th>"
        f"<th>complete respondents</th><th>alpha</th></tr>{rows}</table>"
    )


def to_html(agg: Aggregate, sources: list[str]) -> str:
    legend = "".join(
        f'<span><i class="swatch" style="background:{COLOURS[b]}"></i>{b}</span>'
        for b in BAND_COLUMNS
    )
    about = "".join(f"<p class='note'><b>{escape(line)}</b></p>" for line in agg.about)
    notes = "".join(f"<p class='note'>{escape(n)}</p>" for n in agg.notes)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    floor = agg.floor
    by = (
        f"<section><h2>Mean score by {escape(agg.by)}</h2><p class='note'>A cell shows its mean "
        f"only when at least {floor} respondents have a score, and at least {floor} members "
        f"when any are members; otherwise only its n.</p>{_breakdown_table(agg)}</section>"
        if agg.by
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>magcheck aggregate report</title><style>{CSS}</style></head><body>
<h1>Mutual aid groups: core components across groups</h1>
<p class="meta">{totals(agg)} · from {escape(", ".join(sources))} · magcheck {__version__} · {stamp}</p>
{about}
{notes}
<section><h2>Component scores</h2>
<p class="legend">{legend}<span>whisker: 95% confidence interval</span></p>
{component_chart(agg)}
<p class="note">Means over respondents (each response's component score, 0–100), each part
scored over its own role (a facilitator's answers are never folded into a member round). The
interval uses Student's t; respondents in one group are not independent, so treat it as a lower
bound on the uncertainty. Bands: strong from 75, developing from 50, weak from 25, missing under
25.</p>
{_component_table(agg)}</section>
{by}
<section><h2>Groups by the band of their latest score</h2>
<p class="note">Per component, each group counts once, at the band of its latest counted score
(a self-assessment, or a member round of at least {floor} people); insufficient: asked, never
scored.</p>
<p class="legend">{legend}</p>
{band_chart(agg)}{_band_table(agg)}</section>
<section><h2>Facilitator and members, per check</h2>
<p class="note">Only a check's facilitator self-assessment and member round, on the facilitator
items that mirror a member item (parallel items), at component level. A check is compared when at
least {floor} members have a value; a difference is worth talking about only when it is larger
than one answer step can make (25 points on a 1–5 scale). Difference: facilitator minus
members.</p>
{_comparison_table(agg)}</section>
<section><h2>What the review links to each benefit</h2>
<p class="note">Each benefit with the components the review links to it, and beside each its
pooled mean and band in this data. No benefit gets a score of its own.</p>
{_links_table(agg)}</section>
<section><h2>Reliability (Cronbach's alpha)</h2>
<p class="note">Measured on this data: per questionnaire and component, over respondents who
answered every item of the component; shown where at least {max(ALPHA_MIN_N, floor)} did (see
the note at the top on what these questions are and are not).</p>{_alpha_table(agg)}</section>
<section><h2>Each group over time</h2>
<p class="note">Mean over components of each part's scores, oldest to newest; member rounds under
the privacy floor are left out.</p>
{_trends(agg)}</section>
</body></html>
"""
