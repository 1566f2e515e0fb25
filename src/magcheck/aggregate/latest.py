"""A group's latest counted score for one component, as the engine keeps it."""

from __future__ import annotations

from fractions import Fraction


class Latest:
    """A group's latest counted score for one component, kept as the exact ratio num / den."""

    __slots__ = ("band", "den", "num", "when")

    def __init__(self, when: tuple[str, int, str], num: int, den: int, band: str) -> None:
        self.when, self.num, self.den, self.band = when, num, den, band

    @property
    def score(self) -> Fraction:
        return Fraction(self.num, self.den)
