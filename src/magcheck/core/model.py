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
LANGUAGES: tuple[str, ...] = ("en", "es", "pt")


@dataclass(frozen=True)
class Bands:
    """Score edges: score >= strong is strong; developing <= score < strong; else missing."""

    strong: Fraction = Fraction(75)
    developing: Fraction = Fraction(50)


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: dict[str, tuple[str, ...]]
    prefer_not_to_say: bool = False

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
