"""What an aggregation returns: frozen records the renderers read, and the statements every
renderer shows once (what the questions are, what the benefit links are, the privacy floor)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.scoring import BANDS, INSUFFICIENT
from .stats import MeanCI

BY_KEYS = ("group", "questionnaire", "month", "region", "focus")
ALPHA_MIN_N = 10
BAND_COLUMNS: tuple[str, ...] = (*BANDS, INSUFFICIENT)

INSTRUMENT_NOTE = (
    "magcheck's questions are new: they have not been tested for reliability or validity. "
    "Use these results to start a conversation, not to judge a group or a facilitator. "
    "The published reliability figures of the Mutual Aid Scale belong to a different "
    "instrument and say nothing about these questions; the alpha shown here is measured "
    "on this data."
)
LINKS_NOTE = (
    "Benefit links come from a scoping review of 37 studies, not from these groups: the "
    "review counts how often studies reported a component together with a benefit, which is "
    "not cause and effect. Beside each linked component is its pooled mean from this data."
)


def floor_note(floor: int) -> str:
    return (
        f"Privacy floor {floor}: a member round with fewer than {floor} people is left out of "
        f"every statistic; a cell (overall or --by) shows a mean only when at least {floor} "
        f"respondents have a score, and, when any of them are members, at least {floor} "
        "members; below that it shows only its n."
    )


@dataclass(frozen=True)
class Alpha:
    questionnaire: str
    component: str
    items: int
    n: int
    alpha: float | None  # None when n < max(ALPHA_MIN_N, floor) or the total has no variance


@dataclass(frozen=True)
class BandCounts:
    """Groups by the band of their latest counted score for one component."""

    component: str
    groups: int  # groups with a counted part that asks about the component
    counts: dict[str, int]  # band (BAND_COLUMNS) -> number of groups


@dataclass(frozen=True)
class BenefitLink:
    """One component the review links to a benefit, beside how it stands in this data."""

    benefit: str
    component: str
    reported: str  # "often" (weight 1.0) or "sometimes" (0.5): evidence.links
    mean: float | None  # the component's pooled mean (None when withheld or not scored)
    band: str  # band of that mean by the default edges, or insufficient


@dataclass(frozen=True)
class ComponentComparison:
    """Facilitator self-assessment vs member round, per check, on parallel items only."""

    component: str
    compared: int  # checks where both sides had a value (members at or above the floor)
    worth_talking_about: int  # of which |difference| > one answer step
    under_floor: int  # checks not compared: fewer than floor members had a value
    difference: MeanCI  # facilitator minus members, one value per compared check


@dataclass(frozen=True)
class TrendPoint:
    date: str
    session_id: str
    people: int  # respondents of the part's role with at least one answer
    score: float | None  # mean over the part's scored components
    components: dict[str, float | None]


@dataclass(frozen=True)
class Trend:
    group_id: str
    group: str
    questionnaire: str
    points: tuple[TrendPoint, ...]

    @property
    def change(self) -> float | None:
        """Last scored point minus the first (None under two scored points)."""
        return _last_minus_first([p.score for p in self.points])

    def component_change(self, component: str) -> float | None:
        """The same on one component."""
        return self.component_changes().get(component)

    def component_changes(self) -> dict[str, float | None]:
        """component_change of every component met, in one pass from each end (trends can be
        long): the last value minus the first, None under two values."""
        names = set().union(*(p.components for p in self.points))
        first: dict[str, tuple[int, float]] = {}
        for n, p in enumerate(self.points):
            if len(first) == len(names):
                break
            for c, v in p.components.items():
                if v is not None and c not in first:
                    first[c] = (n, v)
        out: dict[str, float | None] = dict.fromkeys(first)
        todo = set(first)
        for n in range(len(self.points) - 1, -1, -1):
            if not todo:
                break
            for c, v in self.points[n].components.items():
                if v is not None and c in todo:
                    todo.discard(c)
                    at, value = first[c]
                    out[c] = v - value if n > at else None
        return out


def _last_minus_first(values: list[float | None]) -> float | None:
    scored = [v for v in values if v is not None]
    return scored[-1] - scored[0] if len(scored) >= 2 else None


@dataclass(frozen=True)
class Aggregate:
    by: str | None
    floor: int
    groups: int
    sessions: int
    responses: int
    answers: int
    components: dict[str, MeanCI]  # withheld cells: n only (mean None)
    breakdown: dict[str, dict[str, MeanCI]]  # by-key value -> component -> mean
    bands: tuple[BandCounts, ...]
    benefit_links: tuple[BenefitLink, ...]
    comparisons: tuple[ComponentComparison, ...]
    trends: tuple[Trend, ...]
    alpha: tuple[Alpha, ...]
    notes: tuple[str, ...] = ()

    @property
    def about(self) -> tuple[str, ...]:
        """The statements every renderer shows once."""
        return (INSTRUMENT_NOTE, LINKS_NOTE, floor_note(self.floor))


def counted(n: int, one: str, many: str) -> str:
    """'1 group', '3 groups': the counts at the head of every rendering."""
    return f"{n} {one if n == 1 else many}"


def totals(agg: Aggregate) -> str:
    return " · ".join(
        (
            counted(agg.groups, "group", "groups"),
            counted(agg.sessions, "session", "sessions"),
            counted(agg.responses, "response", "responses"),
            counted(agg.answers, "answer", "answers"),
        )
    )
