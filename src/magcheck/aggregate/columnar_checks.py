"""checks.PairPlan.compare for checks read as packed codes, all checks at once in NumPy.

The same rule and the same numbers as PairPlan.compare: each side's score stays the integer
k = score x den; a difference is one division of integers below 2**53 (so the float is the
one Python's int / int gives); "worth talking about" is decided by cross-multiplication in
integers. When the integers could come near 2**53 it returns None and PairPlan compares in
Python.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .columnar import EXACT, entries_index, packed_array, scored_keys, segment_sums

# checks.Outcomes (not imported: checks imports this module)
Outcomes = tuple[list[float | None], list[bool], int]


def compare(pair: Any, floor: int) -> tuple[list[str], dict[str, Outcomes]] | None:
    """pair: a checks.PairPlan."""
    fac, mem, checks = pair.fac, pair.mem, pair.checks
    if not (fac.coded and mem.coded and checks):
        return None
    fden, mden = fac.plan.den, mem.plan.den
    sn, sd = pair.step
    counts = np.array([len(members) for _, _, members in checks], dtype=np.int64)
    most = max(1, int(counts.max()))
    if 200 * fden * mden * most * max(sn, sd, 1) >= EXACT:
        return None
    ids = [cid for cid, _, _ in checks]
    fraw = [f for _, f, _ in checks]
    mraw = [m for _, _, members in checks for m in members]
    columns = len(fraw[0])
    fcodes, mcodes = packed_array(fraw, columns), packed_array(mraw, columns)
    ends = np.cumsum(counts)
    starts = ends - counts
    zeros = np.zeros(len(checks), dtype=np.float64)
    out: dict[str, Outcomes] = {}
    for ci, comp in enumerate(pair.comps):
        fk, fhas = scored_keys(*entries_index(fac.plan, ci, fcodes, fraw))
        mk, mhas = scored_keys(*entries_index(mem.plan, ci, mcodes, mraw))
        total, n = segment_sums(mk, starts, ends), segment_sums(mhas, starts, ends)
        compared = (n >= floor) & fhas
        # fk / fden - total / (n mden), over one denominator
        num = fk * n * mden - total * fden
        den = fden * n * mden
        diff = np.divide(num, den, out=zeros.copy(), where=compared)
        worth = compared & (np.abs(num) * sd > sn * den)
        out[comp] = (
            [d if ok else None for d, ok in zip(diff.tolist(), compared.tolist(), strict=True)],
            worth.tolist(),
            int((n < floor).sum()),
        )
    return ids, out
