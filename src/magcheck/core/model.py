"""Plain data types shared by every layer: components, benefits, questionnaires, scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

COMPONENT_IDS: tuple[str, ...] = (
    "coping",
    "emotion",
    "problem_solving",
    "support",
    "trust",
    "identity",
    "networks",
    "agency",
)
BENEFIT_IDS: tuple[str, ...] = (
    "quality_of_life",
    "health_learning",
    "social_functioning",
    "life_skills",
    "hope",
)
ROLES: tuple[str, ...] = ("facilitator", "member", "observer")
# A code that stands for a person (respondent M3, keyer K1): up to 16 letters, digits, '-' or
# '_', holding a digit, so it can never be a person's name (match it whole: re.fullmatch).
PERSON_CODE = r"(?=.*\d)[A-Za-z0-9][A-Za-z0-9_-]{0,15}"

# Answers that are not a point on the scale. Each is left out of scores and counted in reports.
PREFER_NOT_TO_SAY = "prefer_not_to_say"
DONT_KNOW = "dont_know"  # a facilitator cannot observe everything
NOT_APPLICABLE = "not_applicable"  # "doesn't apply to me", for members
NON_ANSWERS: tuple[str, ...] = (PREFER_NOT_TO_SAY, DONT_KNOW, NOT_APPLICABLE)
LANGUAGES: tuple[str, ...] = ("en", "es", "pt")


@dataclass(frozen=True)
class Bands:
    """Score edges: strong >= strong; developing >= developing; weak >= weak; else missing."""

    strong: Fraction = Fraction(75)
    developing: Fraction = Fraction(50)
    weak: Fraction = Fraction(25)


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: dict[str, tuple[str, ...]]
    prefer_not_to_say: bool = False
    dont_know: bool = False
    not_applicable: bool = False

    @property
    def non_answers(self) -> tuple[str, ...]:
        """The non-answers this scale offers, in a fixed order."""
        offered = {
            PREFER_NOT_TO_SAY: self.prefer_not_to_say,
            DONT_KNOW: self.dont_know,
            NOT_APPLICABLE: self.not_applicable,
        }
        return tuple(kind for kind in NON_ANSWERS if offered[kind])

    @property
    def step(self) -> Fraction:
        """One answer step on the 0-100 score scale: 100 / (max - min)."""
        return Fraction(100, self.max - self.min)

    @property
    def points(self) -> range:
        return range(self.min, self.max + 1)

    def label(self, value: int, lang: str) -> str:
        return self.labels[lang][value - self.min]


@dataclass(frozen=True)
class Item:
    id: str
    component: str
    text: dict[str, str]
    reverse: bool = False
    parallel: str | None = None  # a facilitator item's member partner (same meaning, 3rd person)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    role: str
    languages: tuple[str, ...]
    title: dict[str, str]
    description: dict[str, str]
    scale: Scale
    items: tuple[Item, ...]
    bands: Bands = field(default_factory=Bands)
    content_hash: str = ""
    source: str = ""

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def items_of(self, component: str) -> tuple[Item, ...]:
        return tuple(it for it in self.items if it.component == component)

    @property
    def components(self) -> tuple[str, ...]:
        used = {it.component for it in self.items}
        return tuple(c for c in COMPONENT_IDS if c in used)

    def text_lang(self, lang: str) -> str:
        """The language to show: the one asked for if the questionnaire has it, else its first."""
        return lang if lang in self.languages else self.languages[0]
