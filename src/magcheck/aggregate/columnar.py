"""The engine's scoring of counted parts (Aggregator._add_scored) for all parts at once, in NumPy.

Aggregator.add_coded_sessions uses it when NumPy is installed (it comes with the `scale` extra),
and scores part by part in Python otherwise. Every number is the one _add_scored gives:
- a respondent's score stays the integer k = score x den (core.bulk) until the one division
  _add_scored makes too; both sides of it are below 2**53, so the float is the same;
- bands are decided in integers by core.scoring.band_of's cross-multiplication, never by floats;
- respondents' scores reach the pooled means in the same order (session by session, response
  by response), so the float sums in result() are the same;
- a group's latest score is the same part: the greatest (date, respondents, created) and, on a
  tie, the part that came last.
When a questionnaire's integers could come near 2**53 (very long components), it says so and
the caller scores in Python.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from ..core.bulk import CodeLayout, ScoredPlan
from ..core.model import COMPONENT_IDS, Questionnaire
from ..core.scoring import DEVELOPING, MISSING, STRONG, WEAK
from .latest import Latest
from .results import TrendPoint


class Aggregator(Protocol):
    """What of engine.Aggregator is scored into (named here, not imported: the engine
    imports this module)."""

    by: str | None
    layout: CodeLayout | None
    _overall_xs: list[list[float]]
    _overall_members: list[int]
    _breakdown: dict[str, tuple[list[list[float]], list[int]]]
    _latest: dict[str, dict[str, Latest]]
    _asked: dict[str, set[str]]
    _trends: dict[tuple[str, str], list[tuple[str, str, TrendPoint]]]

    def _key(self, group_id: str, date: str, q: Questionnaire) -> str | None: ...


# A counted part: ((session id, group id, date, created_at, plan, check id), people, its
# responses of the part's role, where they start in the plan's packed codes)
Part = tuple[tuple[str, str, str, str, ScoredPlan, str | None], int, int, int]

BAND_WORDS = (STRONG, DEVELOPING, WEAK, MISSING)
EXACT = 1 << 53  # integers below this are floats exactly, and their products fit in int64


def fits(plan: ScoredPlan, responses: int) -> bool:
    """Whether every sum and band comparison of this plan stays exact in int64 and float64."""
    edges = (plan.q.bands.strong, plan.q.bands.developing, plan.q.bands.weak)
    factor = max([100, *(max(100 * e.denominator, abs(e.numerator)) for e in edges)])
    return (responses + 1) * plan.den * factor < EXACT


def entries_index(
    plan: ScoredPlan, ci: int, codes: Any, raw: list[tuple[int, ...]]
) -> tuple[list[Any], Any]:
    """Component ci's distinct memo entries over the responses' packed codes (`codes`, the
    same as `raw` in an array), and each response's index into them."""
    run = plan.run(ci)
    if run is not None:
        col, shift, mask = run
        uniq, inv = np.unique((codes[:, col] >> shift) & mask, return_inverse=True)
        return plan.key_entries(ci, uniq.tolist()), inv.reshape(-1)
    # items spread over columns: the pattern keys are tuples, read in Python
    where: dict[int, int] = {}
    entries: list[Any] = []
    index = []
    for e in plan.coded_column(ci, raw):
        i = where.get(id(e))
        if i is None:
            i = where[id(e)] = len(entries)
            entries.append(e)
        index.append(i)
    return entries, np.array(index, dtype=np.intp)


def scored_keys(entries: list[Any], inv: Any) -> tuple[Any, Any]:
    """Each response's k (0 when not scored) and whether it is scored."""
    k = np.array([0 if e[0] is None else e[0] for e in entries], dtype=np.int64)
    has = np.array([e[0] is not None for e in entries], dtype=bool)
    return k[inv], has[inv]


def packed_array(raw: list[tuple[int, ...]], columns: int) -> Any:
    return np.array(raw, dtype=np.int64).reshape(len(raw), columns)


