"""Statistics on plain numbers: means with 95% CIs (Student's t), Cronbach's alpha."""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce

# Two-sided 95% critical values of Student's t (the 0.975 quantile) by degrees of freedom.
# Between rows the value is interpolated linearly in 1/df, which is accurate to about 0.001;
# past 120 df it runs to the normal limit 1.96 at 1/df = 0.
_T975 = (
    (1, 12.7062), (2, 4.3027), (3, 3.1824), (4, 2.7764), (5, 2.5706), (6, 2.4469),
    (7, 2.3646), (8, 2.3060), (9, 2.2622), (10, 2.2281), (11, 2.2010), (12, 2.1788),
    (13, 2.1604), (14, 2.1448), (15, 2.1314), (16, 2.1199), (17, 2.1098), (18, 2.1009),
    (19, 2.0930), (20, 2.0860), (21, 2.0796), (22, 2.0739), (23, 2.0687), (24, 2.0639),
    (25, 2.0595), (26, 2.0555), (27, 2.0518), (28, 2.0484), (29, 2.0452), (30, 2.0423),
    (40, 2.0211), (50, 2.0086), (60, 2.0003), (80, 1.9901), (100, 1.9840), (120, 1.9799),
)  # fmt: skip
_Z975 = 1.959964


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with df degrees of freedom (table + interpolation)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    table = [(1 / d, t) for d, t in _T975] + [(0.0, _Z975)]
    x = 1 / df
    for (x0, t0), (x1, t1) in zip(table, table[1:], strict=False):
        if x1 <= x <= x0:
            return t0 if x0 == x1 else t1 + (t0 - t1) * (x - x1) / (x0 - x1)
    return _Z975


@dataclass(frozen=True)
class MeanCI:
    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None


class Moments:
    """Running n, sum and sum of squares: a mean with its t-based 95% CI in constant memory."""

    __slots__ = ("n", "s", "ss")

    def __init__(self) -> None:
        self.n, self.s, self.ss = 0, 0.0, 0.0

    def add(self, x: float) -> None:
        self.n += 1
        self.s += x
        self.ss += x * x

    def result(self) -> MeanCI:
        n = self.n
        if n == 0:
            return MeanCI(0, None, None, None, None)
        mean = self.s / n
        if n == 1:
            return MeanCI(1, mean, None, None, None)
        sd = math.sqrt(max(0.0, (self.ss - self.s * self.s / n) / (n - 1)))
        half = t975(n - 1) * sd / math.sqrt(n)
        return MeanCI(n, mean, sd, mean - half, mean + half)


def moments(values: list[float]) -> MeanCI:
    """Moments fed with values in order (the same float sums, in C loops)."""
    m = Moments()
    m.n = len(values)
    m.s = reduce(operator.add, values, 0.0)
    m.ss = reduce(operator.add, map(operator.mul, values, values), 0.0)
    return m.result()


def mean_ci(values: Iterable[float]) -> MeanCI:
    m = Moments()
    for v in values:
        m.add(v)
    return m.result()


class AlphaSums:
    """Integer sums for Cronbach's alpha over complete cases: exact until the final division."""

    __slots__ = ("k", "n", "s", "ss", "t", "tt")

    def __init__(self, k: int) -> None:
        self.k, self.n, self.t, self.tt = k, 0, 0, 0
        self.s = [0] * k
        self.ss = [0] * k

    def add(self, values: tuple[int, ...], times: int = 1) -> None:
        """One complete case (or `times` identical ones)."""
        self.n += times
        total = 0
        for i, v in enumerate(values):
            self.s[i] += times * v
            self.ss[i] += times * v * v
            total += v
        self.t += times * total
        self.tt += times * total * total

    def alpha(self) -> float | None:
        """k/(k-1) * (1 - sum of item variances / variance of the total); None if undefined."""
        n, k = self.n, self.k
        if n < 2 or k < 2:
            return None
        total_var = n * self.tt - self.t * self.t  # n(n-1) times the sample variance
        if total_var == 0:
            return None
        item_var = sum(n * ss - s * s for s, ss in zip(self.s, self.ss, strict=True))
        return float(Fraction(k, k - 1) * (1 - Fraction(item_var, total_var)))


def cronbach_alpha(rows: Iterable[Iterable[int]]) -> float | None:
    """Alpha of a respondents x items table (complete rows only)."""
    sums: AlphaSums | None = None
    for row in rows:
        values = tuple(row)
        sums = sums or AlphaSums(len(values))
        sums.add(values)
    return sums.alpha() if sums else None