def _response_columns(
    plan: ScoredPlan, ci: int, codes: Any, raw: list[tuple[int, ...]]
) -> tuple[Any, Any, Any]:
    """Component ci over the plan's responses: k (0 when not scored), scored?, float score
    (None when not scored); each entry counted for alpha (plan.seen_times)."""
    entries, inv = entries_index(plan, ci, codes, raw)
    times = plan.seen_times[ci]
    for e, n in zip(entries, np.bincount(inv, minlength=len(entries)).tolist(), strict=True):
        if n:
            times[id(e)] = times.get(id(e), 0) + n
    k, has = scored_keys(entries, inv)
    # the memo's own float objects, as the Python path keeps them (no new float per response)
    x = np.empty(len(entries), dtype=object)
    x[:] = [e[1] for e in entries]
    return k, has, x[inv]


def segment_sums(values: Any, starts: Any, ends: Any) -> Any:
    """The sum of values[start:end] for each (start, end), exact in int64."""
    running = np.concatenate((np.zeros(1, dtype=np.int64), np.cumsum(values, dtype=np.int64)))
    return running[ends] - running[starts]


def score_parts(agg: Aggregator, todo: list[Part], packed: dict[int, list[Any]]) -> bool:
    """Score the counted parts in order into agg's statistics; False (and nothing changed) when
    a plan's integers could leave the exact range: then the caller scores them in Python."""
    plans = {id(part[0][4]): part[0][4] for part in todo}
    if not all(fits(p, len(packed.get(key, ()))) for key, p in plans.items()):
        return False
    if not todo:
        return True
    assert agg.layout is not None
    columns = agg.layout.columns
    rows = [part[0] for part in todo]
    group_of: dict[str, int] = {}
    group = np.array([group_of.setdefault(r[1], len(group_of)) for r in rows], dtype=np.int64)
    dates, created = [r[2] for r in rows], [r[3] for r in rows]
    date_rank = np.unique(np.array(dates), return_inverse=True)[1].reshape(-1)
    created_rank = np.unique(np.array(created), return_inverse=True)[1].reshape(-1)
    key_of: dict[str, int] = {}
    breakdown: list[tuple[list[list[float]], list[int]]] = []
    keys = None
    if agg.by is not None:
        for r in rows:
            name = agg._key(r[1], r[2], r[4].q)
            assert name is not None
            if name not in key_of:
                key_of[name] = len(key_of)
                found = agg._breakdown.get(name)
                if found is None:
                    found = agg._breakdown[name] = (
                        [[] for _ in COMPONENT_IDS],
                        [0] * len(COMPONENT_IDS),
                    )
                breakdown.append(found)
        keys = np.array([key_of[agg._key(r[1], r[2], r[4].q) or ""] for r in rows])

    by_plan: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        by_plan.setdefault(id(r[4]), []).append(i)
    xs_parts: list[list[tuple[Any, Any, Any]]] = [[] for _ in COMPONENT_IDS]
    latest_parts: list[tuple[Any, ...]] = []
    points: list[TrendPoint | None] = [None] * len(rows)
    for key, idx in by_plan.items():
        plan = plans[key]
        member = plan.q.role == "member"
        seq = np.array(idx, dtype=np.int64)
        counts = np.array([todo[i][2] for i in idx], dtype=np.int64)
        starts = np.array([todo[i][3] for i in idx], dtype=np.int64)
        ends = starts + counts
        raw = packed.get(key, [])
        codes = packed_array(raw, columns)
        response_seq = np.repeat(seq, counts)
        response_key = np.repeat(keys[seq], counts) if keys is not None else None
        edges = (plan.q.bands.strong, plan.q.bands.developing, plan.q.bands.weak)
        values = []
        for ci in range(len(plan.comps)):
            g = plan.gidx[ci]
            k, has, x = _response_columns(plan, ci, codes, raw)
            t = segment_sums(k, starts, ends)
            c = segment_sums(has, starts, ends)
            d = c * plan.den
            scored = c > 0
            value = np.divide(t, d, out=np.zeros(len(idx), dtype=np.float64), where=scored)
            values.append(np.where(scored, value, np.nan).tolist())
            part_key = response_key[has] if response_key is not None else None
            xs_parts[g].append((response_seq[has], x[has], part_key))
            if member:
                agg._overall_members[g] += int(has.sum())
                if part_key is not None:
                    for ki, n in enumerate(np.bincount(part_key, minlength=len(key_of)).tolist()):
                        breakdown[ki][1][g] += n
            sel = np.flatnonzero(scored)
            ts, ds = t[sel], d[sel]
            band = np.full(len(sel), len(edges), dtype=np.int64)
            for bi in range(len(edges) - 1, -1, -1):  # the strongest edge reached wins
                e = edges[bi]
                band = np.where(ts * e.denominator >= e.numerator * ds, bi, band)
            s = seq[sel]
            # only each group's latest part of this chunk can be its latest overall
            keep = _last_of_runs(group[s], date_rank[s], c[sel], created_rank[s], s)
            s = s[keep]
            latest_parts.append(
                (
                    group[s],
                    np.full(len(s), g),
                    date_rank[s],
                    c[sel][keep],
                    created_rank[s],
                    s,
                    ts[keep],
                    ds[keep],
                    band[keep],
                )
            )
        comps = plan.comps
        for i, row_values in zip(idx, zip(*values, strict=True), strict=True):
            r = rows[i]
            components = {
                c: (None if v != v else v) for c, v in zip(comps, row_values, strict=True)
            }
            # the part's score as _add_scored takes it: sum() (compensated from Python 3.12)
            got = [v for v in components.values() if v is not None]
            points[i] = TrendPoint(
                r[2], r[0], todo[i][1], sum(got) / len(got) if got else None, components
            )
        for gid in {rows[i][1] for i in idx}:
            agg._asked.setdefault(gid, set()).update(comps)
            agg._latest.setdefault(gid, {})

    _pool(agg, xs_parts, breakdown)
    _latest(agg, latest_parts, list(group_of), dates, created)
    trends = agg._trends
    for r, point in zip(rows, points, strict=True):
        assert point is not None  # every part belongs to one plan
        trends.setdefault((r[1], r[4].q.id), []).append((r[2], r[3], point))
    return True


def _pool(
    agg: Aggregator, xs_parts: list[list[tuple[Any, Any, Any]]], breakdown: list[Any]
) -> None:
    """Respondent scores into the pooled lists, in the order the parts and responses came."""
    for g, parts in enumerate(xs_parts):
        if not parts:
            continue
        seq = np.concatenate([p[0] for p in parts])
        x = np.concatenate([p[1] for p in parts])
        order = np.argsort(seq, kind="stable")
        x = x[order]
        agg._overall_xs[g].extend(x.tolist())
        if not breakdown:
            continue
        keys = np.concatenate([p[2] for p in parts])[order]
        by_key = np.argsort(keys, kind="stable")
        keys, x = keys[by_key], x[by_key]
        cuts = np.flatnonzero(np.diff(keys)) + 1
        for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), len(keys)], strict=True):
            if b > a:
                breakdown[int(keys[a])][0][g].extend(x[a:b].tolist())


def _last_of_runs(key: Any, date: Any, c: Any, made: Any, seq: Any) -> Any:
    """Indices of the greatest (date, c, made, seq) of each key."""
    order = np.lexsort((seq, made, c, date, key))
    k = key[order]
    return order[np.append(k[1:] != k[:-1], True)] if len(k) else order


def _latest(
    agg: Aggregator,
    parts: list[tuple[Any, ...]],
    gids: list[str],
    dates: list[str],
    created: list[str],
) -> None:
    """Each group's latest scored part per component, as _add_scored keeps it."""
    if not parts:
        return
    group, g, date, c, made, seq, t, d, band = (
        np.concatenate(col) for col in zip(*parts, strict=True)
    )
    last = _last_of_runs(group * len(COMPONENT_IDS) + g, date, c, made, seq)
    for gi, ci, n, s, tt, dd, b in zip(
        group[last].tolist(),
        g[last].tolist(),
        c[last].tolist(),
        seq[last].tolist(),
        t[last].tolist(),
        d[last].tolist(),
        band[last].tolist(),
        strict=True,
    ):
        latest = agg._latest.setdefault(gids[gi], {})
        comp = COMPONENT_IDS[ci]
        when = (dates[s], n, created[s])
        prev = latest.get(comp)
        if prev is None or when >= prev.when:
            latest[comp] = Latest(when, tt, dd, BAND_WORDS[b])
